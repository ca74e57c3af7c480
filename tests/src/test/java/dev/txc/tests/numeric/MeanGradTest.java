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
 * Issue 13 item 3: the gradient of a mean (1/N broadcast over the operand) takes no broadcast and no squeeze at -O2:
 * an elementwise op of a broadcast and scalars is the broadcast of the op ({@code broadcast-out}), which vanishes next
 * to an operand of the same shape, and a keepdims reduction under a squeeze is the plain reduction
 * ({@code squeeze-keepdims}). Values against the derivatives written out here, on odd, 1-element and empty sizes and
 * a broadcast (row-wise) mean.
 */
class MeanGradTest {
    private static String calls(String src, String fn) {
        var c = Frontend.compileText("t.tx", src, Frontend.Options.defaults());
        assertTrue(c.ok(), c.diagnostics()::toString);
        String text = LoweredText.print(Pipeline.run(c.module(), Pipeline.Stage.LOWERED, new PassContext(2, DType.F64)).function(fn));
        return text.substring(text.indexOf("kernels @"), text.indexOf("\nkernel @"));
    }

    private static final String SRC = """
            fn g(y: f64[N], b: f64) = grad(mean(exp(y * b)), [y, b])
            fn h(x: f64[N, M], v: f64[M]) = grad(mean(sin(x * v)), [x, v])
            """;

    @Test
    void theMeansGradientTakesNoBroadcastOrSqueeze() {
        String text = calls(SRC, "g");
        assertFalse(text.contains("broadcast_to"), text);
        assertFalse(text.contains("squeeze"), text);
    }

    @Test
    void itGivesTheDerivatives() {
        Compiled c = compile(SRC);
        Random r = new Random(5);
        for (int n : new int[] {0, 1, 6, 31}) {
            double[] y = randn(r, n);
            double b = 0.7;
            // d/dy_i = exp(y_i b) b / N; d/db = sum_i exp(y_i b) y_i / N (0 for no elements: an empty sum)
            double[] dy = new double[n];
            double db = 0;
            for (int i = 0; i < n; i++) {
                dy[i] = Math.exp(y[i] * b) * b / n;
                db += Math.exp(y[i] * b) * y[i] / n;
            }
            var out = run(c, "g", f64(sh(n), y), scalar(b));
            check(out.get(0), DType.F64, sh(n), dy, "dy n=" + n);
            check(out.get(1), DType.F64, sh(), new double[] {db}, "db n=" + n);
        }
        for (int[] s : new int[][] {{3, 4}, {1, 1}, {2, 0}}) {
            int n = s[0], m = s[1], size = n * m;
            double[] x = randn(r, size), v = randn(r, m), dx = new double[size], dv = new double[m];
            for (int i = 0; i < n; i++)
                for (int j = 0; j < m; j++) {
                    double cs = Math.cos(x[i * m + j] * v[j]) / size;
                    dx[i * m + j] = cs * v[j];
                    dv[j] += cs * x[i * m + j];
                }
            var out = run(c, "h", f64(sh(n, m), x), f64(sh(m), v));
            check(out.get(0), DType.F64, sh(n, m), dx, "dx " + n + "x" + m);
            check(out.get(1), DType.F64, sh(m), dv, "dv " + n + "x" + m);
        }
    }
}
