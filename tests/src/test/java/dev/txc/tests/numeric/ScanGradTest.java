package dev.txc.tests.numeric;

import static dev.txc.tests.numeric.Harness.*;
import static dev.txc.types.DType.F64;

import dev.txc.ir.Tensor;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Differentiation through {@code scan}: grad and lop (backpropagation through time) and rop against central finite
 * differences of the forward function computed by the interpreter, for an RNN over 50 steps with dim variables, with
 * gradients reaching captured values (W, U), the initial carry and the sequence; plus hand-derived small cases with
 * extra outputs, reverse, zipped bindings and nesting. Every gradient graph runs on the interpreter and the JVM
 * backend at -O0 and -O2.
 */
class ScanGradTest {
    static final double H = 1e-6;

    static final String RNN = """
        fn hs(W: f64[H, H], U: f64[H, I], xs: f64[T, I, B], h0: f64[H, B]) = scan x_t in xs carry h = h0 { tanh(W @ h + U @ x_t) }
        fn loss(W: f64[H, H], U: f64[H, I], xs: f64[T, I, B], h0: f64[H, B], w: f64[T, H, B]) = sum(hs(W, U, xs, h0) * w)
        fn g(W: f64[H, H], U: f64[H, I], xs: f64[T, I, B], h0: f64[H, B], w: f64[T, H, B]) = grad(loss(W, U, xs, h0, w), [W, U, xs, h0])
        fn l(W: f64[H, H], U: f64[H, I], xs: f64[T, I, B], h0: f64[H, B], w: f64[T, H, B]) = lop(hs(W, U, xs, h0), [W, U, xs, h0], w)
        fn r(W: f64[H, H], U: f64[H, I], xs: f64[T, I, B], h0: f64[H, B], vW: f64[H, H], vU: f64[H, I], vx: f64[T, I, B], vh: f64[H, B]) =
            rop(hs(W, U, xs, h0), [W, U, xs, h0], [vW, vU, vx, vh])
        """;

    @Test
    void rnnOverFiftyStepsAgainstFiniteDifferences() {
        var c = compile(RNN);
        var rnd = new Random(3);
        int hid = 3, in = 2, b = 2, t = 50;
        int[][] shapes = {{hid, hid}, {hid, in}, {t, in, b}, {hid, b}};
        double[][] p = {Harness.uniform(rnd, 9, -0.6, 0.6), Harness.uniform(rnd, 6, -0.6, 0.6), Harness.uniform(rnd, t * in * b, -1, 1),
                Harness.uniform(rnd, 6, -0.5, 0.5)};
        double[] w = Harness.randn(rnd, t * hid * b);
        Tensor[] args = new Tensor[5];
        for (int k = 0; k < 4; k++) args[k] = f64(shapes[k], p[k]);
        args[4] = f64(sh(t, hid, b), w);
        List<Tensor> g = run(c, "g", 1e-11, args);
        List<Tensor> lo = run(c, "l", 1e-11, args);
        for (int k = 0; k < 4; k++) {
            double[] fd = new double[p[k].length];
            for (int i = 0; i < fd.length; i++) {
                double[] plus = p[k].clone(), minus = p[k].clone();
                plus[i] += H;
                minus[i] -= H;
                fd[i] = (loss(c, args, k, f64(shapes[k], plus)) - loss(c, args, k, f64(shapes[k], minus))) / (2 * H);
            }
            GradCheckTest.compare(g.get(k), shapes[k], fd, 1e-8, "grad of the RNN loss wrt operand " + k);
            GradCheckTest.compare(lo.get(k), shapes[k], fd, 1e-8, "lop of the RNN states wrt operand " + k);
        }
        // Forward mode along a random direction of all four.
        double[][] v = new double[4][];
        Tensor[] rargs = new Tensor[8], plus = new Tensor[4], minus = new Tensor[4];
        for (int k = 0; k < 4; k++) {
            v[k] = Harness.randn(rnd, p[k].length);
            rargs[k] = args[k];
            rargs[4 + k] = f64(shapes[k], v[k]);
            plus[k] = f64(shapes[k], GradCheckTest.shifted(p[k], v[k], H));
            minus[k] = f64(shapes[k], GradCheckTest.shifted(p[k], v[k], -H));
        }
        double[] fp = interp(c, "hs", plus).getFirst().toDoubles(), fm = interp(c, "hs", minus).getFirst().toDoubles();
        double[] fd = new double[fp.length];
        for (int i = 0; i < fd.length; i++) fd[i] = (fp[i] - fm[i]) / (2 * H);
        GradCheckTest.compare(run(c, "r", 1e-11, rargs).getFirst(), sh(t, hid, b), fd, 1e-8, "rop of the RNN states");
    }

    /**
     * scan(checkpoint=K): reverse mode stores every K-th carry and recomputes the others; grad and lop equal the plain
     * scan's within 1e-12 relative (interpreter, -O0 and -O2 JVM; K = 1, a divisor, a non-divisor, T and above T) and
     * match central finite differences of the loss.
     */
    @Test
    void checkpointedRnnGradientEqualsThePlainOne() {
        var plain = compile(RNN);
        var rnd = new Random(5);
        int hid = 3, in = 2, b = 2, t = 50;
        int[][] shapes = {{hid, hid}, {hid, in}, {t, in, b}, {hid, b}};
        Tensor[] args = new Tensor[5];
        double[][] p = new double[4][];
        for (int k = 0; k < 4; k++) args[k] = f64(shapes[k], p[k] = Harness.uniform(rnd, size(shapes[k]), -0.6, 0.6));
        args[4] = f64(sh(t, hid, b), Harness.randn(rnd, t * hid * b));
        List<Tensor> g0 = run(plain, "g", 1e-11, args), l0 = run(plain, "l", 1e-11, args);
        double[][] fd = new double[4][];
        for (int k = 0; k < 4; k++) {
            fd[k] = new double[p[k].length];
            for (int i = 0; i < fd[k].length; i++) {
                double[] plus = p[k].clone(), minus = p[k].clone();
                plus[i] += H;
                minus[i] -= H;
                fd[k][i] = (loss(plain, args, k, f64(shapes[k], plus)) - loss(plain, args, k, f64(shapes[k], minus))) / (2 * H);
            }
        }
        for (int every : new int[] {1, 5, 7, 50, 64}) {
            String src = RNN.replace("scan x_t in xs", "scan(checkpoint=" + every + ") x_t in xs");
            org.junit.jupiter.api.Assertions.assertNotEquals(RNN, src);
            var c = compile(src);
            if (every > 1) org.junit.jupiter.api.Assertions.assertTrue(dev.txc.ir.IrText.print(c.fn("g")).contains("every=" + every), "checkpoints are stored");
            List<Tensor> g = run(c, "g", 1e-11, args), lo = run(c, "l", 1e-11, args);
            for (int k = 0; k < 4; k++) {
                String what = "checkpoint=" + every + ", operand " + k;
                check(g.get(k), F64, shapes[k], g0.get(k).toDoubles(), 1e-12, "grad equals the plain one, " + what);
                check(lo.get(k), F64, shapes[k], l0.get(k).toDoubles(), 1e-12, "lop equals the plain one, " + what);
                GradCheckTest.compare(g.get(k), shapes[k], fd[k], 1e-8, "grad against finite differences, " + what);
            }
        }
        // With reverse, and with two carries and an extra output (hand-derived, as in handDerivedCases).
        var small = compile("""
            fn g4(xs: f64[N]) = grad(sum(scan(reverse=true, checkpoint=2) x in xs carry s = 0 { s + x } * [1, 2, 3]), xs)
            fn g3(xs: f64[N]) {
                sums, products, squares = scan(checkpoint=2) x in xs carry s = 0, p = 1 { t = s + x; (t, p * x, t * t) }
                return grad(sum(squares) + sum(products), xs)
            }
            """);
        Tensor xs = f64(sh(3), 1, 2, 3);
        check(run1(small, "g4", xs), F64, sh(3), new double[] {1, 3, 6}, "checkpointed grad through reverse");
        // squares of the cumulative sums give 20, 18, 12 (as g1); the products p_t = x1 ... x_t give
        // d(p1 + p2 + p3)/dx1 = 1 + x2 + x2 x3 = 9, /dx2 = x1 + x1 x3 = 4, /dx3 = x1 x2 = 2.
        check(run1(small, "g3", xs), F64, sh(3), new double[] {29, 22, 14}, "checkpointed grad with two carries and an extra output");
        var bad = java.util.Map.of("checkpoint=0", "positive integer constant, got 0", "checkpoint=2.5", "positive integer", "checkpoint=shape(xs)[0]", "positive integer",
                "checkpoint=true", "positive integer", "chekpoint=3", "unknown scan option");
        bad.forEach((opt, msg) -> {
            String d = diagnostics("fn f(xs: f64[T]) = scan(" + opt + ") x in xs carry s = 0.0 { s + x }").toString();
            org.junit.jupiter.api.Assertions.assertTrue(d.contains(msg) && d.contains("1:"), opt + ": " + d);
        });
    }

    /**
     * A scan of zero steps: the RNN's stacked states are empty, so grad and lop give zeros for W, U and h0 and an empty
     * gradient for the sequence, and rop an empty tangent; a loss of the final carry (the initial value stacked above
     * the states, last row) gets its gradient on h0 passed straight through, zeros on W and U. Interpreter, -O0 and
     * -O2 JVM, plain and checkpointed.
     */
    @Test
    void zeroStepScanGradients() {
        String last = """
            fn lastLoss(W: f64[H, H], U: f64[H, I], xs: f64[T, I, B], h0: f64[H, B], v: f64[H, B]) =
                sum(concatenate([expand_dims(h0, 0), scan x_t in xs carry h = h0 { tanh(W @ h + U @ x_t) }], axis=0)[-1] * v)
            fn gl(W: f64[H, H], U: f64[H, I], xs: f64[T, I, B], h0: f64[H, B], v: f64[H, B]) = grad(lastLoss(W, U, xs, h0, v), [W, U, h0])
            """;
        int hid = 3, in = 2, b = 2;
        var rnd = new Random(9);
        Tensor wt = f64(sh(hid, hid), Harness.uniform(rnd, 9, -0.6, 0.6)), ut = f64(sh(hid, in), Harness.uniform(rnd, 6, -0.6, 0.6));
        Tensor xs = f64(sh(0, in, b)), h0 = f64(sh(hid, b), Harness.uniform(rnd, 6, -0.5, 0.5)), w = f64(sh(0, hid, b));
        double[] v = Harness.randn(rnd, hid * b);
        for (String opt : List.of("", "(checkpoint=3)")) {
            var c = compile((RNN + last).replace("scan x_t in xs", "scan" + opt + " x_t in xs"));
            for (String fn : List.of("g", "l")) {
                List<Tensor> g = run(c, fn, wt, ut, xs, h0, w);
                String what = fn + opt + " over zero steps";
                check(g.get(0), F64, sh(hid, hid), new double[hid * hid], what + ", W");
                check(g.get(1), F64, sh(hid, in), new double[hid * in], what + ", U");
                check(g.get(2), F64, sh(0, in, b), new double[0], what + ", xs");
                check(g.get(3), F64, sh(hid, b), new double[hid * b], what + ", h0");
            }
            Tensor r = run1(c, "r", wt, ut, xs, h0, wt, ut, xs, h0);
            check(r, F64, sh(0, hid, b), new double[0], "rop" + opt + " over zero steps");
            List<Tensor> gl = run(c, "gl", wt, ut, xs, h0, f64(sh(hid, b), v));
            check(gl.get(0), F64, sh(hid, hid), new double[hid * hid], "final-carry loss" + opt + ", W");
            check(gl.get(1), F64, sh(hid, in), new double[hid * in], "final-carry loss" + opt + ", U");
            check(gl.get(2), F64, sh(hid, b), v, "final-carry loss" + opt + ", h0 passed straight through");
        }
        // Sizes known only at run time ('?'): the gradients of W accumulate in a carry (no stack whose shape zero steps
        // could not tell); d/dh0 of the final-carry loss is v passed straight through.
        var any = compile("""
            fn q(W: f64[3, 3], xs: f64[?, 3, ?], h0: f64[3, ?], v: f64[3, ?]) =
                grad(sum(concatenate([expand_dims(h0, 0), scan x_t in xs carry h = h0 { tanh(W @ h + x_t) }], axis=0)[-1] * v), [W, h0])
            """);
        List<Tensor> q = run(any, "q", wt, f64(sh(0, 3, 2)), h0, f64(sh(hid, b), v));
        check(q.get(0), F64, sh(3, 3), new double[9], "zero steps, '?' sizes, W");
        check(q.get(1), F64, sh(3, 2), v, "zero steps, '?' sizes, h0");
        // Second order through a zero-step scan: sum(s) is empty, so every derivative is 0.
        var c = compile("fn gg(xs: f64[N], a: f64) = grad(grad(sum(scan x in xs carry s = 1.0 { s * a + x }), a), a)");
        check(run1(c, "gg", f64(sh(0)), scalar(2)), F64, sh(), new double[] {0}, "grad of grad over zero steps");
    }

    private static double loss(Harness.Compiled c, Tensor[] args, int k, Tensor replaced) {
        Tensor[] a = args.clone();
        a[k] = replaced;
        return interp(c, "loss", a).getFirst().toDoubles()[0];
    }

    @Test
    void handDerivedCases() {
        var c = compile("""
            fn g1(xs: f64[N]) = grad(sum(scan x in xs carry s = 0 { s + x } ** 2), xs)
            fn g2(xs: f64[N], a: f64) = grad(sum(scan x in xs carry s = 1.0 { s * a + x }), a)
            fn r2(xs: f64[N], a: f64) = rop(scan x in xs carry s = 1.0 { s * a + x }, a, 1.0)
            fn g3(xs: f64[N]) {
                sums, squares = scan x in xs carry s = 0 { t = s + x; (t, t * t) }
                return grad(sum(squares), xs)
            }
            fn g4(xs: f64[N]) = grad(sum(scan(reverse=true) x in xs carry s = 0 { s + x } * [1, 2, 3]), xs)
            fn g5(a: f64[N], b: f64[N]) = grad(sum(scan x in a, y in b { x * y }), [a, b])
            fn g6(xs: f64[N], c: f64) = grad(sum(scan x in xs { sum(scan y in xs { x * y * c }) }), [xs, c])
            fn r6(xs: f64[N], c: f64) = rop(scan x in xs { sum(scan y in xs { x * y * c }) }, c, 1.0)
            """);
        Tensor xs = f64(sh(3), 1, 2, 3);
        // s = cumsum(x); d sum(s^2) / dx_i = 2 sum_(t >= i) s_t.
        check(run1(c, "g1", xs), F64, sh(3), new double[] {20, 18, 12}, "grad of sum(cumsum^2)");
        // s_t = s_(t-1) a + x_t from 1: s = 3, 8, 19 at a = 2; ds/da = 1, 5, 18.
        check(run1(c, "g2", xs, scalar(2)), F64, sh(), new double[] {24}, "grad wrt a captured scalar");
        check(run1(c, "r2", xs, scalar(2)), F64, sh(3), new double[] {1, 5, 18}, "rop wrt a captured scalar");
        check(run1(c, "g3", xs), F64, sh(3), new double[] {20, 18, 12}, "grad through an extra output");
        // Reverse sums s_i = sum(x[i:]) weighted 1, 2, 3: d/dx_i = sum of the weights at positions <= i.
        check(run1(c, "g4", xs), F64, sh(3), new double[] {1, 3, 6}, "grad through reverse");
        var g5 = run(c, "g5", xs, f64(sh(3), 4, 5, 6));
        check(g5.get(0), F64, sh(3), new double[] {4, 5, 6}, "zipped grad wrt a");
        check(g5.get(1), F64, sh(3), new double[] {1, 2, 3}, "zipped grad wrt b");
        // F = c (sum x)^2: dF/dx_i = 2 c sum(x), dF/dc = (sum x)^2; the inner scan captures x and c.
        var g6 = run(c, "g6", xs, scalar(0.5));
        check(g6.get(0), F64, sh(3), new double[] {6, 6, 6}, "nested grad wrt the sequence");
        check(g6.get(1), F64, sh(), new double[] {36}, "nested grad wrt a captured scalar");
        check(run1(c, "r6", xs, scalar(0.5)), F64, sh(3), new double[] {6, 12, 18}, "nested rop");
    }

    /**
     * Second order through a checkpointed scan (segments that do not divide the steps): grad of grad and a
     * Hessian-vector product (rop of grad) of scalar recurrences, hand-derived; and the Hessian-vector product of the
     * RNN loss with respect to W (rop of the checkpointed grad) against central differences of the plain gradient.
     */
    @Test
    void secondOrderThroughCheckpoints() {
        var c = compile("""
            fn gg(xs: f64[N], a: f64) = grad(grad(sum(scan(checkpoint=2) x in xs carry s = 1.0 { s * a + x }), a), a)
            fn hv(xs: f64[N], a: f64[M], v: f64[M]) =
                rop(grad(sum(scan(checkpoint=2) x in xs carry s = 0 { s * a[0] + x * a[1] ** 2 }), a), a, v)
            fn hs(xs: f64[N], a: f64[M]) = hessian(sum(scan(checkpoint=2) x in xs carry s = 0 { s * a[0] + x * a[1] ** 2 }), a)
            """);
        Tensor xs = f64(sh(3), 1, 2, 3);
        // sum(s) = a^3 + 2a^2 + 4a + 6 from s = 1 (xs = 1, 2, 3): the second derivative is 6a + 4.
        check(run1(c, "gg", xs, scalar(2)), F64, sh(), new double[] {16}, "grad of grad through checkpoints");
        // F = b^2 (a^2 + 3a + 6): H = [[2b^2, 2b(2a + 3)], [2b(2a + 3), 2(a^2 + 3a + 6)]] = [[2, 14], [14, 32]] at (2, 1).
        check(run1(c, "hv", xs, f64(sh(2), 2, 1), f64(sh(2), 1, -1)), F64, sh(2), new double[] {-12, -18}, "Hessian-vector product through checkpoints");
        check(run1(c, "hs", xs, f64(sh(2), 2, 1)), F64, sh(2, 2), new double[] {2, 14, 14, 32}, "hessian through checkpoints");
        String rnn = RNN + """
            fn gw(W: f64[H, H], U: f64[H, I], xs: f64[T, I, B], h0: f64[H, B], w: f64[T, H, B]) = grad(loss(W, U, xs, h0, w), W)
            fn hvp(W: f64[H, H], U: f64[H, I], xs: f64[T, I, B], h0: f64[H, B], w: f64[T, H, B], v: f64[H, H]) =
                rop(grad(loss(W, U, xs, h0, w), W), W, v)
            """;
        var plain = compile(rnn);
        var ck = compile(rnn.replace("scan x_t in xs", "scan(checkpoint=3) x_t in xs"));
        var rnd = new Random(11);
        int hid = 3, in = 2, b = 2, t = 10;
        Tensor W = f64(sh(hid, hid), Harness.uniform(rnd, 9, -0.6, 0.6)), U = f64(sh(hid, in), Harness.uniform(rnd, 6, -0.6, 0.6));
        Tensor x = f64(sh(t, in, b), Harness.uniform(rnd, t * in * b, -1, 1)), h0 = f64(sh(hid, b), Harness.uniform(rnd, 6, -0.5, 0.5));
        Tensor w = f64(sh(t, hid, b), Harness.randn(rnd, t * hid * b));
        double[] v = Harness.randn(rnd, 9);
        double[] gp = interp(plain, "gw", f64(sh(hid, hid), GradCheckTest.shifted(W.toDoubles(), v, H)), U, x, h0, w).getFirst().toDoubles();
        double[] gm = interp(plain, "gw", f64(sh(hid, hid), GradCheckTest.shifted(W.toDoubles(), v, -H)), U, x, h0, w).getFirst().toDoubles();
        double[] fd = new double[9];
        for (int i = 0; i < 9; i++) fd[i] = (gp[i] - gm[i]) / (2 * H);
        GradCheckTest.compare(run1(ck, "hvp", W, U, x, h0, w, f64(sh(hid, hid), v)), sh(hid, hid), fd, 1e-7, "RNN Hessian-vector product through checkpoints");
    }

    /**
     * The backward scan keeps only the final value of its cotangent carry; the gradients of W and U are summed after
     * the loop; its IR text round-trips.
     */
    @Test
    void backwardScanIrRoundTrips() {
        var c = compile(RNN);
        for (String fn : List.of("g", "r")) {
            dev.txc.ir.Function f = c.fn(fn);
            String text = dev.txc.ir.IrText.print(f);
            org.junit.jupiter.api.Assertions.assertEquals(text, dev.txc.ir.IrText.print(dev.txc.ir.IrParser.parseFunction("t.tir", text)), fn);
            // The cotangent of h is a carry keeping its final value; dW and dU, sums over the steps of d_t @ h_(t-1)^T and
            // d_t @ x_t^T, are one product each after the loop, of d stacked (a per-step output after the cotangent of x_t,
            // stored once for both).
            if (fn.equals("g")) org.junit.jupiter.api.Assertions.assertTrue(text.contains("last=[0]") && text.contains("(f64[H, B], f64[?, I, B], f64[?, H, B])"), text);
        }
    }

    /** Second order, jacobians (whose loops are built around the scan) and scan inside grad inside scan. */
    @Test
    void higherOrderAndLoopsAroundScans() {
        var c = compile("""
            fn gg(xs: f64[N], a: f64) = grad(grad(sum(scan x in xs carry s = 1.0 { s * a + x }), a), a)
            fn hs(xs: f64[N], a: f64[M]) = hessian(sum(scan x in xs carry s = 0 { s * a[0] + x * a[1] ** 2 }), a)
            fn jr(xs: f64[N]) = jacobian(scan x in xs carry s = 0 { s + x * x }, xs)
            fn jf(xs: f64[3], a: f64[2]) = jacobian(scan x in xs carry s = 0 { s + x * a[0] + a[1] }, a)
            fn sgs(xs: f64[N], w: f64[M]) = scan i in 0..shape(w)[0] { grad(sum(scan x in xs carry s = 0.0 { s * w[i] + x }), w) }
            """);
        Tensor xs = f64(sh(3), 1, 2, 3);
        // sum(s) = a^3 + 2a^2 + 4a + 6 from s = 1: the second derivative is 6a + 4.
        check(run1(c, "gg", xs, scalar(2)), F64, sh(), new double[] {16}, "grad of grad through scan");
        // F = b^2 (a^2 + 3a + 6) for (a, b) = a[0], a[1]: F_aa = 2b^2, F_ab = 2b(2a + 3), F_bb = 2(a^2 + 3a + 6).
        check(run1(c, "hs", xs, f64(sh(2), 2, 1)), F64, sh(2, 2), new double[] {2, 14, 14, 32}, "hessian through scan");
        // s_t = sum_(j <= t) x_j^2: J[t, j] = 2 x_j for j <= t (reverse-mode jacobian: a scan of backward scans).
        check(run1(c, "jr", xs), F64, sh(3, 3), new double[] {2, 0, 0, 2, 4, 0, 2, 4, 6}, "reverse jacobian");
        // ds_t/da0 = sum_(j <= t) x_j, ds_t/da1 = t + 1 (forward-mode jacobian: tangents from the loop's unit vectors).
        check(run1(c, "jf", xs, f64(sh(2), 1, 1)), F64, sh(3, 2), new double[] {1, 1, 3, 2, 6, 3}, "forward jacobian");
        // Row i: d/dw_i of w_i^2 + 3 w_i + 6 = 2 w_i + 3, at w_i only.
        check(run1(c, "sgs", xs, f64(sh(2), 2, 1)), F64, sh(2, 2), new double[] {7, 0, 0, 5}, "scan inside grad inside scan");
    }

    /**
     * Programs of the random scan generator (CudaSimDifferentialTest.scanProgram) that the optimizer failed on: a
     * checkpointed gradient with static shapes (ConstFold found the segment count and "changed the type" of the outer
     * scan), a captured value whose per-step gradient is a constant zero (ScanDiff.backward read an input of it), and a
     * body whose broadcast to a constant shape lost its static dims in a fused kernel (seed 777212). Each gradient runs on
     * the interpreter, -O0 and -O2 and matches central finite differences of the forward function.
     */
    @Test
    void fuzzFoundScanGradients() {
        var c = compile("""
            fn f1(xs: f64[4, 2], h0: f64[2]) = sum(scan(checkpoint=2) v in xs carry h = h0 { tanh(v + h) })
            fn g1(xs: f64[4, 2], h0: f64[2]) = grad(f1(xs, h0), [xs, h0])
            fn f3(xs: f64[4, 2], h0: f64[2]) = sum(scan(checkpoint=3) v in xs carry h = h0 { tanh(v * h) })
            fn g3(xs: f64[4, 2], h0: f64[2]) = grad(f3(xs, h0), [xs, h0])
            fn f2(s: f64, xs: f64[4, 2], h0: f64[2]) = sum(scan v in xs carry h = h0 { where(v > s, v, sin(s)) })
            fn g2(s: f64, xs: f64[4, 2], h0: f64[2]) = grad(f2(s, xs, h0), s)
            fn f4(s: f64, xs: f64[4, 1], h0: f64[1]) =
                sum(scan v in xs carry h = h0 { tanh(sinh(broadcast_to(v, [3, 1])).T @ (s * concatenate([sin([0.1, 0.2] + s), h], axis=0))) }) * s
            fn g4(s: f64, xs: f64[4, 1], h0: f64[1]) = grad(f4(s, xs, h0), [s, xs, h0])
            """);
        var rnd = new Random(17);
        Tensor xs = f64(sh(4, 2), Harness.uniform(rnd, 8, -1, 1)), h0 = f64(sh(2), Harness.uniform(rnd, 2, -0.5, 0.5));
        for (String k : List.of("1", "3")) {
            List<Tensor> g = run(c, "g" + k, xs, h0);
            GradCheckTest.compare(g.get(0), sh(4, 2), fd(c, "f" + k, 0, xs, h0), 1e-8, "checkpointed static-shape grad wrt xs, f" + k);
            GradCheckTest.compare(g.get(1), sh(2), fd(c, "f" + k, 1, xs, h0), 1e-8, "checkpointed static-shape grad wrt h0, f" + k);
        }
        // d/ds of the sum of where(v > s, v, sin(s)): cos(s) per element v <= s.
        Tensor s = scalar(0.3), x2 = f64(sh(4, 2), 1, -2, 3, 0.1, 0.5, -1, 0.1, 0.2);
        check(run1(c, "g2", s, x2, h0), F64, sh(), new double[] {5 * Math.cos(0.3)}, "grad of a where over s");
        Tensor x4 = f64(sh(4, 1), 0.5, -0.3, 0.8, 0.1), h4 = f64(sh(1), 0.2);
        List<Tensor> g4 = run(c, "g4", s, x4, h4);
        GradCheckTest.compare(g4.get(0), sh(), fd(c, "f4", 0, s, x4, h4), 1e-8, "grad wrt s through a fused broadcast");
        GradCheckTest.compare(g4.get(1), sh(4, 1), fd(c, "f4", 1, s, x4, h4), 1e-8, "grad wrt xs through a fused broadcast");
        GradCheckTest.compare(g4.get(2), sh(1), fd(c, "f4", 2, s, x4, h4), 1e-8, "grad wrt h0 through a fused broadcast");
    }

    /** Central finite differences of the scalar function fn (interpreter) with respect to argument k. */
    private static double[] fd(Harness.Compiled c, String fn, int k, Tensor... args) {
        double[] p = args[k].toDoubles(), out = new double[p.length];
        for (int i = 0; i < p.length; i++) {
            Tensor[] a = args.clone();
            double[] plus = p.clone(), minus = p.clone();
            plus[i] += H;
            minus[i] -= H;
            a[k] = f64(args[k].shape(), plus);
            double fp = interp(c, fn, a).getFirst().toDoubles()[0];
            a[k] = f64(args[k].shape(), minus);
            out[i] = (fp - interp(c, fn, a).getFirst().toDoubles()[0]) / (2 * H);
        }
        return out;
    }
}
