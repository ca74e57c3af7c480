package dev.txc.tests.numeric;

import static dev.txc.tests.numeric.Harness.*;
import static dev.txc.types.DType.BOOL;
import static dev.txc.types.DType.F32;
import static dev.txc.types.DType.F64;
import static dev.txc.types.DType.I32;
import static dev.txc.types.DType.I64;
import static dev.txc.types.DType.I8;
import static dev.txc.types.DType.U8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import dev.txc.ir.Tensor;
import dev.txc.types.DType;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;
import java.util.function.LongBinaryOperator;
import java.util.function.LongUnaryOperator;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;
import org.apache.commons.math3.special.Erf;
import org.apache.commons.math3.util.FastMath;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every built-in of LANGUAGE.md section 6 and NumPy basic indexing, through both backends, checked for shape,
 * dtype and values against java.lang.Math, commons-math and plain loops implementing NumPy's definitions.
 */
class BuiltinSemanticsTest {
    static final double[] GEN = {-2.5, -1.25, -0.5, 0.0, 0.3, 0.75, 1.5, 2.5, 3.0};
    static final double[] POS = {0.1, 0.5, 1.0, 2.5, 10.0, 12345.678};
    static final double[] UNIT = {-0.9, -0.5, -0.1, 0.0, 0.2, 0.6, 0.95};
    static final double[] HALVES = {-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 0.49, -0.51, 3.7, -3.2, 0.0};

    /** An elementwise unary built-in: its source (x is the operand), the reference, and inputs inside its domain. */
    record Unary(String src, DoubleUnaryOperator ref, double[] in) {}

    static List<Unary> unaryTable() {
        double ln2 = Math.log(2);
        return List.of(
                new Unary("abs(x)", Math::abs, GEN),
                new Unary("sign(x)", Math::signum, GEN),
                new Unary("exp(x)", Math::exp, GEN),
                new Unary("exp2(x)", x -> Math.pow(2, x), GEN),
                // Small arguments: expm1 must not lose digits the way exp(x) - 1 does.
                new Unary("expm1(x)", Math::expm1, new double[] {-1.5, -1e-10, 1e-12, 0.0, 0.4, 2.0}),
                new Unary("log(x)", Math::log, POS),
                new Unary("log2(x)", x -> Math.log(x) / ln2, new double[] {0.1, 0.5, 2.0, 8.0, 10.0, 1024.0, 12345.678}),
                new Unary("log10(x)", Math::log10, POS),
                new Unary("log1p(x)", Math::log1p, new double[] {-0.5, -1e-12, 1e-10, 0.0, 0.7, 3.0}),
                new Unary("sqrt(x)", Math::sqrt, new double[] {0.0, 0.25, 2.0, 9.0, 1e6}),
                new Unary("square(x)", x -> x * x, GEN),
                new Unary("reciprocal(x)", x -> 1 / x, new double[] {-2.5, -0.5, 0.3, 1.0, 4.0}),
                new Unary("sin(x)", Math::sin, GEN),
                new Unary("cos(x)", Math::cos, GEN),
                new Unary("tan(x)", Math::tan, new double[] {-1.2, -0.5, 0.0, 0.3, 1.0, 1.4}),
                new Unary("asin(x)", Math::asin, UNIT),
                new Unary("acos(x)", Math::acos, UNIT),
                new Unary("atan(x)", Math::atan, GEN),
                new Unary("sinh(x)", Math::sinh, GEN),
                new Unary("cosh(x)", Math::cosh, GEN),
                new Unary("tanh(x)", Math::tanh, GEN),
                new Unary("asinh(x)", FastMath::asinh, GEN),
                new Unary("acosh(x)", FastMath::acosh, new double[] {1.0, 1.25, 2.0, 3.5, 10.0}),
                new Unary("atanh(x)", FastMath::atanh, UNIT),
                new Unary("sigmoid(x)", x -> 1 / (1 + Math.exp(-x)), new double[] {-30, -2.5, -0.5, 0.0, 0.75, 3.0, 30}),
                new Unary("softplus(x)", x -> Math.log1p(Math.exp(x)), new double[] {-30, -2.5, -0.5, 0.0, 0.75, 3.0, 30}),
                new Unary("relu(x)", x -> Math.max(0, x), GEN),
                new Unary("erf(x)", Erf::erf, new double[] {-2.5, -0.5, -1e-3, 0.0, 0.3, 1.0, 2.0}),
                // erfc for x = 4 is 1.5e-8: computing it as 1 - erf(x) would lose half the digits.
                new Unary("erfc(x)", Erf::erfc, new double[] {-1.5, -0.2, 0.0, 0.3, 1.0, 2.5, 4.0}),
                new Unary("floor(x)", Math::floor, HALVES),
                new Unary("ceil(x)", Math::ceil, HALVES),
                // NumPy rounds halves to even: round(0.5) = 0, round(1.5) = 2, round(2.5) = 2.
                new Unary("round(x)", Math::rint, HALVES),
                new Unary("-x", x -> -x, GEN));
    }

    static double[] map(double[] in, DoubleUnaryOperator f) {
        double[] out = new double[in.length];
        for (int k = 0; k < in.length; k++) out[k] = f.applyAsDouble(in[k]);
        return out;
    }

    static double[] toF32(double[] in) {
        return map(in, x -> (float) x);
    }

    @TestFactory
    Stream<DynamicTest> floatUnary() {
        return unaryTable().stream().map(u -> dynamicTest(u.src(), () -> {
            var c = compile("fn f(x: f64[N]) = " + u.src() + "\nfn g(x: f32[N]) = " + u.src());
            int n = u.in().length;
            check(run1(c, "f", f64(sh(n), u.in())), F64, sh(n), map(u.in(), u.ref()), u.src() + " f64");
            double[] in32 = toF32(u.in());
            check(run1(c, "g", f32(sh(n), in32)), F32, sh(n), toF32(map(in32, u.ref())), u.src() + " f32");
        }));
    }

    @Test
    void floatUnarySpecialValues() {
        double inf = Double.POSITIVE_INFINITY, nan = Double.NaN;
        var c = compile("""
            fn f(x: f64[N]) = (exp(x), sigmoid(x), softplus(x), tanh(x), erf(x), erfc(x))
            fn g(x: f64[N]) = (log(x), sqrt(x), log1p(x - 1), 1.0 / x)
            fn h(x: f64[N]) = (isnan(x), isinf(x))
            fn h32(x: f32[N]) = (isnan(x), isinf(x))
            """);
        var x = f64(sh(4), 1000, -1000, 0, 800);
        var r = run(c, "f", x);
        check(r.get(0), F64, sh(4), new double[] {inf, 0, 1, Math.exp(800)}, "exp overflow/underflow");
        check(r.get(1), F64, sh(4), new double[] {1, 0, 0.5, 1}, "sigmoid saturates without NaN");
        check(r.get(2), F64, sh(4), new double[] {1000, 0, Math.log(2), 800}, "softplus of large arguments is the argument");
        check(r.get(3), F64, sh(4), new double[] {1, -1, 0, 1}, "tanh saturates");
        check(r.get(4), F64, sh(4), new double[] {1, -1, 0, 1}, "erf saturates");
        check(r.get(5), F64, sh(4), new double[] {0, 2, 1, 0}, "erfc saturates");
        var g = run(c, "g", f64(sh(4), 0, -1, inf, 2));
        check(g.get(0), F64, sh(4), new double[] {Double.NEGATIVE_INFINITY, nan, inf, Math.log(2)}, "log at 0, -1, inf");
        check(g.get(1), F64, sh(4), new double[] {0, nan, inf, Math.sqrt(2)}, "sqrt at 0, -1, inf");
        check(g.get(2), F64, sh(4), new double[] {Double.NEGATIVE_INFINITY, nan, inf, Math.log(2)}, "log1p at -1, -2, inf");
        check(g.get(3), F64, sh(4), new double[] {inf, -1, 0, 0.5}, "1/x at 0 is inf");
        var h = run(c, "h", f64(sh(5), nan, inf, Double.NEGATIVE_INFINITY, 0, 1.5));
        checkLongs(h.get(0), BOOL, sh(5), new long[] {1, 0, 0, 0, 0}, "isnan");
        checkLongs(h.get(1), BOOL, sh(5), new long[] {0, 1, 1, 0, 0}, "isinf");
        var h32 = run(c, "h32", f32(sh(3), nan, Double.NEGATIVE_INFINITY, 3e38));
        checkLongs(h32.get(0), BOOL, sh(3), new long[] {1, 0, 0}, "isnan f32");
        checkLongs(h32.get(1), BOOL, sh(3), new long[] {0, 1, 0}, "isinf f32");
    }

    /** The numeric unary built-ins on integer dtypes keep the dtype and wrap as C does. */
    @TestFactory
    Stream<DynamicTest> integerUnary() {
        record IU(String src, LongUnaryOperator ref) {}
        var table = List.of(
                new IU("abs(x)", Math::abs), new IU("sign(x)", Long::signum), new IU("relu(x)", x -> Math.max(0, x)),
                new IU("floor(x)", x -> x), new IU("ceil(x)", x -> x), new IU("round(x)", x -> x),
                new IU("square(x)", x -> x * x), new IU("-x", x -> -x));
        long[] vals = {-128, -100, -7, -1, 0, 1, 5, 12, 100, 127};
        var tests = new ArrayList<DynamicTest>();
        for (IU u : table)
            for (DType d : List.of(I64, I32, I8, U8))
                tests.add(dynamicTest(u.src() + " " + d.spelling(), () -> {
                    var c = compile("fn f(x: " + d.spelling() + "[N]) = " + u.src());
                    long[] in = new long[vals.length], exp = new long[vals.length];
                    for (int k = 0; k < in.length; k++) {
                        in[k] = d.wrap(vals[k]);
                        exp[k] = d.wrap(u.ref().applyAsLong(in[k]));
                    }
                    checkLongs(run1(c, "f", Tensor.ofLongs(d, sh(in.length), in)), d, sh(in.length), exp, u.src() + " " + d.spelling());
                }));
        return tests.stream();
    }

    @Test
    void notAndFloatFunctionsOfIntegers() {
        var c = compile("""
            fn f(b: bool[N]) = not b
            fn g(x: i32[N]) = (exp(x), sqrt(x), sin(x))
            fn h(b: bool[N]) = exp(b)
            """);
        checkLongs(run1(c, "f", of(BOOL, sh(3), 1, 0, 1)), BOOL, sh(3), new long[] {0, 1, 0}, "not");
        var g = run(c, "g", of(I32, sh(3), 0, 1, 4));
        check(g.get(0), F64, sh(3), new double[] {1, Math.E, Math.exp(4)}, "exp(i32) is floatX");
        check(g.get(1), F64, sh(3), new double[] {0, 1, 2}, "sqrt(i32) is floatX");
        check(g.get(2), F64, sh(3), new double[] {0, Math.sin(1), Math.sin(4)}, "sin(i32) is floatX");
        check(run1(c, "h", of(BOOL, sh(2), 0, 1)), F64, sh(2), new double[] {1, Math.E}, "exp(bool) is floatX");
    }

    // ---- elementwise binary ----

    /** A binary operator in source form (x and y), its float reference, and the operand ranges to draw from. */
    record Binary(String src, DoubleBinaryOperator ref, double xlo, double xhi, double ylo, double yhi, boolean ySigned) {}

    static double b(boolean v) {
        return v ? 1 : 0;
    }

    static List<Binary> floatBinaryTable() {
        return List.of(
                new Binary("x + y", Double::sum, -3, 3, -3, 3, false),
                new Binary("x - y", (a, b) -> a - b, -3, 3, -3, 3, false),
                new Binary("x * y", (a, b) -> a * b, -3, 3, -3, 3, false),
                new Binary("x / y", (a, b) -> a / b, -3, 3, 0.5, 2, true),
                new Binary("x // y", (a, b) -> Ref.divmod(a, b)[0], -7, 7, 0.5, 2.5, true),
                new Binary("x % y", (a, b) -> Ref.divmod(a, b)[1], -7, 7, 0.5, 2.5, true),
                new Binary("x ** y", Math::pow, 0.25, 3, -2, 2, false),
                new Binary("pow(x, y)", Math::pow, 0.25, 3, -2, 2, false),
                new Binary("maximum(x, y)", Math::max, -3, 3, -3, 3, false),
                new Binary("minimum(x, y)", Math::min, -3, 3, -3, 3, false),
                new Binary("atan2(x, y)", Math::atan2, -3, 3, -3, 3, false),
                new Binary("x == y", (a, b) -> b(a == b), -2, 2, -2, 2, false),
                new Binary("x != y", (a, b) -> b(a != b), -2, 2, -2, 2, false),
                new Binary("x < y", (a, b) -> b(a < b), -2, 2, -2, 2, false),
                new Binary("x <= y", (a, b) -> b(a <= b), -2, 2, -2, 2, false),
                new Binary("x > y", (a, b) -> b(a > b), -2, 2, -2, 2, false),
                new Binary("x >= y", (a, b) -> b(a >= b), -2, 2, -2, 2, false));
    }

    static boolean isComparison(String src) {
        return src.contains("=") || src.contains("<") || src.contains(">");
    }

    /** Draws values; comparisons get a coarse grid so that equal pairs occur. */
    static double[] draw(Random r, int n, double lo, double hi, boolean signed, boolean grid) {
        double[] v = new double[n];
        for (int k = 0; k < n; k++) {
            double u = lo + (hi - lo) * r.nextDouble();
            if (grid) u = Math.round(u * 2) / 2.0;
            v[k] = signed && r.nextBoolean() ? -u : u;
        }
        return v;
    }

    static final int[][][] BROADCAST_PAIRS = {
        {{3, 4}, {4}}, {{3, 4}, {3, 1}}, {{3, 1}, {1, 4}}, {{4}, {3, 4}}, {{}, {3, 4}}, {{2, 3, 4}, {3, 1}}, {{3, 4}, {3, 4}}};

    static String type(DType d, int[] s) {
        if (s.length == 0) return d.spelling();
        var sb = new StringBuilder(d.spelling()).append('[');
        for (int k = 0; k < s.length; k++) sb.append(k > 0 ? ", " : "").append(s[k]);
        return sb.append(']').toString();
    }

    @TestFactory
    Stream<DynamicTest> floatBinaryWithBroadcasting() {
        var tests = new ArrayList<DynamicTest>();
        for (Binary op : floatBinaryTable())
            for (DType d : List.of(F64, F32))
                tests.add(dynamicTest(op.src() + " " + d.spelling(), () -> {
                    var r = new Random(op.src().hashCode());
                    var src = new StringBuilder();
                    for (int p = 0; p < BROADCAST_PAIRS.length; p++)
                        src.append("fn f").append(p).append("(x: ").append(type(d, BROADCAST_PAIRS[p][0])).append(", y: ")
                                .append(type(d, BROADCAST_PAIRS[p][1])).append(") = ").append(op.src()).append('\n');
                    var c = compile(src.toString());
                    boolean cmp = isComparison(op.src());
                    for (int p = 0; p < BROADCAST_PAIRS.length; p++) {
                        int[] sx = BROADCAST_PAIRS[p][0], sy = BROADCAST_PAIRS[p][1];
                        double[] x = draw(r, size(sx), op.xlo(), op.xhi(), false, cmp), y = draw(r, size(sy), op.ylo(), op.yhi(), op.ySigned(), cmp);
                        if (d == F32) {
                            x = toF32(x);
                            y = toF32(y);
                        }
                        double[] e = Ref.binary(x, sx, y, sy, op.ref());
                        if (d == F32 && !cmp) e = toF32(e);
                        Tensor got = run1(c, "f" + p, of(d, sx, x), of(d, sy, y));
                        check(got, cmp ? BOOL : d, Ref.broadcast(sx, sy), e, d == F32 ? 1e-6 : 1e-12, op.src() + " " + java.util.Arrays.deepToString(BROADCAST_PAIRS[p]));
                    }
                }));
        return tests.stream();
    }

    /** Python/NumPy float floor division and modulo on the classic edge cases. */
    @Test
    void floatFloorDivAndModEdgeCases() {
        var c = compile("fn f(x: f64[N], y: f64[N]) = (x // y, x % y)");
        double[] x = {1.0, -1.0, 7.5, -7.5, 7.5, -7.5, 0.0, -0.0, 5.0};
        double[] y = {0.1, 0.1, 2.0, 2.0, -2.0, -2.0, 3.0, 3.0, 5.0};
        var r = run(c, "f", f64(sh(9), x), f64(sh(9), y));
        // 1.0 // 0.1 is 9.0 in NumPy and Python (0.1 is slightly above 1/10), and 1.0 % 0.1 is 0.09999999999999995.
        check(r.get(0), F64, sh(9), new double[] {9, -10, 3, -4, -4, 3, 0, -0.0, 1}, "//");
        check(r.get(1), F64, sh(9), new double[] {0.09999999999999995, 0.00000000000000005551115123125783, 1.5, 0.5, -0.5, -1.5, 0, 0, 0}, "%");
        for (int k = 0; k < 9; k++) {
            double[] dm = Ref.divmod(x[k], y[k]);
            assertEquals(dm[0], r.get(0).getDouble(k), 0.0, "// element " + k);
            assertEquals(dm[1], r.get(1).getDouble(k), 1e-15, "% element " + k);
        }
    }

    static long ipow(long a, long b) {
        long r = 1;
        for (int k = 0; k < b; k++) r *= a;
        return r;
    }

    @TestFactory
    Stream<DynamicTest> integerBinaryWithBroadcasting() {
        record IB(String src, LongBinaryOperator ref, boolean nonzeroY, boolean smallY) {}
        var table = List.of(
                new IB("x + y", Long::sum, false, false), new IB("x - y", (a, b) -> a - b, false, false),
                new IB("x * y", (a, b) -> a * b, false, false), new IB("x // y", Math::floorDiv, true, false),
                new IB("x % y", Math::floorMod, true, false), new IB("x ** y", BuiltinSemanticsTest::ipow, false, true),
                new IB("maximum(x, y)", Math::max, false, false), new IB("minimum(x, y)", Math::min, false, false),
                new IB("x == y", (a, b) -> a == b ? 1 : 0, false, false), new IB("x != y", (a, b) -> a != b ? 1 : 0, false, false),
                new IB("x < y", (a, b) -> a < b ? 1 : 0, false, false), new IB("x <= y", (a, b) -> a <= b ? 1 : 0, false, false),
                new IB("x > y", (a, b) -> a > b ? 1 : 0, false, false), new IB("x >= y", (a, b) -> a >= b ? 1 : 0, false, false));
        var tests = new ArrayList<DynamicTest>();
        for (IB op : table)
            for (DType d : List.of(I64, I32, I8, U8))
                tests.add(dynamicTest(op.src() + " " + d.spelling(), () -> {
                    var r = new Random(op.src().hashCode() + d.ordinal());
                    int[] sx = {3, 4}, sy = {4};
                    var c = compile("fn f(x: " + type(d, sx) + ", y: " + type(d, sy) + ") = " + op.src());
                    long[] x = new long[12], y = new long[4];
                    for (int k = 0; k < 12; k++) x[k] = d.wrap(d == U8 ? r.nextInt(256) : d == I8 ? r.nextInt(256) - 128 : r.nextInt(2001) - 1000);
                    for (int k = 0; k < 4; k++) {
                        long v = op.smallY() ? r.nextInt(6) : d == U8 ? r.nextInt(256) : d == I8 ? r.nextInt(256) - 128 : r.nextInt(61) - 30;
                        if (op.nonzeroY() && v == 0) v = 3;
                        y[k] = d.wrap(v);
                    }
                    if (op.smallY()) for (int k = 0; k < 12; k++) x[k] = d.wrap(d == U8 ? r.nextInt(10) : r.nextInt(21) - 10);
                    boolean cmp = isComparison(op.src());
                    long[] e = new long[12];
                    for (int i = 0; i < 3; i++)
                        for (int j = 0; j < 4; j++) {
                            long v = op.ref().applyAsLong(x[i * 4 + j], y[j]);
                            e[i * 4 + j] = cmp ? v : d.wrap(v);
                        }
                    checkLongs(run1(c, "f", Tensor.ofLongs(d, sx, x), Tensor.ofLongs(d, sy, y)), cmp ? BOOL : d, sx, e, op.src() + " " + d.spelling());
                }));
        return tests.stream();
    }

    @Test
    void logicalOperators() {
        var c = compile("""
            fn f(a: bool[4], b: bool[4]) = (a and b, a or b, xor(a, b), not a, a == b, a != b)
            fn g(a: bool[2, 1], b: bool[2]) = (a and b, a or b, xor(a, b))
            """);
        var a = of(BOOL, sh(4), 0, 0, 1, 1);
        var b = of(BOOL, sh(4), 0, 1, 0, 1);
        var r = run(c, "f", a, b);
        checkLongs(r.get(0), BOOL, sh(4), new long[] {0, 0, 0, 1}, "and");
        checkLongs(r.get(1), BOOL, sh(4), new long[] {0, 1, 1, 1}, "or");
        checkLongs(r.get(2), BOOL, sh(4), new long[] {0, 1, 1, 0}, "xor");
        checkLongs(r.get(3), BOOL, sh(4), new long[] {1, 1, 0, 0}, "not");
        checkLongs(r.get(4), BOOL, sh(4), new long[] {1, 0, 0, 1}, "==");
        checkLongs(r.get(5), BOOL, sh(4), new long[] {0, 1, 1, 0}, "!=");
        var g = run(c, "g", of(BOOL, sh(2, 1), 0, 1), of(BOOL, sh(2), 0, 1));
        checkLongs(g.get(0), BOOL, sh(2, 2), new long[] {0, 0, 0, 1}, "and broadcast");
        checkLongs(g.get(1), BOOL, sh(2, 2), new long[] {0, 1, 1, 1}, "or broadcast");
        checkLongs(g.get(2), BOOL, sh(2, 2), new long[] {0, 1, 1, 0}, "xor broadcast");
    }

    /** NumPy's maximum/minimum and max/min propagate NaN. */
    @Test
    void maximumMinimumPropagateNaN() {
        double nan = Double.NaN;
        var c = compile("fn f(x: f64[3], y: f64[3]) = (maximum(x, y), minimum(x, y), max(x), min(y))");
        var r = run(c, "f", f64(sh(3), nan, 1, 2), f64(sh(3), 0, nan, 3));
        check(r.get(0), F64, sh(3), new double[] {nan, nan, 3}, "maximum");
        check(r.get(1), F64, sh(3), new double[] {nan, nan, 2}, "minimum");
        check(r.get(2), F64, sh(), new double[] {nan}, "max with NaN");
        check(r.get(3), F64, sh(), new double[] {nan}, "min with NaN");
    }

    @Test
    void whereAndClip() {
        var c = compile("""
            fn w1(c: bool[3, 1], a: f64[4], b: f64) = where(c, a, b)
            fn w2(x: f64[3, 4]) = where(x > 0, x, 0.5 * x)
            fn w3(c: i32[3], a: i32[3], b: f64[3]) = where(c, a, b)
            fn w4(c: bool[3], a: i8[3]) = where(c, a, 100)
            fn c1(x: f64[5]) = clip(x, -1, 1.5)
            fn c2(x: i32[5]) = clip(x, -2, 3)
            fn c3(x: f64[2, 3], lo: f64[3], hi: f64[2, 1]) = clip(x, lo, hi)
            fn c4(x: f32[3]) = clip(x, 0, 1)
            """);
        var w1 = run1(c, "w1", of(BOOL, sh(3, 1), 1, 0, 1), f64(sh(4), 1, 2, 3, 4), scalar(-9));
        check(w1, F64, sh(3, 4), new double[] {1, 2, 3, 4, -9, -9, -9, -9, 1, 2, 3, 4}, "where broadcast");
        var r = new Random(3);
        double[] x = Harness.randn(r, 12);
        double[] e = map(x, v -> v > 0 ? v : 0.5 * v);
        check(run1(c, "w2", f64(sh(3, 4), x)), F64, sh(3, 4), e, "leaky where");
        check(run1(c, "w3", of(I32, sh(3), 0, 5, -1), of(I32, sh(3), 1, 2, 3), f64(sh(3), 7.5, 8.5, 9.5)), F64, sh(3),
                new double[] {7.5, 2, 3}, "where with an integer condition (nonzero is true) promotes i32 with f64");
        checkLongs(run1(c, "w4", of(BOOL, sh(3), 1, 0, 1), of(I8, sh(3), -5, 6, 7)), I8, sh(3), new long[] {-5, 100, 7}, "where keeps i8 with a weak literal");
        check(run1(c, "c1", f64(sh(5), -3, -1, 0.2, 1.5, 7)), F64, sh(5), new double[] {-1, -1, 0.2, 1.5, 1.5}, "clip f64");
        checkLongs(run1(c, "c2", of(I32, sh(5), -7, -2, 0, 3, 9)), I32, sh(5), new long[] {-2, -2, 0, 3, 3}, "clip i32");
        var c3 = run1(c, "c3", f64(sh(2, 3), -5, 0.5, 5, -5, 0.5, 5), f64(sh(3), -1, 0, 1), f64(sh(2, 1), 2, 0.25));
        // NumPy clip = minimum(maximum(x, lo), hi); where lo > hi the result is hi.
        check(c3, F64, sh(2, 3), new double[] {-1, 0.5, 2, -1, 0.25, 0.25}, "clip with broadcast bounds");
        check(run1(c, "c4", f32(sh(3), -0.5, 0.25, 2)), F32, sh(3), new double[] {0, 0.25, 1}, "clip keeps f32");
    }

    // ---- reductions ----

    record Red(String name, ToDoubleFunction<double[]> ref, double lo, double hi) {}

    static final String[] AXES_SRC = {"", "axis=0", "axis=1", "axis=2", "axis=-1", "axis=-3", "axis=[0, 2]", "axis=[-1, 0]", "axis=[0, 1, 2]"};
    static final int[][] AXES = {{0, 1, 2}, {0}, {1}, {2}, {2}, {0}, {0, 2}, {0, 2}, {0, 1, 2}};

    static String args(String axis, boolean keep) {
        var l = new ArrayList<String>();
        if (!axis.isEmpty()) l.add(axis);
        if (keep) l.add("keepdims=true");
        return l.isEmpty() ? "" : ", " + String.join(", ", l);
    }

    @TestFactory
    Stream<DynamicTest> floatReductionsOverAxes() {
        var table = List.of(
                new Red("sum", Ref::sum, -2, 2), new Red("mean", Ref::mean, -2, 2), new Red("prod", Ref::prod, 0.5, 1.6),
                new Red("max", Ref::max, -2, 2), new Red("min", Ref::min, -2, 2), new Red("logsumexp", Ref::logsumexp, -3, 3),
                new Red("var", Ref::var, -2, 2), new Red("std", b -> Math.sqrt(Ref.var(b)), -2, 2), new Red("norm", Ref::norm, -2, 2));
        int[] shape = {2, 3, 4};
        return table.stream().map(red -> dynamicTest(red.name(), () -> {
            var src = new StringBuilder();
            for (int a = 0; a < AXES_SRC.length; a++)
                for (int keep = 0; keep < 2; keep++)
                    src.append("fn f").append(a).append('_').append(keep).append("(x: f64[2, 3, 4]) = ").append(red.name()).append("(x")
                            .append(args(AXES_SRC[a], keep == 1)).append(")\n");
            var c = compile(src.toString());
            double[] x = Harness.uniform(new Random(red.name().hashCode()), 24, red.lo(), red.hi());
            for (int a = 0; a < AXES_SRC.length; a++)
                for (int keep = 0; keep < 2; keep++) {
                    Tensor got = run1(c, "f" + a + "_" + keep, f64(shape, x));
                    check(got, F64, Ref.reducedShape(shape, AXES[a], keep == 1), Ref.reduce(x, shape, AXES[a], red.ref()),
                            red.name() + "(x" + args(AXES_SRC[a], keep == 1) + ")");
                }
        }));
    }

    @Test
    void f32Reductions() {
        var c = compile("""
            fn f(x: f32[3, 4]) = (sum(x, axis=1), mean(x), max(x, axis=0), min(x), prod(x, axis=1), logsumexp(x, axis=-1), norm(x))
            fn g(x: f32[3, 4]) = (var(x, axis=1), std(x))
            """);
        double[] x = toF32(Harness.uniform(new Random(5), 12, 0.5, 2));
        int[] s = {3, 4};
        var r = run(c, "f", f32(s, x));
        check(r.get(0), F32, sh(3), Ref.reduce(x, s, new int[] {1}, Ref::sum), "sum f32");
        check(r.get(1), F32, sh(), new double[] {Ref.mean(x)}, "mean f32");
        check(r.get(2), F32, sh(4), Ref.reduce(x, s, new int[] {0}, Ref::max), "max f32");
        check(r.get(3), F32, sh(), new double[] {Ref.min(x)}, "min f32");
        check(r.get(4), F32, sh(3), Ref.reduce(x, s, new int[] {1}, Ref::prod), "prod f32");
        check(r.get(5), F32, sh(3), Ref.reduce(x, s, new int[] {1}, Ref::logsumexp), "logsumexp f32");
        check(r.get(6), F32, sh(), new double[] {Ref.norm(x)}, "norm f32");
        var g = run(c, "g", f32(s, x));
        // Squared deviations accumulate a few f32 roundings each: a looser 1e-5.
        check(g.get(0), F32, sh(3), Ref.reduce(x, s, new int[] {1}, Ref::var), 1e-5, "var f32");
        check(g.get(1), F32, sh(), new double[] {Math.sqrt(Ref.var(x))}, 1e-5, "std f32");
    }

    @Test
    void integerAndBoolReductions() {
        var c = compile("""
            fn f(x: i32[2, 3]) = (sum(x), sum(x, axis=0), prod(x, axis=1), max(x, axis=1), min(x), mean(x, axis=0))
            fn g(x: u8[4]) = (sum(x), max(x), prod(x))
            fn h(x: i8[2, 2]) = (sum(x, axis=1, keepdims=true), max(x, axis=0), min(x, axis=-1))
            fn k(b: bool[2, 3]) = (sum(b), sum(b, axis=1), any(b), all(b), any(b, axis=0), all(b, axis=1, keepdims=true), any(b, axis=[0, 1]))
            fn m(x: i32[2, 3]) = (any(x), all(x, axis=1), any(x, axis=-1))
            """);
        var r = run(c, "f", of(I32, sh(2, 3), 1, -2, 3, 4, 5, -6));
        checkLongs(r.get(0), I64, sh(), new long[] {5}, "sum(i32) is i64");
        checkLongs(r.get(1), I64, sh(3), new long[] {5, 3, -3}, "sum axis 0");
        checkLongs(r.get(2), I64, sh(2), new long[] {-6, -120}, "prod(i32) is i64");
        checkLongs(r.get(3), I32, sh(2), new long[] {3, 5}, "max keeps i32");
        checkLongs(r.get(4), I32, sh(), new long[] {-6}, "min keeps i32");
        check(r.get(5), F64, sh(3), new double[] {2.5, 1.5, -1.5}, "mean(i32) is floatX");
        var g = run(c, "g", of(U8, sh(4), 200, 100, 255, 2));
        checkLongs(g.get(0), I64, sh(), new long[] {557}, "sum(u8) does not wrap");
        checkLongs(g.get(1), U8, sh(), new long[] {255}, "max(u8) is unsigned");
        checkLongs(g.get(2), I64, sh(), new long[] {200L * 100 * 255 * 2}, "prod(u8) in i64");
        var h = run(c, "h", of(I8, sh(2, 2), 100, 100, -128, 5));
        checkLongs(h.get(0), I64, sh(2, 1), new long[] {200, -123}, "sum(i8) in i64, keepdims");
        checkLongs(h.get(1), I8, sh(2), new long[] {100, 100}, "max(i8)");
        checkLongs(h.get(2), I8, sh(2), new long[] {100, -128}, "min(i8)");
        var k = run(c, "k", of(BOOL, sh(2, 3), 1, 0, 1, 0, 0, 0));
        checkLongs(k.get(0), I64, sh(), new long[] {2}, "sum(bool) counts");
        checkLongs(k.get(1), I64, sh(2), new long[] {2, 0}, "sum(bool) axis 1");
        checkLongs(k.get(2), BOOL, sh(), new long[] {1}, "any");
        checkLongs(k.get(3), BOOL, sh(), new long[] {0}, "all");
        checkLongs(k.get(4), BOOL, sh(3), new long[] {1, 0, 1}, "any axis 0");
        checkLongs(k.get(5), BOOL, sh(2, 1), new long[] {0, 0}, "all axis 1 keepdims");
        checkLongs(k.get(6), BOOL, sh(), new long[] {1}, "any over a list of axes");
        var m = run(c, "m", of(I32, sh(2, 3), 0, 0, 0, 1, -1, 2));
        checkLongs(m.get(0), BOOL, sh(), new long[] {1}, "any of numbers: nonzero");
        checkLongs(m.get(1), BOOL, sh(2), new long[] {0, 1}, "all of numbers");
        checkLongs(m.get(2), BOOL, sh(2), new long[] {0, 1}, "any axis -1");
    }

    @Test
    void argmaxArgminFirstOccurrence() {
        double[] x = {1, 3, 3, 0, 2, 2, 1, 2, 0, 5, 5, 5};
        int[] s = {3, 4};
        String body = "(argmax(x), argmax(x, axis=0), argmax(x, axis=1), argmax(x, axis=-1, keepdims=true), "
                + "argmin(x), argmin(x, axis=0), argmin(x, axis=-1), argmin(x, axis=0, keepdims=true))";
        for (DType d : List.of(F64, F32, I32, I8, U8)) {
            var c = compile("fn f(x: " + type(d, s) + ") = " + body);
            var r = run(c, "f", of(d, s, x));
            String w = " " + d.spelling();
            checkLongs(r.get(0), I64, sh(), new long[] {9}, "argmax flat" + w);
            checkLongs(r.get(1), I64, sh(4), new long[] {1, 2, 2, 2}, "argmax axis 0" + w);
            checkLongs(r.get(2), I64, sh(3), new long[] {1, 0, 1}, "argmax axis 1 (ties: first)" + w);
            checkLongs(r.get(3), I64, sh(3, 1), new long[] {1, 0, 1}, "argmax keepdims" + w);
            checkLongs(r.get(4), I64, sh(), new long[] {3}, "argmin flat (ties: first)" + w);
            checkLongs(r.get(5), I64, sh(4), new long[] {2, 1, 1, 0}, "argmin axis 0" + w);
            checkLongs(r.get(6), I64, sh(3), new long[] {3, 2, 0}, "argmin axis -1" + w);
            checkLongs(r.get(7), I64, sh(1, 4), new long[] {2, 1, 1, 0}, "argmin keepdims" + w);
        }
        // Rank 3 against the plain-loop reference.
        var c = compile("fn g(x: f64[2, 3, 4]) = (argmax(x, axis=1), argmin(x, axis=2), argmax(x))");
        double[] y = new double[24];
        var r = new Random(11);
        for (int k = 0; k < 24; k++) y[k] = r.nextInt(4);
        var g = run(c, "g", f64(sh(2, 3, 4), y));
        check(g.get(0), I64, sh(2, 4), Ref.reduce(y, sh(2, 3, 4), new int[] {1}, Ref::argmax), "argmax rank 3");
        check(g.get(1), I64, sh(2, 3), Ref.reduce(y, sh(2, 3, 4), new int[] {2}, Ref::argmin), "argmin rank 3");
        check(g.get(2), I64, sh(), Ref.reduce(y, sh(2, 3, 4), new int[] {0, 1, 2}, Ref::argmax), "argmax rank 3 flat");
    }

    // ---- linear algebra ----

    static void matmulCase(String op, int[] sa, int[] sb, DType d) {
        String src = op.equals("@") ? "x @ y" : op + "(x, y)";
        var c = compile("fn f(x: " + type(d, sa) + ", y: " + type(d, sb) + ") = " + src);
        var r = new Random(java.util.Arrays.hashCode(sa) * 31 + java.util.Arrays.hashCode(sb));
        double[] a = new double[size(sa)], b = new double[size(sb)];
        for (int k = 0; k < a.length; k++) a[k] = d.isFloat() ? r.nextGaussian() : r.nextInt(11) - 5;
        for (int k = 0; k < b.length; k++) b[k] = d.isFloat() ? r.nextGaussian() : r.nextInt(11) - 5;
        if (d == F32) {
            a = toF32(a);
            b = toF32(b);
        }
        int[][] os = new int[1][];
        double[] e;
        if (sa.length == 0 || sb.length == 0) {
            e = Ref.binary(a, sa, b, sb, (p, q) -> p * q);
            os[0] = Ref.broadcast(sa, sb);
        } else e = Ref.matmul(a, sa, b, sb, os);
        String what = src + " " + java.util.Arrays.toString(sa) + " x " + java.util.Arrays.toString(sb) + " " + d.spelling();
        Tensor got = run1(c, "f", of(d, sa, a), of(d, sb, b));
        if (d != F32) {
            check(got, d, os[0], e, what);
            return;
        }
        // f32 sums of products round at every step: bound the error by 1e-6 of the sum of |terms| (|a| @ |b|).
        double[] absE = sa.length == 0 || sb.length == 0 ? map(e, Math::abs)
                : Ref.matmul(map(a, Math::abs), sa, map(b, Math::abs), sb, new int[1][]);
        check(got, d, os[0], e, 1, what);
        double[] g = got.toDoubles();
        for (int k = 0; k < e.length; k++)
            if (Math.abs(g[k] - e[k]) > 1e-6 * absE[k] + 1e-30) org.junit.jupiter.api.Assertions.fail(what + ": element " + k + " expected " + e[k] + " got " + g[k]);
    }

    @Test
    void dotAllRanks() {
        int[][][] cases = {{{}, {}}, {{}, {3}}, {{3}, {}}, {{2, 3}, {}}, {{4}, {4}}, {{4}, {4, 3}}, {{3, 4}, {4}}, {{3, 4}, {4, 5}}, {{1, 4}, {4, 1}}};
        for (int[][] cs : cases) {
            matmulCase("dot", cs[0], cs[1], F64);
            if (cs[0].length > 0 && cs[1].length > 0) {
                matmulCase("dot", cs[0], cs[1], I32);
                matmulCase("dot", cs[0], cs[1], F32);
            }
        }
    }

    @Test
    void matmulBatchedWithBroadcasting() {
        int[][][] cases = {
            {{3, 4}, {4, 5}}, {{2, 3, 4}, {4, 5}}, {{2, 3, 4}, {2, 4, 5}}, {{1, 3, 4}, {2, 4, 5}}, {{3, 4}, {2, 4, 5}},
            {{4}, {4, 5}}, {{3, 4}, {4}}, {{2, 3, 4}, {4}}, {{4}, {2, 4, 5}}, {{2, 1, 3, 4}, {5, 4, 2}}, {{4}, {4}}};
        for (int[][] cs : cases) matmulCase("@", cs[0], cs[1], F64);
        matmulCase("@", sh(2, 3, 4), sh(1, 4, 2), I64);
        matmulCase("@", sh(2, 3, 4), sh(4, 2), F32);
    }

    @Test
    void outerTransposeTraceDiag() {
        var c = compile("""
            fn o1(x: f64[3], y: f64[2]) = outer(x, y)
            fn o2(x: f64[2, 2], y: f64[3]) = outer(x, y)
            fn o3(x: i32[2], y: i32[2]) = outer(x, y)
            fn t1(x: f64[2, 3, 4]) = (transpose(x), x.T, transpose(x, [1, 0, 2]), transpose(x, [2, 0, 1]), transpose(x, [-1, 0, 1]))
            fn t2(x: f64[3]) = (x.T, transpose(x))
            fn tr(x: f64[3, 3], y: f64[2, 3], z: i32[2, 2]) = (trace(x), trace(y), trace(z))
            fn dg(v: f64[3], m: f64[3, 3], r: f64[2, 3], b: bool[2]) = (diag(v), diag(m), diag(r), diag(b))
            """);
        check(run1(c, "o1", f64(sh(3), 1, 2, 3), f64(sh(2), 10, -1)), F64, sh(3, 2), new double[] {10, -1, 20, -2, 30, -3}, "outer");
        check(run1(c, "o2", f64(sh(2, 2), 1, 2, 3, 4), f64(sh(3), 1, 0, -1)), F64, sh(4, 3),
                new double[] {1, 0, -1, 2, 0, -2, 3, 0, -3, 4, 0, -4}, "outer flattens");
        checkLongs(run1(c, "o3", of(I32, sh(2), 2, 3), of(I32, sh(2), 4, 5)), I32, sh(2, 2), new long[] {8, 10, 12, 15}, "outer i32");
        double[] x = new double[24];
        for (int k = 0; k < 24; k++) x[k] = k;
        var t = run(c, "t1", f64(sh(2, 3, 4), x));
        int[][] perms = {{2, 1, 0}, {2, 1, 0}, {1, 0, 2}, {2, 0, 1}, {2, 0, 1}};
        for (int p = 0; p < perms.length; p++) {
            int[] perm = perms[p], os = new int[3];
            for (int k = 0; k < 3; k++) os[k] = sh(2, 3, 4)[perm[k]];
            double[] e = new double[24];
            for (int o = 0; o < 24; o++) {
                int[] oi = unflat(os, o), ii = new int[3];
                for (int k = 0; k < 3; k++) ii[perm[k]] = oi[k];
                e[o] = x[flat(sh(2, 3, 4), ii)];
            }
            check(t.get(p), F64, os, e, "transpose " + java.util.Arrays.toString(perm));
        }
        var t2 = run(c, "t2", f64(sh(3), 1, 2, 3));
        check(t2.get(0), F64, sh(3), new double[] {1, 2, 3}, ".T of a vector is itself");
        check(t2.get(1), F64, sh(3), new double[] {1, 2, 3}, "transpose of a vector is itself");
        var tr = run(c, "tr", f64(sh(3, 3), 1, 2, 3, 4, 5, 6, 7, 8, 9), f64(sh(2, 3), 1, 2, 3, 4, 5, 6), of(I32, sh(2, 2), 3, 1, 1, 4));
        check(tr.get(0), F64, sh(), new double[] {15}, "trace");
        check(tr.get(1), F64, sh(), new double[] {6}, "trace of a 2x3 matrix sums the main diagonal");
        checkLongs(tr.get(2), I32, sh(), new long[] {7}, "trace i32");
        var dg = run(c, "dg", f64(sh(3), 1, 2, 3), f64(sh(3, 3), 1, 2, 3, 4, 5, 6, 7, 8, 9), f64(sh(2, 3), 1, 2, 3, 4, 5, 6), of(BOOL, sh(2), 1, 1));
        check(dg.get(0), F64, sh(3, 3), new double[] {1, 0, 0, 0, 2, 0, 0, 0, 3}, "diag(vector)");
        check(dg.get(1), F64, sh(3), new double[] {1, 5, 9}, "diag(matrix)");
        check(dg.get(2), F64, sh(2), new double[] {1, 5}, "diag of a 2x3 matrix");
        checkLongs(dg.get(3), BOOL, sh(2, 2), new long[] {1, 0, 0, 1}, "diag(bool vector)");
    }

    // ---- shape and construction ----

    @Test
    void reshapeFlattenDimshuffleExpandSqueeze() {
        var c = compile("""
            fn r(x: f64[2, 6]) = (reshape(x, [3, -1]), reshape(x, [-1]), reshape(x, [2, 1, 6]), reshape(x, [-1, 2, 2]), flatten(x))
            fn r3(x: i32[2, 3, 2]) = (flatten(x), reshape(x, [6, 2]))
            fn d(x: f64[2, 3]) = (dimshuffle(x, [1, "x", 0]), dimshuffle(x, ["x", 0, 1]), dimshuffle(x, [0, 1, "x"]))
            fn d1(x: f64[1, 3]) = dimshuffle(x, [1])
            fn e(x: f64[2, 3]) = (expand_dims(x, 0), expand_dims(x, -1), expand_dims(x, 1), expand_dims(x, [0, 3]))
            fn s(x: f64[1, 3, 1]) = (squeeze(x), squeeze(x, 0), squeeze(x, -1), squeeze(x, [0, 2]))
            """);
        double[] x = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
        var r = run(c, "r", f64(sh(2, 6), x));
        check(r.get(0), F64, sh(3, 4), x, "reshape [3, -1]");
        check(r.get(1), F64, sh(12), x, "reshape [-1]");
        check(r.get(2), F64, sh(2, 1, 6), x, "reshape [2, 1, 6]");
        check(r.get(3), F64, sh(3, 2, 2), x, "reshape [-1, 2, 2]");
        check(r.get(4), F64, sh(12), x, "flatten");
        var r3 = run(c, "r3", of(I32, sh(2, 3, 2), x));
        check(r3.get(0), I32, sh(12), x, "flatten i32");
        check(r3.get(1), I32, sh(6, 2), x, "reshape i32");
        double[] m = {1, 2, 3, 4, 5, 6};
        var d = run(c, "d", f64(sh(2, 3), m));
        check(d.get(0), F64, sh(3, 1, 2), new double[] {1, 4, 2, 5, 3, 6}, "dimshuffle [1, x, 0]");
        check(d.get(1), F64, sh(1, 2, 3), m, "dimshuffle [x, 0, 1]");
        check(d.get(2), F64, sh(2, 3, 1), m, "dimshuffle [0, 1, x]");
        check(run1(c, "d1", f64(sh(1, 3), 7, 8, 9)), F64, sh(3), new double[] {7, 8, 9}, "dimshuffle drops a broadcastable axis");
        var e = run(c, "e", f64(sh(2, 3), m));
        check(e.get(0), F64, sh(1, 2, 3), m, "expand_dims 0");
        check(e.get(1), F64, sh(2, 3, 1), m, "expand_dims -1");
        check(e.get(2), F64, sh(2, 1, 3), m, "expand_dims 1");
        check(e.get(3), F64, sh(1, 2, 3, 1), m, "expand_dims [0, 3]");
        var s = run(c, "s", f64(sh(1, 3, 1), 7, 8, 9));
        check(s.get(0), F64, sh(3), new double[] {7, 8, 9}, "squeeze all");
        check(s.get(1), F64, sh(3, 1), new double[] {7, 8, 9}, "squeeze 0");
        check(s.get(2), F64, sh(1, 3), new double[] {7, 8, 9}, "squeeze -1");
        check(s.get(3), F64, sh(3), new double[] {7, 8, 9}, "squeeze [0, 2]");
    }

    @Test
    void concatenateStackBroadcastTo() {
        var c = compile("""
            fn c(a: f64[2, 3], b: f64[1, 3], d: f64[2, 2]) = (concatenate([a, b], axis=0), concatenate([a, d], axis=1), concatenate([a, d, a], axis=-1), concatenate([a, b]))
            fn ci(a: i32[2], b: f64[3]) = concatenate([a, b])
            fn cb(a: bool[2], b: bool[1]) = concatenate([a, b])
            fn s(a: f64[2, 3], b: f64[2, 3]) = (stack([a, b]), stack([a, b], axis=1), stack([a, b], axis=-1), stack([a, b, a], axis=2))
            fn si(a: i8[2], b: i8[2]) = stack([a, b])
            fn bt(v: f64[3], col: f64[2, 1], s: f64, i: i32[1]) = (broadcast_to(v, [2, 3]), broadcast_to(col, [2, 3]), broadcast_to(s, [2, 2]), broadcast_to(i, [3]), broadcast_to(v, [2, 1, 3]))
            """);
        var a = f64(sh(2, 3), 1, 2, 3, 4, 5, 6);
        var r = run(c, "c", a, f64(sh(1, 3), 7, 8, 9), f64(sh(2, 2), -1, -2, -3, -4));
        check(r.get(0), F64, sh(3, 3), new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, "concatenate axis 0");
        check(r.get(1), F64, sh(2, 5), new double[] {1, 2, 3, -1, -2, 4, 5, 6, -3, -4}, "concatenate axis 1");
        check(r.get(2), F64, sh(2, 8), new double[] {1, 2, 3, -1, -2, 1, 2, 3, 4, 5, 6, -3, -4, 4, 5, 6}, "concatenate three, axis -1");
        check(r.get(3), F64, sh(3, 3), new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, "concatenate default axis 0");
        check(run1(c, "ci", of(I32, sh(2), 1, 2), f64(sh(3), 0.5, 1.5, 2.5)), F64, sh(5), new double[] {1, 2, 0.5, 1.5, 2.5}, "concatenate promotes i32 with f64");
        checkLongs(run1(c, "cb", of(BOOL, sh(2), 1, 0), of(BOOL, sh(1), 1)), BOOL, sh(3), new long[] {1, 0, 1}, "concatenate bool");
        var b = f64(sh(2, 3), -1, -2, -3, -4, -5, -6);
        var s = run(c, "s", a, b);
        check(s.get(0), F64, sh(2, 2, 3), new double[] {1, 2, 3, 4, 5, 6, -1, -2, -3, -4, -5, -6}, "stack axis 0");
        check(s.get(1), F64, sh(2, 2, 3), new double[] {1, 2, 3, -1, -2, -3, 4, 5, 6, -4, -5, -6}, "stack axis 1");
        check(s.get(2), F64, sh(2, 3, 2), new double[] {1, -1, 2, -2, 3, -3, 4, -4, 5, -5, 6, -6}, "stack axis -1");
        check(s.get(3), F64, sh(2, 3, 3), new double[] {1, -1, 1, 2, -2, 2, 3, -3, 3, 4, -4, 4, 5, -5, 5, 6, -6, 6}, "stack three, axis 2");
        checkLongs(run1(c, "si", of(I8, sh(2), 1, 2), of(I8, sh(2), 3, 4)), I8, sh(2, 2), new long[] {1, 2, 3, 4}, "stack i8");
        var bt = run(c, "bt", f64(sh(3), 1, 2, 3), f64(sh(2, 1), 5, 6), scalar(7), of(I32, sh(1), 9));
        check(bt.get(0), F64, sh(2, 3), new double[] {1, 2, 3, 1, 2, 3}, "broadcast_to row");
        check(bt.get(1), F64, sh(2, 3), new double[] {5, 5, 5, 6, 6, 6}, "broadcast_to column");
        check(bt.get(2), F64, sh(2, 2), new double[] {7, 7, 7, 7}, "broadcast_to scalar");
        checkLongs(bt.get(3), I32, sh(3), new long[] {9, 9, 9}, "broadcast_to i32");
        check(bt.get(4), F64, sh(2, 1, 3), new double[] {1, 2, 3, 1, 2, 3}, "broadcast_to adds axes");
    }

    @Test
    void arange() {
        var c = compile("""
            fn a() = (arange(5), arange(2, 7), arange(1, 10, 3), arange(5, 0, -2), arange(0), arange(5, 2))
            fn b() = (arange(0.0, 1.0, 0.25), arange(0.5, 3), arange(3.0), arange(0, 1, 0.3), arange(2.0, -1.0, -1.5))
            fn c(n: i64) = arange(n)
            fn d(n: i32, k: i32) = arange(n, k, 2)
            fn e(lo: f64, hi: f64) = arange(lo, hi, 0.5)
            """);
        var a = run(c, "a");
        checkLongs(a.get(0), I64, sh(5), new long[] {0, 1, 2, 3, 4}, "arange(5)");
        checkLongs(a.get(1), I64, sh(5), new long[] {2, 3, 4, 5, 6}, "arange(2, 7)");
        checkLongs(a.get(2), I64, sh(3), new long[] {1, 4, 7}, "arange(1, 10, 3)");
        checkLongs(a.get(3), I64, sh(3), new long[] {5, 3, 1}, "arange(5, 0, -2)");
        checkLongs(a.get(4), I64, sh(0), new long[] {}, "arange(0)");
        checkLongs(a.get(5), I64, sh(0), new long[] {}, "arange(5, 2) is empty");
        var b = run(c, "b");
        check(b.get(0), F64, sh(4), new double[] {0, 0.25, 0.5, 0.75}, "arange(0.0, 1.0, 0.25)");
        check(b.get(1), F64, sh(3), new double[] {0.5, 1.5, 2.5}, "arange(0.5, 3)");
        check(b.get(2), F64, sh(3), new double[] {0, 1, 2}, "arange(3.0)");
        check(b.get(3), F64, sh(4), new double[] {0, 0.3, 0.6, 0.9}, "arange(0, 1, 0.3): ceil(1 / 0.3) = 4 values");
        check(b.get(4), F64, sh(2), new double[] {2, 0.5}, "arange(2.0, -1.0, -1.5)");
        checkLongs(run1(c, "c", i64(4)), I64, sh(4), new long[] {0, 1, 2, 3}, "arange(n) at run time");
        checkLongs(run1(c, "d", Tensor.scalarLong(I32, 1), Tensor.scalarLong(I32, 6)), I32, sh(3), new long[] {1, 3, 5}, "arange of i32 parameters is i32");
        check(run1(c, "e", scalar(1), scalar(2.6)), F64, sh(4), new double[] {1, 1.5, 2, 2.5}, "arange of f64 parameters");
    }

    @Test
    void constructors() {
        var c = compile("""
            fn a() = (zeros([2, 3]), ones([2]), full([2, 2], 7), full([3], 2.5), eye(3), full([2], true))
            fn b(x: i32[2, 2], y: f32[3], z: f64[2]) = (zeros_like(x), ones_like(y), fill(z, 3.5), fill(x, 4), ones_like(z))
            fn d(x: f64[N, 2]) = (zeros([x.shape[0], 2]), ones(x.shape), eye(x.shape[0]))
            """);
        var a = run(c, "a");
        check(a.get(0), F64, sh(2, 3), new double[6], "zeros is floatX");
        check(a.get(1), F64, sh(2), new double[] {1, 1}, "ones");
        checkLongs(a.get(2), I64, sh(2, 2), new long[] {7, 7, 7, 7}, "full of an integer is i64 (NumPy)");
        check(a.get(3), F64, sh(3), new double[] {2.5, 2.5, 2.5}, "full of a float is floatX");
        check(a.get(4), F64, sh(3, 3), new double[] {1, 0, 0, 0, 1, 0, 0, 0, 1}, "eye");
        checkLongs(a.get(5), BOOL, sh(2), new long[] {1, 1}, "full of a bool");
        var b = run(c, "b", of(I32, sh(2, 2), 1, 2, 3, 4), f32(sh(3), 1, 2, 3), f64(sh(2), 1, 2));
        checkLongs(b.get(0), I32, sh(2, 2), new long[] {0, 0, 0, 0}, "zeros_like keeps dtype");
        check(b.get(1), F32, sh(3), new double[] {1, 1, 1}, "ones_like keeps dtype");
        check(b.get(2), F64, sh(2), new double[] {3.5, 3.5}, "fill");
        checkLongs(b.get(3), I32, sh(2, 2), new long[] {4, 4, 4, 4}, "fill keeps i32");
        check(b.get(4), F64, sh(2), new double[] {1, 1}, "ones_like");
        var d = run(c, "d", f64(sh(3, 2), 1, 2, 3, 4, 5, 6));
        check(d.get(0), F64, sh(3, 2), new double[6], "zeros with a run-time shape");
        check(d.get(1), F64, sh(3, 2), new double[] {1, 1, 1, 1, 1, 1}, "ones(x.shape)");
        check(d.get(2), F64, sh(3, 3), new double[] {1, 0, 0, 0, 1, 0, 0, 0, 1}, "eye of a run-time size");
    }

    @Test
    void cast() {
        var c = compile("""
            fn a(x: f64[6]) = (cast(x, i32), cast(x, i64), cast(x, f32), cast(x, bool), cast(x, i8))
            fn b(x: i32[4]) = (cast(x, u8), cast(x, i8), cast(x, f64), cast(x, bool), cast(x, i16))
            fn d(b: bool[2]) = (cast(b, f64), cast(b, i32), cast(b, u8))
            fn e(x: i64[2]) = cast(x, f64)
            fn g(x: f32[2]) = cast(x, f64)
            fn h(x: f64[3]) = cast(x, floatX)
            """);
        var a = run(c, "a", f64(sh(6), -1.7, -0.5, 0.5, 1.7, 0.1, 100.9));
        checkLongs(a.get(0), I32, sh(6), new long[] {-1, 0, 0, 1, 0, 100}, "f64 -> i32 truncates toward zero");
        checkLongs(a.get(1), I64, sh(6), new long[] {-1, 0, 0, 1, 0, 100}, "f64 -> i64");
        check(a.get(2), F32, sh(6), new double[] {(float) -1.7, -0.5, 0.5, (float) 1.7, (float) 0.1, (float) 100.9}, "f64 -> f32 rounds");
        assertEquals(0.10000000149011612, a.get(2).getDouble(4), 0.0, "0.1 as f32");
        checkLongs(a.get(3), BOOL, sh(6), new long[] {1, 1, 1, 1, 1, 1}, "f64 -> bool: nonzero");
        checkLongs(a.get(4), I8, sh(6), new long[] {-1, 0, 0, 1, 0, 100}, "f64 -> i8");
        var b = run(c, "b", of(I32, sh(4), 300, -1, 200, 0));
        checkLongs(b.get(0), U8, sh(4), new long[] {44, 255, 200, 0}, "i32 -> u8 wraps");
        checkLongs(b.get(1), I8, sh(4), new long[] {44, -1, -56, 0}, "i32 -> i8 wraps");
        check(b.get(2), F64, sh(4), new double[] {300, -1, 200, 0}, "i32 -> f64");
        checkLongs(b.get(3), BOOL, sh(4), new long[] {1, 1, 1, 0}, "i32 -> bool");
        checkLongs(b.get(4), DType.I16, sh(4), new long[] {300, -1, 200, 0}, "i32 -> i16");
        var d = run(c, "d", of(BOOL, sh(2), 1, 0));
        check(d.get(0), F64, sh(2), new double[] {1, 0}, "bool -> f64");
        checkLongs(d.get(1), I32, sh(2), new long[] {1, 0}, "bool -> i32");
        checkLongs(d.get(2), U8, sh(2), new long[] {1, 0}, "bool -> u8");
        check(run1(c, "e", Tensor.ofLongs(I64, sh(2), new long[] {(1L << 53) + 1, -3})), F64, sh(2), new double[] {9007199254740992.0, -3}, "i64 -> f64 rounds to nearest");
        check(run1(c, "g", f32(sh(2), 0.1, -2.5)), F64, sh(2), new double[] {0.10000000149011612, -2.5}, "f32 -> f64 is exact");
        check(run1(c, "h", f64(sh(3), 1, 2, 3)), F64, sh(3), new double[] {1, 2, 3}, "cast to floatX");
    }

    @Test
    void shapeSizeNdim() {
        var c = compile("""
            fn f(x: f64[N, M]) = (shape(x), size(x), x.shape, x.ndim, x.shape[1], x.shape[-1] * 2, size(x) + 0.5)
            fn g(x: i8[2, 3, 4], s: f64) = (shape(x), size(x), x.ndim, shape(s), size(s), s.ndim)
            fn h(x: f64[N]) = x * x.shape[0]
            """);
        var r = run(c, "f", f64(sh(2, 3), 1, 2, 3, 4, 5, 6));
        checkLongs(r.get(0), I64, sh(2), new long[] {2, 3}, "shape(x)");
        checkLongs(r.get(1), I64, sh(), new long[] {6}, "size(x)");
        checkLongs(r.get(2), I64, sh(2), new long[] {2, 3}, "x.shape");
        checkLongs(r.get(3), I64, sh(), new long[] {2}, "x.ndim");
        checkLongs(r.get(4), I64, sh(), new long[] {3}, "x.shape[1]");
        checkLongs(r.get(5), I64, sh(), new long[] {6}, "x.shape[-1] * 2");
        check(r.get(6), F64, sh(), new double[] {6.5}, "size(x) + 0.5 is floatX");
        var g = run(c, "g", Tensor.zeros(I8, sh(2, 3, 4)), scalar(1));
        checkLongs(g.get(0), I64, sh(3), new long[] {2, 3, 4}, "shape rank 3");
        checkLongs(g.get(1), I64, sh(), new long[] {24}, "size rank 3");
        checkLongs(g.get(2), I64, sh(), new long[] {3}, "ndim rank 3");
        checkLongs(g.get(3), I64, sh(0), new long[] {}, "shape of a scalar");
        checkLongs(g.get(4), I64, sh(), new long[] {1}, "size of a scalar");
        checkLongs(g.get(5), I64, sh(), new long[] {0}, "ndim of a scalar");
        check(run1(c, "h", f64(sh(3), 1, 2, 3)), F64, sh(3), new double[] {3, 6, 9}, "x * x.shape[0]");
    }

    // ---- neural-network helpers ----

    static double[] softmaxRows(double[] x, int rows, int cols, boolean log) {
        double[] out = new double[x.length];
        for (int i = 0; i < rows; i++) {
            double m = Double.NEGATIVE_INFINITY, s = 0;
            for (int j = 0; j < cols; j++) m = Math.max(m, x[i * cols + j]);
            for (int j = 0; j < cols; j++) s += Math.exp(x[i * cols + j] - m);
            for (int j = 0; j < cols; j++) out[i * cols + j] = log ? x[i * cols + j] - m - Math.log(s) : Math.exp(x[i * cols + j] - m) / s;
        }
        return out;
    }

    @Test
    void softmaxLogSoftmaxLogsumexpAreStable() {
        var c = compile("""
            fn f(x: f64[2, 3]) = (softmax(x), log_softmax(x), logsumexp(x, axis=1), logsumexp(x), softmax(x, axis=-1), log_softmax(x, axis=1))
            fn g(x: f64[2, 3]) = (softmax(x, axis=0), log_softmax(x, axis=0), logsumexp(x, axis=0, keepdims=true))
            fn h(x: f32[2, 3]) = (softmax(x), log_softmax(x), logsumexp(x, axis=1))
            fn h100(x: f32[2, 3]) = logsumexp(x, axis=1)
            fn v(x: f64[4]) = (softmax(x), log_softmax(x), logsumexp(x))
            """);
        double[] x = {1000, 1001, 1002, -1000, -1001, -1002};
        var r = run(c, "f", f64(sh(2, 3), x));
        double[] sm = softmaxRows(x, 2, 3, false), lsm = softmaxRows(x, 2, 3, true);
        // Softmax of [1000, 1001, 1002] equals softmax of [0, 1, 2]; the second row equals softmax of [0, -1, -2].
        double z = 1 + Math.E + Math.E * Math.E;
        check(r.get(0), F64, sh(2, 3), new double[] {1 / z, Math.E / z, Math.E * Math.E / z, Math.E * Math.E / z, Math.E / z, 1 / z}, "softmax at +-1000");
        check(r.get(0), F64, sh(2, 3), sm, "softmax at +-1000 (loop)");
        check(r.get(1), F64, sh(2, 3), lsm, "log_softmax at +-1000");
        double zneg = 1 + Math.exp(-1) + Math.exp(-2);
        check(r.get(2), F64, sh(2), new double[] {1000 + Math.log(z), -1000 + Math.log(zneg)}, "logsumexp at +-1000");
        check(r.get(3), F64, sh(), new double[] {1000 + Math.log(z)}, "logsumexp of everything");
        check(r.get(4), F64, sh(2, 3), sm, "softmax axis -1");
        check(r.get(5), F64, sh(2, 3), lsm, "log_softmax axis 1");
        double[] y = {1000, -5, 3, 999, 0, 3};
        var g = run(c, "g", f64(sh(2, 3), y));
        double[] yt = {1000, 999, -5, 0, 3, 3};
        double[] smt = softmaxRows(yt, 3, 2, false), lsmt = softmaxRows(yt, 3, 2, true);
        check(g.get(0), F64, sh(2, 3), new double[] {smt[0], smt[2], smt[4], smt[1], smt[3], smt[5]}, "softmax axis 0");
        check(g.get(1), F64, sh(2, 3), new double[] {lsmt[0], lsmt[2], lsmt[4], lsmt[1], lsmt[3], lsmt[5]}, "log_softmax axis 0");
        check(g.get(2), F64, sh(1, 3), new double[] {1000 + Math.log1p(Math.exp(-1)), Math.log(Math.exp(-5) + 1), 3 + Math.log(2)}, "logsumexp axis 0 keepdims");
        double[] x32 = {1, 2, 3, -1, -2, -3};
        var h = run(c, "h", f32(sh(2, 3), x32));
        check(h.get(0), F32, sh(2, 3), toF32(softmaxRows(x32, 2, 3, false)), "softmax f32");
        check(h.get(1), F32, sh(2, 3), toF32(softmaxRows(x32, 2, 3, true)), "log_softmax f32");
        check(h.get(2), F32, sh(2), toF32(new double[] {1 + Math.log(z), -1 + Math.log(zneg)}), "logsumexp f32");
        double[] x100 = {100, 101, 102, -100, -101, -102};
        var h100 = run(c, "h100", f32(sh(2, 3), x100));
        check(h100.get(0), F32, sh(2), toF32(new double[] {100 + Math.log(z), -100 + Math.log(zneg)}), "logsumexp f32 at +-100");
        var v = run(c, "v", f64(sh(4), 0.5, -1, 2, 0));
        double[] vv = {0.5, -1, 2, 0};
        check(v.get(0), F64, sh(4), softmaxRows(vv, 1, 4, false), "softmax vector");
        check(v.get(1), F64, sh(4), softmaxRows(vv, 1, 4, true), "log_softmax vector");
        check(v.get(2), F64, sh(), new double[] {Ref.logsumexp(vv)}, "logsumexp vector");
    }

    /** Softmax and log_softmax in f32 must be accurate to f32 precision whatever the magnitude of their inputs (the JVM backend is). */
    @Test
    void f32SoftmaxOfLargeInputsIsAccurate() {
        var c = compile("fn h(x: f32[3]) = (softmax(x), log_softmax(x))");
        double z = 1 + Math.E + Math.E * Math.E;
        var r = run(c, "h", f32(sh(3), 100, 101, 102));
        check(r.get(0), F32, sh(3), toF32(new double[] {1 / z, Math.E / z, Math.E * Math.E / z}), "softmax f32 at 100");
        check(r.get(1), F32, sh(3), toF32(new double[] {-2 - Math.log(z) + 2, -1 - Math.log(z) + 2, -Math.log(z) + 2}), "log_softmax f32 at 100");
    }

    /** exp(x - max(x)) with max = +inf gives inf - inf = NaN, so NumPy/SciPy's softmax is NaN everywhere; the backends must agree. */
    @Test
    void softmaxOfPlusInfinity() {
        var c = compile("fn f(x: f64[3]) = softmax(x)");
        double nan = Double.NaN;
        check(run1(c, "f", f64(sh(3), Double.POSITIVE_INFINITY, 0, 1)), F64, sh(3), new double[] {nan, nan, nan}, "softmax with +inf");
    }

    @Test
    void softmaxWithMinusInfinity() {
        var c = compile("fn f(x: f64[3]) = (softmax(x), log_softmax(x), logsumexp(x))\nfn g(x: f64[2]) = logsumexp(x)");
        double s = 1 / (1 + Math.E);
        var r = run(c, "f", f64(sh(3), Double.NEGATIVE_INFINITY, 0, 1));
        check(r.get(0), F64, sh(3), new double[] {0, s, 1 - s}, "softmax with -inf is 0 there");
        check(r.get(1), F64, sh(3), new double[] {Double.NEGATIVE_INFINITY, -Math.log1p(Math.E), -Math.log1p(Math.exp(-1))}, "log_softmax with -inf");
        check(r.get(2), F64, sh(), new double[] {Math.log1p(Math.E)}, "logsumexp with -inf");
        check(run1(c, "g", f64(sh(2), Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY)), F64, sh(), new double[] {Double.NEGATIVE_INFINITY}, "logsumexp of all -inf");
    }

    @Test
    void emptyAndNaNReductions() {
        double nan = Double.NaN;
        var c = compile("""
            fn e(x: f64[0]) = (sum(x), mean(x), prod(x))
            fn e2(x: f64[2, 0]) = (sum(x, axis=1), max(x, axis=0))
            fn m(x: f64[0]) = max(x)
            fn n(x: f64[4]) = (argmax(x), argmin(x))
            """);
        var e = run(c, "e", f64(sh(0)));
        check(e.get(0), F64, sh(), new double[] {0}, "sum of nothing");
        check(e.get(1), F64, sh(), new double[] {nan}, "mean of nothing");
        check(e.get(2), F64, sh(), new double[] {1}, "prod of nothing");
        var e2 = run(c, "e2", f64(sh(2, 0)));
        check(e2.get(0), F64, sh(2), new double[] {0, 0}, "row sums of empty rows");
        check(e2.get(1), F64, sh(0), new double[] {}, "max over a nonempty axis of an empty array");
        bothThrow(c, "m", f64(sh(0)));
        // NumPy: argmax/argmin return the first NaN.
        var n = run(c, "n", f64(sh(4), 1, nan, 3, nan));
        checkLongs(n.get(0), I64, sh(), new long[] {1}, "argmax with NaN");
        checkLongs(n.get(1), I64, sh(), new long[] {1}, "argmin with NaN");
    }

    @Test
    void crossentropies() {
        var c = compile("""
            fn bce(p: f64[4], t: f64[4]) = binary_crossentropy(p, t)
            fn bce2(p: f64[2, 2], t: f64[2]) = binary_crossentropy(p, t)
            fn cce(p: f64[3, 4], t: f64[3, 4]) = categorical_crossentropy(p, t)
            fn cci(p: f64[3, 4], t: i64[3]) = categorical_crossentropy(p, t)
            fn cci32(p: f64[3, 4], t: i32[3]) = categorical_crossentropy(p, t)
            fn ccv(p: f64[4], t: i64) = categorical_crossentropy(p, t)
            fn cc32(p: f32[2, 2], t: i64[2]) = categorical_crossentropy(p, t)
            """);
        double[] p = {0.1, 0.7, 0.5, 0.95}, t = {0, 1, 0.3, 1};
        double[] e = new double[4];
        for (int k = 0; k < 4; k++) e[k] = -(t[k] * Math.log(p[k]) + (1 - t[k]) * Math.log(1 - p[k]));
        check(run1(c, "bce", f64(sh(4), p), f64(sh(4), t)), F64, sh(4), e, "binary_crossentropy");
        double[] p2 = {0.2, 0.6, 0.9, 0.4}, t2 = {1, 0};
        double[] e2 = new double[4];
        for (int k = 0; k < 4; k++) e2[k] = -(t2[k % 2] * Math.log(p2[k]) + (1 - t2[k % 2]) * Math.log(1 - p2[k]));
        check(run1(c, "bce2", f64(sh(2, 2), p2), f64(sh(2), t2)), F64, sh(2, 2), e2, "binary_crossentropy broadcast");
        double[] pm = {0.1, 0.2, 0.3, 0.4, 0.25, 0.25, 0.25, 0.25, 0.7, 0.1, 0.1, 0.1};
        int[] labels = {3, 0, 0};
        double[] oneHot = new double[12];
        double[] ec = new double[3];
        for (int i = 0; i < 3; i++) {
            oneHot[i * 4 + labels[i]] = 1;
            ec[i] = -Math.log(pm[i * 4 + labels[i]]);
        }
        check(run1(c, "cce", f64(sh(3, 4), pm), f64(sh(3, 4), oneHot)), F64, sh(3), ec, "categorical_crossentropy one-hot");
        check(run1(c, "cci", f64(sh(3, 4), pm), Tensor.ofLongs(I64, sh(3), new long[] {3, 0, 0})), F64, sh(3), ec, "categorical_crossentropy i64 labels");
        check(run1(c, "cci32", f64(sh(3, 4), pm), Tensor.ofLongs(I32, sh(3), new long[] {3, 0, 0})), F64, sh(3), ec, "categorical_crossentropy i32 labels");
        check(run1(c, "ccv", f64(sh(4), 0.1, 0.2, 0.3, 0.4), i64(2)), F64, sh(), new double[] {-Math.log(0.3)}, "categorical_crossentropy of one row");
        check(run1(c, "cc32", f32(sh(2, 2), 0.25, 0.75, 0.5, 0.5), Tensor.ofLongs(I64, sh(2), new long[] {1, 0})), F32, sh(2),
                new double[] {-Math.log(0.75), Math.log(2)}, "categorical_crossentropy f32");
        // Soft targets: -sum(t * log p) along the class axis.
        double[] soft = {0.5, 0.5, 0, 0, 0.25, 0.25, 0.25, 0.25, 0, 0, 0, 1};
        double[] es = new double[3];
        for (int i = 0; i < 3; i++) for (int j = 0; j < 4; j++) es[i] -= soft[i * 4 + j] * Math.log(pm[i * 4 + j]);
        check(run1(c, "cce", f64(sh(3, 4), pm), f64(sh(3, 4), soft)), F64, sh(3), es, "categorical_crossentropy soft targets");
    }

    // ---- indexing and slicing ----

    @Test
    void basicIndexingAndSlicing() {
        var c = compile("""
            fn f(x: f64[3, 4]) = (x[1], x[-1], x[:, 0], x[:, -1], x[1, 2], x[-1, -2], x[::2], x[::-1], x[:, ::-1], x[1:, 1:3])
            fn g(x: f64[3, 4]) = (x[-2:, :-1], x[::-2, ::3], x[2:0:-1, 3:0:-2], x[1:100], x[3:1], x[1][::-1], x[-100:2, -1], x[:, 1:2])
            fn v(x: f64[6]) = (x[::2], x[-3:], x[::-1], x[4:1:-2], x[1::4], x[:-7], x[5], x[-6])
            fn r(x: f64[3, 4], i: i64, j: i64) = (x[i, j], x[i], x[:, j], x[i, ::-1])
            fn t(x: i32[2, 3], b: bool[2, 3], u: u8[4]) = (x[1], x[:, -1], b[0, ::2], u[::-1], u[2])
            """);
        double[] x = new double[12];
        for (int k = 0; k < 12; k++) x[k] = k;
        var f = run(c, "f", f64(sh(3, 4), x));
        check(f.get(0), F64, sh(4), new double[] {4, 5, 6, 7}, "x[1]");
        check(f.get(1), F64, sh(4), new double[] {8, 9, 10, 11}, "x[-1]");
        check(f.get(2), F64, sh(3), new double[] {0, 4, 8}, "x[:, 0]");
        check(f.get(3), F64, sh(3), new double[] {3, 7, 11}, "x[:, -1]");
        check(f.get(4), F64, sh(), new double[] {6}, "x[1, 2]");
        check(f.get(5), F64, sh(), new double[] {10}, "x[-1, -2]");
        check(f.get(6), F64, sh(2, 4), new double[] {0, 1, 2, 3, 8, 9, 10, 11}, "x[::2]");
        check(f.get(7), F64, sh(3, 4), new double[] {8, 9, 10, 11, 4, 5, 6, 7, 0, 1, 2, 3}, "x[::-1]");
        check(f.get(8), F64, sh(3, 4), new double[] {3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8}, "x[:, ::-1]");
        check(f.get(9), F64, sh(2, 2), new double[] {5, 6, 9, 10}, "x[1:, 1:3]");
        var g = run(c, "g", f64(sh(3, 4), x));
        check(g.get(0), F64, sh(2, 3), new double[] {4, 5, 6, 8, 9, 10}, "x[-2:, :-1]");
        check(g.get(1), F64, sh(2, 2), new double[] {8, 11, 0, 3}, "x[::-2, ::3]");
        check(g.get(2), F64, sh(2, 2), new double[] {11, 9, 7, 5}, "x[2:0:-1, 3:0:-2]");
        check(g.get(3), F64, sh(2, 4), new double[] {4, 5, 6, 7, 8, 9, 10, 11}, "x[1:100] clamps");
        check(g.get(4), F64, sh(0, 4), new double[] {}, "x[3:1] is empty");
        check(g.get(5), F64, sh(4), new double[] {7, 6, 5, 4}, "x[1][::-1]");
        check(g.get(6), F64, sh(2), new double[] {3, 7}, "x[-100:2, -1] clamps the start");
        check(g.get(7), F64, sh(3, 1), new double[] {1, 5, 9}, "x[:, 1:2] keeps the axis");
        var v = run(c, "v", f64(sh(6), 0, 1, 2, 3, 4, 5));
        check(v.get(0), F64, sh(3), new double[] {0, 2, 4}, "v[::2]");
        check(v.get(1), F64, sh(3), new double[] {3, 4, 5}, "v[-3:]");
        check(v.get(2), F64, sh(6), new double[] {5, 4, 3, 2, 1, 0}, "v[::-1]");
        check(v.get(3), F64, sh(2), new double[] {4, 2}, "v[4:1:-2]");
        check(v.get(4), F64, sh(2), new double[] {1, 5}, "v[1::4]");
        check(v.get(5), F64, sh(0), new double[] {}, "v[:-7] is empty");
        check(v.get(6), F64, sh(), new double[] {5}, "v[5]");
        check(v.get(7), F64, sh(), new double[] {0}, "v[-6]");
        var r = run(c, "r", f64(sh(3, 4), x), i64(-1), i64(2));
        check(r.get(0), F64, sh(), new double[] {10}, "x[i, j] with i = -1");
        check(r.get(1), F64, sh(4), new double[] {8, 9, 10, 11}, "x[i] with i = -1");
        check(r.get(2), F64, sh(3), new double[] {2, 6, 10}, "x[:, j]");
        check(r.get(3), F64, sh(4), new double[] {11, 10, 9, 8}, "x[i, ::-1]");
        var r2 = run(c, "r", f64(sh(3, 4), x), i64(1), i64(-4));
        check(r2.get(0), F64, sh(), new double[] {4}, "x[1, -4]");
        var t = run(c, "t", of(I32, sh(2, 3), 1, 2, 3, 4, 5, 6), of(BOOL, sh(2, 3), 1, 0, 0, 0, 1, 1), of(U8, sh(4), 250, 1, 2, 3));
        checkLongs(t.get(0), I32, sh(3), new long[] {4, 5, 6}, "i32 x[1]");
        checkLongs(t.get(1), I32, sh(2), new long[] {3, 6}, "i32 x[:, -1]");
        checkLongs(t.get(2), BOOL, sh(2), new long[] {1, 0}, "bool b[0, ::2]");
        checkLongs(t.get(3), U8, sh(4), new long[] {3, 2, 1, 250}, "u8 u[::-1]");
        checkLongs(t.get(4), U8, sh(), new long[] {2}, "u8 u[2]");
    }

    @Test
    void outOfRangeIndexIsARuntimeError() {
        var c = compile("""
            fn r(x: f64[3, 4], i: i64, j: i64) = x[i, j]
            fn s(x: f64[N], i: i64) = x[i] * 2
            """);
        double[] x = new double[12];
        bothThrow(c, "r", f64(sh(3, 4), x), i64(3), i64(0));
        bothThrow(c, "r", f64(sh(3, 4), x), i64(-4), i64(0));
        bothThrow(c, "r", f64(sh(3, 4), x), i64(0), i64(4));
        bothThrow(c, "r", f64(sh(3, 4), x), i64(0), i64(-5));
        bothThrow(c, "s", f64(sh(0)), i64(0));
        bothThrow(c, "s", f64(sh(2), 1, 2), i64(Long.MIN_VALUE));
        check(run1(c, "s", f64(sh(2), 1, 2), i64(-2)), F64, sh(), new double[] {2}, "x[-2] of 2");
    }
}
