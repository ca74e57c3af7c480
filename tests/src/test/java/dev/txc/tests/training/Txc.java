package dev.txc.tests.training;

import dev.txc.driver.Main;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the {@code txc} command: in-process through {@link Main#run}, or as a child JVM. */
record Txc(int status, String out, String err) {
    /** {@code txc ARGS} in this JVM. */
    static Txc run(String... args) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int status;
        try (var o = new PrintStream(out, true, StandardCharsets.UTF_8); var e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            status = Main.run(args, o, e);
        }
        return new Txc(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** Like {@link #run} but fails the test unless the exit status is 0. */
    static Txc ok(String... args) {
        Txc r = run(args);
        if (r.status != 0) throw new AssertionError("txc " + String.join(" ", args) + "\n" + r);
        return r;
    }

    /** The parsed JSON object on stdout. */
    Json.Obj json() {
        return Json.parse(out).obj();
    }

    /** {@code java -cp <this test's class path> MAIN ARGS}, without inheriting anything but the environment. */
    static ProcessBuilder javaProcess(String mainClass, String... args) {
        return javaProcess(List.of(), mainClass, args);
    }

    private static ProcessBuilder javaProcess(List<String> jvmOptions, String mainClass, String... args) {
        var cmd = new ArrayList<String>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        // the compile cache the tests use (see the root pom), not the user's
        String cache = System.getProperty("txc.cache.dir");
        if (cache != null) cmd.add("-Dtxc.cache.dir=" + cache);
        cmd.add("-cp");
        cmd.add(classPath());
        cmd.add(mainClass);
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd);
    }

    /**
     * {@code txc ARGS} in a child JVM with the Vector API module, as bin/txc starts it (and as this JVM runs), its
     * start-up warning left out of stderr as bin/txc leaves it out; waits at most {@code timeoutSeconds}.
     */
    static Txc child(long timeoutSeconds, String... args) throws IOException, InterruptedException {
        Process p = javaProcess(List.of("--add-modules=jdk.incubator.vector"), Main.class.getName(), args).start();
        // small outputs only: read both streams after the exit would risk a full pipe, so read them concurrently
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        Thread t1 = Thread.ofVirtual().start(() -> copy(p.getInputStream(), out));
        Thread t2 = Thread.ofVirtual().start(() -> copy(p.getErrorStream(), err));
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("txc " + String.join(" ", args) + " did not finish in " + timeoutSeconds + " s");
        }
        t1.join();
        t2.join();
        String errText = err.toString(StandardCharsets.UTF_8).replace("WARNING: Using incubator modules: jdk.incubator.vector\n", "");
        return new Txc(p.exitValue(), out.toString(StandardCharsets.UTF_8), errText);
    }

    private static void copy(java.io.InputStream in, ByteArrayOutputStream to) {
        try (in) {
            in.transferTo(to);
        } catch (IOException e) {
            // the process died; what was read is what there is
        }
    }

    /**
     * This JVM's class path. Surefire may start tests from a manifest-only jar; it then still sets
     * {@code java.class.path} to the real test class path, which is what a child needs.
     */
    static String classPath() {
        String cp = System.getProperty("java.class.path");
        if (cp == null || cp.isBlank()) throw new IllegalStateException("no java.class.path");
        return String.join(File.pathSeparator, List.of(cp.split(File.pathSeparator)));
    }

    @Override
    public String toString() {
        return "exit " + status + "\n--- stdout ---\n" + out + "--- stderr ---\n" + err;
    }
}
