package dev.txc.tests.numeric;

import static dev.txc.tests.numeric.Harness.*;
import static dev.txc.types.DType.F32;
import static dev.txc.types.DType.F64;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import dev.txc.frontend.Frontend;
import dev.txc.ir.CompileException;
import dev.txc.ir.Tensor;
import dev.txc.opt.PassContext;
import dev.txc.opt.Pipeline;
import dev.txc.types.DType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.BiPredicate;
import java.util.function.DoubleBinaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Theano's verify_grad for every differentiable built-in: the reverse-mode gradient
 * {@code grad(sum(f(x, y) * w), [x, y])}, {@code lop(f(x, y), [x, y], w)} and the forward-mode product
 * {@code rop(f(x, y), [x, y], [vx, vy])} against central finite differences of f computed by the interpreter,
 * on random inputs away from kinks and domain edges, with broadcasting operands. Gradient graphs run on both
 * backends. Then the conventions at non-differentiable points, stop_gradient, disconnected inputs and tuples.
 */
class GradCheckTest {
    /** The finite-difference step for f64. */
    static final double H = 1e-6;
    /** Required relative agreement with finite differences. */
    static final double REL = 1e-6;
    /**
     * The rounding noise of a central difference is about (a few ulps of |F|) / h; with h = 1e-6 that is ~1e-9 |F|.
     * Differences are allowed this much absolute error (10x margin) on top of REL relative error.
     */
    static final double NOISE = 1e-8;

    /** Draws n values for an operand. */
    interface Dom {
        double[] draw(Random r, int n);
    }

    static Dom u(double lo, double hi) {
        return (r, n) -> Harness.uniform(r, n, lo, hi);
    }

    /** Magnitudes in [lo, hi] with random signs: away from 0. */
    static Dom away(double lo, double hi) {
        return (r, n) -> {
            double[] v = Harness.uniform(r, n, lo, hi);
            for (int k = 0; k < n; k++) if (r.nextBoolean()) v[k] = -v[k];
            return v;
        };
    }

    /** Distinct values: an evenly spaced grid over [lo, hi], shuffled, with a little jitter (ties are tested apart). */
    static Dom distinct(double lo, double hi) {
        return (r, n) -> {
            double[] v = new double[n];
            double step = (hi - lo) / Math.max(1, n - 1);
            for (int k = 0; k < n; k++) v[k] = lo + k * step + (r.nextDouble() - 0.5) * 0.3 * step;
            for (int k = n - 1; k > 0; k--) {
                int j = r.nextInt(k + 1);
                double t = v[k];
                v[k] = v[j];
                v[j] = t;
            }
            return v;
        };
    }

    /** One check: f as a tx expression in x (and y), operand shapes and domains, and an optional validity test. */
    record Case(String name, String expr, int[] sx, Dom dx, int[] sy, Dom dy, BiPredicate<double[], double[]> ok) {}

    static final int[] M = {3, 4};

    static Case un(String expr, int[] sx, Dom dx) {
        return new Case(expr + " " + Arrays.toString(sx), expr, sx, dx, null, null, null);
    }

    static Case un(String expr, int[] sx, Dom dx, BiPredicate<double[], double[]> ok) {
        return new Case(expr + " " + Arrays.toString(sx), expr, sx, dx, null, null, ok);
    }

    static Case bin(String expr, int[] sx, Dom dx, int[] sy, Dom dy) {
        return new Case(expr + " " + Arrays.toString(sx) + " " + Arrays.toString(sy), expr, sx, dx, sy, dy, null);
    }

    static Case bin(String expr, int[] sx, Dom dx, int[] sy, Dom dy, BiPredicate<double[], double[]> ok) {
        return new Case(expr + " " + Arrays.toString(sx) + " " + Arrays.toString(sy), expr, sx, dx, sy, dy, ok);
    }

    /** Every broadcast pair (x, y) satisfies p. */
    static BiPredicate<double[], double[]> pairs(int[] sx, int[] sy, DoubleBinaryOperator p) {
        return (x, y) -> {
            for (double v : Ref.binary(x, sx, y, sy, p)) if (v == 0) return false;
            return true;
        };
    }

    static boolean fracAway(double v, double margin) {
        double f = v - Math.floor(v);
        return f > margin && f < 1 - margin;
    }

    /** Every value is away from the points in {@code kinks}. */
    static BiPredicate<double[], double[]> awayFrom(double margin, double... kinks) {
        return (x, y) -> {
            for (double v : x) for (double k : kinks) if (Math.abs(v - k) < margin) return false;
            return true;
        };
    }

    static List<Case> cases() {
        var l = new ArrayList<Case>();
        // Elementwise unary.
        l.add(un("abs(x)", M, away(0.2, 2)));
        l.add(un("sign(x)", M, away(0.2, 2)));
        l.add(un("-x", M, u(-2, 2)));
        l.add(un("exp(x)", M, u(-2, 2)));
        l.add(un("exp2(x)", M, u(-2, 2)));
        l.add(un("expm1(x)", M, u(-2, 2)));
        l.add(un("log(x)", M, u(0.5, 3)));
        l.add(un("log2(x)", M, u(0.5, 3)));
        l.add(un("log10(x)", M, u(0.5, 3)));
        l.add(un("log1p(x)", M, u(-0.5, 2)));
        l.add(un("sqrt(x)", M, u(0.5, 3)));
        l.add(un("square(x)", M, u(-2, 2)));
        l.add(un("reciprocal(x)", M, away(0.5, 2)));
        l.add(un("sin(x)", M, u(-3, 3)));
        l.add(un("cos(x)", M, u(-3, 3)));
        l.add(un("tan(x)", M, u(-1.2, 1.2)));
        l.add(un("asin(x)", M, u(-0.9, 0.9)));
        l.add(un("acos(x)", M, u(-0.9, 0.9)));
        l.add(un("atan(x)", M, u(-3, 3)));
        l.add(un("sinh(x)", M, u(-2, 2)));
        l.add(un("cosh(x)", M, u(-2, 2)));
        l.add(un("tanh(x)", M, u(-2, 2)));
        l.add(un("asinh(x)", M, u(-2, 2)));
        l.add(un("acosh(x)", M, u(1.5, 3)));
        l.add(un("atanh(x)", M, u(-0.9, 0.9)));
        l.add(un("sigmoid(x)", M, u(-4, 4)));
        l.add(un("softplus(x)", M, u(-4, 4)));
        l.add(un("relu(x)", M, away(0.1, 2)));
        l.add(un("erf(x)", M, u(-2, 2)));
        l.add(un("erfc(x)", M, u(-2, 2)));
        BiPredicate<double[], double[]> offGrid = (x, y) -> Arrays.stream(x).allMatch(v -> fracAway(2 * v, 0.1));
        l.add(un("floor(x)", M, u(-3, 3), offGrid));
        l.add(un("ceil(x)", M, u(-3, 3), offGrid));
        l.add(un("round(x)", M, u(-3, 3), offGrid));
        l.add(un("x ** 3", M, u(-2, 2)));
        l.add(un("x ** 0.5", M, u(0.5, 3)));
        l.add(un("2 ** x", M, u(-2, 2)));
        l.add(un("x ** -2", M, away(0.5, 2)));
        l.add(un("clip(x, -0.5, 0.7)", M, u(-1.5, 1.5), awayFrom(0.05, -0.5, 0.7)));
        l.add(un("where(x > 0, x * x, sin(x))", M, away(0.1, 2)));
        l.add(un("maximum(x, 0.3)", M, u(-2, 2), awayFrom(0.05, 0.3)));
        l.add(un("minimum(x, -0.3)", M, u(-2, 2), awayFrom(0.05, -0.3)));

        // Elementwise binary with broadcasting.
        int[] row = {4}, col = {3, 1}, wide = {1, 4}, s = {};
        l.add(bin("x + y", M, u(-2, 2), row, u(-2, 2)));
        l.add(bin("x + y", M, u(-2, 2), M, u(-2, 2)));
        l.add(bin("x - y", M, u(-2, 2), col, u(-2, 2)));
        l.add(bin("x * y", col, u(-2, 2), wide, u(-2, 2)));
        l.add(bin("x * y", M, u(-2, 2), s, u(-2, 2)));
        l.add(bin("x / y", M, u(-2, 2), row, away(0.5, 2)));
        l.add(bin("x / y", s, u(-2, 2), M, away(0.5, 2)));
        l.add(bin("x ** y", M, u(0.5, 2), col, u(-2, 2)));
        l.add(bin("pow(x, y)", row, u(0.5, 2), M, u(-2, 2)));
        l.add(bin("maximum(x, y)", M, u(-2, 2), row, u(-2, 2), pairs(M, row, (a, b) -> Math.abs(a - b) > 0.05 ? 1 : 0)));
        l.add(bin("minimum(x, y)", M, u(-2, 2), col, u(-2, 2), pairs(M, col, (a, b) -> Math.abs(a - b) > 0.05 ? 1 : 0)));
        l.add(bin("atan2(x, y)", M, away(0.2, 2), row, u(-2, 2)));
        l.add(bin("x // y", M, u(-4, 4), row, away(0.5, 2), pairs(M, row, (a, b) -> fracAway(a / b, 0.05) ? 1 : 0)));
        l.add(bin("x % y", M, u(-4, 4), row, away(0.5, 2), pairs(M, row, (a, b) -> fracAway(a / b, 0.05) ? 1 : 0)));
        l.add(bin("where(x > y, x * y, x - y)", M, u(-2, 2), row, u(-2, 2), pairs(M, row, (a, b) -> Math.abs(a - b) > 0.05 ? 1 : 0)));
        l.add(bin("where(x > 0, x, y)", M, away(0.1, 2), col, u(-2, 2)));
        l.add(bin("clip(x, y, 1.0)", M, u(-1.5, 1.5), row, u(-1, 0.5),
                pairs(M, row, (a, b) -> Math.abs(a - b) > 0.05 && Math.abs(a - 1) > 0.05 ? 1 : 0)));
        l.add(bin("clip(y, -1.0, x)", col, u(0, 1.5), M, u(-2, 2),
                (x, y) -> Arrays.stream(Ref.binary(x, col, y, M, (a, b) -> Math.abs(a - b) > 0.05 && Math.abs(b + 1) > 0.05 ? 1 : 0)).allMatch(v -> v == 1)));
        l.add(bin("binary_crossentropy(x, y)", M, u(0.1, 0.9), row, u(0, 1)));
        l.add(bin("binary_crossentropy(sigmoid(x), y)", M, u(-3, 3), M, u(0, 1)));

        // Reductions over a rank-3 operand.
        int[] t3 = {2, 3, 4};
        String[] axes = {"", ", axis=1", ", axis=[0, 2]", ", axis=-1, keepdims=true", ", axis=0, keepdims=true"};
        String[] reds = {"sum", "mean", "prod", "max", "min", "logsumexp", "var", "std", "norm"};
        for (String red : reds)
            for (String ax : axes) {
                Dom d = red.equals("prod") ? u(0.5, 1.5) : red.equals("max") || red.equals("min") ? distinct(-2, 2) : u(-2, 2);
                l.add(un(red + "(x" + ax + ")", t3, d));
            }
        l.add(un("softmax(x)", M, u(-3, 3)));
        l.add(un("softmax(x, axis=0)", M, u(-3, 3)));
        l.add(un("log_softmax(x)", M, u(-3, 3)));
        l.add(un("log_softmax(x, axis=0)", t3, u(-3, 3)));
        l.add(un("softmax(x)", row, u(-3, 3)));
        l.add(bin("categorical_crossentropy(softmax(x), y)", M, u(-3, 3), M, u(0, 1)));
        l.add(bin("categorical_crossentropy(x, y)", M, u(0.1, 1), M, u(0, 1)));

        // Linear algebra in every rank combination.
        int[][][] dots = {{{}, {3, 4}}, {{4}, {4}}, {{4}, {4, 3}}, {{3, 4}, {4}}, {{3, 4}, {4, 2}}, {{2, 3}, {}}};
        for (int[][] d : dots) l.add(bin("dot(x, y)", d[0], u(-2, 2), d[1], u(-2, 2)));
        int[][][] mms = {{{2, 3, 4}, {4, 2}}, {{2, 3, 4}, {2, 4, 2}}, {{1, 3, 4}, {2, 4, 2}}, {{4}, {2, 4, 3}}, {{3, 4}, {4}}, {{4}, {4}},
            {{2, 3, 4}, {4}}, {{3, 4}, {2, 4, 2}}, {{2, 1, 2, 3}, {3, 3, 2}}};
        for (int[][] d : mms) l.add(bin("x @ y", d[0], u(-2, 2), d[1], u(-2, 2)));
        l.add(bin("outer(x, y)", new int[] {3}, u(-2, 2), row, u(-2, 2)));
        l.add(bin("outer(x, y)", new int[] {2, 2}, u(-2, 2), new int[] {3}, u(-2, 2)));
        l.add(bin("trace(x @ y)", M, u(-2, 2), new int[] {4, 3}, u(-2, 2)));

        // Shapes, views, indexing.
        l.add(un("transpose(x)", t3, u(-2, 2)));
        l.add(un("x.T", M, u(-2, 2)));
        l.add(un("transpose(x, [1, 0, 2])", t3, u(-2, 2)));
        l.add(un("transpose(x, [2, 0, 1]) * x[0, 0, 0]", t3, u(-2, 2)));
        l.add(un("reshape(x, [4, -1])", t3, u(-2, 2)));
        l.add(un("reshape(x, [2, 6]) ** 2", M, u(-2, 2)));
        l.add(un("flatten(x)", t3, u(-2, 2)));
        l.add(un("dimshuffle(x, [1, \"x\", 0])", M, u(-2, 2)));
        l.add(un("expand_dims(x, 1)", M, u(-2, 2)));
        l.add(un("expand_dims(x, [0, 3])", M, u(-2, 2)));
        l.add(un("squeeze(x)", new int[] {3, 1, 4}, u(-2, 2)));
        l.add(un("squeeze(x, 0)", new int[] {1, 3}, u(-2, 2)));
        l.add(un("broadcast_to(x, [3, 4])", row, u(-2, 2)));
        l.add(un("broadcast_to(x, [2, 3, 4])", col, u(-2, 2)));
        l.add(un("broadcast_to(x, [3, 4]) * x", row, u(-2, 2)));
        for (String ix : List.of("x[1:, ::-1]", "x[::2, 1:3]", "x[::-2]", "x[2:0:-1, 3:0:-2]", "x[-1]", "x[:, 0]", "x[1, 2]", "x[-1, -2]",
                "x[1][::-1]", "x[:, -1:0:-2] * x[0, 2:]", "x[0] * x[1] * x[2]"))
            l.add(un(ix, M, u(-2, 2)));
        l.add(un("x[::-1] * x", new int[] {5}, u(-2, 2)));
        l.add(bin("concatenate([x, y], axis=0)", new int[] {2, 3}, u(-2, 2), new int[] {1, 3}, u(-2, 2)));
        l.add(bin("concatenate([x, y], axis=1)", new int[] {2, 3}, u(-2, 2), new int[] {2, 2}, u(-2, 2)));
        l.add(bin("concatenate([x, y, x * y], axis=-1)", new int[] {2, 3}, u(-2, 2), new int[] {2, 3}, u(-2, 2)));
        l.add(bin("stack([x, y])", new int[] {2, 3}, u(-2, 2), new int[] {2, 3}, u(-2, 2)));
        l.add(bin("stack([x, y], axis=1)", new int[] {2, 3}, u(-2, 2), new int[] {2, 3}, u(-2, 2)));
        l.add(bin("stack([x, y * x], axis=-1)", new int[] {2, 3}, u(-2, 2), new int[] {2, 3}, u(-2, 2)));
        l.add(un("diag(x)", new int[] {3}, u(-2, 2)));
        l.add(un("diag(x)", new int[] {3, 3}, u(-2, 2)));
        l.add(un("diag(x)", new int[] {2, 3}, u(-2, 2)));
        l.add(un("diag(diag(x)) * x", new int[] {3, 3}, u(-2, 2)));
        l.add(un("trace(x)", new int[] {3, 3}, u(-2, 2)));
        l.add(un("trace(x * x)", new int[] {2, 3}, u(-2, 2)));
        l.add(un("x * shape(x)[0] + size(x)", M, u(-2, 2)));
        l.add(un("zeros_like(x) + ones_like(x) * x", M, u(-2, 2)));
        return l;
    }

    static String type(int[] s) {
        return BuiltinSemanticsTest.type(F64, s);
    }

    /** A type whose dims are dim variables named by their size (D3 for 3), except size 1, which stays broadcastable. */
    static String symType(int[] s) {
        if (s.length == 0) return "f64";
        var sb = new StringBuilder("f64[");
        for (int k = 0; k < s.length; k++) sb.append(k > 0 ? ", " : "").append(s[k] == 1 ? "1" : "D" + s[k]);
        return sb.append(']').toString();
    }

    @TestFactory
    Stream<DynamicTest> verifyGrad() {
        return cases().stream().map(k -> dynamicTest(k.name(), () -> verify(k, GradCheckTest::type)));
    }

    /** The same checks with dim variables instead of static sizes (other code paths in shape inference, fusion, kernels). */
    @TestFactory
    Stream<DynamicTest> verifyGradWithDimVariables() {
        return cases().stream().map(k -> dynamicTest(k.name(), () -> verify(k, GradCheckTest::symType)));
    }

    /** Regression: elementwise fusion once failed with 'fused param 0 type' on these. */
    @Test
    void fusedGradientsWithDimVariables() {
        var c = compile("""
            fn f(x: f64[A, B]) = grad(var(x), x)
            fn g(x: f64[A, B], y: f64[A, B]) = grad(sum(stack([x, y * x], axis=-1)), y)
            """);
        // d var(x) / dx = 2 (x - mean(x)) / n
        check(run1(c, "f", f64(sh(2, 2), 1, 2, 3, 6)), F64, sh(2, 2), new double[] {-1, -0.5, 0, 1.5}, "grad var");
        check(run1(c, "g", f64(sh(2, 2), 1, 2, 3, 6), f64(sh(2, 2), 0, 0, 0, 0)), F64, sh(2, 2), new double[] {1, 2, 3, 6}, "grad stack");
    }

    /** Regression: differentiation through concatenate once needed static sizes along the axis. */
    @Test
    void concatenateGradientWithDimVariables() {
        var c = compile("fn f(x: f64[N, 3], y: f64[M, 3]) = grad(sum(concatenate([x, y]) ** 2), x)");
        check(run1(c, "f", f64(sh(1, 3), 1, 2, 3), f64(sh(2, 3), 0, 0, 0, 0, 0, 0)), F64, sh(1, 3), new double[] {2, 4, 6}, "grad concatenate");
    }

    static Tensor[] with(Tensor[] base, Tensor... more) {
        Tensor[] a = Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, a, base.length, more.length);
        return a;
    }

    static double[] shifted(double[] x, double[] dir, double h) {
        double[] y = x.clone();
        for (int k = 0; k < y.length; k++) y[k] += h * dir[k];
        return y;
    }

    static void verify(Case k, java.util.function.Function<int[], String> type) {
        var r = new Random(k.name().hashCode());
        boolean bin = k.sy() != null;
        double[] x = null, y = null;
        for (int tries = 0; ; tries++) {
            x = k.dx().draw(r, size(k.sx()));
            y = bin ? k.dy().draw(r, size(k.sy())) : null;
            if (k.ok() == null || k.ok().test(x, y)) break;
            if (tries > 100000) fail("no valid inputs for " + k.name());
        }
        String params = "x: " + type.apply(k.sx()) + (bin ? ", y: " + type.apply(k.sy()) : "");
        String vars = bin ? "[x, y]" : "x";
        var c0 = compile("fn f(" + params + ") = " + k.expr());
        Tensor[] base = bin ? new Tensor[] {f64(k.sx(), x), f64(k.sy(), y)} : new Tensor[] {f64(k.sx(), x)};
        Tensor out = run1(c0, "f", base);
        assertEquals(F64, out.dtype(), "f must be f64");
        int[] so = out.shape();
        String src = "fn f(" + params + ") = " + k.expr() + "\n"
                + "fn g(" + params + ", w: " + type.apply(so) + ") = grad(sum((" + k.expr() + ") * w), " + vars + ")\n"
                + "fn l(" + params + ", w: " + type.apply(so) + ") = lop(" + k.expr() + ", " + vars + ", w)\n"
                + "fn r(" + params + ", vx: " + type.apply(k.sx()) + (bin ? ", vy: " + type.apply(k.sy()) : "") + ") = rop(" + k.expr() + ", "
                + (bin ? "[x, y], [vx, vy]" : "x, vx") + ")\n";
        var c = compile(src);
        String where = "\nsource:\n" + src + "x = " + Arrays.toString(x) + (bin ? "\ny = " + Arrays.toString(y) : "");
        double[] w = Harness.randn(r, size(so));
        Tensor wt = f64(so, w);
        List<Tensor> g = run(c, "g", with(base, wt));
        List<Tensor> lo = run(c, "l", with(base, wt));
        double scale = 0;
        double[] o = out.toDoubles();
        for (int i = 0; i < o.length; i++) scale += Math.abs(o[i] * w[i]);
        // Intermediate sums (reductions, matmul) round relative to the sum of |inputs|, not to |F|.
        for (double v : x) scale += Math.abs(v);
        if (bin) for (double v : y) scale += Math.abs(v);
        // Reverse mode: finite differences of F = sum(f * w), one operand element at a time.
        for (int operand = 0; operand < (bin ? 2 : 1); operand++) {
            double[] p = operand == 0 ? x : y;
            int[] sp = operand == 0 ? k.sx() : k.sy();
            double[] fd = new double[p.length];
            for (int i = 0; i < p.length; i++) {
                double[] plus = p.clone(), minus = p.clone();
                plus[i] += H;
                minus[i] -= H;
                double fp = weighted(c, base, operand, f64(sp, plus), w), fm = weighted(c, base, operand, f64(sp, minus), w);
                fd[i] = (fp - fm) / (plus[i] - minus[i]);
            }
            String name = operand == 0 ? "x" : "y";
            compare(g.get(operand), sp, fd, NOISE * Math.max(1, scale), "grad wrt " + name + where);
            compare(lo.get(operand), sp, fd, NOISE * Math.max(1, scale), "lop wrt " + name + where);
        }
        // Forward mode: the directional difference along (vx, vy).
        double[] vx = Harness.randn(r, x.length), vy = bin ? Harness.randn(r, y.length) : null;
        Tensor[] rargs = bin ? with(base, f64(k.sx(), vx), f64(k.sy(), vy)) : with(base, f64(k.sx(), vx));
        Tensor rop = run1(c, "r", rargs);
        Tensor[] plus = bin ? new Tensor[] {f64(k.sx(), shifted(x, vx, H)), f64(k.sy(), shifted(y, vy, H))} : new Tensor[] {f64(k.sx(), shifted(x, vx, H))};
        Tensor[] minus = bin ? new Tensor[] {f64(k.sx(), shifted(x, vx, -H)), f64(k.sy(), shifted(y, vy, -H))} : new Tensor[] {f64(k.sx(), shifted(x, vx, -H))};
        double[] fp = interp(c, "f", plus).getFirst().toDoubles(), fm = interp(c, "f", minus).getFirst().toDoubles();
        double[] fd = new double[fp.length];
        double oscale = 1;
        for (int i = 0; i < fd.length; i++) {
            fd[i] = (fp[i] - fm[i]) / (2 * H);
            oscale = Math.max(oscale, Math.abs(o[i]));
        }
        compare(rop, so, fd, NOISE * oscale * Math.sqrt(x.length + (bin ? y.length : 0)), "rop" + where);
    }

    static double weighted(Harness.Compiled c, Tensor[] base, int operand, Tensor replaced, double[] w) {
        Tensor[] a = base.clone();
        a[operand] = replaced;
        double[] f = interp(c, "f", a).getFirst().toDoubles();
        double s = 0;
        for (int i = 0; i < f.length; i++) s += f[i] * w[i];
        return s;
    }

    static void compare(Tensor got, int[] shape, double[] fd, double noise, String what) {
        assertEquals(F64, got.dtype(), what + ": dtype");
        assertTrue(Arrays.equals(shape, got.shape()), what + ": shape " + Arrays.toString(got.shape()) + ", expected " + Arrays.toString(shape));
        double[] a = got.toDoubles();
        for (int i = 0; i < a.length; i++) {
            double err = Math.abs(a[i] - fd[i]);
            if (!(err <= REL * Math.max(Math.abs(a[i]), Math.abs(fd[i])) + noise))
                fail(what + "\nelement " + i + ": symbolic " + a[i] + " vs finite difference " + fd[i] + " (error " + err + ")\nsymbolic: "
                        + Arrays.toString(a) + "\nfinite differences: " + Arrays.toString(fd));
        }
    }

    // ---- conventions, checked against hand-derived values ----

    @Test
    void maxAndMinRouteTheGradientToTheFirstExtremum() {
        var c = compile("""
            fn a(x: f64[4]) = grad(max(x), x)
            fn b(x: f64[4]) = grad(min(x), x)
            fn c(x: f64[2, 3]) = grad(sum(max(x, axis=1)), x)
            fn d(x: f64[2, 2], w: f64[2]) = grad(sum(min(x, axis=0) * w), x)
            fn e(x: f64[4], v: f64[4]) = rop(max(x), x, v)
            fn k(x: f64[2, 2]) = grad(max(x), x)
            fn m(x: f64[2, 3]) = grad(sum(max(x, axis=-1, keepdims=true) * x), x)
            fn n(x: f64[2, 3], v: f64[2, 3]) = rop(min(x, axis=1), x, v)
            """);
        check(run1(c, "a", f64(sh(4), 1, 3, 3, 2)), F64, sh(4), new double[] {0, 1, 0, 0}, "grad max with a tie");
        check(run1(c, "b", f64(sh(4), 2, 1, 1, 5)), F64, sh(4), new double[] {0, 1, 0, 0}, "grad min with a tie");
        check(run1(c, "c", f64(sh(2, 3), 1, 3, 3, 5, 5, 0)), F64, sh(2, 3), new double[] {0, 1, 0, 1, 0, 0}, "grad max axis 1 with ties");
        check(run1(c, "d", f64(sh(2, 2), 2, 1, 2, 1), f64(sh(2), 10, 20)), F64, sh(2, 2), new double[] {10, 20, 0, 0}, "grad min axis 0 with ties");
        check(run1(c, "e", f64(sh(4), 1, 3, 3, 2), f64(sh(4), 10, 20, 30, 40)), F64, sh(), new double[] {20}, "rop max with a tie");
        check(run1(c, "k", f64(sh(2, 2), 3, 1, 3, 3)), F64, sh(2, 2), new double[] {1, 0, 0, 0}, "grad max of a matrix with ties");
        // d/dx sum(m_i * x_ij) = m_i + [j is the first argmax of row i] * sum_j x_ij.
        check(run1(c, "m", f64(sh(2, 3), 1, 4, 4, 2, 2, 2)), F64, sh(2, 3), new double[] {4, 4 + 9, 4, 2 + 6, 2, 2}, "max keepdims times x, with ties");
        check(run1(c, "n", f64(sh(2, 3), 0, 5, 0, 7, 7, 7), f64(sh(2, 3), 1, 2, 3, 4, 5, 6)), F64, sh(2), new double[] {1, 4}, "rop min axis 1 with ties");
    }

    @Test
    void nonDifferentiablePointsFollowTheConventions() {
        var c = compile("""
            fn a(x: f64[5]) = (grad(sum(abs(x)), x), grad(sum(relu(x)), x), grad(sum(sign(x)), x))
            fn b(x: f64[5], v: f64[5]) = (rop(abs(x), x, v), rop(relu(x), x, v))
            fn d(x: f64[5], w: f64[5]) = grad(sum(abs(x) * w), x)
            """);
        var x = f64(sh(5), 0, -1, 2, -0.0, 1e-300);
        var a = run(c, "a", x);
        check(a.get(0), F64, sh(5), new double[] {0, -1, 1, 0, 1}, "abs'(0) = 0");
        check(a.get(1), F64, sh(5), new double[] {0, 0, 1, 0, 1}, "relu'(0) = 0");
        check(a.get(2), F64, sh(5), new double[] {0, 0, 0, 0, 0}, "sign' = 0");
        var b = run(c, "b", x, f64(sh(5), 5, 6, 7, 8, 9));
        check(b.get(0), F64, sh(5), new double[] {0, -6, 7, 0, 9}, "rop abs at 0");
        check(b.get(1), F64, sh(5), new double[] {0, 0, 7, 0, 9}, "rop relu at 0");
        check(run1(c, "d", x, f64(sh(5), 2, 3, 4, 5, 6)), F64, sh(5), new double[] {0, -3, 4, 0, 6}, "abs'(0) = 0 with weights");
    }

    /** Regression: at -O1 and above the pre-differentiation rewrite of the cost once dropped stop_gradient. */
    @Test
    void stopGradientBlocksTheGradient() {
        var c = compile("""
            fn s0(x: f64) = grad(stop_gradient(x) * x, x)
            fn s1(x: f64[3]) = grad(sum(stop_gradient(x) * x), x)
            fn s2(x: f64[3]) = grad(sum(stop_gradient(x ** 2)) + sum(x * 3), x)
            fn s3(x: f64[3]) = grad(sum(stop_gradient(x)), x, disconnected="zero")
            fn s5(x: f64[3]) = grad(sum(stop_gradient(exp(x)) * exp(x)), x)
            fn s6(x: f64[3]) = grad(sum(x - stop_gradient(x)), x)
            """);
        var x = f64(sh(3), 0.5, -1, 2);
        check(run1(c, "s0", scalar(0.5)), F64, sh(), new double[] {0.5}, "grad(stop_gradient(x) * x, x) = x");
        check(run1(c, "s1", x), F64, sh(3), new double[] {0.5, -1, 2}, "stop_gradient(x) * x");
        check(run1(c, "s2", x), F64, sh(3), new double[] {3, 3, 3}, "stop_gradient of a term");
        check(run1(c, "s3", x), F64, sh(3), new double[] {0, 0, 0}, "stop_gradient alone gives zero");
        check(run1(c, "s5", x), F64, sh(3), new double[] {Math.exp(1), Math.exp(-2), Math.exp(4)}, "stop_gradient(exp(x)) * exp(x)");
        check(run1(c, "s6", x), F64, sh(3), new double[] {1, 1, 1}, "straight-through: x - stop_gradient(x)");
    }

    @Test
    void stopGradientInForwardModeAndDisconnectedInputs() {
        var c = compile("""
            fn s4(x: f64[3], v: f64[3]) = rop(stop_gradient(x) * x, x, v)
            fn s7(x: f64[3], v: f64[3]) = rop(x - stop_gradient(x) + stop_gradient(x ** 2), x, v)
            fn d1(x: f64[3], y: f64[2]) = grad(sum(x ** 2), [x, y], disconnected="zero")
            fn d2(x: f64[3], y: f64) = grad(sum(x), y, disconnected="zero")
            fn d3(x: f64[3], y: f64[2, 2], v: f64[2, 2]) = rop(x * 2, y, v, disconnected="zero")
            fn d4(x: f64[3], y: f64[2], u: f64[3]) = lop(x * 2, [x, y], u, disconnected="zero")
            """);
        var x = f64(sh(3), 0.5, -1, 2);
        check(run1(c, "s4", x, f64(sh(3), 1, 2, 3)), F64, sh(3), new double[] {0.5, -2, 6}, "rop through stop_gradient");
        check(run1(c, "s7", x, f64(sh(3), 1, 2, 3)), F64, sh(3), new double[] {1, 2, 3}, "rop of x - stop_gradient(x) + stop_gradient(x^2)");
        var d1 = run(c, "d1", x, f64(sh(2), 7, 8));
        check(d1.get(0), F64, sh(3), new double[] {1, -2, 4}, "connected part");
        check(d1.get(1), F64, sh(2), new double[] {0, 0}, "disconnected=\"zero\" gives zeros");
        check(run1(c, "d2", x, scalar(3)), F64, sh(), new double[] {0}, "disconnected scalar");
        check(run1(c, "d3", x, f64(sh(2, 2), 1, 2, 3, 4), f64(sh(2, 2), 1, 1, 1, 1)), F64, sh(3), new double[] {0, 0, 0}, "rop disconnected gives zeros shaped like the output");
        var d4 = run(c, "d4", x, f64(sh(2), 1, 1), f64(sh(3), 1, 2, 3));
        check(d4.get(0), F64, sh(3), new double[] {2, 4, 6}, "lop connected");
        check(d4.get(1), F64, sh(2), new double[] {0, 0}, "lop disconnected");
    }

    @Test
    void disconnectedWithoutZeroIsAnErrorNamingTheVariable() {
        var comp = Frontend.compileText("t.tx", "fn d(x: f64[3], yy: f64[2]) = grad(sum(x ** 2), [x, yy])", Frontend.Options.defaults());
        assertTrue(comp.ok(), () -> comp.diagnostics().toString());
        var e = assertThrows(CompileException.class, () -> Pipeline.run(comp.module(), Pipeline.Stage.AD, new PassContext(2, F64)));
        assertTrue(e.getMessage().contains("yy"), "the error names the variable: " + e.getMessage());
    }

    @Test
    void gradOfAListReturnsATupleInOrder() {
        var c = compile("""
            fn t(w: f64[3], b: f64) {
                gw, gb = grad(sum(w * w) + b * 3 + b * b, [w, b])
                return gw, gb
            }
            fn t2(w: f64[3], b: f64) {
                gb, gw = grad(sum(w * w) + b * 3 + b * b, [b, w])
                return gb, gw
            }
            fn t3(a: f64, b: f64, c: f64) = grad(a * 1 + b * 2 + c * 3, [c, a, b])
            """);
        var t = run(c, "t", f64(sh(3), 1, 2, 3), scalar(5));
        check(t.get(0), F64, sh(3), new double[] {2, 4, 6}, "gw");
        check(t.get(1), F64, sh(), new double[] {13}, "gb");
        var t2 = run(c, "t2", f64(sh(3), 1, 2, 3), scalar(5));
        check(t2.get(0), F64, sh(), new double[] {13}, "gb first");
        check(t2.get(1), F64, sh(3), new double[] {2, 4, 6}, "gw second");
        var t3 = run(c, "t3", scalar(1), scalar(1), scalar(1));
        assertEquals(3, t3.size());
        check(t3.get(0), F64, sh(), new double[] {3}, "d/dc");
        check(t3.get(1), F64, sh(), new double[] {1}, "d/da");
        check(t3.get(2), F64, sh(), new double[] {2}, "d/db");
    }

    @Test
    void castBetweenFloatsPassesTheGradientThrough() {
        var c = compile("""
            fn c1(x: f64[3], w: f32[3]) = grad(sum(cast(x, f32) * w), x)
            fn c2(x: f32[3], w: f64[3]) = grad(sum(cast(x, f64) * w), x)
            fn c3(x: f64[3], v: f64[3]) = rop(cast(x, f32), x, v)
            fn c4(x: f64[3]) = grad(sum(cast(x, f32) ** 2), x)
            fn c5(x: f32[3], v: f32[3]) = rop(cast(x, f64) * 2, x, v)
            fn g32(x: f32[3]) = (grad(sum(x * x), x), grad(sum(exp(x)), x))
            """);
        double[] w = {0.1, -2.5, 3.3};
        check(run1(c, "c1", f64(sh(3), 1, 2, 3), f32(sh(3), w)), F64, sh(3), new double[] {(float) 0.1, -2.5, (float) 3.3}, "grad through f64 -> f32");
        check(run1(c, "c2", f32(sh(3), 1, 2, 3), f64(sh(3), w)), F32, sh(3), new double[] {(float) 0.1, -2.5, (float) 3.3}, "grad through f32 -> f64");
        check(run1(c, "c3", f64(sh(3), 1, 2, 3), f64(sh(3), w)), F32, sh(3), new double[] {(float) 0.1, -2.5, (float) 3.3}, "rop through f64 -> f32");
        check(run1(c, "c4", f64(sh(3), 0.1, 2, -3)), F64, sh(3), new double[] {2 * (double) (float) 0.1, 4, -6}, "grad of cast(x, f32) ** 2");
        check(run1(c, "c5", f32(sh(3), 1, 2, 3), f32(sh(3), w)), F64, sh(3), new double[] {2 * (double) (float) 0.1, -5, 2 * (double) (float) 3.3}, "rop through f32 -> f64");
        var g = run(c, "g32", f32(sh(3), 0.5, -1, 2));
        check(g.get(0), F32, sh(3), new double[] {1, -2, 4}, "f32 gradient stays f32");
        check(g.get(1), F32, sh(3), new double[] {(float) Math.exp(0.5), (float) Math.exp(-1), (float) Math.exp(2)}, "grad exp f32");
    }

    @Test
    void integerIndexWithARuntimeIndex() {
        var c = compile("""
            fn a(x: f64[3, 4], i: i64, w: f64[4]) = grad(sum(x[i] * w), x)
            fn b(x: f64[3, 4], i: i64, j: i64) = grad(x[i, j] ** 2, x)
            fn d(x: f64[3, 4], j: i64, v: f64[3, 4]) = rop(x[:, j] * 2, x, v)
            """);
        double[] x = new double[12];
        for (int k = 0; k < 12; k++) x[k] = k + 1;
        check(run1(c, "a", f64(sh(3, 4), x), i64(-1), f64(sh(4), 1, 2, 3, 4)), F64, sh(3, 4), new double[] {0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4}, "grad of x[-1]");
        double[] e = new double[12];
        e[6] = 2 * 7;
        check(run1(c, "b", f64(sh(3, 4), x), i64(1), i64(-2)), F64, sh(3, 4), e, "grad of x[1, -2] ** 2");
        double[] v = new double[12];
        for (int k = 0; k < 12; k++) v[k] = 10 * k;
        check(run1(c, "d", f64(sh(3, 4), x), i64(2), f64(sh(3, 4), v)), F64, sh(3), new double[] {40, 120, 200}, "rop of x[:, 2] * 2");
        bothThrow(c, "a", f64(sh(3, 4), x), i64(3), f64(sh(4), 1, 2, 3, 4));
    }
}
