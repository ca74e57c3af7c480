package dev.txc.tests.numeric;

import static dev.txc.tests.numeric.Harness.*;
import static dev.txc.types.DType.F32;
import static dev.txc.types.DType.F64;
import static dev.txc.types.DType.I64;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.txc.ir.Tensor;
import org.junit.jupiter.api.Test;

/**
 * {@code scan} in the language (LANGUAGE.md section 8), forward: range and sequence bindings, zipped bindings,
 * carries, extra per-step outputs, captured outer values, nesting, {@code reverse=true}, and the errors; each
 * against values worked out by hand or by plain Java loops here, on the interpreter and the JVM backend at -O0
 * and -O2 (the Harness runs all three and requires them to agree).
 */
class ScanTest {
    @Test
    void seedsJacobianByScanOverGrad() {
        // LANGUAGE.md section 10: jac([4, 4]) = [[8, 0], [0, 8]]; d(x_i^2)/dx_j = 2 x_i [i == j].
        var c = compile("fn jac(x: f64[N]) { y = x ** 2; return scan i in 0..shape(y)[0] { grad(y[i], x) } }");
        check(run1(c, "jac", f64(sh(2), 4, 4)), F64, sh(2, 2), new double[] {8, 0, 0, 8}, "jac([4, 4])");
        check(run1(c, "jac", f64(sh(3), 1, -2, 3)), F64, sh(3, 3), new double[] {2, 0, 0, 0, -4, 0, 0, 0, 6}, "jac([1, -2, 3])");
    }

    /**
     * Products of a loop-invariant matrix and a sequence element, which -O1 and -O2 compute for all steps before the
     * loop (scan-hoist): vector and matrix elements, both operand orders, zero steps; against plain Java loops.
     */
    @Test
    void invariantMatrixTimesElement() {
        var c = compile("""
            fn v(A: f64[2, 3], C: f64[3, 2], xs: f64[T, 3]) = scan x in xs { (A @ x) * (x @ C) }
            fn m(A: f64[2, 3], C: f64[2, 2], xs: f64[T, 3, 2]) = scan x in xs carry h = zeros([2, 2]) { h + A @ x + (A @ x) @ C }
            """);
        double[] a = {1, -2, 0.5, 3, 0.25, -1}, cm = {2, -1, 0.5, 1, -3, 4}, c2 = {1, 2, -1, 0.5};
        double[] xs = {0.1, 0.2, 0.3, -0.4, 0.5, -0.6, 0.7, 0.8, -0.9, 1.0, 0.0, 0.2};
        // v: row t = (A x_t) * (x_t C) for x_t = xs[t] of length 3 (4 steps).
        double[] ev = new double[8];
        for (int t = 0; t < 4; t++)
            for (int h = 0; h < 2; h++) {
                double ax = 0, xc = 0;
                for (int i = 0; i < 3; i++) {
                    ax += a[h * 3 + i] * xs[t * 3 + i];
                    xc += xs[t * 3 + i] * cm[i * 2 + h];
                }
                ev[t * 2 + h] = ax * xc;
            }
        Tensor A = f64(sh(2, 3), a);
        check(run1(c, "v", A, f64(sh(3, 2), cm), f64(sh(4, 3), xs)), F64, sh(4, 2), ev, "invariant matrix times a vector element");
        check(run1(c, "v", A, f64(sh(3, 2), cm), f64(sh(0, 3))), F64, sh(0, 2), new double[0], "zero steps");
        // m: h_t = h_(t-1) + P_t + P_t C with P_t = A x_t, x_t = xs[t] of shape [3, 2] (2 steps).
        double[] em = new double[8], h = new double[4];
        for (int t = 0; t < 2; t++) {
            double[] pt = new double[4];
            for (int i = 0; i < 2; i++)
                for (int j = 0; j < 2; j++)
                    for (int q = 0; q < 3; q++) pt[i * 2 + j] += a[i * 3 + q] * xs[t * 6 + q * 2 + j];
            for (int i = 0; i < 2; i++)
                for (int j = 0; j < 2; j++) {
                    double pc = 0;
                    for (int q = 0; q < 2; q++) pc += pt[i * 2 + q] * c2[q * 2 + j];
                    h[i * 2 + j] += pt[i * 2 + j] + pc;
                    em[t * 4 + i * 2 + j] = h[i * 2 + j];
                }
        }
        check(run1(c, "m", A, f64(sh(2, 2), c2), f64(sh(2, 3, 2), xs)), F64, sh(2, 2, 2), em, "invariant matrix times a matrix element");
    }

    @Test
    void sectionEightExamples() {
        var c = compile("""
            fn rnn(W: f64[H, H], U: f64[H, I], xs: f64[T, I], h0: f64[H]) = scan x_t in xs carry h = h0 { tanh(W @ h + U @ x_t) }
            fn pw(A: f64[2, 2], K: i64) {
                powers, _ = scan k in 0..K carry acc = ones_like(A) { next = acc * A; (next, sum(next)) }
                return powers
            }
            fn pws(A: f64[2, 2], K: i64) {
                _, sums = scan k in 0..K carry acc = ones_like(A) { next = acc * A; (next, sum(next)) }
                return sums
            }
            """);
        double[] W = {0.5, -0.25, 0.125, 0.75}, U = {1, -1, 2, 0.5, 0, 3}, xs = {0.1, 0.2, 0.3, -0.4, 0.5, -0.6, 0.7, 0.8, -0.9, 1.0, 0.0, 0.2};
        double[] h = {0.3, -0.1};
        double[] expect = new double[8];
        for (int t = 0; t < 4; t++) {
            double[] next = new double[2];
            for (int i = 0; i < 2; i++) {
                double a = W[i * 2] * h[0] + W[i * 2 + 1] * h[1];
                for (int k = 0; k < 3; k++) a += U[i * 3 + k] * xs[t * 3 + k];
                next[i] = Math.tanh(a);
            }
            h = next;
            System.arraycopy(h, 0, expect, t * 2, 2);
        }
        check(run1(c, "rnn", f64(sh(2, 2), W), f64(sh(2, 3), U), f64(sh(4, 3), xs), f64(sh(2), 0.3, -0.1)), F64, sh(4, 2), expect, 1e-12, "rnn");
        check(run1(c, "pw", f64(sh(2, 2), 1, 2, 3, 4), i64(3)), F64, sh(3, 2, 2), new double[] {1, 2, 3, 4, 1, 4, 9, 16, 1, 8, 27, 64}, "powers");
        check(run1(c, "pws", f64(sh(2, 2), 1, 2, 3, 4), i64(3)), F64, sh(3), new double[] {10, 30, 100}, "sums of powers");
        check(run1(c, "pw", f64(sh(2, 2), 1, 2, 3, 4), i64(0)), F64, sh(0, 2, 2), new double[] {}, "zero powers");
    }

    @Test
    void cumulativeSumsAndTheirSquares() {
        var c = compile("""
            fn cum(xs: f64[N]) {
                sums, squares = scan x in xs carry s = 0 { t = s + x; (t, t * t) }
                return sums, squares
            }
            fn cumi(xs: i32[N]) = scan x in xs carry s = 0 { s + x }
            fn cumf(xs: f32[N]) = scan x in xs carry s = 0.0 { s + x }
            """);
        var r = run(c, "cum", f64(sh(5), 1, -2, 3.5, 4, 0.25));
        check(r.get(0), F64, sh(5), new double[] {1, -1, 2.5, 6.5, 6.75}, "cumulative sums");
        check(r.get(1), F64, sh(5), new double[] {1, 1, 6.25, 42.25, 45.5625}, "their squares");
        // A weak initial value takes the dtype the body gives the carry (JAX's weak-type promotion in scan).
        checkLongs(run1(c, "cumi", of(dev.txc.types.DType.I32, sh(3), 5, 6, 7)), dev.txc.types.DType.I32, sh(3), new long[] {5, 11, 18}, "i32 sums");
        check(run1(c, "cumf", f32(sh(3), 0.1, 0.2, 0.3)), F32, sh(3),
                new double[] {0.1f, (float) (0.1f + 0.2f), (float) ((float) (0.1f + 0.2f) + 0.3f)}, "f32 sums stay f32");
    }

    @Test
    void recurrenceWithTheStepCountGivenAtCallTime() {
        var c = compile("fn rec(n: i64, a: f64) = scan i in 0..n carry v = 1.0 { v * a + i }");
        for (int n : new int[] {0, 1, 7}) {
            double v = 1;
            double[] e = new double[n];
            for (int i = 0; i < n; i++) e[i] = v = v * -1.5 + i;
            check(run1(c, "rec", i64(n), scalar(-1.5)), F64, sh(n), e, "rec(" + n + ")");
        }
        check(run1(c, "rec", i64(-3), scalar(2)), F64, sh(0), new double[] {}, "an empty range runs no step");
    }

    @Test
    void reverseWalksFromTheEndAndStoresInSequenceOrder() {
        var c = compile("""
            fn rcum(xs: f64[N]) = scan(reverse=true) x in xs carry s = 0 { s + x }
            fn digits(n: i64) = scan(reverse=true) i in 0..n carry c = 0 { c * 10 + i }
            fn fwd(n: i64) = scan(reverse=false) i in 0..n carry c = 0 { c * 10 + i }
            """);
        check(run1(c, "rcum", f64(sh(4), 1, 2, 3, 4)), F64, sh(4), new double[] {10, 9, 7, 4}, "reverse cumulative sum");
        // Steps run i = 3, 2, 1, 0: c = 3, 32, 321, 3210, each stored at its i.
        checkLongs(run1(c, "digits", i64(4)), I64, sh(4), new long[] {3210, 321, 32, 3}, "reverse over a range");
        checkLongs(run1(c, "fwd", i64(4)), I64, sh(4), new long[] {0, 1, 12, 123}, "forward over a range");
    }

    @Test
    void zippedBindingsCapturesNestingAndCalls() {
        var c = compile("""
            fn zip(a: f64[?], b: f64[?], w: f64) = scan x in a, y in b { x * y + w }
            fn idx(xs: f64[N]) = scan i in 0..shape(xs)[0], x in xs carry s = 0 { (s + x * i, x - s) }
            fn nested(n: i64) = scan i in 0..n { sum(scan j in 0..i + 1 { j * i }) }
            fn inner(a: f64, b: f64) = a * b
            fn callin(xs: f64[N]) = scan x in xs carry p = 1.0 { inner(p, x) }
            fn rows(x: f64[N, 3]) = scan r in x carry acc = zeros([3]) { acc + r[::-1] }
            fn two(xs: f64[N]) = scan x in xs carry a = 0, b = 1 { (b, a + b * x) }
            """);
        check(run1(c, "zip", f64(sh(3), 1, 2, 3), f64(sh(3), 4, 5, 6), scalar(0.5)), F64, sh(3), new double[] {4.5, 10.5, 18.5}, "zipped");
        var r = run(c, "idx", f64(sh(3), 1, 2, 3));
        check(r.get(0), F64, sh(3), new double[] {0, 2, 8}, "carry over index and element");
        check(r.get(1), F64, sh(3), new double[] {1, 2, 1}, "extra output reads the previous carry");
        checkLongs(run1(c, "nested", i64(4)), I64, sh(4), new long[] {0, 1, 6, 18}, "nested scans");
        check(run1(c, "callin", f64(sh(4), 1, 2, 3, 4)), F64, sh(4), new double[] {1, 2, 6, 24}, "a call in the body");
        check(run1(c, "rows", f64(sh(2, 3), 1, 2, 3, 4, 5, 6)), F64, sh(2, 3), new double[] {3, 2, 1, 9, 7, 5}, "rows of a matrix");
        // (a, b) -> (b, a + b x): Fibonacci-like with weights.
        var t = run(c, "two", f64(sh(3), 1, 2, 3));
        check(t.get(0), F64, sh(3), new double[] {1, 1, 3}, "first carry");
        check(t.get(1), F64, sh(3), new double[] {1, 3, 10}, "second carry");
    }

    @Test
    void zippedSequencesOfDifferentLengthsFailNamingBoth() {
        var c = compile("fn zip(a: f64[?], b: f64[?]) = scan x in a, y in b { x * y }");
        bothThrow(c, "zip", f64(sh(3), 1, 2, 3), f64(sh(2), 4, 5));
        var e = assertThrows(RuntimeException.class, () -> interp(c, "zip", f64(sh(3), 1, 2, 3), f64(sh(2), 4, 5)));
        assertTrue(e.getMessage().contains("different lengths (3 and 2)"), e.getMessage());
        var j = assertThrows(RuntimeException.class, () -> jvm(c, "zip", f64(sh(3), 1, 2, 3), f64(sh(2), 4, 5)));
        assertTrue(j.getMessage().contains("different lengths (3 and 2)"), j.getMessage());
        // The scan node is located at the scan expression, for located run-time errors.
        var f = c.fn("zip");
        assertTrue(f.locs().entrySet().stream().anyMatch(en -> en.getKey().op() == dev.txc.ir.Op.SCAN && en.getValue().line() == 1 && en.getValue().col() == 32),
                () -> f.locs().toString());
        assertTrue(diagnostics("fn z(a: f64[3], b: f64[4]) = scan x in a, y in b { x * y }\n").toString().contains("size 3 does not match 4"));
    }

    @Test
    void compileTimeErrors() {
        String carry = diagnostics("fn f(xs: f64[3]) = scan x in xs carry s = xs[0] { cast(s + x, f32) }\n").toString();
        assertTrue(carry.contains("carry 's' starts as f64 but a step gives f32"), carry);
        String shape = diagnostics("fn f(xs: f64[3]) = scan x in xs carry s = xs { s[0] }\n").toString();
        assertTrue(shape.contains("carry 's' starts as f64[3] but a step gives f64"), shape);
        String few = diagnostics("fn f(xs: f64[3]) = scan x in xs carry s = 0, t = 1 { s + x }\n").toString();
        assertTrue(few.contains("the scan body gives 1 value but there are 2 carries"), few);
        String opt = diagnostics("fn f(xs: f64[3]) = scan(backwards=true) x in xs { x }\n").toString();
        assertTrue(opt.contains("unknown scan option 'backwards'"), opt);
        String bound = diagnostics("fn f(x: f64) = scan i in 0..x { i }\n").toString();
        assertTrue(bound.contains("the end of a scan range must be an integer scalar"), bound);
        String ret = diagnostics("fn f(xs: f64[3]) = scan x in xs { return x }\n").toString();
        assertTrue(ret.contains("a scan body has no return"), ret);
        String none = diagnostics("fn f(xs: f64[3]) = scan x in xs { y = x }\n").toString();
        assertTrue(none.contains("a scan body must end with an expression"), none);
        String upd = diagnostics("shared w: f64 = 0.0\nfn f(xs: f64[3]) { ys = scan x in xs { w := x; x }\nreturn ys }\n").toString();
        assertTrue(upd.contains("cannot be updated inside a scan body"), upd);
        String scalar = diagnostics("fn f(x: f64) = scan v in x { v }\n").toString();
        assertTrue(scalar.contains("it is a scalar"), scalar);
    }

    @Test
    void irDoesNotGrowWithTheNumberOfSteps() {
        // txc ir of a 10,000-step scan has as many lines as that of a 10-step one; so does its gradient at 10,000 and
        // 1,000,000 steps (below a few thousand elements, constant folding may write the seed as a literal instead).
        java.util.function.BiFunction<String, Integer, Integer> lines = (body, n) -> {
            var c = compile("fn f(xs: f64[" + n + "], a: f64) = " + body.replace("SCAN", "scan x in xs carry s = 1.0 { sin(s * a + x) }"));
            var m = dev.txc.opt.Pipeline.run(c.module(), dev.txc.opt.Pipeline.Stage.FUSED, new dev.txc.opt.PassContext(2, F64));
            return dev.txc.ir.IrText.print(m.function("f")).split("\n").length;
        };
        int small = lines.apply("SCAN", 10), big = lines.apply("SCAN", 10_000);
        assertTrue(small == big && small < 20, small + " lines for 10 steps, " + big + " for 10,000");
        int g1 = lines.apply("grad(sum(SCAN), a)", 10_000), g2 = lines.apply("grad(sum(SCAN), a)", 1_000_000);
        assertTrue(g1 == g2 && g1 < 60, g1 + " lines for the gradient of 10,000 steps, " + g2 + " for 1,000,000");
    }

    @Test
    void longRecurrenceRunsAsALoop() {
        // v_k = v_(k-1) / 2 + k from v_(-1) = 1: v_k = 2k - 2 + 2.5 / 2^k.
        var c = compile("fn rec(n: i64, a: f64) = scan i in 0..n carry v = 1.0 { v * a + i }");
        double[] v = run1(c, "rec", i64(100_000), scalar(0.5)).toDoubles();
        for (int k : new int[] {0, 1, 2, 50, 99_999}) {
            double e = 2.0 * k - 2 + 2.5 * Math.pow(0.5, k);
            assertTrue(Math.abs(v[k] - e) <= 1e-12 * Math.max(1, Math.abs(e)), "v_" + k + " = " + v[k] + ", expected " + e);
        }
    }
}
