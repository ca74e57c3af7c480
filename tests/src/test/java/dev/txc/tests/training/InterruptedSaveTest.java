package dev.txc.tests.training;

import static org.junit.jupiter.api.Assertions.*;

import dev.txc.runtime.NDArray;
import dev.txc.runtime.Npy;
import dev.txc.types.DType;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A save interrupted by SIGKILL leaves a readable state: a child process ({@link SaveLoop}) saves several MB of state
 * again and again and is killed at random moments; afterwards every state file must read back complete, holding
 * either the generation last reported saved or the one after it (never a mix within a file, never a truncated
 * file), the command must load the directory, and leftover temporary files must not get in the way.
 */
class InterruptedSaveTest {
    static final String BIG = SharedSemanticsTest.src("big.tx");
    static final int TRIALS = 6;

    /** The last complete "saved G" line of the child, or -1. */
    record Killed(long lastSaved, String stderr) {}

    static Killed runAndKill(String mode, Path dir, long killAfterMs) throws Exception {
        Process p = Txc.javaProcess(SaveLoop.class.getName(), mode, dir.toString(), BIG)
                .redirectError(ProcessBuilder.Redirect.PIPE).start();
        var last = new AtomicLong(-1);
        Thread reader = Thread.ofVirtual().start(() -> {
            try (var in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null)
                    if (line.startsWith("saved ")) last.set(Long.parseLong(line.substring(6).strip()));
            } catch (IOException | NumberFormatException e) {
                // a line cut by the kill, or the stream closed: what was read counts
            }
        });
        var err = new StringBuilder();
        Thread errReader = Thread.ofVirtual().start(() -> {
            try {
                err.append(new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                // ignore
            }
        });
        // wait until the first state is complete, then give it a random while longer
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (last.get() < 0) {
            if (!p.isAlive()) {
                errReader.join();
                fail("the save loop exited with status " + p.exitValue() + " before saving:\n" + err);
            }
            if (System.nanoTime() > deadline) {
                p.destroyForcibly();
                fail("the save loop saved nothing in 120 s");
            }
            Thread.sleep(5);
        }
        Thread.sleep(killAfterMs);
        assertTrue(p.isAlive(), "the save loop stopped by itself:\n" + err);
        p.destroyForcibly(); // SIGKILL
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        reader.join();
        errReader.join();
        return new Killed(last.get(), err.toString());
    }

    /** The one generation a state file holds; fails on a torn or mixed file. */
    static long generation(Path file, DType dtype, int... shape) {
        NDArray a = Npy.read(file); // throws on a truncated file
        assertEquals(dtype, a.dtype(), file.toString());
        assertArrayEquals(shape, a.shape(), file.toString());
        double[] d = a.toDoubleArray();
        double g = d[0];
        for (int i = 1; i < d.length; i++)
            if (d[i] != g) fail(file + " is torn: element 0 is " + g + " but element " + i + " is " + d[i]);
        return (long) g;
    }

    static List<Path> temporaries(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> !p.getFileName().toString().matches("(gen|big|small)\\.npy")).toList();
        }
    }

    void trials(String mode, Path tmp, long seed, int maxDelayMs) throws Exception {
        Random rnd = new Random(seed);
        var report = new ArrayList<String>();
        int mixed = 0;
        int interrupted = 0;
        for (int t = 0; t < TRIALS; t++) {
            Path dir = tmp.resolve(mode + t);
            Killed k = runAndKill(mode, dir, rnd.nextInt(maxDelayMs));
            // A killed save leaves only hidden files: temporaries, pending values (.NAME.npy.new) and the journal.
            List<Path> temps = temporaries(dir);
            for (Path p : temps) {
                String n = p.getFileName().toString();
                assertTrue(n.startsWith(".") && (n.endsWith(".tmp") || n.endsWith(".npy.new") || n.equals(".commit")), "unexpected file " + p);
            }
            boolean mid = temps.stream().anyMatch(p -> !p.getFileName().toString().endsWith(".tmp"));
            if (mid) interrupted++;
            // Loading completes a committed save or discards an uncommitted one, then carries on from it.
            Txc peek = Txc.ok("run", BIG, "--fn", "peek", "--load-state", dir.toString(), "--format", "json");
            long g0 = generation(dir.resolve("gen.npy"), DType.I64);
            long g1 = generation(dir.resolve("big.npy"), DType.F64, 1024, 1024);
            long g2 = generation(dir.resolve("small.npy"), DType.F64, 3);
            // The command line saves a directory all or nothing; the "npy" mode writes files one by one (each atomically).
            if (mode.equals("cli")) assertTrue(g0 == g1 && g1 == g2, "trial " + t + ": after recovery the files hold generations " + g0 + "/" + g1 + "/" + g2);
            for (long g : new long[] {g0, g1, g2})
                assertTrue(g == k.lastSaved() || g == k.lastSaved() + 1,
                        "trial " + t + ": a file holds generation " + g + " but the last save reported was " + k.lastSaved());
            if (g0 != k.lastSaved()) mixed++;
            report.add("trial " + t + ": saved " + k.lastSaved() + ", recovered generation " + g0 + ", " + temps.size() + " leftover file(s)");
            assertEquals(g0, peek.json().output("gen").get("data").integer(), peek.out());
            assertEquals((double) g1, peek.json().output("out1").get("data").num());
            assertEquals((double) g1, peek.json().output("out2").get("data").num());
            Txc.ok("run", BIG, "--fn", "bump", "--load-state", dir.toString(), "--save-state", dir.toString());
            assertEquals(g0 + 1, generation(dir.resolve("gen.npy"), DType.I64));
            assertEquals(g1 + 1, generation(dir.resolve("big.npy"), DType.F64, 1024, 1024));
        }
        System.out.println("InterruptedSaveTest " + mode + ": " + String.join("; ", report) + " (" + interrupted + " interrupted mid-save, " + mixed
                + " rolled forward to the save in progress)");
    }

    @Test
    void killedDuringNpyWrites(@TempDir Path tmp) throws Exception {
        trials("npy", tmp, 1, 1500);
    }

    @Test
    void killedDuringTxcRunWithSaveState(@TempDir Path tmp) throws Exception {
        trials("cli", tmp, 2, 3000);
    }

    /**
     * A save is all or nothing: after a kill at any moment, loading the directory (which first completes a committed
     * save or discards an uncommitted one) gives every variable from the same generation, never the new w with the
     * old b.
     */
    @Test
    void killedSaveLeavesOneConsistentGeneration(@TempDir Path tmp) throws Exception {
        Random rnd = new Random(3);
        for (int t = 0; t < 20; t++) {
            Path dir = tmp.resolve("cli" + t);
            Killed k = runAndKill("cli", dir, rnd.nextInt(3000));
            if (Files.exists(dir.resolve("gen.npy"))) Txc.ok("run", BIG, "--fn", "peek", "--load-state", dir.toString());
            else continue;
            long g0 = generation(dir.resolve("gen.npy"), DType.I64);
            long g1 = generation(dir.resolve("big.npy"), DType.F64, 1024, 1024);
            long g2 = generation(dir.resolve("small.npy"), DType.F64, 3);
            assertTrue(g0 == g1 && g1 == g2, "trial " + t + ": last reported save " + k.lastSaved() + ", but gen.npy holds generation " + g0
                    + ", big.npy " + g1 + ", small.npy " + g2);
        }
    }

    @Test
    void strayTemporaryFilesDoNotBreakLoading(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("s");
        Txc.ok("run", BIG, "--fn", "bump", "--save-state", dir.toString());
        // what a killed save leaves: a partial temporary next to each file, named as Npy.write names them
        byte[] whole = Files.readAllBytes(dir.resolve("big.npy"));
        Files.write(dir.resolve(".big.npy.12345.1.tmp"), java.util.Arrays.copyOf(whole, whole.length / 3));
        Files.write(dir.resolve(".gen.npy.12345.2.tmp"), new byte[0]);
        Files.write(dir.resolve("big.npy.tmp"), new byte[] {1, 2, 3});
        Txc peek = Txc.ok("run", BIG, "--fn", "peek", "--load-state", dir.toString());
        assertEquals("gen = 1\nout1 = 1.0\nout2 = 1.0\nout3 = 1.0\nout4 = 1.0\n", peek.out());
        Txc.ok("run", BIG, "--fn", "bump", "--load-state", dir.toString(), "--save-state", dir.toString());
        assertEquals(2, generation(dir.resolve("gen.npy"), DType.I64));
        assertEquals(2, generation(dir.resolve("big.npy"), DType.F64, 1024, 1024));
    }
}
