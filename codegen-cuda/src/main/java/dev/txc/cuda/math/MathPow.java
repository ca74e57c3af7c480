package dev.txc.cuda.math;

/**
 * pow: fdlibm's e_pow.c (Sun's fdlibm 5.3 as in java.lang.FdLibm): log2|x| in extra precision (pieces with 21
 * significant bits, fdlibm's {@code __LO(v, 0)}, so that their products are exact), times y split the same way,
 * then 2^(p_h + p_l) by fdlibm's polynomial and an exact scaling. Where fdlibm builds t_h from x's high word, this
 * takes {@code clearLow(|x| + bp)}, which has the same properties; fdlibm's rounding of z to an integer n becomes
 * rint(z). The special values follow ScalarOps.pow: Math.pow's, with C99's pow(1, y) = 1 and pow(-1, +-inf) = 1.
 */
final class MathPow {
    private MathPow() {}

    static final double INV_LN2 = 0x1.71547652b82fep0, INV_LN2_H = 0x1.715476p0, INV_LN2_L = 0x1.4ae0bf85ddf44p-26;
    static final double CP = 0x1.ec709dc3a03fdp-1, CP_H = 0x1.ec709ep-1, CP_L = -0x1.e2fe0145b01f5p-28;
    static final double DP_H1 = 0x1.2b8034p-1, DP_L1 = 0x1.cfdeb43cfd006p-27;
    static final double[] L = {0x1.3333333333303p-1, 0x1.b6db6db6fabffp-2, 0x1.55555518f264dp-2,
        0x1.17460a91d4101p-2, 0x1.d864a93c9db65p-3, 0x1.a7e284a454eefp-3};
    static final double[] PP = {0x1.555555555553ep-3, -0x1.6c16c16bebd93p-9, 0x1.1566aaf25de2cp-14,
        -0x1.bbd41c5d26bf1p-20, 0x1.6376972bea4d0p-25};
    static final double LG2 = 0x1.62e42fefa39efp-1, LG2_H = 0x1.62e43p-1, LG2_L = -0x1.05c610ca86c39p-29;
    static final double OVT = 8.0085662595372944372e-0017;
    static final double INF = Double.POSITIVE_INFINITY, NAN = Double.NaN;

    /** log2(a) as t1 + t2 for a finite positive a and |y| <= 2^31 (fdlibm's main branch). */
    @SuppressWarnings("unchecked")
    static <V, P> V[] log2Main(MathOps<V, P> m, V a0) {
        P sub = m.lt(a0, m.k(0x1p-1022));
        V a = m.sel(sub, m.mul(a0, m.k(0x1p53)), a0);
        V n = m.add(m.exponent(a), m.sel(sub, m.k(-53), m.k(0)));
        V x = m.significand(a);
        P k1 = m.and(m.ge(x, m.k(MathInverse.hw(0x3FF3988F))), m.lt(x, m.k(MathInverse.hw(0x3FFBB67A))));
        P half = m.ge(x, m.k(MathInverse.hw(0x3FFBB67A)));
        x = m.sel(half, m.mul(x, m.k(0.5)), x);
        n = m.sel(half, m.add(n, m.k(1)), n);
        V bp = m.sel(k1, m.k(1.5), m.k(1));
        V dph = m.sel(k1, m.k(DP_H1), m.k(0)), dpl = m.sel(k1, m.k(DP_L1), m.k(0));
        V u = m.sub(x, bp);
        V v = m.div(m.k(1), m.add(x, bp));
        V ss = m.mul(u, v);
        V sh = m.clearLow(ss);
        V th = m.clearLow(m.add(x, bp));
        V tl = m.sub(x, m.sub(th, bp));
        V sl = m.mul(v, m.sub(m.sub(u, m.mul(sh, th)), m.mul(sh, tl)));
        V s2 = m.mul(ss, ss);
        V r = m.mul(m.mul(s2, s2), MathAlgorithms.horner(m, s2, L));
        r = m.add(r, m.mul(sl, m.add(sh, ss)));
        s2 = m.mul(sh, sh);
        th = m.clearLow(m.add(m.add(m.k(3), s2), r));
        tl = m.sub(r, m.sub(m.sub(th, m.k(3)), s2));
        u = m.mul(sh, th);
        v = m.add(m.mul(sl, th), m.mul(tl, ss));
        V ph = m.clearLow(m.add(u, v));
        V pl = m.sub(v, m.sub(ph, u));
        V zh = m.mul(m.k(CP_H), ph);
        V zl = m.add(m.add(m.mul(m.k(CP_L), ph), m.mul(pl, m.k(CP))), dpl);
        V t1 = m.clearLow(m.add(m.add(m.add(zh, zl), dph), n));
        V t2 = m.sub(zl, m.sub(m.sub(m.sub(t1, n), dph), zh));
        return (V[]) new Object[] {t1, t2};
    }

    /** log2(a) as t1 + t2 for a within 2^-20 of 1 (fdlibm's branch for |y| > 2^31). */
    @SuppressWarnings("unchecked")
    static <V, P> V[] log2Near1(MathOps<V, P> m, V a) {
        V t = m.sub(a, m.k(1));
        V w = m.mul(m.mul(t, t), m.sub(m.k(0.5), m.mul(t, m.sub(m.k(0.3333333333333333333333), m.mul(t, m.k(0.25))))));
        V u = m.mul(m.k(INV_LN2_H), t);
        V v = m.sub(m.mul(t, m.k(INV_LN2_L)), m.mul(w, m.k(INV_LN2)));
        V t1 = m.clearLow(m.add(u, v));
        return (V[]) new Object[] {t1, m.sub(v, m.sub(t1, u))};
    }

    /** |x|^y for finite nonzero x and finite y (fdlibm's main path), without the sign. */
    static <V, P> V absPow(MathOps<V, P> m, V a, V y) {
        V ya = m.abs(y);
        P hugeY = m.gt(ya, m.k(0x1.00000ffffffffp31));
        V[] lm = log2Main(m, a);
        V[] ln = log2Near1(m, a);
        V t1 = m.sel(hugeY, ln[0], lm[0]), t2 = m.sel(hugeY, ln[1], lm[1]);
        V y1 = m.clearLow(y);
        V pl = m.add(m.mul(m.sub(y, y1), t1), m.mul(y, t2));
        V ph = m.mul(y1, t1);
        V z = m.add(pl, ph);
        V n = m.rint(z);
        ph = m.sub(ph, n);
        V t = m.clearLow(m.add(pl, ph));
        V u = m.mul(t, m.k(LG2_H));
        V v = m.add(m.mul(m.sub(pl, m.sub(t, ph)), m.k(LG2)), m.mul(t, m.k(LG2_L)));
        V zz = m.add(u, v);
        V w = m.sub(v, m.sub(zz, u));
        t = m.mul(zz, zz);
        V tt = m.sub(zz, m.mul(t, MathAlgorithms.horner(m, t, PP)));
        V r = m.sub(m.div(m.mul(zz, tt), m.sub(tt, m.k(2))), m.add(w, m.mul(zz, w)));
        V res = MathAlgorithms.scale(m, m.sub(m.k(1), m.sub(r, zz)), m.sel(m.gt(m.abs(z), m.k(2000)), m.k(0), n));
        // overflow and underflow, decided on z = p_h + p_l as fdlibm does
        P over = m.or(m.gt(z, m.k(1024)), m.and(m.eq(z, m.k(1024)), m.gt(m.add(pl, m.k(OVT)), m.sub(z, ph))));
        P under = m.or(m.lt(z, m.k(-1075)), m.and(m.eq(z, m.k(-1075)), m.le(pl, m.sub(z, ph))));
        res = m.sel(over, m.k(INF), m.sel(under, m.k(0), res));
        // |y| > 2^31 with |x| not within 2^-20 of 1
        P below = m.lt(a, m.k(0x1.fffff00000000p-1)), above = m.gt(a, m.k(0x1.00000ffffffffp0));
        V far = m.sel(below, m.sel(m.lt(y, m.k(0)), m.k(INF), m.k(0)), m.sel(m.gt(y, m.k(0)), m.k(INF), m.k(0)));
        return m.sel(m.and(hugeY, m.or(below, above)), far, res);
    }

    static <V, P> V pow(MathOps<V, P> m, V x, V y) {
        V ax = m.abs(x), ay = m.abs(y);
        P xneg = m.lt(m.copysign(m.k(1), x), m.k(0));
        P yint = m.eq(m.floor(ay), ay);
        P yodd = m.and(m.and(yint, m.lt(ay, m.k(0x1p53))), m.eq(m.sub(ay, m.mul(m.k(2), m.floor(m.mul(ay, m.k(0.5))))), m.k(1)));
        P xfin = m.lt(ax, m.k(INF)), yfin = m.lt(ay, m.k(INF));
        P regular = m.and(m.and(xfin, yfin), m.gt(ax, m.k(0)));
        V mag = absPow(m, m.sel(regular, ax, m.k(2)), m.sel(regular, y, m.k(0.5)));
        V r = m.sel(m.and(xneg, yodd), m.neg(mag), mag);
        r = m.sel(m.and(m.and(xneg, yfin), m.not(yint)), m.k(NAN), r);
        // x = +-0 or +-inf
        V z = m.sel(m.eq(ax, m.k(0)), m.sel(m.gt(y, m.k(0)), m.k(0), m.k(INF)), m.sel(m.gt(y, m.k(0)), m.k(INF), m.k(0)));
        z = m.sel(m.and(xneg, yodd), m.neg(z), z);
        r = m.sel(m.or(m.eq(ax, m.k(0)), m.not(xfin)), z, r);
        // y = +-inf
        V yi = m.sel(m.eq(ax, m.k(1)), m.k(1), m.sel(m.gt(ax, m.k(1)), m.sel(m.gt(y, m.k(0)), m.k(INF), m.k(0)),
                m.sel(m.lt(y, m.k(0)), m.k(INF), m.k(0))));
        r = m.sel(m.eq(ay, m.k(INF)), yi, r);
        // fdlibm's exact shortcuts: y = 2, 1/2, 1, -1
        r = m.sel(m.eq(y, m.k(2)), m.mul(x, x), r);
        r = m.sel(m.and(m.eq(y, m.k(0.5)), m.ge(x, m.k(-Double.MAX_VALUE))), m.sqrt(m.add(x, m.k(0))), r);
        r = m.sel(m.eq(y, m.k(1)), x, m.sel(m.eq(y, m.k(-1)), m.div(m.k(1), x), r));
        r = m.sel(m.or(m.isnan(x), m.isnan(y)), m.add(x, y), r);
        return m.sel(m.or(m.eq(x, m.k(1)), m.eq(y, m.k(0))), m.k(1), r);
    }
}
