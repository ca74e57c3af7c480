package dev.txc.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code txc run --profile}: one row per kernel and library call, with as many calls as the function ran. */
class ProfileTest {
    private static final Pattern ROW = Pattern.compile("(f %\\d+ = .+?) +(\\d+) +(\\d+\\.\\d+) +(\\d+\\.\\d)% +(\\d+\\.\\d+) +(\\d+\\.\\d+)");

    @Test
    void everyKernelAndCallHasARow(@TempDir Path dir) throws Exception {
        Path src = dir.resolve("p.tx");
        Files.writeString(src, "fn f(x: f64[N, 8], w: f64[8]) = sum(exp(x @ w) * 2.0) + max(x)\n");
        String[] args = {"run", src.toString(), "--fn", "f", "--arg", "x=ones:50x8", "--arg", "w=ones:8", "--repeat", "7"};
        Cli plain = Cli.run(args);
        Cli profiled = Cli.run(concat(args, "--profile"));
        assertEquals(0, profiled.status(), profiled.toString());
        assertEquals(plain.out(), profiled.out(), "the outputs do not change");
        assertFalse(plain.err().contains("profile"), plain.err());

        List<String> lines = profiled.err().lines().toList();
        assertTrue(lines.getFirst().startsWith("profile: "), profiled.err());
        Map<String, Integer> calls = new HashMap<>();
        double share = 0;
        for (String l : lines.subList(2, lines.size())) {
            Matcher m = ROW.matcher(l);
            assertTrue(m.matches(), l);
            calls.put(m.group(1), Integer.parseInt(m.group(2)));
            share += Double.parseDouble(m.group(4));
        }
        // x @ w (a GEMV over the rows of x), exp(.) * 2 summed in one kernel, max(x) a library reduction
        assertTrue(calls.keySet().stream().anyMatch(k -> k.endsWith("= call gemv.dot")), calls.toString());
        assertTrue(calls.keySet().stream().anyMatch(k -> k.endsWith("= call reduce.max axes=[0, 1]")), calls.toString());
        assertTrue(calls.keySet().stream().anyMatch(k -> k.matches("f %\\d+ = @k\\d+")), calls.toString());
        for (var e : calls.entrySet()) assertEquals(7, e.getValue(), e.getKey());
        assertEquals(100, share, 0.05 * calls.size() + 0.01);

        // The property is cleared afterwards: a later run in the same JVM compiles without the calls.
        Cli after = Cli.run(args);
        assertEquals(plain.err(), after.err());
        assertFalse(Boolean.getBoolean(dev.txc.runtime.Profile.PROPERTY));
    }

    @Test
    void theInterpreterHasNoProfile() {
        Cli c = Cli.run("run", Jars.example().toString(), "--fn", "train", "--engine", "interp", "--profile");
        assertEquals(2, c.status(), c.toString());
        assertTrue(c.err().contains("--profile times compiled code"), c.err());
    }

    private static String[] concat(String[] a, String b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + 1);
        out[a.length] = b;
        return out;
    }
}
