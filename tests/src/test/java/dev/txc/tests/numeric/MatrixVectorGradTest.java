package dev.txc.tests.numeric;

import static dev.txc.tests.numeric.Harness.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.txc.frontend.Frontend;
import dev.txc.ir.kernel.LoweredText;
import dev.txc.opt.PassContext;
import dev.txc.opt.Pipeline;
import dev.txc.types.DType;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Issue 13 item 3: the gradients of matrix-vector products (x @ w by w, w @ a by w) are the plain products g @ x and
 * a @ g at -O2, with no transposed, expanded or squeezed views around them; values against the derivatives written
 * out as Java loops here, on odd, 1-element and empty sizes, at -O0 and by the interpreter too.
 */
class MatrixVectorGradTest {
    private static String lowered(String src, String fn) {
        var c = Frontend.compileText("t.tx", src, Frontend.Options.defaults());
        assertTrue(c.ok(), c.diagnostics()::toString);
        String text = LoweredText.print(Pipeline.run(c.module(), Pipeline.Stage.LOWERED, new PassContext(2, DType.F64)).function(fn));
        return text.substring(text.indexOf("kernels @"));
    }

    private static final String SRC = """
            fn gw(x: f64[N, K], w: f64[K]) = grad(sum(exp(x @ w)), w)
            fn gv(v: f64[K], a: f64[K, M]) = grad(sum(sin(v @ a)), v)
            fn gt(x: f64[N, K], w: f64[N]) = grad(sum(exp(x.T @ w)), w)
            """;

    @Test
    void gradientsOfMatrixVectorProductsTakeNoViews() {
        for (String fn : new String[] {"gw", "gv", "gt"}) {
            String calls = lowered(SRC, fn);
            assertFalse(calls.contains("call view"), () -> fn + ":\n" + calls);
            assertEquals(2, calls.split("call gemv", -1).length - 1, () -> fn + ":\n" + calls);
        }
    }

    @Test
    void theyGiveTheDerivatives() {
        Compiled c = compile(SRC);
        Random r = new Random(11);
        for (int[] s : new int[][] {{5, 3}, {1, 1}, {0, 4}, {3, 0}, {17, 7}}) {
            int n = s[0], k = s[1];
            double[] x = randn(r, n * k), w = randn(r, k), u = randn(r, n);
            // d/dw sum_i exp((x w)_i) = sum_i exp((x w)_i) x[i, :]
            double[] gw = new double[k];
            for (int i = 0; i < n; i++) {
                double z = 0;
                for (int j = 0; j < k; j++) z += x[i * k + j] * w[j];
                for (int j = 0; j < k; j++) gw[j] += Math.exp(z) * x[i * k + j];
            }
            check(run1(c, "gw", f64(sh(n, k), x), f64(sh(k), w)), DType.F64, sh(k), gw, 1e-12, "gw " + n + "x" + k);
            // d/dv sum_m sin((v a)_m) = sum_m cos((v a)_m) a[:, m], with a = x (k = n rows here)
            double[] gv = new double[n];
            for (int m = 0; m < k; m++) {
                double z = 0;
                for (int i = 0; i < n; i++) z += u[i] * x[i * k + m];
                for (int i = 0; i < n; i++) gv[i] += Math.cos(z) * x[i * k + m];
            }
            check(run1(c, "gv", f64(sh(n), u), f64(sh(n, k), x)), DType.F64, sh(n), gv, 1e-12, "gv " + n + "x" + k);
            // d/dw sum_j exp((x^T w)_j) = sum_j exp((x^T w)_j) x[:, j]
            double[] gt = new double[n];
            for (int j = 0; j < k; j++) {
                double z = 0;
                for (int i = 0; i < n; i++) z += x[i * k + j] * u[i];
                for (int i = 0; i < n; i++) gt[i] += Math.exp(z) * x[i * k + j];
            }
            check(run1(c, "gt", f64(sh(n, k), x), f64(sh(n), u)), DType.F64, sh(n), gt, 1e-12, "gt " + n + "x" + k);
        }
    }
}
