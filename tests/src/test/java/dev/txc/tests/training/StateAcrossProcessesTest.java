package dev.txc.tests.training;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * State written by one {@code txc} process and loaded by the next continues the run exactly: 500 steps, then 500
 * more in a fresh JVM, give the same bytes as 1000 steps in one go.
 */
class StateAcrossProcessesTest {
    static final String EXAMPLE = Repo.examples().resolve("logistic.tx").toString();
    static final long TIMEOUT_S = 120;

    static Txc child(String... args) throws IOException, InterruptedException {
        Txc r = Txc.child(TIMEOUT_S, args);
        if (r.status() != 0) throw new AssertionError("child txc " + String.join(" ", args) + "\n" + r);
        return r;
    }

    /** Every file of a state directory, by name, as bytes. */
    static TreeMap<String, byte[]> files(Path dir) throws IOException {
        var m = new TreeMap<String, byte[]>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.toList()) m.put(p.getFileName().toString(), Files.readAllBytes(p));
        }
        return m;
    }

    static void assertSameState(Path expected, Path actual) throws IOException {
        var e = files(expected);
        var a = files(actual);
        assertEquals(e.keySet(), a.keySet());
        for (String name : e.keySet()) assertArrayEquals(e.get(name), a.get(name), name + " differs");
    }

    @Test
    void fiveHundredPlusFiveHundredIsAThousand(@TempDir Path tmp) throws Exception {
        Path whole = tmp.resolve("whole");
        Path split = tmp.resolve("split");
        Txc one = child("run", EXAMPLE, "--fn", "train", "--repeat", "1000", "--save-state", whole.toString(), "--format", "json");
        child("run", EXAMPLE, "--fn", "train", "--repeat", "500", "--save-state", split.toString(), "--format", "json");
        byte[] half = Files.readAllBytes(split.resolve("w.npy"));
        Txc second = child("run", EXAMPLE, "--fn", "train", "--repeat", "500", "--load-state", split.toString(), "--save-state", split.toString(), "--format", "json");
        assertEquals(List.of("X.npy", "b.npy", "w.npy", "y.npy"), List.copyOf(files(whole).keySet()));
        assertSameState(whole, split);
        // the last call's cost, as written, is the same too
        assertEquals(one.out(), second.out());
        // and the second half did move the weights
        assertFalse(java.util.Arrays.equals(half, Files.readAllBytes(split.resolve("w.npy"))));
        // the same through the in-process command
        Path inproc = tmp.resolve("inproc");
        Txc.ok("run", EXAMPLE, "--fn", "train", "--repeat", "1", "--save-state", inproc.toString());
        Txc.ok("run", EXAMPLE, "--fn", "train", "--repeat", "999", "--load-state", inproc.toString(), "--save-state", inproc.toString());
        assertSameState(whole, inproc);
    }

    @Test
    void integerStateAcrossProcesses(@TempDir Path tmp) throws Exception {
        String seed = SharedSemanticsTest.SEED;
        Path s = tmp.resolve("s");
        assertEquals("w = 1\n", child("run", seed, "--fn", "f", "--arg", "x=3", "--save-state", s.toString()).out());
        assertEquals("w = 4\n", child("run", seed, "--fn", "f", "--arg", "x=3", "--load-state", s.toString(), "--save-state", s.toString()).out());
        assertEquals("w = 7\n", child("run", seed, "--fn", "f", "--arg", "x=3", "--load-state", s.toString()).out());
    }
}
