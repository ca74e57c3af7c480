package dev.txc.tests.numeric;

import static dev.txc.tests.numeric.Harness.*;
import static dev.txc.types.DType.BOOL;
import static dev.txc.types.DType.F32;
import static dev.txc.types.DType.F64;
import static dev.txc.types.DType.I16;
import static dev.txc.types.DType.I32;
import static dev.txc.types.DType.I64;
import static dev.txc.types.DType.I8;
import static dev.txc.types.DType.U8;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.txc.ir.Tensor;
import dev.txc.types.DType;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The dtype rules of LANGUAGE.md section 5: weak literals, tensor promotion, division, floor/mod signs, wraparound. */
class PromotionTest {
    static final DType[] ALL = {BOOL, I8, I16, I32, I64, U8, F32, F64};

    /** The expected promotion of two tensor dtypes, written out from LANGUAGE.md section 5 (not from DType.promote). */
    static DType expected(DType a, DType b) {
        if (a == b) return a;
        if (a == BOOL) return b;
        if (b == BOOL) return a;
        boolean fa = a == F32 || a == F64, fb = b == F32 || b == F64;
        if (fa && fb) return F64; // f32 with f64
        if (fa) return a; // an integer with a float gives that float
        if (fb) return b;
        // Integers: the wider wins; a signed and u8 go to the smallest signed type holding both.
        if (a == U8 || b == U8) {
            DType s = a == U8 ? b : a;
            return s == I8 ? I16 : s;
        }
        return a.bits() >= b.bits() ? a : b;
    }

    @Test
    void tensorPromotionTable() {
        var src = new StringBuilder();
        for (DType a : ALL)
            for (DType b : ALL)
                if (a != BOOL || b != BOOL)
                    src.append("fn f_").append(a.spelling()).append('_').append(b.spelling()).append("(x: ").append(a.spelling())
                            .append("[2], y: ").append(b.spelling()).append("[2]) = (x + y, x * y, x == y, maximum(x, y))\n");
        var c = compile(src.toString());
        for (DType a : ALL)
            for (DType b : ALL) {
                if (a == BOOL && b == BOOL) continue;
                var r = run(c, "f_" + a.spelling() + "_" + b.spelling(), of(a, sh(2), 1, 0), of(b, sh(2), 1, 1));
                DType e = expected(a, b);
                String w = a.spelling() + " with " + b.spelling();
                check(r.get(0), e, sh(2), new double[] {2, 1}, w + ": +");
                check(r.get(1), e, sh(2), new double[] {1, 0}, w + ": *");
                checkLongs(r.get(2), BOOL, sh(2), new long[] {1, 0}, w + ": ==");
                check(r.get(3), e, sh(2), new double[] {1, 1}, w + ": maximum");
            }
    }

    @Test
    void promotionKeepsValues() {
        var c = compile("""
            fn a(x: i8[2], y: i32[2]) = x + y
            fn b(x: i8[2], y: u8[2]) = (x + y, x - y, x * y)
            fn d(x: f32[2], y: f64[2]) = x + y
            fn e(x: i32[2], y: f32[2]) = x + y
            fn g(x: u8[2], y: i8[2]) = (x > y, x < y, x == y)
            fn h(x: i32[2], y: f64[2]) = (x < y, x * y)
            """);
        checkLongs(run1(c, "a", of(I8, sh(2), 100, -128), of(I32, sh(2), 1000, -1000)), I32, sh(2), new long[] {1100, -1128}, "i8 + i32 -> i32 (no i8 wrap)");
        var b = run(c, "b", of(I8, sh(2), -1, 127), of(U8, sh(2), 255, 200));
        checkLongs(b.get(0), I16, sh(2), new long[] {254, 327}, "i8 + u8 -> i16");
        checkLongs(b.get(1), I16, sh(2), new long[] {-256, -73}, "i8 - u8 -> i16");
        checkLongs(b.get(2), I16, sh(2), new long[] {-255, 25400}, "i8 * u8 -> i16");
        check(run1(c, "d", f32(sh(2), 0.1, 1e-8), f64(sh(2), 0.2, 1)), F64, sh(2), new double[] {(double) 0.1f + 0.2, (double) 1e-8f + 1}, "f32 + f64 -> f64 (computed in f64)");
        check(run1(c, "e", of(I32, sh(2), 16777217, -3), f32(sh(2), 0, 0.5)), F32, sh(2), new double[] {16777216, -2.5}, "i32 + f32 -> f32 (the i32 rounds to f32)");
        var g = run(c, "g", of(U8, sh(2), 200, 1), of(I8, sh(2), -1, 1));
        checkLongs(g.get(0), BOOL, sh(2), new long[] {1, 0}, "u8 200 > i8 -1");
        checkLongs(g.get(1), BOOL, sh(2), new long[] {0, 0}, "u8 < i8");
        checkLongs(g.get(2), BOOL, sh(2), new long[] {0, 1}, "u8 == i8");
        var h = run(c, "h", of(I32, sh(2), 3, -3), f64(sh(2), 3.5, -3.5));
        checkLongs(h.get(0), BOOL, sh(2), new long[] {1, 0}, "i32 < f64 compares as floats");
        check(h.get(1), F64, sh(2), new double[] {10.5, 10.5}, "i32 * f64 -> f64");
    }

    @Test
    void weakLiterals() {
        var c = compile("""
            fn a(x: f32[2]) = (x * 2, x + 0.1, x ** 2, 2 * x, x / 3, maximum(x, 2.5), where(x > 0, x, 2.5), x * 1e30)
            fn b(x: i32[2]) = (x * 2.5, x * 2, x + 1, x > 0.5, x ** 2, x ** 0.5, maximum(x, 2.5), 0.5 * x)
            fn d(bo: bool[2]) = (bo + 1.5, bo * 2, bo + 1, where(bo, 1, 0), where(bo, 1.5, 0))
            fn e(x: i8[2], u: u8[2]) = (x * 2, x + 1, u + 1, u * 2)
            fn g() = (1.5, 3, 2 ** 3, 1 / 2, 2.0 * 3, 7 // 2, -7 % 3, true)
            fn k(x: f64[2]) = x * 2
            """);
        var a = run(c, "a", f32(sh(2), 1.5, -1));
        check(a.get(0), F32, sh(2), new double[] {3, -2}, "f32 * 2 stays f32");
        check(a.get(1), F32, sh(2), new double[] {(float) (1.5f + 0.1f), (float) (-1f + 0.1f)}, "f32 + 0.1 stays f32");
        check(a.get(2), F32, sh(2), new double[] {2.25, 1}, "f32 ** 2 stays f32");
        check(a.get(3), F32, sh(2), new double[] {3, -2}, "2 * f32 stays f32");
        check(a.get(4), F32, sh(2), new double[] {0.5, (float) (-1f / 3f)}, "f32 / 3 stays f32");
        check(a.get(5), F32, sh(2), new double[] {2.5, 2.5}, "maximum(f32, 2.5) stays f32");
        check(a.get(6), F32, sh(2), new double[] {1.5, 2.5}, "where(c, f32, 2.5) stays f32");
        check(a.get(7), F32, sh(2), new double[] {(float) 1.5e30, (float) -1e30}, "f32 * 1e30 stays f32");
        var b = run(c, "b", of(I32, sh(2), 1, 4));
        check(b.get(0), F64, sh(2), new double[] {2.5, 10}, "i32 * 2.5 gives floatX");
        checkLongs(b.get(1), I32, sh(2), new long[] {2, 8}, "i32 * 2 stays i32");
        checkLongs(b.get(2), I32, sh(2), new long[] {2, 5}, "i32 + 1 stays i32");
        checkLongs(b.get(3), BOOL, sh(2), new long[] {1, 1}, "i32 > 0.5");
        checkLongs(b.get(4), I32, sh(2), new long[] {1, 16}, "i32 ** 2 stays i32");
        check(b.get(5), F64, sh(2), new double[] {1, 2}, "i32 ** 0.5 gives floatX");
        check(b.get(6), F64, sh(2), new double[] {2.5, 4}, "maximum(i32, 2.5) gives floatX");
        check(b.get(7), F64, sh(2), new double[] {0.5, 2}, "0.5 * i32 gives floatX");
        var d = run(c, "d", of(BOOL, sh(2), 1, 0));
        check(d.get(0), F64, sh(2), new double[] {2.5, 1.5}, "bool + 1.5 gives floatX");
        checkLongs(d.get(1), I64, sh(2), new long[] {2, 0}, "bool * 2 gives i64");
        checkLongs(d.get(2), I64, sh(2), new long[] {2, 1}, "bool + 1 gives i64");
        checkLongs(d.get(3), I64, sh(2), new long[] {1, 0}, "where(bool, 1, 0) is i64");
        check(d.get(4), F64, sh(2), new double[] {1.5, 0}, "where(bool, 1.5, 0) is floatX");
        var e = run(c, "e", of(I8, sh(2), 100, -100), of(U8, sh(2), 255, 130));
        checkLongs(e.get(0), I8, sh(2), new long[] {-56, 56}, "i8 * 2 stays i8 and wraps");
        checkLongs(e.get(1), I8, sh(2), new long[] {101, -99}, "i8 + 1 stays i8");
        checkLongs(e.get(2), U8, sh(2), new long[] {0, 131}, "u8 + 1 stays u8 and wraps");
        checkLongs(e.get(3), U8, sh(2), new long[] {254, 4}, "u8 * 2 wraps");
        var g = run(c, "g");
        check(g.get(0), F64, sh(), new double[] {1.5}, "a float literal alone is floatX");
        checkLongs(g.get(1), I64, sh(), new long[] {3}, "an integer literal alone is i64");
        checkLongs(g.get(2), I64, sh(), new long[] {8}, "2 ** 3");
        check(g.get(3), F64, sh(), new double[] {0.5}, "1 / 2 is true division");
        check(g.get(4), F64, sh(), new double[] {6}, "2.0 * 3");
        checkLongs(g.get(5), I64, sh(), new long[] {3}, "7 // 2");
        checkLongs(g.get(6), I64, sh(), new long[] {2}, "-7 % 3");
        checkLongs(g.get(7), BOOL, sh(), new long[] {1}, "true");
        check(run1(c, "k", f64(sh(2), 1, 2)), F64, sh(2), new double[] {2, 4}, "f64 * 2");
    }

    @Test
    void floatXOption() {
        String src = """
            fn a(x: i32[2]) = (x / 2, x * 2.5, mean(x), sqrt(x))
            fn b() = (0.1, zeros([2]), eye(2), arange(0.5, 2), full([1], 2.5), 1 / 4)
            fn d(x: f64[2], y: f32[2]) = (x * 2.5, y * 2.5, cast(x, floatX), y + cast(y, floatX))
            fn e(b: bool[2]) = (b + 0.5, b / 2)
            """;
        for (DType fx : List.of(F32, F64)) {
            var c = compile(src, fx);
            String w = " (floatX " + fx.spelling() + ")";
            var a = run(c, "a", of(I32, sh(2), 3, -4));
            check(a.get(0), fx, sh(2), new double[] {1.5, -2}, "i32 / 2" + w);
            check(a.get(1), fx, sh(2), new double[] {7.5, -10}, "i32 * 2.5" + w);
            check(a.get(2), fx, sh(), new double[] {-0.5}, "mean(i32)" + w);
            check(a.get(3), fx, sh(2), new double[] {fx.round(Math.sqrt(3)), Double.NaN}, "sqrt(i32)" + w);
            var b = run(c, "b");
            check(b.get(0), fx, sh(), new double[] {fx.round(0.1)}, "0.1" + w);
            check(b.get(1), fx, sh(2), new double[] {0, 0}, "zeros" + w);
            check(b.get(2), fx, sh(2, 2), new double[] {1, 0, 0, 1}, "eye" + w);
            check(b.get(3), fx, sh(2), new double[] {0.5, 1.5}, "arange(0.5, 2)" + w);
            check(b.get(4), fx, sh(1), new double[] {2.5}, "full of a float" + w);
            check(b.get(5), fx, sh(), new double[] {0.25}, "1 / 4" + w);
            var d = run(c, "d", f64(sh(2), 0.1, 1), f32(sh(2), 0.1, 1));
            check(d.get(0), F64, sh(2), new double[] {0.1 * 2.5, 2.5}, "f64 * 2.5 stays f64" + w);
            check(d.get(1), F32, sh(2), new double[] {(float) (0.1f * 2.5f), 2.5}, "f32 * 2.5 stays f32" + w);
            check(d.get(2), fx, sh(2), new double[] {fx.round(0.1), 1}, "cast(x, floatX)" + w);
            check(d.get(3), fx, sh(2), new double[] {fx.round((double) 0.1f + (double) 0.1f), 2}, "f32 + floatX" + w);
            var e = run(c, "e", of(BOOL, sh(2), 1, 0));
            check(e.get(0), fx, sh(2), new double[] {1.5, 0.5}, "bool + 0.5" + w);
            check(e.get(1), fx, sh(2), new double[] {0.5, 0}, "bool / 2" + w);
        }
    }

    @Test
    void trueDivisionOfIntegersGivesFloatX() {
        var c = compile("""
            fn f(x: i32[4], y: i32[4]) = x / y
            fn g(x: i8[2], y: u8[2]) = x / y
            fn h(x: i64[2]) = x / 4
            fn k(x: i32[2], y: i32[2]) = x / y
            """);
        check(run1(c, "f", of(I32, sh(4), 7, -7, 7, -7), of(I32, sh(4), 2, 2, -2, -2)), F64, sh(4), new double[] {3.5, -3.5, -3.5, 3.5}, "i32 / i32");
        check(run1(c, "g", of(I8, sh(2), -1, 3), of(U8, sh(2), 200, 4)), F64, sh(2), new double[] {-1.0 / 200, 0.75}, "i8 / u8");
        check(run1(c, "h", Tensor.ofLongs(I64, sh(2), new long[] {1, -6})), F64, sh(2), new double[] {0.25, -1.5}, "i64 / 4");
        check(run1(c, "k", of(I32, sh(2), 1, 0), of(I32, sh(2), 0, 0)), F64, sh(2), new double[] {Double.POSITIVE_INFINITY, Double.NaN}, "i32 / 0 is inf or NaN, as in float division");
        var f32c = compile("fn f(x: i32[2], y: i32[2]) = x / y", F32);
        check(run1(f32c, "f", of(I32, sh(2), 1, -7), of(I32, sh(2), 3, 2)), F32, sh(2), new double[] {1f / 3f, -3.5}, "i32 / i32 with floatX f32");
    }

    @Test
    void floorDivisionFloorsAndModuloTakesTheDivisorSign() {
        var c = compile("""
            fn i(x: i64[8], y: i64[8]) = (x // y, x % y)
            fn j(x: i32[4], y: i32[4]) = (x // y, x % y)
            fn k(x: i8[4], y: i8[4]) = (x // y, x % y)
            fn f(x: f64[6], y: f64[6]) = (x // y, x % y)
            fn g(x: f32[4], y: f32[4]) = (x // y, x % y)
            fn l(x: i32[4]) = (x // 3, x % -3, -7 // x, 7 % x)
            fn m(x: u8[3], y: u8[3]) = (x // y, x % y)
            """);
        long[] x = {7, -7, 7, -7, 6, -6, 0, 1}, y = {2, 2, -2, -2, 3, 3, -5, 5};
        long[] q = {3, -4, -4, 3, 2, -2, 0, 0}, r = {1, 1, -1, -1, 0, 0, 0, 1};
        var ri = run(c, "i", Tensor.ofLongs(I64, sh(8), x), Tensor.ofLongs(I64, sh(8), y));
        checkLongs(ri.get(0), I64, sh(8), q, "i64 //");
        checkLongs(ri.get(1), I64, sh(8), r, "i64 %");
        var rj = run(c, "j", of(I32, sh(4), 7, -7, 7, -7), of(I32, sh(4), 3, 3, -3, -3));
        checkLongs(rj.get(0), I32, sh(4), new long[] {2, -3, -3, 2}, "i32 //");
        checkLongs(rj.get(1), I32, sh(4), new long[] {1, 2, -2, -1}, "i32 %");
        var rk = run(c, "k", of(I8, sh(4), -128, -7, 127, -1), of(I8, sh(4), 3, 2, -10, 100));
        checkLongs(rk.get(0), I8, sh(4), new long[] {-43, -4, -13, -1}, "i8 //");
        checkLongs(rk.get(1), I8, sh(4), new long[] {1, 1, -3, 99}, "i8 %");
        var rf = run(c, "f", f64(sh(6), 7.5, -7.5, 7.5, -7.5, 1, -0.5), f64(sh(6), 2, 2, -2, -2, 0.25, 0.2));
        check(rf.get(0), F64, sh(6), new double[] {3, -4, -4, 3, 4, -3}, "f64 //");
        check(rf.get(1), F64, sh(6), new double[] {1.5, 0.5, -0.5, -1.5, 0, Ref.divmod(-0.5, 0.2)[1]}, "f64 %");
        assertEquals(0.1, rf.get(1).getDouble(5), 1e-15, "-0.5 % 0.2 is about 0.1");
        var rg = run(c, "g", f32(sh(4), 7.5, -7.5, 7.5, -7.5), f32(sh(4), 2, 2, -2, -2));
        check(rg.get(0), F32, sh(4), new double[] {3, -4, -4, 3}, "f32 //");
        check(rg.get(1), F32, sh(4), new double[] {1.5, 0.5, -0.5, -1.5}, "f32 %");
        var rl = run(c, "l", of(I32, sh(4), 7, -7, 2, -2));
        checkLongs(rl.get(0), I32, sh(4), new long[] {2, -3, 0, -1}, "i32 // 3");
        checkLongs(rl.get(1), I32, sh(4), new long[] {-2, -1, -1, -2}, "i32 % -3");
        checkLongs(rl.get(2), I32, sh(4), new long[] {-1, 1, -4, 3}, "-7 // i32");
        checkLongs(rl.get(3), I32, sh(4), new long[] {0, 0, 1, -1}, "7 % i32");
        var rm = run(c, "m", of(U8, sh(3), 250, 7, 200), of(U8, sh(3), 7, 250, 3));
        checkLongs(rm.get(0), U8, sh(3), new long[] {35, 0, 66}, "u8 // (unsigned)");
        checkLongs(rm.get(1), U8, sh(3), new long[] {5, 7, 2}, "u8 % (unsigned)");
    }

    @Test
    void boolArithmetic() {
        var c = compile("""
            fn f(a: bool[3], b: bool[3]) = (a + b, a * b, sum(a), a * 1.5, a + 0, prod(b), sum(a + b), a + true, true + true)
            fn g(a: bool[3], x: i8[3], y: f32[3]) = (a + x, a * y, a == x, a < y)
            fn h(a: bool[3], b: bool[3]) = (a // b, a % b, a ** b, maximum(a, b), minimum(a, b), pow(a, b))
            """);
        var a = of(BOOL, sh(3), 1, 1, 0);
        var b = of(BOOL, sh(3), 1, 0, 0);
        var f = run(c, "f", a, b);
        // NumPy 2 on bool arrays: + is logical or, * is logical and (np.add.types starts with '??->?')
        checkLongs(f.get(0), BOOL, sh(3), new long[] {1, 1, 0}, "bool + bool is or");
        checkLongs(f.get(1), BOOL, sh(3), new long[] {1, 0, 0}, "bool * bool is and");
        // np.sum / np.prod of bools count in int64
        checkLongs(f.get(2), I64, sh(), new long[] {2}, "sum(bool)");
        check(f.get(3), F64, sh(3), new double[] {1.5, 1.5, 0}, "bool * 1.5");
        checkLongs(f.get(4), I64, sh(3), new long[] {1, 1, 0}, "bool + 0");
        checkLongs(f.get(5), I64, sh(), new long[] {0}, "prod(bool)");
        checkLongs(f.get(6), I64, sh(), new long[] {2}, "sum(bool + bool) counts the or");
        checkLongs(f.get(7), BOOL, sh(3), new long[] {1, 1, 1}, "bool + True is or");
        // two Python bools: True + True == 2
        checkLongs(f.get(8), I64, sh(), new long[] {2}, "true + true");
        // np.floor_divide, np.remainder, np.power of two bool arrays give int8 ('bb->b'); x // 0 is 0 for integers
        var h = run(c, "h", a, b);
        checkLongs(h.get(0), I8, sh(3), new long[] {1, 0, 0}, "bool // bool");
        checkLongs(h.get(1), I8, sh(3), new long[] {0, 0, 0}, "bool % bool");
        checkLongs(h.get(2), I8, sh(3), new long[] {1, 1, 1}, "bool ** bool (0 ** 0 = 1)");
        checkLongs(h.get(3), BOOL, sh(3), new long[] {1, 1, 0}, "maximum of bools");
        checkLongs(h.get(4), BOOL, sh(3), new long[] {1, 0, 0}, "minimum of bools");
        checkLongs(h.get(5), I8, sh(3), new long[] {1, 1, 1}, "pow of bools");
        var g = run(c, "g", a, of(I8, sh(3), 5, -1, 127), f32(sh(3), 0.5, 2, -1));
        checkLongs(g.get(0), I8, sh(3), new long[] {6, 0, 127}, "bool + i8 -> i8");
        check(g.get(1), F32, sh(3), new double[] {0.5, 2, 0}, "bool * f32 -> f32");
        checkLongs(g.get(2), BOOL, sh(3), new long[] {0, 0, 0}, "bool == i8");
        checkLongs(g.get(3), BOOL, sh(3), new long[] {0, 1, 0}, "bool < f32");
    }

    @Test
    void outOfBoundsLiteralsCompareExactly() {
        // NumPy 2 (NEP 50) refuses np.int8(1) + 1000 but compares exactly: np.array([1, -1], np.int8) < 1000 -> [True, True]
        var c = compile("""
            fn f(x: i8[2]) = (x < 1000, x == -1000, x > -200, x != 128, 1000 > x)
            fn g(x: u8[2]) = (x == -1, x < 256, x >= -1)
            """);
        var f = run(c, "f", of(I8, sh(2), 1, -1));
        checkLongs(f.get(0), BOOL, sh(2), new long[] {1, 1}, "i8 < 1000");
        checkLongs(f.get(1), BOOL, sh(2), new long[] {0, 0}, "i8 == -1000");
        checkLongs(f.get(2), BOOL, sh(2), new long[] {1, 1}, "i8 > -200");
        checkLongs(f.get(3), BOOL, sh(2), new long[] {1, 1}, "i8 != 128");
        checkLongs(f.get(4), BOOL, sh(2), new long[] {1, 1}, "1000 > i8");
        var g = run(c, "g", of(U8, sh(2), 0, 255));
        checkLongs(g.get(0), BOOL, sh(2), new long[] {0, 0}, "u8 == -1");
        checkLongs(g.get(1), BOOL, sh(2), new long[] {1, 1}, "u8 < 256");
        checkLongs(g.get(2), BOOL, sh(2), new long[] {1, 1}, "u8 >= -1");
    }

    @Test
    void inBoundsLiteralsAtTheEdgesOfEachIntegerDtype() {
        var c = compile("""
            fn f(a: i8, b: i16, d: i32, e: u8, g: i64) = (a + 127, a + -128, b * -32768, d + 2147483647, e + 255, g + 9223372036854775807)
            """);
        var f = run(c, "f", of(I8, sh(), 0), of(I16, sh(), 1), of(I32, sh(), 0), of(U8, sh(), 0), Tensor.ofLongs(I64, sh(), new long[] {0}));
        checkLongs(f.get(0), I8, sh(), new long[] {127}, "i8 + 127");
        checkLongs(f.get(1), I8, sh(), new long[] {-128}, "i8 + -128");
        checkLongs(f.get(2), I16, sh(), new long[] {-32768}, "i16 * -32768");
        checkLongs(f.get(3), I32, sh(), new long[] {2147483647}, "i32 + 2147483647");
        checkLongs(f.get(4), U8, sh(), new long[] {255}, "u8 + 255");
        checkLongs(f.get(5), I64, sh(), new long[] {Long.MAX_VALUE}, "i64 + max");
    }

    @Test
    void floatXAppliesOnlyWhereALiteralStandsAlone() {
        // Under --floatX f32 a literal next to an f64 tensor is Python's double, not an f32-rounded one:
        // np.float64(0) + 0.1 == 0.1 exactly (0.1f would be 0.10000000149011612).
        var c = compile("""
            const LR = 0.1
            fn g(x: f64) = x + 0.1
            fn h(x: f64[2]) = (x + 0.1, x * [0.1, 0.2], where(x > 0, 0.1, x), clip(x, 0.1, 0.3), maximum(x, 0.1), x + LR)
            fn k(x: f64) = (x + (0.1 + 0.2), x + 1 / 3, x + exp(0.1), x + -0.1, x * 0.1 ** 2, 0.1, x + [0.1, 0.7][1])
            """, F32);
        assertEquals(0.1, run1(c, "g", f64(sh(), 0)).getDouble(0), 0.0, "f64 + 0.1");
        var h = run(c, "h", f64(sh(2), 0, 1));
        check(h.get(0), F64, sh(2), new double[] {0.1, 1.1}, 0, "f64 + 0.1");
        check(h.get(1), F64, sh(2), new double[] {0, 0.2}, 0, "f64 * [0.1, 0.2]");
        check(h.get(2), F64, sh(2), new double[] {0, 0.1}, 0, "where(f64 > 0, 0.1, f64)");
        check(h.get(3), F64, sh(2), new double[] {0.1, 0.3}, 0, "clip(f64, 0.1, 0.3)");
        check(h.get(4), F64, sh(2), new double[] {0.1, 1}, 0, "maximum(f64, 0.1)");
        check(h.get(5), F64, sh(2), new double[] {0.1, 1.1}, 0, "f64 + const LR = 0.1");
        var k = run(c, "k", f64(sh(), 0));
        // literal arithmetic is Python's: 0.1 + 0.2 = 0.30000000000000004, 1 / 3 in double, math.exp(0.1)
        check(k.get(0), F64, sh(), new double[] {0.1 + 0.2}, 0, "f64 + (0.1 + 0.2)");
        check(k.get(1), F64, sh(), new double[] {1.0 / 3}, 0, "f64 + 1 / 3");
        check(k.get(2), F64, sh(), new double[] {StrictMath.exp(0.1)}, 1e-16, "f64 + exp(0.1)");
        check(k.get(3), F64, sh(), new double[] {-0.1}, 0, "f64 + -0.1");
        check(k.get(4), F64, sh(), new double[] {0}, 0, "0 * 0.1 ** 2");
        check(k.get(5), F32, sh(), new double[] {(float) 0.1}, 0, "0.1 standing alone is floatX");
        check(k.get(6), F64, sh(), new double[] {0.7}, 0, "f64 + [0.1, 0.7][1]");
    }

    @Test
    void integerWraparound() {
        var c = compile("""
            fn a(x: i8[4], y: i8[4]) = (x + y, x - y, x * y, -x)
            fn b(x: u8[4], y: u8[4]) = (x + y, x - y, x * y, -x)
            fn d(x: i32[2], y: i32[2]) = (x + y, x * y)
            fn e(x: i64[2], y: i64[2]) = (x + y, x * y)
            fn g(x: i16[2]) = (x * x, x + x)
            fn h(x: i8[2]) = (x ** 3, abs(x), sum(x), x * 2)
            """);
        var a = run(c, "a", of(I8, sh(4), 127, -128, 64, 100), of(I8, sh(4), 1, 1, 2, -100));
        checkLongs(a.get(0), I8, sh(4), new long[] {-128, -127, 66, 0}, "i8 +");
        checkLongs(a.get(1), I8, sh(4), new long[] {126, 127, 62, -56}, "i8 - wraps");
        checkLongs(a.get(2), I8, sh(4), new long[] {127, -128, -128, -16}, "i8 * wraps");
        checkLongs(a.get(3), I8, sh(4), new long[] {-127, -128, -64, -100}, "-i8: -(-128) wraps to -128");
        var b = run(c, "b", of(U8, sh(4), 255, 0, 16, 200), of(U8, sh(4), 1, 1, 16, 100));
        checkLongs(b.get(0), U8, sh(4), new long[] {0, 1, 32, 44}, "u8 + wraps");
        checkLongs(b.get(1), U8, sh(4), new long[] {254, 255, 0, 100}, "u8 - wraps");
        checkLongs(b.get(2), U8, sh(4), new long[] {255, 0, 0, 32}, "u8 * wraps");
        checkLongs(b.get(3), U8, sh(4), new long[] {1, 0, 240, 56}, "-u8 wraps");
        var d = run(c, "d", of(I32, sh(2), Integer.MAX_VALUE, 65536), of(I32, sh(2), 1, 65536));
        checkLongs(d.get(0), I32, sh(2), new long[] {Integer.MIN_VALUE, 131072}, "i32 + wraps");
        checkLongs(d.get(1), I32, sh(2), new long[] {Integer.MAX_VALUE, 0}, "i32 * wraps");
        var e = run(c, "e", Tensor.ofLongs(I64, sh(2), new long[] {Long.MAX_VALUE, 1L << 32}), Tensor.ofLongs(I64, sh(2), new long[] {1, 1L << 32}));
        checkLongs(e.get(0), I64, sh(2), new long[] {Long.MIN_VALUE, (1L << 32) + (1L << 32)}, "i64 + wraps");
        checkLongs(e.get(1), I64, sh(2), new long[] {Long.MAX_VALUE, 0}, "i64 * wraps");
        var g = run(c, "g", of(I16, sh(2), 300, 32767));
        checkLongs(g.get(0), I16, sh(2), new long[] {(short) 90000, 1}, "i16 * wraps");
        checkLongs(g.get(1), I16, sh(2), new long[] {600, -2}, "i16 + wraps");
        var h = run(c, "h", of(I8, sh(2), 6, -128));
        checkLongs(h.get(0), I8, sh(2), new long[] {(byte) 216, 0}, "i8 ** 3 wraps");
        checkLongs(h.get(1), I8, sh(2), new long[] {6, -128}, "abs(-128) wraps");
        checkLongs(h.get(2), I64, sh(), new long[] {-122}, "sum(i8) accumulates in i64");
        checkLongs(h.get(3), I8, sh(2), new long[] {12, 0}, "i8 * 2");
    }
}
