package dev.txc.tests.numeric;

import static dev.txc.tests.numeric.Harness.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.txc.frontend.Frontend;
import dev.txc.ir.kernel.LoweredText;
import dev.txc.opt.PassContext;
import dev.txc.opt.Pipeline;
import dev.txc.types.DType;
import java.util.Random;
import java.util.function.DoubleBinaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Issue 13 item 3: a cheap elementwise value (negation, sums, products, casts, comparisons) read by several
 * elementwise kernels is recomputed in each of them instead of being written to memory by a kernel of its own; an
 * expensive one (exp, sigmoid, ...) or one that a result or a non-elementwise op reads stays materialized. A value of
 * one element that only one kernel reads is computed in that kernel (the JIT hoists it out of the loop). Kernel
 * counts come from the lowered text; values from Java loops written here, on odd, 1-element and empty sizes and
 * broadcast operands, and from the interpreter at -O0.
 */
class FusionRecomputeTest {
    /** The number of generated kernels of {@code fn} at -O2. */
    private static int kernels(String src, String fn) {
        var c = Frontend.compileText("t.tx", src, Frontend.Options.defaults());
        assertTrue(c.ok(), c.diagnostics()::toString);
        String text = LoweredText.print(Pipeline.run(c.module(), Pipeline.Stage.LOWERED, new PassContext(2, DType.F64)).function(fn));
        String calls = text.substring(text.indexOf("kernels @"), text.indexOf("\nkernel @"));
        return calls.split("= @k", -1).length - 1;
    }

    private static final String SHARED_CHEAP = """
            fn q(x: f64[N], y: f64[N]) {
                t = -x - y
                return exp(t) * 2, sin(t) + 1
            }
            """;

    @Test
    void aCheapValueReadByTwoKernelsIsRecomputedInBoth() {
        assertEquals(2, kernels(SHARED_CHEAP, "q"));
        Compiled c = compile(SHARED_CHEAP);
        Random r = new Random(13);
        for (int n : new int[] {0, 1, 7, 33}) {
            double[] x = randn(r, n), y = randn(r, n);
            var out = run(c, "q", f64(sh(n), x), f64(sh(n), y));
            check(out.get(0), DType.F64, sh(n), loop(x, y, (a, b) -> Math.exp(-a - b) * 2), "exp(t) * 2, n=" + n);
            check(out.get(1), DType.F64, sh(n), loop(x, y, (a, b) -> Math.sin(-a - b) + 1), "sin(t) + 1, n=" + n);
        }
    }

    @Test
    void broadcastOperandsAndCastsAreRecomputedToo() {
        String src = """
                fn q(x: f32[N, M], y: f64[M]) {
                    t = cast(x, f64) * y
                    return t > 0.5, log1p(t * t)
                }
                """;
        assertEquals(2, kernels(src, "q"));
        Compiled c = compile(src);
        Random r = new Random(7);
        for (int[] s : new int[][] {{3, 5}, {1, 1}, {0, 4}, {2, 0}}) {
            int n = s[0], m = s[1];
            double[] x = new double[n * m], y = randn(r, m);
            for (int k = 0; k < x.length; k++) x[k] = (float) r.nextGaussian();
            var out = run(c, "q", of(DType.F32, sh(n, m), x), f64(sh(m), y));
            double[] gt = new double[n * m], l = new double[n * m];
            for (int i = 0; i < n; i++)
                for (int j = 0; j < m; j++) {
                    double t = x[i * m + j] * y[j];
                    gt[i * m + j] = t > 0.5 ? 1 : 0;
                    l[i * m + j] = Math.log1p(t * t);
                }
            check(out.get(0), DType.BOOL, sh(n, m), gt, "t > 0.5 " + n + "x" + m);
            check(out.get(1), DType.F64, sh(n, m), l, "log1p(t * t) " + n + "x" + m);
        }
    }

    @Test
    void expensiveOrVisibleValuesStayMaterialized() {
        // exp(x) is read by two kernels: computing it twice would cost more than reading it back.
        assertEquals(3, kernels("fn q(x: f64[N]) { t = exp(x); return t * 2, t + 1 }", "q"));
        // t is a result: it is written anyway, and the two kernels read it.
        assertEquals(3, kernels("fn q(x: f64[N]) { t = x * 3; return t, exp(t), sin(t) }", "q"));
        // The matrix product reads t from memory: t is written once, and the elementwise consumers read it there too.
        assertEquals(3, kernels("fn q(x: f64[N], a: f64[N, 3]) { t = -x; return t @ a, exp(t), sin(t) }", "q"));
    }

    @Test
    void aRecomputedValueFeedsAReductionKernel() {
        String src = """
                fn q(x: f64[N], y: f64[N]) {
                    t = x * y
                    return sum(t * t), exp(t)
                }
                """;
        Compiled c = compile(src);
        Random r = new Random(3);
        for (int n : new int[] {0, 1, 9, 100}) {
            double[] x = randn(r, n), y = randn(r, n);
            var out = run(c, "q", f64(sh(n), x), f64(sh(n), y));
            double s = 0;
            for (int i = 0; i < n; i++) s += x[i] * y[i] * (x[i] * y[i]);
            check(out.get(0), DType.F64, sh(), new double[] {s}, "sum(t * t), n=" + n);
            check(out.get(1), DType.F64, sh(n), loop(x, y, (a, b) -> Math.exp(a * b)), "exp(t), n=" + n);
        }
    }

    @Test
    void sizeOneValuesJoinTheKernelThatReadsThem() {
        // 1 / (s * s) - exp(s) and exp(v) hold one element: the kernel over x computes them, with no kernels of their own.
        String src = """
                fn q(x: f64[N], s: f64) = x * (1.0 / (s * s)) - exp(s)
                fn p(x: f64[N, M], v: f64[1]) = x * exp(v)
                """;
        assertEquals(1, kernels(src, "q"));
        assertEquals(1, kernels(src, "p"));
        Compiled c = compile(src);
        Random r = new Random(17);
        for (int n : new int[] {0, 1, 5, 40}) {
            double[] x = randn(r, n);
            double s = 0.3 + r.nextDouble(), v = r.nextGaussian();
            double[] q = new double[n], p = new double[n];
            for (int i = 0; i < n; i++) {
                q[i] = x[i] * (1.0 / (s * s)) - Math.exp(s);
                p[i] = x[i] * Math.exp(v);
            }
            check(run1(c, "q", f64(sh(n), x), scalar(s)), DType.F64, sh(n), q, "q n=" + n);
            check(run1(c, "p", f64(sh(1, n), x), f64(sh(1), v)), DType.F64, sh(1, n), p, "p 1x" + n);
        }
    }

    private static double[] loop(double[] x, double[] y, DoubleBinaryOperator f) {
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) out[i] = f.applyAsDouble(x[i], y[i]);
        return out;
    }
}
