package dev.txc.cuda.math;

import java.util.function.Supplier;

/**
 * sin, cos and tan: fdlibm's kernels (k_sin.c, k_cos.c, k_tan.c, coefficients of Sun's fdlibm 5.3 as in
 * java.lang.FdLibm) on an argument reduction of txc's own. x = n pi/2 + r with r as a double-double (rh, rl):
 * below 2^28 by n = rint(x 2/pi) and pi/2 in three doubles, the products n c1, n c2 split exactly with fused
 * multiply-adds and summed exactly (TwoSum), so r is right to about 2^-130 absolutely; from 2^28 up by Payne-Hanek:
 * x 2/pi mod 4 from 48-bit pieces of 2/pi (a table indexed by x's exponent), each product split exactly, summed as
 * a double-double (about 2^-100 absolutely, so the bound holds except within about 2^-45 of a multiple of pi/2).
 */
final class MathTrig {
    private MathTrig() {}

    /** 2/pi in 24-bit pieces (fdlibm's two_over_pi). */
    private static final int[] TWO_OVER_PI = {
        0xA2F983, 0x6E4E44, 0x1529FC, 0x2757D1, 0xF534DD, 0xC0DB62, 0x95993C, 0x439041, 0xFE5163, 
        0xABDEBB, 0xC561B7, 0x246E3A, 0x424DD2, 0xE00649, 0x2EEA09, 0xD1921C, 0xFE1DEB, 0x1CB129, 
        0xA73EE8, 0x8235F5, 0x2EBB44, 0x84E99C, 0x7026B4, 0x5F7E41, 0x3991D6, 0x398353, 0x39F49C, 
        0x845F8B, 0xBDF928, 0x3B1FF8, 0x97FFDE, 0x05980F, 0xEF2F11, 0x8B5A0A, 0x6D1F6D, 0x367ECF, 
        0x27CB09, 0xB74F46, 0x3F669E, 0x5FEA2D, 0x7527BA, 0xC7EBE5, 0xF17B3D, 0x0739F7, 0x8A5292, 
        0xEA6BFB, 0x5FB11F, 0x8D5D08, 0x560330, 0x46FC7B, 0x6BABF0, 0xCFBC20, 0x9AF436, 0x1DA9E3
    };

    /** 2/pi in 48-bit pieces: G[j] = the bits 48 j + 1 .. 48 (j + 1) after the binary point, as an integer. */
    static final double[] G = new double[26];

    static {
        for (int j = 0; j < G.length; j++) G[j] = (double) (((long) TWO_OVER_PI[2 * j] << 24) | TWO_OVER_PI[2 * j + 1]);
    }

    static final double PIO2_1 = 0x1.921fb54442d18p+0, PIO2_2 = 0x1.1a62633145c07p-54, PIO2_3 = -0x1.f1976b7ed8fbcp-110;
    static final double INV_PIO2 = 0x1.45f306dc9c883p-1;

    /** (a + b) exactly as hi + lo. */
    static <V, P> V[] twoSum(MathOps<V, P> m, V a, V b) {
        V s = m.add(a, b);
        V bb = m.sub(s, a);
        V err = m.add(m.sub(a, m.sub(s, bb)), m.sub(b, bb));
        return arr(s, err);
    }

    @SuppressWarnings("unchecked")
    static <V> V[] arr(V... v) {
        return v;
    }

    /** {n, rh, rl}: x = n pi/2 + rh + rl, |rh| <= about pi/4, for finite x. */
    static <V, P> V[] reduce(MathOps<V, P> m, V x) {
        Supplier<java.util.List<V>> medium = () -> {
            V n = m.rint(m.mul(x, m.k(INV_PIO2)));
            V p1 = m.mul(n, m.k(PIO2_1)), e1 = m.fma(n, m.k(PIO2_1), m.neg(p1));
            V p2 = m.mul(n, m.k(PIO2_2)), e2 = m.fma(n, m.k(PIO2_2), m.neg(p2));
            V t = m.sub(x, p1); // exact (Sterbenz)
            V[] s1 = twoSum(m, t, m.neg(e1));
            V[] s2 = twoSum(m, s1[0], m.neg(p2));
            V lo = m.sub(m.sub(m.add(s1[1], s2[1]), e2), m.mul(n, m.k(PIO2_3)));
            V[] r = twoSum(m, s2[0], lo);
            return java.util.Arrays.asList(n, r[0], r[1]);
        };
        java.util.List<V> l = m.branch(m.lt(m.abs(x), m.k(0x1p28)), medium, () -> java.util.Arrays.asList(payneHanek(m, x)));
        return arr(l.get(0), l.get(1), l.get(2));
    }

    /** x 2/pi mod 4 for |x| >= 2^28, as {n, rh, rl}. */
    static <V, P> V[] payneHanek(MathOps<V, P> m, V x) {
        V a = m.abs(x);
        V e = m.exponent(a);
        V mant = m.mul(m.significand(a), m.k(0x1p52)); // a = mant 2^(e - 52), mant an integer
        // the first piece whose product with a is not a multiple of 4: j0 = max(0, floor((e - 54) / 48))
        V j0 = m.floor(m.div(m.sub(e, m.k(54)), m.k(48)));
        j0 = m.sel(m.lt(j0, m.k(0)), m.k(0), j0);
        V sh = m.k(0), sl = m.k(0);
        for (int i = 0; i < 6; i++) {
            V j = m.add(j0, m.k(i));
            V g = m.table(G, j);
            V s = m.sub(m.sub(e, m.k(100)), m.mul(j, m.k(48))); // 2^s scales mant g
            V sc = m.pow2(s);
            V hi = m.mul(mant, g), lo = m.fma(mant, g, m.neg(hi));
            for (V part : arr(m.mul(hi, sc), m.mul(lo, sc))) {
                V red = m.sub(part, m.mul(m.k(4), m.rint(m.mul(part, m.k(0.25))))); // exact: part mod 4, in [-2, 2]
                V[] ts = twoSum(m, sh, red);
                sh = ts[0];
                sl = m.add(sl, ts[1]);
            }
        }
        V n = m.rint(sh);
        V[] f = twoSum(m, m.sub(sh, n), sl);
        V rh = m.mul(f[0], m.k(PIO2_1));
        V rl = m.add(m.fma(f[0], m.k(PIO2_1), m.neg(rh)), m.add(m.mul(f[0], m.k(PIO2_2)), m.mul(f[1], m.k(PIO2_1))));
        V[] r = twoSum(m, rh, rl);
        P neg = m.lt(x, m.k(0));
        return arr(m.sel(neg, m.neg(n), n), m.sel(neg, m.neg(r[0]), r[0]), m.sel(neg, m.neg(r[1]), r[1]));
    }

    static final double[] S = {-0x1.5555555555549p-3, 0x1.111111110f8a6p-7, -0x1.a01a019c161d5p-13,
        0x1.71de357b1fe7dp-19, -0x1.ae5e68a2b9cebp-26, 0x1.5d93a5acfd57cp-33};
    static final double[] C = {0x1.555555555554cp-5, -0x1.6c16c16c15177p-10, 0x1.a01a019cb159p-16,
        -0x1.27e4f809c52adp-22, 0x1.1ee9ebdb4b1c4p-29, -0x1.8fae9be8838d4p-37};

    /** fdlibm's __kernel_sin(x, y, 1). */
    static <V, P> V sinK(MathOps<V, P> m, V x, V y) {
        V z = m.mul(x, x), v = m.mul(z, x);
        V r = MathAlgorithms.horner(m, z, S[1], S[2], S[3], S[4], S[5]);
        return m.sub(x, m.sub(m.sub(m.mul(z, m.sub(m.mul(m.k(0.5), y), m.mul(v, r))), y), m.mul(v, m.k(S[0]))));
    }

    /** fdlibm's __kernel_cos(x, y). */
    static <V, P> V cosK(MathOps<V, P> m, V x, V y) {
        V z = m.mul(x, x);
        V r = m.mul(z, MathAlgorithms.horner(m, z, C));
        V zrxy = m.sub(m.mul(z, r), m.mul(x, y));
        V ax = m.abs(x);
        V small = m.sub(m.k(1), m.sub(m.mul(m.k(0.5), z), zrxy));
        V qx = m.sel(m.gt(ax, m.k(0.78125)), m.k(0.28125), m.clearLow(m.mul(ax, m.k(0.25))));
        V hz = m.sub(m.mul(m.k(0.5), z), qx);
        V large = m.sub(m.sub(m.k(1), qx), m.sub(hz, zrxy));
        return m.sel(m.lt(ax, m.k(0.3)), small, large);
    }

    static final double PIO4 = 0x1.921fb54442d18p-1, PIO4LO = 0x1.1a62633145c07p-55,
            TAN_BIG = Double.longBitsToDouble(0x3FE5942800000000L);
    static final double[] T = {0x1.5555555555563p-2, 0x1.111111110fe7ap-3, 0x1.ba1ba1bb341fep-5, 0x1.664f48406d637p-6,
        0x1.226e3e96e8493p-7, 0x1.d6d22c9560328p-9, 0x1.7dbc8fee08315p-10, 0x1.344d8f2f26501p-11,
        0x1.026f71a8d1068p-12, 0x1.47e88a03792a6p-14, 0x1.2b80f32f0a7e9p-14, -0x1.375cbdb605373p-16,
        0x1.b2a7074bf7ad4p-16};

    /** fdlibm's __kernel_tan(x, y, iy): tan(x + y) for iy = 1, -1/tan(x + y) for iy = -1. */
    static <V, P> V tanK(MathOps<V, P> m, V x0, V y0, V iy) {
        P big = m.ge(m.abs(x0), m.k(TAN_BIG));
        P neg = m.lt(x0, m.k(0));
        V xa = m.sel(neg, m.neg(x0), x0), ya = m.sel(neg, m.neg(y0), y0);
        V x = m.sel(big, m.add(m.sub(m.k(PIO4), xa), m.sub(m.k(PIO4LO), ya)), x0);
        V y = m.sel(big, m.k(0), y0);
        V z = m.mul(x, x), w = m.mul(z, z);
        V r = MathAlgorithms.horner(m, w, T[1], T[3], T[5], T[7], T[9], T[11]);
        V v = m.mul(z, MathAlgorithms.horner(m, w, T[2], T[4], T[6], T[8], T[10], T[12]));
        V s = m.mul(z, x);
        r = m.add(y, m.mul(z, m.add(m.mul(s, m.add(r, v)), y)));
        r = m.add(r, m.mul(m.k(T[0]), s));
        w = m.add(x, r);
        V bigRes = m.mul(m.sel(neg, m.k(-1), m.k(1)),
                m.sub(iy, m.mul(m.k(2), m.sub(x, m.sub(m.div(m.mul(w, w), m.add(w, iy)), r)))));
        // -1 / (x + r) accurately
        V zz = m.clearLow(w);
        V vv = m.sub(r, m.sub(zz, x));
        V a = m.div(m.k(-1), w);
        V t = m.clearLow(a);
        V ss = m.add(m.k(1), m.mul(t, zz));
        V inv = m.add(t, m.mul(a, m.add(ss, m.mul(t, vv))));
        return m.sel(big, bigRes, m.sel(m.eq(iy, m.k(1)), w, inv));
    }

    /** n mod 4, in 0..3. */
    static <V, P> V quadrant(MathOps<V, P> m, V n) {
        return m.sub(n, m.mul(m.k(4), m.floor(m.mul(n, m.k(0.25)))));
    }

    /** The result at NaN and the infinities (NaN), and x itself for |x| < 2^-27 where that is the answer. */
    static <V, P> V finish(MathOps<V, P> m, V x, V r, V tiny) {
        r = m.sel(m.lt(m.abs(x), m.k(0x1p-27)), tiny, r);
        return m.sel(m.not(m.lt(m.abs(x), m.k(Double.POSITIVE_INFINITY))), m.k(Double.NaN), r);
    }

    static <V, P> V sin(MathOps<V, P> m, V x) {
        V[] red = reduce(m, m.sel(m.lt(m.abs(x), m.k(Double.POSITIVE_INFINITY)), x, m.k(0)));
        V q = quadrant(m, red[0]);
        V s = sinK(m, red[1], red[2]), c = cosK(m, red[1], red[2]);
        V r = m.sel(m.eq(q, m.k(0)), s, m.sel(m.eq(q, m.k(1)), c, m.sel(m.eq(q, m.k(2)), m.neg(s), m.neg(c))));
        return finish(m, x, r, x);
    }

    static <V, P> V cos(MathOps<V, P> m, V x) {
        V[] red = reduce(m, m.sel(m.lt(m.abs(x), m.k(Double.POSITIVE_INFINITY)), x, m.k(0)));
        V q = quadrant(m, red[0]);
        V s = sinK(m, red[1], red[2]), c = cosK(m, red[1], red[2]);
        V r = m.sel(m.eq(q, m.k(0)), c, m.sel(m.eq(q, m.k(1)), m.neg(s), m.sel(m.eq(q, m.k(2)), m.neg(c), s)));
        return finish(m, x, r, m.k(1));
    }

    static <V, P> V tan(MathOps<V, P> m, V x) {
        V[] red = reduce(m, m.sel(m.lt(m.abs(x), m.k(Double.POSITIVE_INFINITY)), x, m.k(0)));
        V odd = m.sub(red[0], m.mul(m.k(2), m.floor(m.mul(red[0], m.k(0.5)))));
        V iy = m.sub(m.k(1), m.mul(m.k(2), odd));
        return finish(m, x, tanK(m, red[1], red[2], iy), x);
    }
}
