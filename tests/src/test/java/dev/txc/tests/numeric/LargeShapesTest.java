package dev.txc.tests.numeric;

import static dev.txc.tests.numeric.Harness.*;
import static dev.txc.types.DType.F32;
import static dev.txc.types.DType.F64;
import static dev.txc.types.DType.I64;
import static org.junit.jupiter.api.Assertions.fail;

import dev.txc.ir.Tensor;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

/**
 * Sizes large enough for the JVM backend's parallel row splitting, unit-stride fast paths and vector loops, on
 * contiguous and strided (transposed, reversed, sliced) operands, against plain-loop references. Sums are checked
 * relative to the sum of the magnitudes of their terms (the bound any summation order meets).
 */
class LargeShapesTest {
    static final int R = 301, C = 517;

    /** |got - exact| <= tol * bound[k] elementwise, plus dtype and shape. */
    static void checkBound(Tensor got, dev.txc.types.DType dtype, int[] shape, double[] exact, double[] bound, double tol, String what) {
        check(got, dtype, shape, exact, 1, what);
        double[] g = got.toDoubles();
        for (int k = 0; k < g.length; k++)
            if (!(Math.abs(g[k] - exact[k]) <= tol * bound[k] + 1e-300))
                fail(what + ": element " + k + " expected " + exact[k] + " got " + g[k] + " (bound " + tol * bound[k] + ")");
    }

    @Test
    void elementwiseWithBroadcastingAndViews() {
        var c = compile("""
            fn f(x: f64[R, C], row: f64[C], col: f64[R, 1]) = (tanh(x) * row + exp(-abs(col)), x.T * 2, x[::-1, ::3] - 1, where(x > row, x, col))
            """.replace("R", String.valueOf(R)).replace("C", String.valueOf(C)));
        var r = new Random(1);
        double[] x = Harness.randn(r, R * C), row = Harness.randn(r, C), col = Harness.randn(r, R);
        var out = run(c, "f", f64(sh(R, C), x), f64(sh(C), row), f64(sh(R, 1), col));
        double[] e0 = new double[R * C], e1 = new double[R * C], e3 = new double[R * C];
        int c3 = (C + 2) / 3;
        double[] e2 = new double[R * c3];
        for (int i = 0; i < R; i++)
            for (int j = 0; j < C; j++) {
                double v = x[i * C + j];
                e0[i * C + j] = Math.tanh(v) * row[j] + Math.exp(-Math.abs(col[i]));
                e1[j * R + i] = 2 * v;
                e3[i * C + j] = v > row[j] ? v : col[i];
            }
        for (int i = 0; i < R; i++) for (int j = 0; j < c3; j++) e2[i * c3 + j] = x[(R - 1 - i) * C + 3 * j] - 1;
        check(out.get(0), F64, sh(R, C), e0, "tanh(x) * row + exp(-|col|)");
        check(out.get(1), F64, sh(C, R), e1, "x.T * 2");
        check(out.get(2), F64, sh(R, c3), e2, "x[::-1, ::3] - 1");
        check(out.get(3), F64, sh(R, C), e3, "where with broadcasting");
    }

    @Test
    void reductionsAlongEachAxis() {
        var c = compile(("fn f(x: f64[R, C]) = (sum(x, axis=0), sum(x, axis=1), max(x, axis=0), argmax(x, axis=1), logsumexp(x, axis=1), "
                + "var(x, axis=0), mean(x), min(x.T, axis=1), sum(x[::-1, ::2], axis=0))").replace("R", String.valueOf(R)).replace("C", String.valueOf(C)));
        var r = new Random(2);
        double[] x = Harness.randn(r, R * C);
        int[] s = {R, C};
        var out = run(c, "f", f64(s, x));
        double[] abs = Arrays.stream(x).map(Math::abs).toArray();
        checkBound(out.get(0), F64, sh(C), Ref.reduce(x, s, new int[] {0}, Ref::sum), Ref.reduce(abs, s, new int[] {0}, Ref::sum), 1e-14, "sum axis 0");
        checkBound(out.get(1), F64, sh(R), Ref.reduce(x, s, new int[] {1}, Ref::sum), Ref.reduce(abs, s, new int[] {1}, Ref::sum), 1e-14, "sum axis 1");
        check(out.get(2), F64, sh(C), Ref.reduce(x, s, new int[] {0}, Ref::max), "max axis 0");
        check(out.get(3), I64, sh(R), Ref.reduce(x, s, new int[] {1}, Ref::argmax), "argmax axis 1");
        check(out.get(4), F64, sh(R), Ref.reduce(x, s, new int[] {1}, Ref::logsumexp), 1e-12, "logsumexp axis 1");
        check(out.get(5), F64, sh(C), Ref.reduce(x, s, new int[] {0}, Ref::var), 1e-12, "var axis 0");
        checkBound(out.get(6), F64, sh(), new double[] {Ref.mean(x)}, new double[] {Ref.mean(abs)}, 1e-14, "mean");
        check(out.get(7), F64, sh(C), Ref.reduce(x, s, new int[] {0}, Ref::min), "min of x.T along axis 1");
        int c2 = (C + 1) / 2;
        double[] rev = new double[R * c2];
        for (int i = 0; i < R; i++) for (int j = 0; j < c2; j++) rev[i * c2 + j] = x[(R - 1 - i) * C + 2 * j];
        double[] revAbs = Arrays.stream(rev).map(Math::abs).toArray();
        checkBound(out.get(8), F64, sh(c2), Ref.reduce(rev, sh(R, c2), new int[] {0}, Ref::sum), Ref.reduce(revAbs, sh(R, c2), new int[] {0}, Ref::sum), 1e-14, "sum of a reversed strided view");
    }

    @Test
    void f32SumsOfManyTermsStayAccurate() {
        int n = 1_000_000;
        double[] v = new double[n];
        Arrays.fill(v, 0.1);
        var c = compile("fn f(x: f32[N]) = (sum(x), mean(x))\nfn g(x: f32[2000, 500]) = (sum(x, axis=0), sum(x, axis=1))");
        double t = (float) 0.1;
        var out = run(c, "f", f32(sh(n), v));
        // A single f32 accumulator would drift by ~1% here; NumPy's pairwise summation stays within a few ulps.
        check(out.get(0), F32, sh(), new double[] {n * t}, 1e-6, "sum of 1e6 f32 values");
        check(out.get(1), F32, sh(), new double[] {t}, 1e-6, "mean of 1e6 f32 values");
        var g = run(c, "g", f32(sh(2000, 500), Arrays.copyOf(v, 1_000_000)));
        double[] e0 = new double[500], e1 = new double[2000];
        Arrays.fill(e0, 2000 * t);
        Arrays.fill(e1, 500 * t);
        check(g.get(0), F32, sh(500), e0, 1e-6, "column sums");
        check(g.get(1), F32, sh(2000), e1, 1e-6, "row sums");
    }

    /** A long f32 inner product: NumPy's BLAS keeps it within ~1e-6; one running f32 accumulator does not. */
    @Test
    void f32LongInnerProductsStayAccurate() {
        int n = 100_000;
        double[] v = new double[n];
        Arrays.fill(v, 0.1);
        var c = compile("fn f(x: f32[1, N], y: f32[N, 1]) = x @ y");
        double t = (float) 0.1;
        check(run1(c, "f", f32(sh(1, n), v), f32(sh(n, 1), v)), F32, sh(1, 1), new double[] {n * t * t}, 1e-6, "f32 dot of length 1e5");
    }

    @Test
    void matmulAndBatchedMatmul() {
        var c = compile("""
            fn f(a: f64[97, 301], b: f64[301, 83]) = (a @ b, (b.T @ a.T).T)
            fn g(a: f64[3, 64, 70], b: f64[3, 70, 65]) = a @ b
            """);
        var r = new Random(3);
        double[] a = Harness.randn(r, 97 * 301), b = Harness.randn(r, 301 * 83);
        int[][] os = new int[1][];
        double[] e = Ref.matmul(a, sh(97, 301), b, sh(301, 83), os);
        double[] bound = Ref.matmul(Arrays.stream(a).map(Math::abs).toArray(), sh(97, 301), Arrays.stream(b).map(Math::abs).toArray(), sh(301, 83), os);
        var out = run(c, "f", f64(sh(97, 301), a), f64(sh(301, 83), b));
        checkBound(out.get(0), F64, sh(97, 83), e, bound, 1e-14, "a @ b");
        checkBound(out.get(1), F64, sh(97, 83), e, bound, 1e-14, "(b.T @ a.T).T");
        double[] p = Harness.randn(r, 3 * 64 * 70), q = Harness.randn(r, 3 * 70 * 65);
        double[] eb = Ref.matmul(p, sh(3, 64, 70), q, sh(3, 70, 65), os);
        double[] bb = Ref.matmul(Arrays.stream(p).map(Math::abs).toArray(), sh(3, 64, 70), Arrays.stream(q).map(Math::abs).toArray(), sh(3, 70, 65), os);
        checkBound(run1(c, "g", f64(sh(3, 64, 70), p), f64(sh(3, 70, 65), q)), F64, sh(3, 64, 65), eb, bb, 1e-14, "batched matmul");
    }

    @Test
    void softmaxAndGradientOfALargeLayer() {
        var c = compile("""
            fn s(x: f64[200, 300]) = (softmax(x), log_softmax(x, axis=0))
            fn g(X: f64[256, 40], W: f64[40, 30]) = grad(sum(tanh(X @ W)), W)
            """);
        var r = new Random(4);
        double[] x = Harness.randn(r, 200 * 300);
        for (int k = 0; k < x.length; k++) x[k] *= 30;
        var out = run(c, "s", f64(sh(200, 300), x));
        check(out.get(0), F64, sh(200, 300), BuiltinSemanticsTest.softmaxRows(x, 200, 300, false), 1e-12, "softmax rows of large values");
        double[] xt = new double[x.length];
        for (int i = 0; i < 200; i++) for (int j = 0; j < 300; j++) xt[j * 200 + i] = x[i * 300 + j];
        double[] lt = BuiltinSemanticsTest.softmaxRows(xt, 300, 200, true), l = new double[x.length];
        for (int i = 0; i < 200; i++) for (int j = 0; j < 300; j++) l[i * 300 + j] = lt[j * 200 + i];
        // x - logsumexp(x) cancels: its rounding error is relative to |x|, not to the (small) result.
        double[] lb = new double[l.length];
        for (int k = 0; k < l.length; k++) lb[k] = Math.abs(x[k]) + Math.abs(l[k]) + 1;
        checkBound(out.get(1), F64, sh(200, 300), l, lb, 1e-14, "log_softmax along axis 0");
        double[] X = Harness.randn(r, 256 * 40), W = Harness.randn(r, 40 * 30);
        for (int k = 0; k < W.length; k++) W[k] *= 0.2;
        // d/dW sum(tanh(X W)) = X^T (1 - tanh(X W)^2)
        double[] gW = new double[40 * 30], bound = new double[40 * 30];
        for (int i = 0; i < 256; i++)
            for (int j = 0; j < 30; j++) {
                double z = 0;
                for (int q = 0; q < 40; q++) z += X[i * 40 + q] * W[q * 30 + j];
                double d = 1 - Math.tanh(z) * Math.tanh(z);
                for (int q = 0; q < 40; q++) {
                    gW[q * 30 + j] += X[i * 40 + q] * d;
                    bound[q * 30 + j] += Math.abs(X[i * 40 + q] * d);
                }
            }
        checkBound(run1(c, "g", f64(sh(256, 40), X), f64(sh(40, 30), W)), F64, sh(40, 30), gW, bound, 1e-12, "grad of a tanh layer");
    }
}
