package dev.txc.tests.numeric;

import static dev.txc.tests.numeric.Harness.*;

import dev.txc.ir.Tensor;
import dev.txc.types.DType;
import org.junit.jupiter.api.Test;

/**
 * Inputs on which the typed differential fuzzer found the engines disagreeing, kept as regression cases with their
 * NumPy values (each checked on the interpreter, JVM -O0 and JVM -O2 through the harness).
 */
class FuzzRegressionTest {
    static final double INF = Double.POSITIVE_INFINITY, NAN = Double.NaN;

    /**
     * Scan fuzzing (seed 12804546): the gradient of a scan whose carry starts as {@code f64[2, D2]} and comes back from the
     * body as {@code f64[2, 2]}, with a scan nested over that carry, was an internal error (`scan param 0 type f64[D2] !=
     * f64[2]`): the reverse scan reads the carries from a concatenation typed {@code [2, 2]}, and rebuilding the nested
     * scan on it failed the check that its body param has exactly the element's type. A param now takes an operand that
     * knows a dim the param leaves symbolic. The gradient is checked against central differences of the forward function.
     */
    @Test
    void gradientThroughAScanOverACarryWhoseTypeBecomesMorePrecise() {
        String body = "scan v in arange(3) carry h = u * ones([2, 1]) { tanh(h * 0.5 + (scan w in h carry k = u { tanh(k * 0.5 + broadcast_to(u, [2])) })) }";
        var c = compile("fn c(u: f64[D2]) = sum(" + body + ")\nfn g(u: f64[D2]) = grad(sum(" + body + "), [u])\n");
        double[] u = {0.3, -0.7}, fd = new double[2];
        double h = 1e-6;
        for (int i = 0; i < 2; i++) {
            double[] up = u.clone(), dn = u.clone();
            up[i] += h;
            dn[i] -= h;
            fd[i] = (run1(c, "c", f64(sh(2), up)).toDoubles()[0] - run1(c, "c", f64(sh(2), dn)).toDoubles()[0]) / (2 * h);
        }
        check(run1(c, "g", f64(sh(2), u)), DType.F64, sh(2), fd, 1e-6, "grad through a nested scan over a refined carry");
        // With a u of length 1 the inner carry would grow from (1,) to (2,) at its first step: every engine refuses it,
        // the forward function as its gradient (which failed before in a concatenate the user did not write).
        bothThrow(c, "c", f64(sh(1), 0.3));
        bothThrow(c, "g", f64(sh(1), 0.3));
    }

    /**
     * Scan fuzzing (seed 16801306): in the same situation, a scan nested over the refined carry has a stack over as many
     * steps as the carry's length, {@code f64[D2]} as written and {@code f64[2]} once rebuilt, and the rewrite's check
     * that a node keeps its type refused the more precise tuple (an internal error). Checked against central differences.
     */
    @Test
    void gradientThroughAScanWhoseStackBecomesMorePrecise() {
        String body = "scan v in reshape(sin(arange(4) * 0.7 + s), [2, 2]) carry h = u { 0.5 * (h + (scan w in h carry k = s { maximum(k, w) }) - v) }";
        var c = compile("fn c(u: f64[D2], s: f64) = sum(" + body + ")\nfn g(u: f64[D2], s: f64) = grad(sum(" + body + "), [u, s])\n");
        double[] x = {0.3, -0.2, 0.1}, fd = new double[3];
        double h = 1e-6;
        for (int i = 0; i < 3; i++) {
            double[] up = x.clone(), dn = x.clone();
            up[i] += h;
            dn[i] -= h;
            double cu = run1(c, "c", f64(sh(2), up[0], up[1]), scalar(up[2])).toDoubles()[0];
            double cd = run1(c, "c", f64(sh(2), dn[0], dn[1]), scalar(dn[2])).toDoubles()[0];
            fd[i] = (cu - cd) / (2 * h);
        }
        var g = run(c, "g", f64(sh(2), x[0], x[1]), scalar(x[2]));
        check(g.get(0), DType.F64, sh(2), new double[] {fd[0], fd[1]}, 1e-6, "d/du through a nested scan over a refined carry");
        check(g.get(1), DType.F64, sh(), new double[] {fd[2]}, 1e-6, "d/ds through a nested scan over a refined carry");
    }

    /**
     * Mutation fuzzing (seed 11500000, mutant 1294): -O2 folded {@code [3, -1] - 1} into a constant shape that the
     * reshape's type rule rejects, an internal error; the rewrite now leaves the node as it was, and every engine raises
     * at run time, as -O0 did (NumPy reads any negative size as unknown; txc, like PyTorch, allows only -1).
     */
    @Test
    void shapesFoldedIntoInvalidConstantsRaiseAtRunTime() {
        var c = compile("fn f(x: f64[2, 6]) = reshape(x, [3, -1] - 1)\nfn g(x: f64[2, 6]) = reshape(x, [3, 4] + 1)\n"
                + "fn h(x: f64[2, 6]) = broadcast_to(x, [2, 6] - 3)\nfn k(x: f64[2, 6]) = reshape(x, [3, 7] - 1)\n");
        Tensor x = f64(sh(2, 6), 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11);
        bothThrow(c, "f", x);
        bothThrow(c, "g", x);
        bothThrow(c, "h", x);
        check(run1(c, "k", x), DType.F64, sh(2, 6), new double[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, "reshape(x, [3, 7] - 1)");
    }

    /** The interpreter's compensated sum turned inf + finite into NaN (inf - inf in the compensation). */
    @Test
    void sumWithAnInfiniteTermIsInfinite() {
        var c = compile("fn f(x: f32[?]) = sum(x)\nfn g(x: f64[?, ?]) = mean(x, axis=1)\n");
        check(run1(c, "f", f32(sh(3), 1, INF, 2)), DType.F32, sh(), new double[] {INF}, "sum([1, inf, 2])");
        check(run1(c, "g", f64(sh(2, 2), -INF, 3, INF, -INF)), DType.F64, sh(2), new double[] {-INF, NAN}, "mean([[-inf, 3], [inf, -inf]], axis=1)");
    }

    /** C99 and NumPy: 1 ** nan = 1 and (-1) ** inf = 1; the interpreter used Math.pow (NaN). */
    @Test
    void powerSpecialCases() {
        var c = compile("fn f(x: f64[?], y: f64[?]) = x ** y\n");
        check(run1(c, "f", f64(sh(4), 1, -1, -1, 2), f64(sh(4), NAN, INF, -INF, NAN)), DType.F64, sh(4), new double[] {1, 1, 1, NAN}, "pow special cases");
    }

    /** -O2 rewrote x * 0 to 0 for floats; log(-1) * 0 is NaN and inf * 0 is NaN, as NumPy. */
    @Test
    void floatTimesZeroKeepsNaN() {
        var c = compile("fn f(x: f64[?]) = log(x) * 0.0\nfn g(x: f32[?]) = 0.0 * x\n");
        check(run1(c, "f", f64(sh(3), -1, 0, 2)), DType.F64, sh(3), new double[] {NAN, NAN, 0}, "log(x) * 0");
        check(run1(c, "g", f32(sh(3), INF, NAN, -2)), DType.F32, sh(3), new double[] {NAN, NAN, -0.0}, "0 * x");
    }

    /** -O2 dropped an integer power with a negative exponent under "0 * x => 0" and "x ** 0 => 1": the error must stay. */
    @Test
    void droppedOperandsStillRaise() {
        var c = compile("fn f(a: i32[?], b: i32[?]) = 0 * (a ** b)\nfn g(a: i8[?], b: i8[?]) = (a ** b) ** 0\nfn h(a: i64[?]) = a * 0\n");
        Tensor a = Tensor.ofLongs(DType.I32, sh(2), new long[] {2, 3}), b = Tensor.ofLongs(DType.I32, sh(2), new long[] {1, -1});
        bothThrow(c, "f", a, b);
        bothThrow(c, "g", Tensor.ofLongs(DType.I8, sh(2), new long[] {2, 3}), Tensor.ofLongs(DType.I8, sh(2), new long[] {1, -1}));
        checkLongs(run1(c, "f", a, Tensor.ofLongs(DType.I32, sh(2), new long[] {1, 2})), DType.I32, sh(2), new long[] {0, 0}, "0 * a ** b");
        // A parameter times zero may still be folded: nothing is lost.
        checkLongs(run1(c, "h", Tensor.ofLongs(DType.I64, sh(2), new long[] {5, -7})), DType.I64, sh(2), new long[] {0, 0}, "a * 0");
    }

    /**
     * -O2 reassociated float constants: (x * 1e300) * 1e10 became x * inf, NaN for x = 0 (NumPy: 0), and
     * (1e-3 + x) + y became 1e-3 + (x + y), which rounds differently in f32 where x + y cancels.
     */
    @Test
    void floatConstantsAreNotReassociated() {
        var c = compile("fn f(x: f64[?]) = (x * 1e300) * 1e10\nfn g(x: f32[?], y: f32[?]) = (0.001 + x) + y\n");
        check(run1(c, "f", f64(sh(3), 0, 1e-300, -1)), DType.F64, sh(3), new double[] {0, 1e300 * 1e-300 * 1e10, -INF}, "(x * 1e300) * 1e10");
        // In f32: 0.001f + 16777216f rounds to 16777216f, then - 16777216f gives 0 (reassociated: 0.001f).
        check(run1(c, "g", f32(sh(1), 16777216f), f32(sh(1), -16777216f)), DType.F32, sh(1), new double[] {0}, "(0.001 + x) + y");
    }

    /** The interpreter compared integers as doubles in max/min/argmax: 2^63 - 2 and 2^63 - 1 tied. */
    @Test
    void integerExtremesCompareExactly() {
        var c = compile("fn f(x: i64[?]) = (max(x), min(-x), argmax(x))\n");
        long m = Long.MAX_VALUE;
        var out = run(c, "f", Tensor.ofLongs(DType.I64, sh(3), new long[] {m - 2, m, m - 1}));
        checkLongs(out.get(0), DType.I64, sh(), new long[] {m}, "max");
        checkLongs(out.get(1), DType.I64, sh(), new long[] {-m}, "min of the negations");
        checkLongs(out.get(2), DType.I64, sh(), new long[] {1}, "argmax");
    }

    /** Signed zeros: -O2 rewrote 0 - x to -x, x + 0 to x and -(a - b) to b - a, which differ for zeros (1/x shows it). */
    @Test
    void signedZerosSurviveCanonicalization() {
        var c = compile("fn f(x: f64[?]) = 1.0 / (0.0 - x)\nfn g(x: f64[?]) = 1.0 / (x + 0.0)\nfn h(a: f32[?], b: f32[?]) = 1.0 / -(a - b)\n");
        check(run1(c, "f", f64(sh(2), 0, -0.0)), DType.F64, sh(2), new double[] {INF, INF}, "1 / (0 - x)");
        check(run1(c, "g", f64(sh(2), -0.0, 0)), DType.F64, sh(2), new double[] {INF, INF}, "1 / (x + 0)");
        check(run1(c, "h", f32(sh(1), 2), f32(sh(1), 2)), DType.F32, sh(1), new double[] {-INF}, "1 / -(a - a)");
    }

    /** -O2 rewrote x ** 0.5 to sqrt(x): C99 and NumPy give pow(-inf, 0.5) = inf and pow(-0.0, 0.5) = 0.0. */
    @Test
    void halfPowerIsNotSqrt() {
        var c = compile("fn f(x: f64[?]) = x ** 0.5\nfn g(x: f64[?]) = 1.0 / (x ** 0.5)\n");
        check(run1(c, "f", f64(sh(3), -INF, 4, -1)), DType.F64, sh(3), new double[] {INF, 2, NAN}, "x ** 0.5");
        check(run1(c, "g", f64(sh(1), -0.0)), DType.F64, sh(1), new double[] {INF}, "1 / (-0.0 ** 0.5)");
    }

    /** The interpreter multiplied b times: x ** (2^63 - 1) (say of cast(inf, i64)) never finished. */
    @Test
    void hugeIntegerExponentsFinish() {
        var c = compile("fn f(x: i64[?], e: i64) = x ** e\n");
        // 1^e = 1, 0^e = 0, (-1)^odd = -1, and 2^(2^63 - 1) is a multiple of 2^64, so it wraps to 0.
        checkLongs(run1(c, "f", Tensor.ofLongs(DType.I64, sh(4), new long[] {1, 0, -1, 2}), Tensor.scalarLong(DType.I64, Long.MAX_VALUE)),
                DType.I64, sh(4), new long[] {1, 0, -1, 0}, "x ** (2^63 - 1)");
    }

    /**
     * A scan of zero steps with a per-step output: -O2 fused max(exp2(sin(broadcast_to(v, [1, 2]))), axis=1) into a
     * kernel whose broadcast took the shape as an operand, so the output's inner dim became '?' and the JVM backend
     * raised "scan with zero steps cannot tell the shape of its output" where the interpreter and -O0 give [0, 1].
     */
    @Test
    void zeroStepScanKeepsStaticOutputDims() {
        var c = compile("""
            fn f(s: f64, xs: f64[0, 1], h0: f64[1], b: f64[1]) {
                hs, os = scan v in xs carry h = h0 { (tanh((log(2 + cos(minimum(v, b))) - 0.5 * b)), max(exp2(sin(broadcast_to(v, [1, 2]))), axis=1)) }
                return (hs, os)
            }
            """);
        var out = run(c, "f", Tensor.ofDoubles(DType.F64, sh(), new double[] {0.3}), f64(sh(0, 1)), f64(sh(1), 0.1), f64(sh(1), 2));
        check(out.get(0), DType.F64, sh(0, 1), new double[0], "stacked carries over zero steps");
        check(out.get(1), DType.F64, sh(0, 1), new double[0], "per-step outputs over zero steps");
        org.junit.jupiter.api.Assertions.assertEquals("f64[0, 1]", c.optFn("f").outputs().get(1).value().type().toString(), "the -O2 output type stays static");
    }
    /**
     * Seeds 240923 and 242651 of the float fuzzer: the mean of equal values rounds differently by summation order, so
     * one engine gave var 1e-33 and the other 0, and the derivative of std there came out 0.0 against NaN. Shifted by
     * the first element, var of equal values is exactly 0 and the derivative 0/0 = NaN everywhere (as JAX, PyTorch).
     */
    @Test
    void varianceOfEqualValuesIsExactlyZero() {
        var c = compile("""
            fn v(x: f64[?, ?]) = (var(x), std(x, axis=1), var(x, axis=0))
            fn g(x: f64[?]) = grad(std(x), x)
            fn w(x: f64[?, ?]) = (var(x, axis=1), std(x))
            """);
        for (double x : new double[] {0.1, 0.7, 2.9}) {
            // Summed one by one and divided, these means are off by an ulp at these sizes (0.1 * 6 / 6 != 0.1).
            Tensor a = f64(sh(2, 7), java.util.stream.DoubleStream.generate(() -> x).limit(14).toArray());
            run(c, "v", a);
            for (var out : java.util.List.of(interp(c, "v", a), jvm(c, "v", a), jvm(c.optFn("v"), a))) {
                check(out.get(0), DType.F64, sh(), new double[] {0}, 0, "var of equal values");
                check(out.get(1), DType.F64, sh(2), new double[] {0, 0}, 0, "std of equal rows");
                check(out.get(2), DType.F64, sh(7), new double[7], 0, "var of equal columns");
            }
            check(run1(c, "g", f64(sh(6), x, x, x, x, x, x)), DType.F64, sh(6), new double[] {NAN, NAN, NAN, NAN, NAN, NAN}, "d std at equal values");
        }
        // Empty slices still give NaN (NumPy's mean of nothing), and a row far from 0 keeps its variance.
        var e = run(c, "w", f64(sh(3, 0)));
        check(e.get(0), DType.F64, sh(3), new double[] {NAN, NAN, NAN}, "var of empty rows");
        check(e.get(1), DType.F64, sh(), new double[] {NAN}, "std of nothing");
        check(run(c, "w", f64(sh(1, 3), 1e9, 1e9 + 1, 1e9 + 3)).get(0), DType.F64, sh(1), new double[] {14.0 / 9}, 1e-15, "var of [1e9, 1e9+1, 1e9+3]");
    }
    /** ScanDifferentialTest's finite differences (seeds 20261233, 20261239): norm's gradient at 0 was NaN (0 * inf). */
    @Test
    void normAtZeroHasAZeroGradient() {
        var c = compile("""
            fn f(x: f64[?]) = (norm(x), grad(norm(x), x), hessian(norm(x), x))
            fn g(x: f64[?, ?]) = (norm(x, axis=1), grad(sum(norm(x, axis=1)), x))
            """);
        var z = run(c, "f", f64(sh(2), 0, 0));
        check(z.get(0), DType.F64, sh(), new double[] {0}, 0, "norm of zeros");
        check(z.get(1), DType.F64, sh(2), new double[] {0, 0}, 0, "d norm at zero");
        check(z.get(2), DType.F64, sh(2, 2), new double[] {0, 0, 0, 0}, 0, "d2 norm at zero");
        // away from 0: x / |x| and (I - x x^T / |x|^2) / |x|, by hand
        var a = run(c, "f", f64(sh(2), 3, 4));
        check(a.get(0), DType.F64, sh(), new double[] {5}, 1e-15, "norm of [3, 4]");
        check(a.get(1), DType.F64, sh(2), new double[] {0.6, 0.8}, 1e-15, "d norm at [3, 4]");
        check(a.get(2), DType.F64, sh(2, 2), new double[] {16 / 125.0, -12 / 125.0, -12 / 125.0, 9 / 125.0}, 1e-15, "d2 norm at [3, 4]");
        var rows = run(c, "g", f64(sh(2, 3), 0, 0, 0, 1, 2, 2));
        check(rows.get(0), DType.F64, sh(2), new double[] {0, 3}, 1e-15, "row norms");
        check(rows.get(1), DType.F64, sh(2, 3), new double[] {0, 0, 0, 1 / 3.0, 2 / 3.0, 2 / 3.0}, 1e-15, "d row norms");
    }

    /**
     * ScanDifferentialTest seed 500587: the gradient through a checkpointed scan whose carry starts as f64[D4] and whose
     * steps give f64[4] was an internal error (a segment's scan took the checkpoint row, f64[4], for an f64[D4] carry).
     */
    @Test
    void checkpointedScanWithAMorePreciseCarry() {
        String body = " v in abs(broadcast_to(b, [3, 4])) carry h = (scan u in b { s }) { tanh(h * 0.5 + reshape(broadcast_to(c, [2, 2]), [4])) })[-2])";
        var c = compile("fn g(s: f64, b: f64[D4], c: f64[D2, 1]) = grad(sum((scan(checkpoint=2)" + body + ", [b, c, s])\n"
                + "fn h(s: f64, b: f64[D4], c: f64[D2, 1]) = grad(sum((scan" + body + ", [b, c, s])\n");
        Tensor s = f64(sh(), 0.5), b = f64(sh(4), 1, -2, 3, 4), cc = f64(sh(2, 1), 1, 2);
        var g = run(c, "g", s, b, cc);
        var h = run(c, "h", s, b, cc);
        for (int k = 0; k < 3; k++) agree(h.get(k), g.get(k), 1e-14, "checkpointed vs plain gradient " + k);
        // d/ds by central differences of the cost: s sets the carry's start, each step halves its influence
        var f = compile("fn f(s: f64, b: f64[D4], c: f64[D2, 1]) = sum((scan" + body + "\n");
        double e = 1e-6, fd = (run1(f, "f", f64(sh(), 0.5 + e), b, cc).toDoubles()[0] - run1(f, "f", f64(sh(), 0.5 - e), b, cc).toDoubles()[0]) / (2 * e);
        check(g.get(2), DType.F64, sh(), new double[] {fd}, 1e-8, "d/ds by differences");
    }
    /** A new user's report: integer labels outside [0, classes) gave a loss of -0.0 (an all-zero one-hot row). */
    @Test
    void categoricalCrossentropyRejectsLabelsOutsideTheClasses() {
        var c = compile("fn f(p: f64[?, ?], t: i64[?]) = categorical_crossentropy(p, t)\n");
        Tensor p = f64(sh(2, 3), 0.2, 0.3, 0.5, 0.1, 0.1, 0.8);
        for (long[] bad : new long[][] {{3, 0}, {0, -1}, {100, -5}}) bothThrow(c, "f", p, Tensor.ofLongs(DType.I64, sh(2), bad));
        check(run1(c, "f", p, Tensor.ofLongs(DType.I64, sh(2), new long[] {0, 2})), DType.F64, sh(2), new double[] {-Math.log(0.2), -Math.log(0.8)}, 1e-15, "labels 0 and 2");
        check(run1(c, "f", f64(sh(0, 3)), Tensor.ofLongs(DType.I64, sh(0), new long[0])), DType.F64, sh(0), new double[0], "no samples");
    }

    /** A new user's report: max and min of bools were i64 (NumPy keeps bool); logsumexp(x, axis=[]) of -0.0 was -0.0 at -O2. */
    @Test
    void boolExtremesAndEmptyAxisLogsumexp() {
        var c = compile("fn f(x: bool[?]) = (max(x), min(x), max(x, axis=0, keepdims=true))\nfn g(x: f64[?]) = logsumexp(x, axis=[])\n");
        var b = run(c, "f", Tensor.ofLongs(DType.BOOL, sh(2), new long[] {1, 0}));
        checkLongs(b.get(0), DType.BOOL, sh(), new long[] {1}, "max of bools");
        checkLongs(b.get(1), DType.BOOL, sh(), new long[] {0}, "min of bools");
        checkLongs(b.get(2), DType.BOOL, sh(1), new long[] {1}, "max of bools, kept axis");
        bothThrow(c, "f", Tensor.ofLongs(DType.BOOL, sh(0), new long[0]));
        // log(exp(-0.0)) is +0.0: compared bit for bit on every engine
        Tensor x = f64(sh(3), -0.0, 1.0, Double.NEGATIVE_INFINITY);
        for (var out : java.util.List.of(interp(c, "g", x), jvm(c, "g", x), jvm(c.optFn("g"), x)))
            org.junit.jupiter.api.Assertions.assertArrayEquals(new double[] {0.0, 1.0, Double.NEGATIVE_INFINITY}, out.getFirst().toDoubles());
    }

    /** A new user's report: arange of more than 2^31 - 1 elements was unlocated (the interpreter's count overflowed). */
    @Test
    void hugeArangesAreErrorsOnEveryEngine() {
        var c = compile("fn g(n: i64) = arange(n)\nfn h(a: f64, b: f64) = arange(a, b, 1.0)\n");
        bothThrow(c, "g", i64(3_000_000_000L));
        bothThrow(c, "g", i64(5_000_000_000L));
        bothThrow(c, "h", scalar(0), scalar(1e300));
        bothThrow(c, "h", scalar(0), scalar(Double.NaN));
        checkLongs(run1(c, "g", i64(3)), DType.I64, sh(3), new long[] {0, 1, 2}, "arange(3)");
    }

    /**
     * A new user's report: the interpreter and constant folding (one formula) took log1p near -1 for atanh near -1
     * (-18.368 for atanh(-0.9999999999999999)) and gave acosh(-1e300) = inf; -O0 was right. atanh is odd.
     */
    @Test
    void inverseHyperbolicsNearTheirEdgesAgreeOnEveryEngine() {
        var c = compile("fn a(x: f64[?]) = atanh(x)\nfn h(x: f64[?]) = acosh(x)\n"
                + "fn k() = (atanh(-0.9999999999999999), acosh(-1e300), atanh(-0.999999))\n");
        double near = -0.9999999999999999, six = -0.999999;
        // 1 - |x| = 2^-53 and 1 + |x| rounds to 2: atanh = -log(2^54) / 2 = -27 ln 2 to well within an ulp
        double[] want = {-27 * StrictMath.log(2), 0.5 * StrictMath.log((1 + six) / (1 - six)), -0.5 * StrictMath.log(3)};
        Tensor x = f64(sh(3), near, six, -0.5);
        for (var out : java.util.List.of(interp(c, "a", x), jvm(c, "a", x), jvm(c.optFn("a"), x))) {
            check(out.getFirst(), DType.F64, sh(3), want, 1e-15, "atanh near -1");
        }
        for (var out : java.util.List.of(interp(c, "h", f64(sh(3), -1e300, 0.5, NAN)), jvm(c.optFn("h"), f64(sh(3), -1e300, 0.5, NAN)))) {
            check(out.getFirst(), DType.F64, sh(3), new double[] {NAN, NAN, NAN}, "acosh below 1");
        }
        for (var out : java.util.List.of(interp(c, "k"), jvm(c.optFn("k")))) { // folded at -O2
            check(out.get(0), DType.F64, sh(), new double[] {want[0]}, 1e-15, "folded atanh");
            check(out.get(1), DType.F64, sh(), new double[] {NAN}, "folded acosh");
            check(out.get(2), DType.F64, sh(), new double[] {want[1]}, 1e-15, "folded atanh");
        }
    }

    /** A new user's report: i64 to f32 rounded twice (through f64) when folded or interpreted; NumPy's astype rounds once. */
    @Test
    void integerToFloat32RoundsOnce() {
        long v = (1L << 60) + (1L << 36) + 1; // halfway between two floats in f64, just above it in exact arithmetic
        var c = compile("fn k() = cast(" + v + ", f32)\nfn d(x: i64[?]) = cast(x, f32)\n");
        float once = (float) v; // JLS 5.1.2: round to nearest, once
        org.junit.jupiter.api.Assertions.assertNotEquals(once, (float) (double) v, "the case needs double rounding to differ");
        Tensor x = Tensor.ofLongs(DType.I64, sh(1), new long[] {v});
        for (var out : java.util.List.of(interp(c, "k"), jvm(c, "k"), jvm(c.optFn("k")), interp(c, "d", x), jvm(c.optFn("d"), x))) {
            org.junit.jupiter.api.Assertions.assertEquals(once, (float) out.getFirst().toDoubles()[0]);
        }
    }

    /** sign(-0.0) is +0.0 in NumPy and PyTorch; every engine kept the zero's sign. */
    @Test
    void signOfNegativeZeroIsPositiveZero() {
        var c = compile("fn s(x: f64[?]) = sign(x)\nfn t(x: f32[?]) = sign(x)\nfn k() = sign(-0.0)\n");
        Tensor x = f64(sh(4), -0.0, 0.0, -3, NAN), y = f32(sh(2), -0.0, 2);
        for (var out : java.util.List.of(interp(c, "s", x), jvm(c, "s", x), jvm(c.optFn("s"), x)))
            org.junit.jupiter.api.Assertions.assertArrayEquals(new double[] {0.0, 0.0, -1, NAN}, out.getFirst().toDoubles());
        for (var out : java.util.List.of(interp(c, "t", y), jvm(c.optFn("t"), y)))
            org.junit.jupiter.api.Assertions.assertArrayEquals(new double[] {0.0, 1}, out.getFirst().toDoubles());
        for (var out : java.util.List.of(interp(c, "k"), jvm(c.optFn("k"))))
            org.junit.jupiter.api.Assertions.assertEquals(0.0, out.getFirst().toDoubles()[0]);
    }

    /**
     * A new user's report: the Hessian of prod was wrong (not even symmetric) where an entry is 0; the gradient's
     * "0 elsewhere" branches had lost their slopes. d2 prod / dx_i dx_j is the product of the entries other than i, j.
     */
    @Test
    void hessianOfProdWithZeros() {
        var c = compile("fn h(x: f64[3]) = hessian(prod(x), x)\n");
        double[][] xs = {{0, 2, 3}, {0, 0, 3}, {0, -2, 3}, {1, 2, 3}, {0, 0, 0}, {2, 0, -5}};
        for (double[] x : xs) {
            double[] want = new double[9];
            for (int i = 0; i < 3; i++) for (int j = 0; j < 3; j++) if (i != j) want[3 * i + j] = x[3 - i - j];
            check(run1(c, "h", f64(sh(3), x)), DType.F64, sh(3, 3), want, "hessian(prod) at " + java.util.Arrays.toString(x));
        }
    }

    /**
     * A new user's report: jacobian and hessian of values with ? dims and no elements failed with "scan with zero
     * steps cannot tell the shape of its output" (unlocated); NumPy-shaped empty results, as PyTorch gives.
     */
    @Test
    void jacobiansOfEmptyValues() {
        var c = compile("fn h(x: f64[?]) = hessian(sum(x ** 3), x)\nfn k(x: f64[?]) = jacobian(x[0:0], x)\n"
                + "fn m(x: f64[?, ?]) = jacobian(sum(x, axis=1), x)\n");
        check(run1(c, "h", f64(sh(0))), DType.F64, sh(0, 0), new double[0], "hessian of an empty x");
        check(run1(c, "k", f64(sh(2), 1, 2)), DType.F64, sh(0, 2), new double[0], "jacobian of an empty y");
        check(run1(c, "m", f64(sh(0, 3))), DType.F64, sh(0, 0, 3), new double[0], "jacobian over 0 rows");
        check(run1(c, "h", f64(sh(2), 1, 2)), DType.F64, sh(2, 2), new double[] {6, 0, 0, 12}, "hessian, 6x on the diagonal");
    }
}
