package dev.txc.tests.numeric;

import static dev.txc.tests.numeric.Harness.*;
import static dev.txc.types.DType.F64;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.txc.frontend.Frontend;
import dev.txc.ir.IrParser;
import dev.txc.ir.IrText;
import dev.txc.ir.Module;
import dev.txc.ir.Op;
import dev.txc.ir.Node;
import dev.txc.ir.Tensor;
import dev.txc.opt.PassContext;
import dev.txc.opt.Pipeline;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The IR scan attribute {@code every=K} (the storage of checkpointed reverse mode): a carry's stack keeps only the
 * carry after steps K, 2K, ... (floor(T / K) rows), per-step outputs keep every row. The attribute is put on the scans of a
 * compiled program before differentiation (the language does not spell it); the test also checks that its IR text
 * round-trips.
 * Values are checked against plain Java loops on the interpreter and the JVM backend at -O0 and -O2; grad and rop
 * through such a scan against central finite differences of the same plain Java loop.
 */
class ScanEveryTest {
    static final String SRC = """
        fn f(xs: f64[N], a: f64) {
            hs, cs, q = scan x in xs carry h = 1.0, c = 0.0 { n = h * a + x; (n, c + n * n, n * x) }
            return hs, cs, q
        }
        fn loss(xs: f64[N], a: f64) {
            hs, cs, q = scan x in xs carry h = 1.0, c = 0.0 { n = h * a + x; (n, c + n * n, n * x) }
            return sum(hs * hs) + sum(cs) + sum(q)
        }
        fn g(xs: f64[N], a: f64) = grad(loss(xs, a), [xs, a])
        fn r(xs: f64[N], a: f64, vx: f64[N], va: f64) = rop(loss(xs, a), [xs, a], [vx, va])
        """;

    /** The program with every scan given {@code every=K}, through the IR text, at -O0 and -O2. */
    static Compiled withEvery(int k) {
        var c = Frontend.compileText("t.tx", SRC, Frontend.Options.defaults());
        assertTrue(c.ok(), () -> c.diagnostics().toString());
        var memo = new java.util.HashMap<Node, Node>();
        var fns = c.module().functions().stream().map(f -> f.mapRoots(n -> withEvery(n, k, memo))).toList();
        String text = IrText.print(new Module(c.module().shared(), fns));
        assertTrue(text.contains("every=" + k), text);
        Module m = IrParser.parseModule("t.tir", text);
        assertEquals(text, IrText.print(m), "the IR text with every=K round-trips");
        return new Compiled(SRC, Pipeline.run(m, Pipeline.Stage.AD, new PassContext(0, F64)),
                Pipeline.run(m, Pipeline.Stage.FUSED, new PassContext(2, F64)), F64);
    }

    /** n rebuilt with every=K on its scans (the Rewriter keeps types, and every=K changes the scan's). */
    static Node withEvery(Node n, int k, java.util.Map<Node, Node> memo) {
        Node done = memo.get(n);
        if (done != null) return done;
        if (n.op().kind() == Op.Kind.LEAF) return n;
        var ins = n.inputs().stream().map(i -> withEvery(i, k, memo)).toList();
        Node out = Node.make(n.op(), ins, n.op() == Op.SCAN ? n.attrs().with("every", (long) k) : n.attrs());
        memo.put(n, out);
        return out;
    }

    /** hs, cs and q of the plain recurrence, every row. */
    static double[][] plain(double[] xs, double a) {
        int t = xs.length;
        double[][] out = new double[3][t];
        double h = 1, c = 0;
        for (int i = 0; i < t; i++) {
            double n = h * a + xs[i];
            c = c + n * n;
            h = n;
            out[0][i] = h;
            out[1][i] = c;
            out[2][i] = n * xs[i];
        }
        return out;
    }

    static double[] everyKth(double[] rows, int k) {
        double[] out = new double[rows.length / k];
        for (int i = 0; i < out.length; i++) out[i] = rows[(i + 1) * k - 1];
        return out;
    }

    /** The loss with every=K: only the kept carry rows enter it. */
    static double loss(double[] xs, double a, int k) {
        double[][] p = plain(xs, a);
        double s = 0;
        for (double v : everyKth(p[0], k)) s += v * v;
        for (double v : everyKth(p[1], k)) s += v;
        for (double v : p[2]) s += v;
        return s;
    }

    @Test
    void keepsEveryKthCarryAndEveryOutput() {
        double[] xs = {0.5, -1, 0.25, 2, -0.75, 1.5, 0.125};
        double a = 0.8;
        for (int k : new int[] {1, 2, 3, 7, 9}) {
            var c = withEvery(k);
            for (int t : new int[] {0, 1, 2, 6, 7}) {
                double[] x = java.util.Arrays.copyOf(xs, t);
                double[][] p = plain(x, a);
                var r = run(c, "f", f64(sh(t), x), scalar(a));
                check(r.get(0), F64, sh(t / k), everyKth(p[0], k), 1e-14, "h every " + k + " over " + t + " steps");
                check(r.get(1), F64, sh(t / k), everyKth(p[1], k), 1e-14, "c every " + k + " over " + t + " steps");
                check(r.get(2), F64, sh(t), p[2], 1e-14, "per-step output, every " + k + " over " + t + " steps");
            }
        }
    }

    @Test
    void gradAndRopThroughEveryAgainstFiniteDifferences() {
        double[] xs = {0.5, -1, 0.25, 2, -0.75, 1.5, 0.125};
        double a = 0.8, eps = 1e-6;
        double[] vx = {0.3, -0.2, 0.7, 0.1, -0.5, 0.4, 0.9};
        double va = -0.6;
        for (int k : new int[] {1, 2, 3, 7, 9}) {
            var c = withEvery(k);
            List<Tensor> g = run(c, "g", 1e-11, f64(sh(7), xs), scalar(a));
            double[] fd = new double[7];
            for (int i = 0; i < 7; i++) {
                double[] plus = xs.clone(), minus = xs.clone();
                plus[i] += eps;
                minus[i] -= eps;
                fd[i] = (loss(plus, a, k) - loss(minus, a, k)) / (2 * eps);
            }
            double fa = (loss(xs, a + eps, k) - loss(xs, a - eps, k)) / (2 * eps);
            check(g.get(0), F64, sh(7), fd, 1e-6, "d/dxs, every " + k);
            check(g.get(1), F64, sh(), new double[] {fa}, 1e-6, "d/da, every " + k);
            double[] xp = xs.clone(), xm = xs.clone();
            for (int i = 0; i < 7; i++) {
                xp[i] += eps * vx[i];
                xm[i] -= eps * vx[i];
            }
            double dir = (loss(xp, a + eps * va, k) - loss(xm, a - eps * va, k)) / (2 * eps);
            check(run1(c, "r", f64(sh(7), xs), scalar(a), f64(sh(7), vx), scalar(va)), F64, sh(), new double[] {dir}, 1e-6, "rop, every " + k);
        }
    }
}
