package dev.txc.tests.numeric;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import org.junit.jupiter.api.Test;

/**
 * Differential testing of {@code scan}: {@link DifferentialTest}'s random programs with scans among their expressions
 * (maps over ranges and over leading axes, recurrences with a carry; forwards, reversed and checkpointed; nested two
 * deep; inside the costs of grad and the outputs of rop, so reverse and forward mode run through them). Each program
 * must give the same results from the interpreter, the JVM backend and the optimized JVM backend, and an f64 program's
 * gradient must match central differences of its cost. Rerun one with -Dtxc.diff.seed=SEED -Dtxc.diff.count=1.
 */
class ScanDifferentialTest {
    static final long BASE_SEED = Long.getLong("txc.diff.seed", 20261206L);
    static final int COUNT = Integer.getInteger("txc.diff.count", 150);

    @Test
    void randomScanProgramsAgreeAcrossBackendsAndWithFiniteDifferences() {
        var failures = new ArrayList<String>();
        int scans = 0;
        for (int i = 0; i < COUNT; i++) {
            long seed = BASE_SEED + i;
            var p = DifferentialTest.program(seed, true);
            if (p.src().contains("scan")) scans++;
            String f = DifferentialTest.check(seed, p, true);
            if (f != null) {
                failures.add(f);
                System.err.println("---- scan differential failure " + failures.size() + "\n" + f);
            }
        }
        if (!failures.isEmpty())
            fail(failures.size() + " of " + COUNT + " random scan programs failed; the first:\n" + failures.getFirst());
        assertTrue(scans >= COUNT / 2, "only " + scans + " of " + COUNT + " programs have a scan");
    }
}
