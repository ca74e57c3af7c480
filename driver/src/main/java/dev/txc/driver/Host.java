package dev.txc.driver;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Facts about the machine the driver runs on: programs on PATH and the presence of a CUDA driver. */
final class Host {
    private Host() {}

    /** The executable {@code name} in a PATH directory, or null. */
    static Path onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) return null;
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) continue;
            Path p = Path.of(dir, name);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) return p;
        }
        return null;
    }

    /** Whether the NVIDIA driver library is installed where the dynamic loader would look. */
    static boolean cudaDriverPresent() {
        var dirs = new ArrayList<String>(List.of("/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/lib", "/usr/local/cuda/lib64", "/usr/lib/wsl/lib"));
        String ld = System.getenv("LD_LIBRARY_PATH");
        if (ld != null) dirs.addAll(List.of(ld.split(File.pathSeparator)));
        for (String d : dirs) if (!d.isEmpty() && Files.exists(Path.of(d, "libcuda.so.1"))) return true;
        return false;
    }
}
