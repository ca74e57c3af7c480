package dev.txc.cuda.lib;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.txc.cuda.PtxEntry;
import dev.txc.cuda.PtxTarget;
import dev.txc.cuda.math.PtxMath;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Assembles library entries with {@code ptxas} (CUDA's assembler, /usr/local/bin/ptxas or on the PATH) for sm_80 and
 * sm_90; tests skip with a message where it is absent. The modules carry the {@link PtxMath} routines the entries
 * call, each once, ahead of the entries.
 */
final class Ptxas {
    private Ptxas() {}

    static String path() {
        for (String p : List.of("/usr/local/bin/ptxas", "/usr/local/cuda/bin/ptxas")) if (Files.isExecutable(Path.of(p))) return p;
        String env = System.getenv("PATH");
        if (env != null) for (String dir : env.split(":")) if (Files.isExecutable(Path.of(dir, "ptxas"))) return Path.of(dir, "ptxas").toString();
        return null;
    }

    static void assumePresent() {
        assumeTrue(path() != null, "ptxas not found (install the CUDA toolkit to assemble the emitted PTX)");
    }

    /** A module holding the entries, the routines they call first. */
    static String module(PtxTarget target, List<PtxEntry> entries) {
        var sb = new StringBuilder(target.header()).append('\n');
        Set<String> routines = new TreeSet<>();
        for (PtxEntry e : entries) routines.addAll(e.routines());
        if (!routines.isEmpty()) sb.append(PtxMath.routines(routines)).append('\n');
        for (PtxEntry e : entries) sb.append(e.text()).append('\n');
        return sb.toString();
    }

    /** Assembles the entries for sm_80 and sm_90 (with -v); fails with ptxas's messages. Returns sm_80's -v output. */
    static String assemble(List<PtxEntry> entries) throws IOException, InterruptedException {
        assumePresent();
        String info = null;
        for (int sm : new int[] {80, 90}) {
            String text = module(new PtxTarget(sm), entries);
            Path f = Files.createTempFile("txc-lib", ".ptx");
            try {
                Files.writeString(f, text);
                Process p = new ProcessBuilder(path(), "-arch=sm_" + sm, "-v", "-o", "/dev/null", f.toString()).redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes());
                int rc = p.waitFor();
                assertEquals(0, rc, () -> "ptxas -arch=sm_" + sm + " rejected the module:\n" + out + "\n" + numbered(text));
                if (info == null) info = out;
            } finally {
                Files.deleteIfExists(f);
            }
        }
        return info;
    }

    private static String numbered(String text) {
        var sb = new StringBuilder();
        String[] lines = text.split("\n");
        for (int i = 0; i < lines.length && i < 400; i++) sb.append(i + 1).append(": ").append(lines[i]).append('\n');
        return sb.toString();
    }
}
