package dev.txc.driver;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Helpers for standalone-jar tests: the example sources, {@code txc compile}, and child JVMs with nothing but a JDK. */
final class Jars {
    private Jars() {}

    /** A file of the repository, found from the working directory (Maven runs tests in the module directory). */
    static Path repoFile(String relative) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path p = dir.resolve(relative);
            if (Files.exists(p) && Files.exists(dir.resolve("pom.xml")) && Files.isDirectory(dir.resolve("driver"))) return p;
        }
        throw new IllegalStateException("cannot find " + relative + " above " + Path.of("").toAbsolutePath());
    }

    /** The standalone example: a training function without arguments, pure functions, state loaded from data files. */
    static Path example() {
        return repoFile("examples/logistic.tx");
    }

    /** {@code txc compile SOURCE -o JAR}, in process; fails the test on a non-zero status. */
    static Path compile(Path source, Path jar, String... flags) {
        var args = new ArrayList<>(List.of("compile", source.toString(), "-o", jar.toString()));
        args.addAll(List.of(flags));
        Cli r = Cli.run(args.toArray(new String[0]));
        if (r.status() != 0) throw new AssertionError("txc compile failed\n" + r);
        return jar;
    }

    /** JDK 25's {@code java}: the Temurin 25 install when present, else this JVM's. */
    static Path java() {
        Path temurin = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64/bin/java");
        return Files.isExecutable(temurin) ? temurin : Path.of(System.getProperty("java.home"), "bin", "java");
    }

    /** The JVM option every child gets, as bin/txc and the tests' own JVM do: the Vector API, so kernels match txc run's. */
    static final String VECTORS = "--add-modules=jdk.incubator.vector";
    private static final String VECTORS_WARNING = "WARNING: Using incubator modules: jdk.incubator.vector\n";

    /**
     * Runs {@code java ARGS} in {@code dir} with the Vector API module and no inherited class path or JVM options
     * (the module's start-up warning left out of stderr, as bin/txc leaves it out); waits at most 120 s.
     */
    static Cli child(Path dir, List<String> args) throws IOException, InterruptedException {
        var all = new ArrayList<>(List.of(VECTORS));
        all.addAll(args);
        Cli c = plainChild(dir, all);
        return new Cli(c.status(), c.out(), c.err().replace(VECTORS_WARNING, ""));
    }

    /** Runs {@code java ARGS} in {@code dir} with no inherited class path or JVM options (so without the Vector API). */
    static Cli plainChild(Path dir, List<String> args) throws IOException, InterruptedException {
        var cmd = new ArrayList<String>();
        cmd.add(java().toString());
        cmd.addAll(args);
        var pb = new ProcessBuilder(cmd).directory(dir.toFile());
        for (String v : List.of("CLASSPATH", "JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS", "TXC_STDERR_TTY")) pb.environment().remove(v);
        Process p = pb.start();
        p.getOutputStream().close();
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        Thread t1 = Thread.ofVirtual().start(() -> copy(p.getInputStream(), out));
        Thread t2 = Thread.ofVirtual().start(() -> copy(p.getErrorStream(), err));
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("java " + String.join(" ", args) + " did not finish in 120 s");
        }
        t1.join();
        t2.join();
        return new Cli(p.exitValue(), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** {@code java -jar JAR ARGS} in {@code dir}. */
    static Cli javaJar(Path dir, Path jar, String... args) throws IOException, InterruptedException {
        var all = new ArrayList<>(List.of("-jar", jar.toString()));
        all.addAll(List.of(args));
        return child(dir, all);
    }

    private static void copy(InputStream in, ByteArrayOutputStream to) {
        try (in) {
            in.transferTo(to);
        } catch (IOException e) {
            // the process died; what was read is what there is
        }
    }
}
