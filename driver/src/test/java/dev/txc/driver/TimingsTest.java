package dev.txc.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.txc.opt.Pipeline;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code txc run --timings}: a line per stage on stderr, what stdout shows unchanged. */
class TimingsTest {
    private static final Pattern LINE = Pattern.compile("  (.+?) +(\\d+\\.\\d\\d)");

    @Test
    void runPrintsOneLinePerStageAndTheSameOutputs() {
        String fn = Jars.example().toString();
        Cli plain = Cli.run("run", fn, "--fn", "train");
        Cli timed = Cli.run("run", fn, "--fn", "train", "--timings");
        assertEquals(0, plain.status(), plain.err());
        assertEquals(0, timed.status(), timed.err());
        assertEquals(plain.out(), timed.out());
        assertEquals("", plain.err());

        List<String> lines = timed.err().lines().toList();
        assertEquals("timings (ms, wall clock):", lines.getFirst());
        var names = new ArrayList<String>();
        double total = 0, stated = -1;
        for (String l : lines.subList(1, lines.size())) {
            Matcher m = LINE.matcher(l);
            assertTrue(m.matches(), l);
            String name = m.group(1).strip();
            double ms = Double.parseDouble(m.group(2));
            names.add(name);
            if (name.equals("total in main")) stated = ms;
            else if (!name.startsWith("of which") && !name.startsWith("JVM start")) total += ms;
        }
        // every pass of the -O2 pipeline, in the pipeline's order (canonicalize runs twice)
        List<String> passes = names.stream().filter(n -> n.startsWith("pass ")).map(n -> n.substring(5, n.indexOf(' ', 5))).toList();
        assertEquals(List.of("grad", "canonicalize", "const-fold", "stabilize", "canonicalize", "scan-hoist", "cse-dce", "shared-matrix-products", "elementwise-fusion"), passes);
        assertTrue(Pipeline.passNames().containsAll(passes), passes.toString());
        for (String stage : List.of("frontend", "lowering and bytecode", "first call (train)", "of which defining and loading the classes"))
            assertTrue(names.stream().anyMatch(n -> n.startsWith(stage)), stage + " missing in " + names);
        // the stages add up to the total (each printed rounded to 0.01 ms)
        assertEquals(stated, total, 0.01 * names.size());
    }
}
