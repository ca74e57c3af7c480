package dev.txc.cuda.sim;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Runs {@code ptxas} (CUDA's PTX assembler) on a module, when it is installed. */
final class Ptxas {
    private Ptxas() {}

    /** The ptxas executable (PTXAS environment variable, /usr/local/bin/ptxas, /usr/local/cuda/bin/ptxas), or null. */
    static Path find() {
        String env = System.getenv("PTXAS");
        for (String c : new String[] {env, "/usr/local/bin/ptxas", "/usr/local/cuda/bin/ptxas"}) {
            if (c != null && Files.isExecutable(Path.of(c))) return Path.of(c);
        }
        return null;
    }

    /** ptxas's exit status and output for the module assembled for {@code arch}. */
    record Result(int status, String output) {}

    static Result assemble(Path ptxas, String module, String arch) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("ptxsim");
        try {
            Path src = dir.resolve("m.ptx");
            Files.writeString(src, module, StandardCharsets.UTF_8);
            Process p = new ProcessBuilder(ptxas.toString(), "-arch=" + arch, src.toString(), "-o",
                    dir.resolve("m.cubin").toString()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(-1, "ptxas timed out");
            }
            return new Result(p.exitValue(), out);
        } finally {
            try (var s = Files.list(dir)) {
                for (Path f : s.toList()) Files.deleteIfExists(f);
            }
            Files.deleteIfExists(dir);
        }
    }
}
