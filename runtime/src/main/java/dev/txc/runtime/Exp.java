package dev.txc.runtime;

/**
 * The exponential txc computes, in one sequence of correctly rounded IEEE operations (no table) that codegen-jvm's VectorMathEmitter repeats lane by lane in generated vector loops, so a kernel's vector loop, its scalar tail and its scalar
 * loop give the same bits for the same input, whatever the JIT has compiled.
 *
 * <p>x = k ln 2 + r with k = rint(x / ln 2) (found by adding 1.5 * 2^52, whose low mantissa bits then hold k) and
 * |r| <= ln 2 / 2 (ln 2 split in a high part with trailing zero bits, so k ln2_hi is exact); e^r by its Taylor
 * polynomial to r^13, summed as 1 + (r + r^2 q(r)) with q by Estrin's scheme, in fused
 * multiply-adds (correctly rounded, so the same on scalars and vector lanes; intrinsified wherever the CPU has FMA) (truncation below 2^-57 relative); 2^k applied as two halves so that results near overflow and
 * in the subnormal range round once. Measured against StrictMath.exp on 10^7 random arguments over [-745, 710]: at
 * most 1 ulp (ExpTest). f32: the same in float arithmetic, the polynomial to r^7, within 2 float ulps.
 */
public final class Exp {
    private Exp() {}

    public static final double LOG2E = 1.4426950408889634;
    public static final double LN2_HI = 0.6931471803691238;
    public static final double LN2_LO = 1.9082149292705877e-10;
    public static final double SHIFTER = 0x1.8p52;
    /** Arguments are clamped to [LO, HI]: beyond them e^x is 0 or infinite, and k stays within two halves' range. */
    public static final double LO = -746, HI = 710;
    /** 1/13!, 1/12!, ..., 1/2! (Horner order): e^r = 1 + (r + r^2 q(r)), so the last rounding is the 1 + p. */
    public static final double[] C = {
        1.6059043836821613e-10, 2.08767569878681e-9, 2.505210838544172e-8, 2.755731922398589e-7, 2.7557319223985893e-6,
        2.48015873015873e-5, 1.984126984126984e-4, 1.3888888888888889e-3, 8.333333333333333e-3, 4.1666666666666664e-2,
        0.16666666666666666, 0.5};

    public static double exp(double x) {
        double xc = Math.min(Math.max(x, LO), HI);
        double t = Math.fma(xc, LOG2E, SHIFTER);
        double k = t - SHIFTER;
        double r = Math.fma(k, -LN2_LO, Math.fma(k, -LN2_HI, xc));
        double r2 = r * r, r4 = r2 * r2;
        // q(r) = C[11] + C[10] r + ... + C[0] r^11 by Estrin's scheme in fused multiply-adds (one rounding each, the
        // same in vector lanes): short dependency chains, the same order as VectorMathEmitter.
        double a = Math.fma(r, C[10], C[11]), b = Math.fma(r, C[8], C[9]), c = Math.fma(r, C[6], C[7]);
        double d = Math.fma(r, C[4], C[5]), e = Math.fma(r, C[2], C[3]), f = Math.fma(r, C[0], C[1]);
        double q = Math.fma(r4, Math.fma(r4, Math.fma(f, r2, e), Math.fma(d, r2, c)), Math.fma(b, r2, a));
        double p = 1 + Math.fma(r2, q, r);
        long ki = Double.doubleToRawLongBits(t) - Double.doubleToRawLongBits(SHIFTER);
        long k1 = ki >> 1, k2 = ki - k1;
        return p * Double.longBitsToDouble((k1 + 1023) << 52) * Double.longBitsToDouble((k2 + 1023) << 52);
    }

    public static final float LOG2E_F = 1.442695f;
    public static final float LN2_HI_F = 0.693145751953125f;
    public static final float LN2_LO_F = 1.428606765330187e-6f;
    public static final float SHIFTER_F = 0x1.8p23f;
    public static final float LO_F = -105, HI_F = 89;
    /** 1/7!, ..., 1/2!. */
    public static final float[] C_F = {1.984127e-4f, 1.3888889e-3f, 8.333334e-3f, 4.1666668e-2f, 0.16666667f, 0.5f};

    public static float exp(float x) {
        float xc = Math.min(Math.max(x, LO_F), HI_F);
        float t = Math.fma(xc, LOG2E_F, SHIFTER_F);
        float k = t - SHIFTER_F;
        float r = Math.fma(k, -LN2_LO_F, Math.fma(k, -LN2_HI_F, xc));
        float r2 = r * r;
        float q = Math.fma(r2, Math.fma(r2, Math.fma(r, C_F[0], C_F[1]), Math.fma(r, C_F[2], C_F[3])), Math.fma(r, C_F[4], C_F[5]));
        float p = 1 + Math.fma(r2, q, r);
        int ki = Float.floatToRawIntBits(t) - Float.floatToRawIntBits(SHIFTER_F);
        int k1 = ki >> 1, k2 = ki - k1;
        return p * Float.intBitsToFloat((k1 + 127) << 23) * Float.intBitsToFloat((k2 + 127) << 23);
    }

    /** 1 / (1 + e^-x) as ScalarOps.sigmoid computes it, on this exponential (VectorMathEmitter's lane by lane). */
    public static double sigmoid(double x) {
        double e = exp(-Math.abs(x));
        double r = 1 / (1 + e);
        return x < 0 ? r * e : r;
    }

    public static float sigmoid(float x) {
        float e = exp(-Math.abs(x));
        float r = 1 / (1 + e);
        return x < 0 ? r * e : r;
    }

    /** tanh's polynomial branch ends here: below, tanh(x) = x + x z Q(z), z = x^2; above, (1 - t) / (1 + t), t = e^-2|x|. */
    public static final double TANH_SMALL = 0.55;
    /**
     * Q(z) = (tanh(x) / x - 1) / z on [0, 0.55^2], highest degree first: the Chebyshev fit of degree 10 (error 8e-18,
     * so below 3e-18 relative in tanh), by mpmath at 50 digits.
     */
    public static final double[] TANH_Q = {
        -2.060276537636634e-05, 8.511313685577672e-05, -0.0002346347410887237, 0.0005889360520074057,
        -0.001455661830100716, 0.003592110378689024, -0.008863234397814355, 0.021869488493666944,
        -0.053968253967434016, 0.13333333333332714, -0.3333333333333333};

    /**
     * tanh on this exponential: within 3 ulps of fdlibm (ExpTest; the roundings of (1 - t) / (1 + t) add up near
     * the branch point). Vector lanes (VectorMathEmitter) repeat it operation by
     * operation (both branches, selected by |x| < 0.55); the sign is copied from x, so tanh(-0) = -0.
     */
    public static double tanh(double x) {
        double a = Math.abs(x);
        double r;
        if (a < TANH_SMALL) {
            double z = a * a, z2 = z * z, z4 = z2 * z2;
            double[] c = TANH_Q;
            double q = (c[9] * z + c[10] + z2 * (c[7] * z + c[8])) + z4 * ((c[5] * z + c[6] + z2 * (c[3] * z + c[4])) + z4 * (c[1] * z + c[2] + z2 * c[0]));
            r = a + a * z * q;
        } else {
            double t = exp(-2 * a);
            r = (1 - t) / (1 + t);
        }
        return Math.copySign(r, x);
    }

    /** f32 tanh: the f64 one, rounded (so within an f32 ulp of the correctly rounded result, nearly always exact). */
    public static float tanh(float x) {
        return (float) tanh((double) x);
    }

    // ---------------------------------------------------------------- logarithms

    /** The bits of sqrt(2)/2: x's bits minus these give k with x / 2^k in [sqrt(2)/2, sqrt(2)) (see {@link #log}). */
    public static final long SQRT_HALF_BITS = 0x3fe6a09e667f3bcdL;
    /** Below this (subnormals, zero, negatives) log scales its argument by 2^54 first. */
    public static final double TINY = 0x1p-1022;
    /**
     * P(z) with R(z) = z P(z) = 2 atanh(s) / s - 2, z = s^2, on [0, 0.02944] (|s| <= (sqrt 2 - 1) / (sqrt 2 + 1)),
     * highest degree first: the Chebyshev fit of degree 6, error 3.1e-16 relative in P (below 2^-57 in log), by
     * mpmath at 50 digits.
     */
    public static final double[] LOG_P = {
        0.14616585424888623, 0.15331710618210773, 0.18182889455674947, 0.22222211130259878, 0.2857142862600327,
        0.39999999999899444, 0.666666666666667};

    /**
     * log(x): x = 2^k m with m in [sqrt(2)/2, sqrt(2)) taken from the bits, f = m - 1 (exact), s = f / (2 + f), and
     * log(1 + f) = f - (f^2/2 - s (f^2/2 + R(s^2))), to which k ln 2 is added in two parts. The special values are
     * selected at the end, so vector lanes (VectorMathEmitter) repeat these operations unchanged. Within 1 ulp of
     * StrictMath.log (ExpTest).
     */
    public static double log(double x) {
        boolean tiny = x < TINY;
        double r = logCore(tiny ? x * 0x1p54 : x, tiny ? -54 : 0, 0);
        return logSpecial(x, r);
    }

    /** k ln 2 + log(m) + c for u = 2^k m, with kOff added to k; c is a small correction (log1p's). */
    static double logCore(double u, double kOff, double c) {
        long hu = Double.doubleToRawLongBits(u);
        long k = (hu - SQRT_HALF_BITS) >> 52;
        double f = Double.longBitsToDouble(hu - (k << 52)) - 1;
        double kd = k + kOff;
        double s = f / (2 + f);
        double z = s * s, z2 = z * z, z4 = z2 * z2;
        double[] p = LOG_P;
        double q = Math.fma(z4, Math.fma(z2, p[0], Math.fma(z, p[1], p[2])), Math.fma(z2, Math.fma(z, p[3], p[4]), Math.fma(z, p[5], p[6])));
        double hfsq = 0.5 * f * f;
        return kd * LN2_HI + (f - (hfsq - (s * (hfsq + z * q) + (kd * LN2_LO + c))));
    }

    /** r where x is positive and finite, else log's value at x: -inf at 0, +inf at +inf, NaN below 0 and at NaN. */
    private static double logSpecial(double x, double r) {
        return x > 0 && x < Double.POSITIVE_INFINITY ? r
                : x == 0 ? Double.NEGATIVE_INFINITY : x == Double.POSITIVE_INFINITY ? x : Double.NaN;
    }

    /**
     * log(1 + x): u = 1 + x rounded, then log(u) with the rounding error (x - (u - 1)) / u added as a correction;
     * x itself when |x| < 2^-54 (which keeps -0). Within 1 ulp of StrictMath.log1p (ExpTest).
     */
    public static double log1p(double x) {
        double u = 1 + x;
        double r = logCore(u, 0, (x - (u - 1)) / u);
        r = logSpecial(u, r);
        return Math.abs(x) < 0x1p-54 ? x : r;
    }

    /**
     * log(1 + e^x) = max(x, 0) + log1p(e^-|x|), on txc's exp and log1p. With t = e^-|x| in [0, 1], u = 1 + t lies in
     * [1, 2], where log1p's special values never apply, and its tiny case (t < 2^-54, so u = 1) gives what the core
     * gives (the correction, t): so only log1p's core is computed, with the same bits (ExpTest).
     */
    public static double softplus(double x) {
        double t = exp(-Math.abs(x)), u = 1 + t;
        return Math.max(x, 0) + logCore(u, 0, (t - (u - 1)) / u);
    }

    /** f32 log, log1p and softplus: the f64 ones, rounded. */
    public static float log(float x) {
        return (float) log((double) x);
    }

    public static float log1p(float x) {
        return (float) log1p((double) x);
    }

    public static float softplus(float x) {
        return (float) softplus((double) x);
    }
}
