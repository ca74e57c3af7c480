package dev.txc.cuda.math;

import dev.txc.runtime.Exp;

/**
 * txc's math routines, each written once against {@link MathOps} so that {@link MathMirror} (Java) and
 * {@link PtxMath} (PTX) execute the same correctly rounded operations in the same order. exp, sigmoid and tanh repeat
 * {@link Exp} operation by operation (so the GPU gives the JVM backend's bits); the others are fdlibm's algorithms
 * (the polynomial coefficients of Sun's fdlibm 5.3, as in java.lang.FdLibm; "Developed at SunSoft, a Sun Microsystems,
 * Inc. business. Permission to use, copy, modify, and distribute this software is freely granted, provided that this
 * notice is preserved.") or algorithms of txc's own, with comparisons on floats where fdlibm tests bits of the high
 * word, and both sides of short branches computed and selected.
 */
final class MathAlgorithms {
    private MathAlgorithms() {}

    static final double NAN = Double.NaN, INF = Double.POSITIVE_INFINITY;

    /** min(max(x, lo), hi) as Java's Math.min/max give it: NaN stays NaN. */
    static <V, P> V clamp(MathOps<V, P> m, V x, double lo, double hi) {
        V y = m.sel(m.lt(x, m.k(lo)), m.k(lo), x);
        return m.sel(m.gt(y, m.k(hi)), m.k(hi), y);
    }

    /** p * 2^k for an integer-valued k, as two halves so that results near overflow and in the subnormals round once. */
    static <V, P> V scale(MathOps<V, P> m, V p, V k) {
        V k1 = m.floor(m.mul(k, m.k(0.5)));
        V k2 = m.sub(k, k1);
        return m.mul(m.mul(p, m.pow2(k1)), m.pow2(k2));
    }

    // ------------------------------------------------------------------ exp, sigmoid, tanh: runtime.Exp step by step

    static <V, P> V exp(MathOps<V, P> m, V x) {
        if (m.f32()) return expF32(m, x);
        V xc = clamp(m, x, Exp.LO, Exp.HI);
        V t = m.fma(xc, m.k(Exp.LOG2E), m.k(Exp.SHIFTER));
        V k = m.sub(t, m.k(Exp.SHIFTER));
        V r = m.fma(k, m.k(-Exp.LN2_LO), m.fma(k, m.k(-Exp.LN2_HI), xc));
        V r2 = m.mul(r, r), r4 = m.mul(r2, r2);
        double[] c = Exp.C;
        V a = m.fma(r, m.k(c[10]), m.k(c[11])), b = m.fma(r, m.k(c[8]), m.k(c[9]));
        V cc = m.fma(r, m.k(c[6]), m.k(c[7])), d = m.fma(r, m.k(c[4]), m.k(c[5]));
        V e = m.fma(r, m.k(c[2]), m.k(c[3])), f = m.fma(r, m.k(c[0]), m.k(c[1]));
        V q = m.fma(r4, m.fma(r4, m.fma(f, r2, e), m.fma(d, r2, cc)), m.fma(b, r2, a));
        V p = m.add(m.k(1), m.fma(r2, q, r));
        return scale(m, p, k);
    }

    private static <V, P> V expF32(MathOps<V, P> m, V x) {
        V xc = clamp(m, x, Exp.LO_F, Exp.HI_F);
        V t = m.fma(xc, m.k(Exp.LOG2E_F), m.k(Exp.SHIFTER_F));
        V k = m.sub(t, m.k(Exp.SHIFTER_F));
        V r = m.fma(k, m.k(-Exp.LN2_LO_F), m.fma(k, m.k(-Exp.LN2_HI_F), xc));
        V r2 = m.mul(r, r);
        float[] c = Exp.C_F;
        V q = m.fma(r2, m.fma(r2, m.fma(r, m.k(c[0]), m.k(c[1])), m.fma(r, m.k(c[2]), m.k(c[3]))),
                m.fma(r, m.k(c[4]), m.k(c[5])));
        V p = m.add(m.k(1), m.fma(r2, q, r));
        return scale(m, p, k);
    }

    static <V, P> V sigmoid(MathOps<V, P> m, V x) {
        V e = exp(m, m.neg(m.abs(x)));
        V r = m.div(m.k(1), m.add(m.k(1), e));
        return m.sel(m.lt(x, m.k(0)), m.mul(r, e), r);
    }

    static <V, P> V tanh(MathOps<V, P> m, V x) {
        V a = m.abs(x);
        V z = m.mul(a, a), z2 = m.mul(z, z), z4 = m.mul(z2, z2);
        double[] c = Exp.TANH_Q;
        V q = m.add(m.add(lin(m, c[9], z, c[10]), m.mul(z2, lin(m, c[7], z, c[8]))),
                m.mul(z4, m.add(m.add(lin(m, c[5], z, c[6]), m.mul(z2, lin(m, c[3], z, c[4]))),
                        m.mul(z4, m.add(lin(m, c[1], z, c[2]), m.mul(z2, m.k(c[0])))))));
        V small = m.add(a, m.mul(m.mul(a, z), q));
        V t = exp(m, m.mul(m.k(-2), a));
        V large = m.div(m.sub(m.k(1), t), m.add(m.k(1), t));
        return m.copysign(m.sel(m.lt(a, m.k(Exp.TANH_SMALL)), small, large), x);
    }

    /** c1 * z + c0, rounded twice (Java's {@code c1 * z + c0}, which Exp.tanh writes). */
    private static <V, P> V lin(MathOps<V, P> m, double c1, V z, double c0) {
        return m.add(m.mul(m.k(c1), z), m.k(c0));
    }

    // ------------------------------------------------------------------ logarithms (fdlibm's e_log.c / s_log1p.c)

    static final double LN2_HI = 0x1.62e42feep-1, LN2_LO = 0x1.a39ef35793c76p-33;
    static final double[] LP = {0x1.5555555555593p-1, 0x1.999999997fa04p-2, 0x1.2492494229359p-2,
        0x1.c71c51d8e78afp-3, 0x1.7466496cb03dep-3, 0x1.39a09d078c69fp-3, 0x1.2f112df3e5244p-3};
    static final double SQRT2 = 1.4142135623730951;

    /** Horner: c[0] + z (c[1] + z (... c[n-1])). */
    static <V, P> V horner(MathOps<V, P> m, V z, double... c) {
        V s = m.k(c[c.length - 1]);
        for (int i = c.length - 2; i >= 0; i--) s = m.add(m.k(c[i]), m.mul(z, s));
        return s;
    }

    /**
     * k ln 2 + log(1 + f) + c for |f| <= sqrt(2) - 1 and a small correction c: fdlibm's
     * {@code k*ln2_hi - ((hfsq - (s*(hfsq + R) + (k*ln2_lo + c))) - f)} with s = f / (2 + f), R = s^2 P(s^2).
     */
    static <V, P> V logCore(MathOps<V, P> m, V k, V f, V c) {
        V hfsq = m.mul(m.mul(m.k(0.5), f), f);
        V s = m.div(f, m.add(m.k(2), f));
        V z = m.mul(s, s);
        V r = m.mul(z, horner(m, z, LP));
        V inner = m.add(m.mul(s, m.add(hfsq, r)), m.add(m.mul(k, m.k(LN2_LO)), c));
        return m.sub(m.mul(k, m.k(LN2_HI)), m.sub(m.sub(hfsq, inner), f));
    }

    /** x = 2^k y with y in [sqrt(2)/2, sqrt(2)) for a positive finite x (subnormals scaled first): {k, y}. */
    @SuppressWarnings("unchecked")
    static <V, P> V[] split(MathOps<V, P> m, V x) {
        P sub = m.lt(x, m.k(0x1p-1022));
        V xs = m.sel(sub, m.mul(x, m.k(0x1p54)), x);
        V k = m.add(m.exponent(xs), m.sel(sub, m.k(-54), m.k(0)));
        V y = m.significand(xs);
        P big = m.gt(y, m.k(SQRT2));
        return (V[]) new Object[] {m.sel(big, m.add(k, m.k(1)), k), m.sel(big, m.mul(y, m.k(0.5)), y)};
    }

    /** The special values of the logarithms: NaN below 0 and for NaN, -inf at 0, +inf at +inf. */
    static <V, P> V logSpecial(MathOps<V, P> m, V x, V r) {
        r = m.sel(m.eq(x, m.k(INF)), x, r);
        r = m.sel(m.eq(x, m.k(0)), m.k(-INF), r);
        return m.sel(m.or(m.lt(x, m.k(0)), m.isnan(x)), m.k(NAN), r);
    }

    static <V, P> V log(MathOps<V, P> m, V x) {
        V[] ky = split(m, x);
        return logSpecial(m, x, logCore(m, ky[0], m.sub(ky[1], m.k(1)), m.k(0)));
    }

    static <V, P> V log1p(MathOps<V, P> m, V x) {
        V u = m.add(m.k(1), x);
        V[] ky = split(m, u);
        V k = ky[0];
        // the rounding error of 1 + x, relative to u (fdlibm's correction term)
        V c = m.div(m.sel(m.gt(k, m.k(0)), m.sub(m.k(1), m.sub(u, x)), m.sub(x, m.sub(u, m.k(1)))), u);
        P direct = m.and(m.gt(x, m.k(-0.2929)), m.lt(x, m.k(0.41422)));
        V f = m.sel(direct, x, m.sub(ky[1], m.k(1)));
        V r = logCore(m, m.sel(direct, m.k(0), k), f, m.sel(direct, m.k(0), c));
        r = m.sel(m.lt(m.abs(x), m.k(0x1p-54)), x, r);
        r = m.sel(m.eq(x, m.k(INF)), x, r);
        r = m.sel(m.eq(x, m.k(-1)), m.k(-INF), r);
        return m.sel(m.or(m.lt(x, m.k(-1)), m.isnan(x)), m.k(NAN), r);
    }

    static final double INV_LN2_HI = 1.4426950408889634, INV_LN2_LO = 2.0355273740931033e-17;

    /** log2 as ScalarOps.log2: e + log(y) / ln 2 for x = 2^e y, so powers of two are exact. */
    static <V, P> V log2(MathOps<V, P> m, V x) {
        V[] ky = split(m, x);
        V l = logCore(m, m.k(0), m.sub(ky[1], m.k(1)), m.k(0));
        return logSpecial(m, x, m.fma(l, m.k(INV_LN2_HI), m.fma(l, m.k(INV_LN2_LO), ky[0])));
    }

    static final double IVLN10 = 0x1.bcb7b1526e50ep-2, LOG10_2HI = 0x1.34413509f6p-2,
            LOG10_2LO = 0x1.9fef311f12b36p-42;

    /** fdlibm's e_log10.c: y log10(2)_lo + log(z) / ln 10 + y log10(2)_hi for x = 2^y z, z in [1/2, 2). */
    static <V, P> V log10(MathOps<V, P> m, V x) {
        P sub = m.lt(x, m.k(0x1p-1022));
        V xs = m.sel(sub, m.mul(x, m.k(0x1p54)), x);
        V k = m.add(m.exponent(xs), m.sel(sub, m.k(-54), m.k(0)));
        P neg = m.lt(k, m.k(0));
        V y = m.sel(neg, m.add(k, m.k(1)), k);
        V z = m.sel(neg, m.mul(m.significand(xs), m.k(0.5)), m.significand(xs));
        V[] kz = split(m, z);
        V lz = logCore(m, kz[0], m.sub(kz[1], m.k(1)), m.k(0));
        V t = m.add(m.mul(y, m.k(LOG10_2LO)), m.mul(m.k(IVLN10), lz));
        return logSpecial(m, x, m.add(t, m.mul(y, m.k(LOG10_2HI))));
    }

    // ------------------------------------------------------------------ exponentials of txc's own

    /** 1/2!, 1/3!, ..., 1/15!: e^r - 1 = r + r^2 q(r). */
    static final double[] EXPM1_Q = new double[14];

    static {
        double f = 1;
        for (int n = 2; n <= 15; n++) {
            f *= n;
            EXPM1_Q[n - 2] = 1 / f; // n! is exact in double up to 18!, so 1/n! is correctly rounded
        }
    }

    /**
     * e^x - 1: x = k ln 2 + r (+ c, the rounding error of r), e^r - 1 = r + r^2 q(r) by its Taylor polynomial, then
     * 2^k (e^r - 1) + (2^k - 1) in one fused multiply-add; above 700 e^x - 1 is e^x.
     */
    static <V, P> V expm1(MathOps<V, P> m, V x) {
        V xc = clamp(m, x, -45, 700);
        V k = m.rint(m.mul(xc, m.k(Exp.LOG2E)));
        V hi = m.fma(m.neg(k), m.k(LN2_HI), xc); // exact: k ln2_hi has 43 bits, and x - k ln2_hi is small
        V lo = m.mul(k, m.k(LN2_LO));
        V r = m.sub(hi, lo);
        V c = m.sub(m.sub(hi, r), lo);
        V q = horner(m, r, EXPM1_Q);
        V p = m.fma(c, m.add(m.k(1), r), m.fma(m.mul(r, r), q, r));
        V t = m.pow2(k);
        V res = m.fma(t, p, m.sub(t, m.k(1)));
        res = m.sel(m.gt(x, m.k(700)), exp(m, x), res);
        return m.sel(m.eq(x, m.k(0)), x, res);
    }

    /** 2^x = 2^k e^(f ln 2), k = rint(x), f ln 2 split in two parts; exact for integer x. */
    static <V, P> V exp2(MathOps<V, P> m, V x) {
        V xc = clamp(m, x, -1100, 1100);
        V k = m.rint(xc);
        V f = m.sub(xc, k);
        V rh = m.mul(f, m.k(Math.log(2)));
        V rl = m.fma(f, m.k(2.319046813846299558e-17), m.fma(f, m.k(Math.log(2)), m.neg(rh)));
        double[] c = Exp.C;
        V q = horner(m, rh, c[11], c[10], c[9], c[8], c[7], c[6], c[5], c[4], c[3], c[2], c[1], c[0]);
        V p = m.add(m.k(1), m.add(m.fma(m.mul(rh, rh), q, rh), rl));
        return scale(m, p, k);
    }

    /** log(1 + e^x) = max(x, 0) + log1p(e^-|x|), as ScalarOps.softplus. */
    static <V, P> V softplus(MathOps<V, P> m, V x) {
        V l = log1p(m, exp(m, m.neg(m.abs(x))));
        return m.sel(m.gt(x, m.k(0)), m.add(x, l), l);
    }

    // ------------------------------------------------------------------ hyperbolic (fdlibm's e_sinh.c, e_cosh.c on these exp, expm1)

    static final double SINH_MAX = Double.longBitsToDouble(0x408633CE8fb9f87dL), LOG_MAX = MathInverse.hw(0x40862E42);

    static <V, P> V sinh(MathOps<V, P> m, V x) {
        V a = m.abs(x);
        V h = m.copysign(m.k(0.5), x);
        V t = expm1(m, a);
        V below1 = m.mul(h, m.sub(m.mul(m.k(2), t), m.div(m.mul(t, t), m.add(t, m.k(1)))));
        V below22 = m.mul(h, m.add(t, m.div(t, m.add(t, m.k(1)))));
        V e = exp(m, a);
        V w = exp(m, m.mul(m.k(0.5), a));
        V r = m.sel(m.lt(a, m.k(1)), m.sel(m.lt(a, m.k(0x1p-28)), x, below1), m.sel(m.lt(a, m.k(22)), below22,
                m.sel(m.lt(a, m.k(LOG_MAX)), m.mul(h, e), m.sel(m.le(a, m.k(SINH_MAX)), m.mul(m.mul(h, w), w),
                        m.mul(x, m.k(1e307))))));
        return m.sel(m.isnan(x), x, r);
    }

    static <V, P> V cosh(MathOps<V, P> m, V x) {
        V a = m.abs(x);
        V t = expm1(m, a);
        V w1 = m.add(m.k(1), t);
        V small = m.sel(m.lt(a, m.k(0x1p-55)), w1, m.add(m.k(1), m.div(m.mul(t, t), m.add(w1, w1))));
        V e = exp(m, a);
        V mid = m.add(m.mul(m.k(0.5), e), m.div(m.k(0.5), e));
        V w = exp(m, m.mul(m.k(0.5), a));
        V r = m.sel(m.lt(a, m.k(MathInverse.hw(0x3fd62e43))), small, m.sel(m.lt(a, m.k(22)), mid,
                m.sel(m.lt(a, m.k(LOG_MAX)), m.mul(m.k(0.5), e), m.sel(m.le(a, m.k(SINH_MAX)), m.mul(m.mul(m.k(0.5), w), w),
                        m.k(INF)))));
        return m.sel(m.isnan(x), x, r);
    }

    static final double LN2 = 0.6931471805599453;

    /** ScalarOps.asinh: log1p(|x| + x^2 / (1 + sqrt(1 + x^2))), log|x| + ln 2 from 2^28, the sign of x. */
    static <V, P> V asinh(MathOps<V, P> m, V x) {
        V a = m.abs(x);
        V huge = m.sel(m.lt(a, m.k(INF)), m.add(log(m, a), m.k(LN2)), a);
        V aa = m.mul(a, a);
        V mid = log1p(m, m.add(a, m.div(aa, m.add(m.k(1), m.sqrt(m.add(m.k(1), aa))))));
        V r = m.sel(m.not(m.lt(a, m.k(0x1p28))), huge, m.sel(m.lt(a, m.k(0x1p-28)), a, mid));
        return m.copysign(r, x);
    }

    /** ScalarOps.acosh: log1p(t + sqrt(t (t + 2))), t = x - 1; log x + ln 2 from 2^28; NaN below 1. */
    static <V, P> V acosh(MathOps<V, P> m, V x) {
        V t = m.sub(x, m.k(1));
        V mid = log1p(m, m.add(t, m.sqrt(m.mul(t, m.add(t, m.k(2))))));
        V huge = m.sel(m.eq(x, m.k(INF)), x, m.add(log(m, x), m.k(LN2)));
        V r = m.sel(m.ge(x, m.k(0x1p28)), huge, mid);
        return m.sel(m.not(m.ge(x, m.k(1))), m.k(NAN), r);
    }

    /** ScalarOps.atanh: log1p(2|x| / (1 - |x|)) / 2 (the small-|x| form below 1/2), the sign of x. */
    static <V, P> V atanh(MathOps<V, P> m, V x) {
        V a = m.abs(x);
        V t = m.add(a, a);
        V lo = m.mul(m.k(0.5), log1p(m, m.add(t, m.div(m.mul(t, a), m.sub(m.k(1), a)))));
        V hi = m.mul(m.k(0.5), log1p(m, m.div(t, m.sub(m.k(1), a))));
        V r = m.copysign(m.sel(m.lt(a, m.k(0.5)), lo, hi), x);
        return m.sel(m.lt(a, m.k(0x1p-28)), x, r);
    }
}
