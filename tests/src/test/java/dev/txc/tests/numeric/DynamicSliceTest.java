package dev.txc.tests.numeric;

import static dev.txc.tests.numeric.Harness.*;
import static dev.txc.types.DType.F64;

import dev.txc.ir.Tensor;
import java.util.ArrayList;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Slices with run-time bounds ({@code x[i:]}, {@code x[i:j]}, {@code x[i:j:s]}, {@code x[:, i:]}) against Python's
 * slicing written out as plain loops here (slice.indices clamping, negative bounds counting from the end), on the
 * interpreter and the JVM backend at -O0 and -O2; their gradients (reverse and forward, and second order through the
 * adjoint op) against finite differences and hand-derived values.
 */
class DynamicSliceTest {
    /** Python's slice(start, stop, step).indices(n) expanded to the selected positions; null bounds are absent. */
    static int[] pySlice(int n, Long start, Long stop, long step) {
        long lo = step > 0 ? 0 : -1, hi = step > 0 ? n : n - 1;
        long s = start == null ? (step > 0 ? lo : hi) : clamp(start, n, lo, hi);
        long e = stop == null ? (step > 0 ? hi : lo) : clamp(stop, n, lo, hi);
        var out = new ArrayList<Integer>();
        for (long k = s; step > 0 ? k < e : k > e; k += step) out.add((int) k);
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    private static long clamp(long v, int n, long lo, long hi) {
        if (v < 0) v += n;
        return Math.max(lo, Math.min(hi, v));
    }

    static double[] pick(double[] x, int[] idx) {
        double[] r = new double[idx.length];
        for (int k = 0; k < idx.length; k++) r[k] = x[idx[k]];
        return r;
    }

    static final double[] X = {10, 11, 12, 13, 14, 15};

    @Test
    void oneAxisAllBoundFormsAgainstPythonSlicing() {
        var c = compile("""
            fn from(x: f64[6], i: i64) = x[i:]
            fn upto(x: f64[6], j: i64) = x[:j]
            fn both(x: f64[6], i: i64, j: i64) = x[i:j]
            fn step2(x: f64[6], i: i64, j: i64) = x[i:j:2]
            fn back(x: f64[6], i: i64, j: i64) = x[i:j:-1]
            fn backfrom(x: f64[6], i: i64) = x[i::-2]
            fn backto(x: f64[?], j: i32) = x[:j:-1]
            """);
        Tensor x = f64(sh(6), X);
        for (long i = -8; i <= 8; i++) {
            check(run1(c, "from", x, i64(i)), F64, sh(pySlice(6, i, null, 1).length), pick(X, pySlice(6, i, null, 1)), "x[" + i + ":]");
            check(run1(c, "upto", x, i64(i)), F64, sh(pySlice(6, null, i, 1).length), pick(X, pySlice(6, null, i, 1)), "x[:" + i + "]");
            check(run1(c, "backfrom", x, i64(i)), F64, sh(pySlice(6, i, null, -2).length), pick(X, pySlice(6, i, null, -2)), "x[" + i + "::-2]");
            Tensor j32 = Tensor.scalarLong(dev.txc.types.DType.I32, i);
            check(run1(c, "backto", x, j32), F64, sh(pySlice(6, null, i, -1).length), pick(X, pySlice(6, null, i, -1)), "x[:" + i + ":-1]");
            for (long j = -8; j <= 8; j += 3) {
                for (String[] f : new String[][] {{"both", "1"}, {"step2", "2"}, {"back", "-1"}}) {
                    int[] idx = pySlice(6, i, j, Long.parseLong(f[1]));
                    check(run1(c, f[0], x, i64(i), i64(j)), F64, sh(idx.length), pick(X, idx), "x[" + i + ":" + j + ":" + f[1] + "]");
                }
            }
        }
    }

    @Test
    void otherAxesMixedWithIndicesAndStaticSlices() {
        var c = compile("""
            fn cols(x: f64[3, 4], i: i64) = x[:, i:]
            fn rowcol(x: f64[3, 4], i: i64, j: i64) = x[i:, j]
            fn mixed(x: f64[3, 4], i: i64, j: i64) = x[::2, i:j]
            fn twice(x: f64[N, M], i: i64, j: i64) = x[i:, :j][-1]
            """);
        double[] v = new double[12];
        for (int k = 0; k < 12; k++) v[k] = k;
        Tensor x = f64(sh(3, 4), v);
        // x[:, 1:] of [[0..3], [4..7], [8..11]]
        check(run1(c, "cols", x, i64(1)), F64, sh(3, 3), new double[] {1, 2, 3, 5, 6, 7, 9, 10, 11}, "x[:, 1:]");
        check(run1(c, "cols", x, i64(-1)), F64, sh(3, 1), new double[] {3, 7, 11}, "x[:, -1:]");
        check(run1(c, "cols", x, i64(9)), F64, sh(3, 0), new double[] {}, "x[:, 9:]");
        check(run1(c, "rowcol", x, i64(1), i64(-1)), F64, sh(2), new double[] {7, 11}, "x[1:, -1]");
        check(run1(c, "mixed", x, i64(1), i64(3)), F64, sh(2, 2), new double[] {1, 2, 9, 10}, "x[::2, 1:3]");
        check(run1(c, "twice", x, i64(-2), i64(2)), F64, sh(2), new double[] {8, 9}, "x[-2:, :2][-1]");
        bothThrow(c, "rowcol", x, i64(0), i64(4));
        bothThrow(c, "rowcol", x, i64(0), i64(-5));
    }

    @Test
    void gradientsAgainstFiniteDifferences() {
        var c = compile("""
            fn f(x: f64[3, 5], i: i64, j: i64) = sin(x[i:j, ::-1][:, i:]) * 2
            fn g(x: f64[3, 5], i: i64, j: i64, w: f64[3, 5]) = grad(sum(f(x, i, j) * w[i:j, ::-1][:, i:]), x)
            fn l(x: f64[3, 5], i: i64, j: i64, w: f64[3, 5]) = lop(f(x, i, j), x, w[i:j, ::-1][:, i:])
            fn r(x: f64[3, 5], i: i64, j: i64, v: f64[3, 5]) = rop(f(x, i, j), x, v)
            """);
        var rnd = new Random(7);
        double[] x = Harness.uniform(rnd, 15, -2, 2), w = Harness.randn(rnd, 15), v = Harness.randn(rnd, 15);
        double h = 1e-6;
        for (long[] ij : new long[][] {{0, 3}, {1, 3}, {-2, 9}, {1, -1}}) {
            Tensor i = i64(ij[0]), j = i64(ij[1]);
            // F(x) = sum(f(x) * w[i:j, ::-1][:, i:]): its finite differences, one element of x at a time.
            double[] fd = new double[15];
            for (int k = 0; k < 15; k++) {
                double[] p = x.clone(), m = x.clone();
                p[k] += h;
                m[k] -= h;
                fd[k] = (weighted(c, p, i, j, w) - weighted(c, m, i, j, w)) / (2 * h);
            }
            String what = " at i=" + ij[0] + ", j=" + ij[1];
            GradCheckTest.compare(run1(c, "g", f64(sh(3, 5), x), i, j, f64(sh(3, 5), w)), sh(3, 5), fd, 1e-8, "grad" + what);
            GradCheckTest.compare(run1(c, "l", f64(sh(3, 5), x), i, j, f64(sh(3, 5), w)), sh(3, 5), fd, 1e-8, "lop" + what);
            double[] fp = interp(c, "f", f64(sh(3, 5), GradCheckTest.shifted(x, v, h)), i, j).getFirst().toDoubles();
            double[] fm = interp(c, "f", f64(sh(3, 5), GradCheckTest.shifted(x, v, -h)), i, j).getFirst().toDoubles();
            double[] fdr = new double[fp.length];
            for (int k = 0; k < fp.length; k++) fdr[k] = (fp[k] - fm[k]) / (2 * h);
            Tensor rop = run1(c, "r", f64(sh(3, 5), x), i, j, f64(sh(3, 5), v));
            GradCheckTest.compare(rop, rop.shape(), fdr, 1e-8, "rop" + what);
        }
    }

    private static double weighted(Harness.Compiled c, double[] x, Tensor i, Tensor j, double[] w) {
        Tensor y = interp(c, "f", f64(sh(3, 5), x), i, j).getFirst();
        // The weights sliced as f slices x: rows i:j, columns reversed then from i.
        int[] rows = pySlice(3, i.getLong(0), j.getLong(0), 1);
        int[] rev = pySlice(5, null, null, -1);
        int[] cols = pySlice(rev.length, i.getLong(0), null, 1);
        double s = 0;
        double[] yv = y.toDoubles();
        assertShape(y, rows.length, cols.length);
        for (int a = 0; a < rows.length; a++)
            for (int b = 0; b < cols.length; b++) s += yv[a * cols.length + b] * w[rows[a] * 5 + rev[cols[b]]];
        return s;
    }

    private static void assertShape(Tensor y, int rows, int cols) {
        org.junit.jupiter.api.Assertions.assertArrayEquals(sh(rows, cols), y.shape(), "f's shape");
    }

    /** Second order runs the adjoint op forward (rop of a gradient) and backward (grad of a gradient): d sum(x[i:]^3) = 3x^2 there. */
    @Test
    void secondOrderThroughTheAdjoint() {
        var c = compile("""
            fn hv(x: f64[5], i: i64, v: f64[5]) = rop(grad(sum(x[i:] ** 3), x), x, v)
            fn gg(x: f64[5], i: i64, w: f64[5]) = grad(sum(grad(sum(x[i:] ** 3), x) * w), x)
            """);
        double[] x = {1, -2, 3, 0.5, 2}, v = {1, 2, 3, 4, 5};
        for (long i : new long[] {0, 2, -1, -7, 9}) {
            int[] idx = pySlice(5, i, null, 1);
            double[] e = new double[5];
            for (int k : idx) e[k] = 6 * x[k] * v[k];
            check(run1(c, "hv", f64(sh(5), x), i64(i), f64(sh(5), v)), F64, sh(5), e, "hessian-vector of sum(x[" + i + ":]^3)");
            check(run1(c, "gg", f64(sh(5), x), i64(i), f64(sh(5), v)), F64, sh(5), e, "grad of grad of sum(x[" + i + ":]^3)");
        }
    }

    @Test
    void boundsMustBeIntegerScalars() {
        var d = diagnostics("fn f(x: f64[4], i: f64) = x[i:]\n");
        org.junit.jupiter.api.Assertions.assertTrue(d.toString().contains("a slice bound must be an integer scalar, got f64"), d.toString());
        var s = diagnostics("fn f(x: f64[4], i: i64) = x[::i]\n");
        org.junit.jupiter.api.Assertions.assertTrue(s.toString().contains("slice step must be a constant integer"), s.toString());
    }
}
