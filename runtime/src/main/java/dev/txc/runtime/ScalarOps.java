package dev.txc.runtime;

/**
 * The scalar semantics of every elementwise IR op, one static method per op spelling and compute type
 * ({@code double}, {@code float}, {@code long} for i64, {@code int} for i8/i16/i32/u8, which callers narrow on store).
 * Methods are tiny, allocation-free and side-effect-free so the JIT inlines them into generated loops; results
 * follow NumPy, including for NaN, infinities and division by zero.
 */
public final class ScalarOps {
    private static final double LN2 = 0.6931471805599453;
    private static final double INV_LN2 = 1.4426950408889634;
    private static final double SQRT2 = 1.4142135623730951;
    private static final double TWO_OVER_SQRT_PI = 1.1283791670955126;
    private static final double INV_SQRT_PI = 0.5641895835477563;
    /** Below this |x| erf uses its power series; above it erfc uses its continued fraction. */
    private static final double ERF_SPLIT = 1.0;

    private ScalarOps() {}

    // ---------------------------------------------------------------- float-only unary

    public static double exp(double x) { return Exp.exp(x); }
    public static float exp(float x) { return Exp.exp(x); }

    /** 2^x; exact for integer x (Math.pow is exact whenever the result is representable). */
    public static double exp2(double x) { return Math.pow(2.0, x); }
    public static float exp2(float x) { return (float) Math.pow(2.0, x); }

    public static double expm1(double x) { return Math.expm1(x); }
    public static float expm1(float x) { return (float) Math.expm1(x); }

    /** txc's own log (runtime.Exp), so that vector lanes give the same bits. */
    public static double log(double x) { return Exp.log(x); }
    public static float log(float x) { return Exp.log(x); }

    /** log base 2, exact for powers of two: the binary exponent is split off and only the mantissa goes through log1p. */
    public static double log2(double x) {
        if (!(x > 0) || x == Double.POSITIVE_INFINITY) {
            return x == 0 ? Double.NEGATIVE_INFINITY : x < 0 ? Double.NaN : x;
        }
        int e = Math.getExponent(x);
        if (e < Double.MIN_EXPONENT) {
            x *= 0x1p54;
            e = Math.getExponent(x) - 54;
            x = Math.scalb(x, -54);
        }
        double m = Math.scalb(x, -e);
        if (m > SQRT2) {
            m *= 0.5;
            e++;
        }
        return e + Math.log1p(m - 1) * INV_LN2;
    }
    public static float log2(float x) { return (float) log2((double) x); }

    /** log base 10; Math.log10 is exact for powers of ten. */
    public static double log10(double x) { return Math.log10(x); }
    public static float log10(float x) { return (float) Math.log10(x); }

    public static double log1p(double x) { return Exp.log1p(x); }
    public static float log1p(float x) { return Exp.log1p(x); }

    public static double sqrt(double x) { return Math.sqrt(x); }
    public static float sqrt(float x) { return (float) Math.sqrt(x); }

    public static double sin(double x) { return Math.sin(x); }
    public static float sin(float x) { return (float) Math.sin(x); }

    public static double cos(double x) { return Math.cos(x); }
    public static float cos(float x) { return (float) Math.cos(x); }

    public static double tan(double x) { return Math.tan(x); }
    public static float tan(float x) { return (float) Math.tan(x); }

    public static double asin(double x) { return Math.asin(x); }
    public static float asin(float x) { return (float) Math.asin(x); }

    public static double acos(double x) { return Math.acos(x); }
    public static float acos(float x) { return (float) Math.acos(x); }

    public static double atan(double x) { return Math.atan(x); }
    public static float atan(float x) { return (float) Math.atan(x); }

    public static double sinh(double x) { return Math.sinh(x); }
    public static float sinh(float x) { return (float) Math.sinh(x); }

    public static double cosh(double x) { return Math.cosh(x); }
    public static float cosh(float x) { return (float) Math.cosh(x); }

    public static double tanh(double x) { return Exp.tanh(x); }
    public static float tanh(float x) { return Exp.tanh(x); }

    /** asinh(x) = log(x + sqrt(x^2 + 1)), rewritten through log1p so it is accurate for tiny and huge x. */
    public static double asinh(double x) {
        double a = Math.abs(x);
        double r;
        if (!(a < 0x1p28)) {
            r = Double.isFinite(a) ? Math.log(a) + LN2 : a; // sqrt(x^2 + 1) == x to working precision
        } else if (a < 0x1p-28) {
            r = a; // the cubic term is below half an ulp
        } else {
            r = Math.log1p(a + a * a / (1 + Math.sqrt(1 + a * a)));
        }
        return Math.copySign(r, x);
    }
    public static float asinh(float x) { return (float) asinh((double) x); }

    /** acosh(1 + t) = log1p(t + sqrt(t (t + 2))), which keeps full precision near 1; NaN below 1. */
    public static double acosh(double x) {
        if (!(x >= 1)) {
            return Double.NaN;
        }
        if (x >= 0x1p28) {
            return x == Double.POSITIVE_INFINITY ? x : Math.log(x) + LN2;
        }
        double t = x - 1; // exact: x and 1 share the ulp grid here
        return Math.log1p(t + Math.sqrt(t * (t + 2)));
    }
    public static float acosh(float x) { return (float) acosh((double) x); }

    /** atanh(x) = log1p(2x / (1 - x)) / 2; the small-|x| form avoids the rounding of 2x/(1-x). */
    public static double atanh(double x) {
        double a = Math.abs(x);
        double r;
        if (a < 0x1p-28) {
            return x;
        } else if (a < 0.5) {
            double t = a + a;
            r = 0.5 * Math.log1p(t + t * a / (1 - a));
        } else {
            r = 0.5 * Math.log1p((a + a) / (1 - a));
        }
        return Math.copySign(r, x);
    }
    public static float atanh(float x) { return (float) atanh((double) x); }

    /** 1 / (1 + e^-x) without overflow: e = exp(-|x|), r = 1 / (1 + e); r for x >= 0, e r below (Exp.sigmoid). */
    public static double sigmoid(double x) {
        return Exp.sigmoid(x);
    }
    public static float sigmoid(float x) { return Exp.sigmoid(x); }

    /** log(1 + e^x) = max(x, 0) + log1p(e^-|x|), which never overflows. */
    public static double softplus(double x) { return Exp.softplus(x); }
    public static float softplus(float x) { return Exp.softplus(x); }

    /** The error function, accurate to about 1e-15 relative on the whole line. */
    public static double erf(double x) {
        double a = Math.abs(x);
        if (a < ERF_SPLIT) {
            return erfSeries(x);
        }
        if (!(a < 6)) {
            return a == a ? Math.copySign(1.0, x) : x; // erfc(6) < 2.2e-17: below half an ulp of 1
        }
        double c = erfcLarge(a);
        return x > 0 ? 1 - c : c - 1;
    }
    public static float erf(float x) { return (float) erf((double) x); }

    /** The complementary error function 1 - erf(x), with full relative accuracy in the far tail. */
    public static double erfc(double x) {
        if (x >= ERF_SPLIT) {
            return erfcLarge(x);
        }
        if (x > -ERF_SPLIT) {
            return 1 - erfSeries(x);
        }
        return x == x ? 2 - erfcLarge(-x) : x;
    }
    public static float erfc(float x) { return (float) erfc((double) x); }

    // erf(x) = 2x/sqrt(pi) e^(-x^2) sum_n (2x^2)^n / (1*3*...*(2n+1)): positive terms, so no cancellation
    private static double erfSeries(double x) {
        double x2 = x * x;
        double term = 1;
        double sum = 1;
        for (int n = 1; term > 0x1p-56 * sum; n++) {
            term *= 2 * x2 / (2 * n + 1);
            sum += term;
        }
        return TWO_OVER_SQRT_PI * x * expNegSquare(x) * sum;
    }

    // erfc(x) = e^(-x^2) x / sqrt(pi) * 1/(z + 1/2 - (1*1/2)/(z + 5/2 - (2*3/2)/(z + 9/2 - ...))), z = x^2,
    // Legendre's continued fraction for Gamma(1/2, z), evaluated by the modified Lentz method; for x >= 1
    private static double erfcLarge(double x) {
        if (x > 27.3) {
            return x == x ? 0.0 : x; // below the smallest subnormal
        }
        double z = x * x;
        double tiny = 1e-300;
        double b = z + 0.5;
        double c = 1 / tiny;
        double d = 1 / b;
        double h = d;
        for (int i = 1; i < 500; i++) {
            double an = -i * (i - 0.5);
            b += 2;
            d = an * d + b;
            d = 1 / (Math.abs(d) < tiny ? tiny : d);
            c = b + an / c;
            c = Math.abs(c) < tiny ? tiny : c;
            double delta = c * d;
            h *= delta;
            if (Math.abs(delta - 1) < 0x1p-54) {
                break;
            }
        }
        return expNegSquare(x) * x * INV_SQRT_PI * h;
    }

    // e^(-x^2) with x^2 split exactly into hi + lo, so the rounding of x^2 does not cost relative accuracy
    private static double expNegSquare(double x) {
        double hi = x * x;
        double lo = Math.fma(x, x, -hi);
        return Math.exp(-hi) * (1 - lo);
    }

    // ---------------------------------------------------------------- unary on every numeric type

    public static double neg(double x) { return -x; }
    public static float neg(float x) { return -x; }
    public static long neg(long x) { return -x; }
    public static int neg(int x) { return -x; }

    public static double abs(double x) { return Math.abs(x); }
    public static float abs(float x) { return Math.abs(x); }
    public static long abs(long x) { return Math.abs(x); }
    public static int abs(int x) { return Math.abs(x); }

    /** -1, 0 or 1 (NaN stays NaN, -0.0 stays -0.0). */
    /** sign(-0.0) is +0.0, as NumPy and PyTorch give (Math.signum keeps the zero's sign). */
    public static double sign(double x) { return Math.signum(x) + 0.0; }
    public static float sign(float x) { return Math.signum(x) + 0.0f; }
    public static long sign(long x) { return Long.signum(x); }
    public static int sign(int x) { return Integer.signum(x); }

    /** x if x > 0, else 0; NaN stays NaN. */
    public static double relu(double x) { return x > 0 || x != x ? x : 0.0; }
    public static float relu(float x) { return x > 0 || x != x ? x : 0.0f; }
    public static long relu(long x) { return Math.max(x, 0L); }
    public static int relu(int x) { return Math.max(x, 0); }

    public static double floor(double x) { return Math.floor(x); }
    public static float floor(float x) { return (float) Math.floor(x); }
    public static long floor(long x) { return x; }
    public static int floor(int x) { return x; }

    public static double ceil(double x) { return Math.ceil(x); }
    public static float ceil(float x) { return (float) Math.ceil(x); }
    public static long ceil(long x) { return x; }
    public static int ceil(int x) { return x; }

    /** Rounds half to even, as NumPy's round. */
    public static double round(double x) { return Math.rint(x); }
    public static float round(float x) { return (float) Math.rint(x); }
    public static long round(long x) { return x; }
    public static int round(int x) { return x; }

    public static boolean isnan(double x) { return x != x; }
    public static boolean isnan(float x) { return x != x; }

    public static boolean isinf(double x) { return Double.isInfinite(x); }
    public static boolean isinf(float x) { return Float.isInfinite(x); }

    public static boolean not(boolean x) { return !x; }

    // ---------------------------------------------------------------- binary arithmetic

    public static double add(double a, double b) { return a + b; }
    public static float add(float a, float b) { return a + b; }
    public static long add(long a, long b) { return a + b; }
    public static int add(int a, int b) { return a + b; }

    public static double sub(double a, double b) { return a - b; }
    public static float sub(float a, float b) { return a - b; }
    public static long sub(long a, long b) { return a - b; }
    public static int sub(int a, int b) { return a - b; }

    public static double mul(double a, double b) { return a * b; }
    public static float mul(float a, float b) { return a * b; }
    public static long mul(long a, long b) { return a * b; }
    public static int mul(int a, int b) { return a * b; }

    public static double div(double a, double b) { return a / b; }
    public static float div(float a, float b) { return a / b; }

    /** floor(a / b) as NumPy computes it from fmod, so that a == b * floordiv(a, b) + mod(a, b) holds closely; b == 0 gives a / b. */
    public static double floordiv(double a, double b) {
        if (b == 0) {
            return a / b;
        }
        double m = a % b;
        double div = (a - m) / b;
        if (m != 0 && (b < 0) != (m < 0)) {
            div -= 1;
        }
        if (div == 0) {
            return Math.copySign(0.0, a / b);
        }
        double f = Math.floor(div);
        return div - f > 0.5 ? f + 1 : f;
    }
    public static float floordiv(float a, float b) { return (float) floordiv((double) a, (double) b); }
    /** Floor division; division by zero gives 0, as NumPy. */
    public static long floordiv(long a, long b) { return b == 0 ? 0 : Math.floorDiv(a, b); }
    public static int floordiv(int a, int b) { return b == 0 ? 0 : Math.floorDiv(a, b); }

    /** The remainder with the sign of the divisor; mod(a, 0) is NaN for floats and 0 for integers, as NumPy. */
    public static double mod(double a, double b) {
        double m = a % b;
        if (m == 0) {
            return Math.copySign(0.0, b);
        }
        return (b < 0) != (m < 0) ? m + b : m; // NaN operands fall through as NaN
    }
    public static float mod(float a, float b) { return (float) mod((double) a, (double) b); }
    public static long mod(long a, long b) { return b == 0 ? 0 : Math.floorMod(a, b); }
    public static int mod(int a, int b) { return b == 0 ? 0 : Math.floorMod(a, b); }

    /** a^b with C99's special cases (pow(1, y) = 1 and pow(-1, ±inf) = 1, where Math.pow gives NaN). */
    public static double pow(double a, double b) {
        if (a == 1.0 || (a == -1.0 && Double.isInfinite(b))) {
            return 1.0;
        }
        return Math.pow(a, b);
    }
    public static float pow(float a, float b) { return (float) pow((double) a, (double) b); }

    /** a^b by repeated squaring, wrapping on overflow; a negative exponent is an error, as NumPy. */
    public static long pow(long a, long b) {
        if (b < 0) {
            throw negativePower();
        }
        long r = 1;
        for (long base = a; b != 0; b >>>= 1, base *= base) {
            if ((b & 1) != 0) {
                r *= base;
            }
        }
        return r;
    }
    public static int pow(int a, int b) {
        if (b < 0) {
            throw negativePower();
        }
        int r = 1;
        for (int base = a; b != 0; b >>>= 1, base *= base) {
            if ((b & 1) != 0) {
                r *= base;
            }
        }
        return r;
    }

    private static TxRuntimeException negativePower() {
        return new TxRuntimeException("integers to negative integer powers are not allowed");
    }

    /** The larger value; NaN if either is NaN, as np.maximum. */
    public static double maximum(double a, double b) { return Math.max(a, b); }
    public static float maximum(float a, float b) { return Math.max(a, b); }
    public static long maximum(long a, long b) { return Math.max(a, b); }
    public static int maximum(int a, int b) { return Math.max(a, b); }

    /** The smaller value; NaN if either is NaN, as np.minimum. */
    public static double minimum(double a, double b) { return Math.min(a, b); }
    public static float minimum(float a, float b) { return Math.min(a, b); }
    public static long minimum(long a, long b) { return Math.min(a, b); }
    public static int minimum(int a, int b) { return Math.min(a, b); }

    public static double atan2(double a, double b) { return Math.atan2(a, b); }
    public static float atan2(float a, float b) { return (float) Math.atan2(a, b); }

    // ---------------------------------------------------------------- comparisons and logic

    public static boolean eq(double a, double b) { return a == b; }
    public static boolean eq(float a, float b) { return a == b; }
    public static boolean eq(long a, long b) { return a == b; }
    public static boolean eq(int a, int b) { return a == b; }
    public static boolean eq(boolean a, boolean b) { return a == b; }

    public static boolean ne(double a, double b) { return a != b; }
    public static boolean ne(float a, float b) { return a != b; }
    public static boolean ne(long a, long b) { return a != b; }
    public static boolean ne(int a, int b) { return a != b; }
    public static boolean ne(boolean a, boolean b) { return a != b; }

    public static boolean lt(double a, double b) { return a < b; }
    public static boolean lt(float a, float b) { return a < b; }
    public static boolean lt(long a, long b) { return a < b; }
    public static boolean lt(int a, int b) { return a < b; }

    public static boolean le(double a, double b) { return a <= b; }
    public static boolean le(float a, float b) { return a <= b; }
    public static boolean le(long a, long b) { return a <= b; }
    public static boolean le(int a, int b) { return a <= b; }

    public static boolean gt(double a, double b) { return a > b; }
    public static boolean gt(float a, float b) { return a > b; }
    public static boolean gt(long a, long b) { return a > b; }
    public static boolean gt(int a, int b) { return a > b; }

    public static boolean ge(double a, double b) { return a >= b; }
    public static boolean ge(float a, float b) { return a >= b; }
    public static boolean ge(long a, long b) { return a >= b; }
    public static boolean ge(int a, int b) { return a >= b; }

    public static boolean and(boolean a, boolean b) { return a & b; }
    public static boolean or(boolean a, boolean b) { return a | b; }
    public static boolean xor(boolean a, boolean b) { return a ^ b; }

    // ---------------------------------------------------------------- selection

    public static double where(boolean c, double a, double b) { return c ? a : b; }
    public static float where(boolean c, float a, float b) { return c ? a : b; }
    public static long where(boolean c, long a, long b) { return c ? a : b; }
    public static int where(boolean c, int a, int b) { return c ? a : b; }
    public static boolean where(boolean c, boolean a, boolean b) { return c ? a : b; }

    /** minimum(maximum(x, lo), hi): NaN anywhere gives NaN, and hi wins when lo > hi, as np.clip. */
    public static double clip(double x, double lo, double hi) { return Math.min(Math.max(x, lo), hi); }
    public static float clip(float x, float lo, float hi) { return Math.min(Math.max(x, lo), hi); }
    public static long clip(long x, long lo, long hi) { return Math.min(Math.max(x, lo), hi); }
    public static int clip(int x, int lo, int hi) { return Math.min(Math.max(x, lo), hi); }
}
