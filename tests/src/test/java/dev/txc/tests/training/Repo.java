package dev.txc.tests.training;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the repository's files are, found from the test's working directory (Maven runs tests in {@code tests/}). */
final class Repo {
    private Repo() {}

    static final Path ROOT = find();

    private static Path find() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent())
            if (Files.isRegularFile(p.resolve("examples/README.md")) && Files.isDirectory(p.resolve("driver"))) return p;
        throw new IllegalStateException("cannot find the repository root above " + Path.of("").toAbsolutePath());
    }

    static Path examples() {
        return ROOT.resolve("examples");
    }
}
