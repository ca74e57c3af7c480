package dev.txc.cuda;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Runs CUDA's ptxas on module text (tests skip, with a message, where it is not installed). */
public final class Ptxas {
    private Ptxas() {}

    public static Path binary() {
        String env = System.getenv("PTXAS");
        for (String c : new String[] {env, "/usr/local/bin/ptxas", "/usr/local/cuda/bin/ptxas"})
            if (c != null && Files.isExecutable(Path.of(c))) return Path.of(c);
        return null;
    }

    public static void assumePresent() {
        assumeTrue(binary() != null, "ptxas is not installed (looked in $PTXAS, /usr/local/bin, /usr/local/cuda/bin): PTX is not assembled");
    }

    /** Assembles {@code text} for sm_XX ({@code -c}: relocatable, so routines may be extern); returns ptxas -v output. */
    public static String assemble(String text, int sm, boolean relocatable) {
        try {
            Path dir = Files.createTempDirectory("txc-ptxas");
            Path in = dir.resolve("m.ptx"), out = dir.resolve("m.cubin");
            Files.writeString(in, text);
            var cmd = new ArrayList<>(List.of(binary().toString(), "-arch=sm_" + sm, "-v", "-o", out.toString()));
            if (relocatable) cmd.add("-c");
            cmd.add(in.toString());
            var p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String log = new String(p.getInputStream().readAllBytes());
            int rc = p.waitFor();
            if (rc != 0) fail("ptxas -arch=sm_" + sm + " rejects the module:\n" + log + "\n" + numbered(text));
            Files.deleteIfExists(out);
            Files.deleteIfExists(in);
            Files.deleteIfExists(dir);
            return log;
        } catch (IOException | InterruptedException e) {
            throw new AssertionError("running ptxas: " + e, e);
        }
    }

    private static String numbered(String text) {
        var sb = new StringBuilder();
        var lines = text.split("\n");
        for (int i = 0; i < lines.length; i++) sb.append(i + 1).append(": ").append(lines[i]).append('\n');
        return sb.toString();
    }

    /** The entries that ptxas -v reports spilling to local memory (nonzero spill stores or loads). */
    public static List<String> spills(String log) {
        var out = new ArrayList<String>();
        String fn = null;
        for (String line : log.split("\n")) {
            var m = java.util.regex.Pattern.compile("Compiling entry function '(\\w+)'").matcher(line);
            if (m.find()) fn = m.group(1);
            var s = java.util.regex.Pattern.compile("(\\d+) bytes spill stores, (\\d+) bytes spill loads").matcher(line);
            if (s.find() && (!s.group(1).equals("0") || !s.group(2).equals("0"))) out.add(fn + ": " + line.strip());
        }
        return out;
    }
}
