package dev.txc.tests.numeric;

import static dev.txc.tests.numeric.Harness.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.txc.frontend.Frontend;
import dev.txc.ir.Tensor;
import dev.txc.ir.kernel.LoweredText;
import dev.txc.opt.PassContext;
import dev.txc.opt.Pipeline;
import dev.txc.types.DType;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Matrix-vector products sharing their matrix become one product with a few columns at -O2 (SharedMatrixProducts),
 * and the values stay those of the interpreter and of plain loops written here: the Hessian-vector product of
 * {@code sum(tanh(W @ x) ** 2)} against its hand-derived form, three products of one matrix, and a chain of products
 * that must not merge (the second depends on the first).
 */
class SharedMatrixProductsTest {
    private static String lowered(Compiled c, String fn) {
        var parsed = Frontend.compileText("t.tx", c.source(), Frontend.Options.defaults());
        return LoweredText.print(Pipeline.run(parsed.module(), Pipeline.Stage.LOWERED, new PassContext(2, DType.F64)).function(fn));
    }

    private static double[] randn(Random r, int n, double scale) {
        double[] d = new double[n];
        for (int i = 0; i < n; i++) d[i] = scale * r.nextGaussian();
        return d;
    }

    @Test
    void theHessianVectorProductReadsWTwice() {
        var c = compile("fn hvp(W: f64[N, N], x: f64[N], v: f64[N]) = rop(grad(sum(tanh(W @ x) ** 2), x), x, v)\n");
        String text = lowered(c, "hvp");
        assertTrue(text.contains("= call concat axis=1 %"), text);
        assertEquals(2, text.split("= call gem").length - 1, "one product with two columns and one W.T product:\n" + text);
        Random r = new Random(7);
        for (int n : new int[] {1, 9, 70}) {
            double[] w = randn(r, n * n, 1 / Math.sqrt(n)), x = randn(r, n, 1), v = randn(r, n, 1);
            Tensor out = run(c, "hvp", f64(sh(n, n), w), f64(sh(n), x), f64(sh(n), v)).get(0);
            // by hand: H v = W^T (d2 * (W v)), t = tanh(W x), d2 = 2 (1 - t^2)(1 - 3 t^2)
            double[] wv = new double[n], d2 = new double[n], want = new double[n];
            for (int i = 0; i < n; i++) {
                double z = 0;
                for (int j = 0; j < n; j++) {
                    z += w[i * n + j] * x[j];
                    wv[i] += w[i * n + j] * v[j];
                }
                double t = Math.tanh(z);
                d2[i] = 2 * (1 - t * t) * (1 - 3 * t * t);
            }
            for (int j = 0; j < n; j++) for (int i = 0; i < n; i++) want[j] += w[i * n + j] * d2[i] * wv[i];
            double[] got = out.toDoubles();
            for (int j = 0; j < n; j++) assertEquals(want[j], got[j], 1e-12 * (1 + Math.abs(want[j])), "n = " + n + ", element " + j);
        }
    }

    @Test
    void threeProductsOfOneMatrixAreOne() {
        var c = compile("fn f(W: f64[M, K], x: f64[K], y: f64[K], z: f64[K]) = exp(W @ x) + (W @ y) * (W @ z)\n");
        String text = lowered(c, "f");
        assertEquals(1, text.split("= call gem").length - 1, text);
        Random r = new Random(8);
        int m = 33, k = 17;
        double[] w = randn(r, m * k, 0.3), x = randn(r, k, 1), y = randn(r, k, 1), z = randn(r, k, 1);
        double[] got = run(c, "f", f64(sh(m, k), w), f64(sh(k), x), f64(sh(k), y), f64(sh(k), z)).get(0).toDoubles();
        for (int i = 0; i < m; i++) {
            double a = 0, b = 0, d = 0;
            for (int j = 0; j < k; j++) {
                a += w[i * k + j] * x[j];
                b += w[i * k + j] * y[j];
                d += w[i * k + j] * z[j];
            }
            double want = Math.exp(a) + b * d;
            assertEquals(want, got[i], 1e-12 * (1 + Math.abs(want)), "row " + i);
        }
    }

    @Test
    void aProductOfAProductDoesNotMerge() {
        var c = compile("fn f(W: f64[N, N], x: f64[N]) = tanh(W @ tanh(W @ x))\n");
        String text = lowered(c, "f");
        assertFalse(text.contains("concat"), text);
        Random r = new Random(9);
        int n = 12;
        double[] w = randn(r, n * n, 0.5), x = randn(r, n, 1);
        double[] got = run(c, "f", f64(sh(n, n), w), f64(sh(n), x)).get(0).toDoubles();
        double[] h = new double[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) h[i] += w[i * n + j] * x[j];
            h[i] = Math.tanh(h[i]);
        }
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int j = 0; j < n; j++) s += w[i * n + j] * h[j];
            assertEquals(Math.tanh(s), got[i], 1e-13, "row " + i);
        }
    }
}
