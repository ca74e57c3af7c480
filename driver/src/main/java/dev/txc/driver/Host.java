package dev.txc.driver;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

/** Facts about the machine the driver runs on: programs on PATH. */
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
}
