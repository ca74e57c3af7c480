package dev.txc.tests.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.txc.driver.Main;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/txc's AOT cache: made on the first run after a build, reused by the next runs, and a corrupt or foreign cache
 * does not change what a run prints. The launcher runs in a temporary copy of the checkout whose "build" is a
 * manifest-only driver jar naming the jars of this test's class path (so no Maven build happens).
 */
class LauncherAotCacheTest {
    private static final Path REPO = root();
    private static final String USED = "dev.txc.driver.Main source: shared objects file";

    @TempDir
    Path dir;

    private record Run(int status, String out, String err) {}

    @Test
    void theCacheIsMadeOnceReusedAndACorruptOrForeignOneIsIgnored() throws Exception {
        Path driverJar = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        assumeTrue(driverJar.toString().endsWith(".jar"), "the driver is not packaged as a jar (run mvn verify)");
        Path root = checkout(driverJar.toAbsolutePath());
        String expected = Cli.ok("run", root.resolve("examples/logistic.tx").toString(), "--fn", "train");
        Path aot = root.resolve("driver/target/aot");
        Path cache = aot.resolve("txc-vector.aot");

        // first run: makes the cache, prints exactly what the in-process command prints
        Run first = txc(root, Map.of(), "run", "examples/logistic.tx", "--fn", "train");
        assertEquals(new Run(0, expected, ""), first);
        assertTrue(Files.size(cache) > 0, "no AOT cache after the first run");
        try (var files = Files.list(aot)) {
            assertEquals(List.of(), files.map(p -> p.getFileName().toString()).filter(n -> n.contains(".tmp.")).toList(), "left-over temporary files");
        }
        FileTime made = Files.getLastModifiedTime(cache);

        // second run: starts from the cache (the JVM loads txc's classes from it) and leaves it as it is
        Path classes = dir.resolve("classes.txt");
        Map<String, String> log = Map.of("TXC_JAVA_OPTS", "-Xlog:class+load=info:file=" + classes);
        assertEquals(new Run(0, expected, ""), txc(root, log, "run", "examples/logistic.tx", "--fn", "train"));
        assertTrue(Files.readString(classes).contains(USED), "the second run did not use the AOT cache");
        assertEquals(made, Files.getLastModifiedTime(cache), "the cache was made again");

        // the compile cache: the first run stored the compiled function (the training run used a cache of its own),
        // which later runs load; TXC_CACHE=0 compiles, and says nothing different
        try (var files = Files.list(root.resolve("compile-cache/compiled"))) {
            assertEquals(1, files.count(), "one entry in the compile cache");
        }
        Run verbose = txc(root, Map.of(), "run", "examples/logistic.tx", "--fn", "train", "--verbose");
        assertEquals(expected, verbose.out());
        assertTrue(verbose.err().contains("txc: compiled code of 'train' from the cache"), verbose.err());
        assertEquals(new Run(0, expected, ""), txc(root, Map.of("TXC_CACHE", "0"), "run", "examples/logistic.tx", "--fn", "train"));

        // a corrupt cache: the JVM refuses it, the run prints what it always prints
        byte[] junk = new byte[64 * 1024];
        new Random(13).nextBytes(junk);
        Files.write(cache, junk);
        Files.delete(classes);
        assertEquals(new Run(0, expected, ""), txc(root, log, "run", "examples/logistic.tx", "--fn", "train"));
        assertFalse(Files.readString(classes).contains(USED), "classes came from a corrupt cache");

        // a foreign cache: one made for other JVM options (without jdk.incubator.vector) in place of the vector one
        assertEquals(new Run(0, expected, ""), txc(root, Map.of("TXC_VECTOR", "0"), "run", "examples/logistic.tx", "--fn", "train"));
        Files.copy(aot.resolve("txc-scalar.aot"), cache, StandardCopyOption.REPLACE_EXISTING);
        Files.setLastModifiedTime(cache, FileTime.fromMillis(System.currentTimeMillis()));
        assertEquals(new Run(0, expected, ""), txc(root, Map.of(), "run", "examples/logistic.tx", "--fn", "train"));

        // TXC_AOT=0 neither makes nor uses a cache
        Files.delete(cache);
        assertEquals(new Run(0, expected, ""), txc(root, Map.of("TXC_AOT", "0"), "run", "examples/logistic.tx", "--fn", "train"));
        assertFalse(Files.exists(cache), "TXC_AOT=0 made a cache");
    }

    /** A copy of bin/txc and the logistic example, with a driver jar naming this test's jars and a fresh build stamp. */
    private Path checkout(Path driverJar) throws IOException {
        Path root = dir.resolve("txc");
        Files.createDirectories(root.resolve("bin"));
        Path txc = Files.copy(REPO.resolve("bin/txc"), root.resolve("bin/txc"));
        assertTrue(txc.toFile().setExecutable(true));
        Files.createDirectories(root.resolve("examples/data"));
        for (String f : List.of("logistic.tx", "data/x.npy", "data/y.npy"))
            Files.copy(REPO.resolve("examples").resolve(f), root.resolve("examples").resolve(f));
        Path target = Files.createDirectories(root.resolve("driver/target"));
        var manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        // the driver jar last: its own manifest names jars in the local Maven repository, which may be older
        var jars = new ArrayList<String>();
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator))
            if (e.endsWith(".jar") && Files.isRegularFile(Path.of(e)) && !Path.of(e).toAbsolutePath().equals(driverJar))
                jars.add(Path.of(e).toAbsolutePath().toUri().getRawPath());
        jars.add(driverJar.toUri().getRawPath());
        manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, String.join(" ", jars));
        try (OutputStream o = Files.newOutputStream(target.resolve("txc-driver-0.1.0-test.jar")); var j = new JarOutputStream(o, manifest)) {
            j.flush();
        }
        Files.writeString(target.resolve(".txc-built"), "");
        return root;
    }

    private static Run txc(Path root, Map<String, String> env, String... args) throws IOException, InterruptedException {
        var cmd = new ArrayList<String>(List.of(root.resolve("bin/txc").toString()));
        cmd.addAll(Arrays.asList(args));
        var pb = new ProcessBuilder(cmd).directory(root.toFile());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        for (String k : List.of("TXC_JAVA_OPTS", "TXC_VECTOR", "TXC_AOT", "TXC_CACHE")) pb.environment().remove(k);
        pb.environment().put("TXC_CACHE_DIR", root.resolve("compile-cache").toString());
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        Thread t1 = Thread.ofVirtual().start(() -> copy(p.getInputStream(), out));
        Thread t2 = Thread.ofVirtual().start(() -> copy(p.getErrorStream(), err));
        if (!p.waitFor(600, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("bin/txc " + String.join(" ", args) + " did not finish");
        }
        t1.join();
        t2.join();
        return new Run(p.exitValue(), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static void copy(InputStream in, ByteArrayOutputStream to) {
        try (in) {
            in.transferTo(to);
        } catch (IOException e) {
            // the process died; what was read is what there is
        }
    }

    private static Path root() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent())
            if (Files.isRegularFile(p.resolve("bin/txc")) && Files.isDirectory(p.resolve("driver"))) return p;
        throw new IllegalStateException("cannot find the repository root above " + Path.of("").toAbsolutePath());
    }
}
