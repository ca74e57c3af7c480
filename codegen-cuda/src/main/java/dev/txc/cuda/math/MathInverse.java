package dev.txc.cuda.math;

/**
 * asin, acos, atan and atan2: fdlibm's e_asin.c, e_acos.c, s_atan.c and e_atan2.c (coefficients of Sun's fdlibm 5.3
 * as in java.lang.FdLibm), with the high-word tests written as comparisons with the same thresholds and every branch
 * computed and selected.
 */
final class MathInverse {
    private MathInverse() {}

    /** The double whose high word is hw and low word 0 (fdlibm's thresholds). */
    static double hw(int hw) {
        return Double.longBitsToDouble((long) hw << 32);
    }

    static final double PIO2_HI = 0x1.921fb54442d18p0, PIO2_LO = 0x1.1a62633145c07p-54, PIO4_HI = 0x1.921fb54442d18p-1;
    static final double[] PS = {0x1.5555555555555p-3, -0x1.4d61203eb6f7dp-2, 0x1.9c1550e884455p-3,
        -0x1.48228b5688f3bp-5, 0x1.9efe07501b288p-11, 0x1.23de10dfdf709p-15};
    static final double[] QS = {-0x1.33a271c8a2d4bp1, 0x1.02ae59c598ac8p1, -0x1.6066c1b8d0159p-1, 0x1.3b8c5b12e9282p-4};

    /** p/q of fdlibm's asin/acos rational approximation at t, as {p, q}. */
    @SuppressWarnings("unchecked")
    static <V, P> V[] pq(MathOps<V, P> m, V t) {
        V p = m.mul(t, MathAlgorithms.horner(m, t, PS));
        V q = m.add(m.k(1), m.mul(t, MathAlgorithms.horner(m, t, QS)));
        return (V[]) new Object[] {p, q};
    }

    static <V, P> V asin(MathOps<V, P> m, V x) {
        V a = m.abs(x);
        V t0 = m.mul(x, x);
        V[] pq0 = pq(m, t0);
        V small = m.add(x, m.mul(x, m.div(pq0[0], pq0[1])));
        V t = m.mul(m.sub(m.k(1), a), m.k(0.5));
        V[] pq = pq(m, t);
        V s = m.sqrt(t);
        V w = m.div(pq[0], pq[1]);
        V near1 = m.sub(m.k(PIO2_HI), m.sub(m.mul(m.k(2), m.add(s, m.mul(s, w))), m.k(PIO2_LO)));
        V wl = m.clearLow(s);
        V c = m.div(m.sub(t, m.mul(wl, wl)), m.add(s, wl));
        V p = m.sub(m.mul(m.mul(m.k(2), s), w), m.sub(m.k(PIO2_LO), m.mul(m.k(2), c)));
        V q = m.sub(m.k(PIO4_HI), m.mul(m.k(2), wl));
        V mid = m.sub(m.k(PIO4_HI), m.sub(p, q));
        V large = m.sel(m.ge(a, m.k(hw(0x3FEF3333))), near1, mid);
        large = m.sel(m.lt(x, m.k(0)), m.neg(large), large);
        V r = m.sel(m.lt(a, m.k(0.5)), m.sel(m.lt(a, m.k(0x1p-27)), x, small), large);
        r = m.sel(m.eq(a, m.k(1)), m.add(m.mul(x, m.k(PIO2_HI)), m.mul(x, m.k(PIO2_LO))), r);
        return m.sel(m.or(m.gt(a, m.k(1)), m.isnan(x)), m.k(Double.NaN), r);
    }

    static <V, P> V acos(MathOps<V, P> m, V x) {
        V a = m.abs(x);
        V z0 = m.mul(x, x);
        V[] pq0 = pq(m, z0);
        V small = m.sub(m.k(PIO2_HI), m.sub(x, m.sub(m.k(PIO2_LO), m.mul(x, m.div(pq0[0], pq0[1])))));
        small = m.sel(m.le(a, m.k(hw(0x3c600000))), m.k(PIO2_HI + PIO2_LO), small);
        V z = m.mul(m.sub(m.k(1), a), m.k(0.5)); // (1 + x) / 2 for x < 0, (1 - x) / 2 for x > 0
        V[] pq = pq(m, z);
        V s = m.sqrt(z);
        V r = m.div(pq[0], pq[1]);
        V negRes = m.sub(m.k(Math.PI), m.mul(m.k(2), m.add(s, m.sub(m.mul(r, s), m.k(PIO2_LO)))));
        V df = m.clearLow(s);
        V c = m.div(m.sub(z, m.mul(df, df)), m.add(s, df));
        V posRes = m.mul(m.k(2), m.add(df, m.add(m.mul(r, s), c)));
        V res = m.sel(m.lt(a, m.k(0.5)), small, m.sel(m.lt(x, m.k(0)), negRes, posRes));
        res = m.sel(m.eq(x, m.k(1)), m.k(0), m.sel(m.eq(x, m.k(-1)), m.k(Math.PI + 2.0 * PIO2_LO), res));
        return m.sel(m.or(m.gt(a, m.k(1)), m.isnan(x)), m.k(Double.NaN), res);
    }

    static final double[] ATANHI = {0x1.dac670561bb4fp-2, 0x1.921fb54442d18p-1, 0x1.f730bd281f69bp-1, 0x1.921fb54442d18p0};
    static final double[] ATANLO = {0x1.a2b7f222f65e2p-56, 0x1.1a62633145c07p-55, 0x1.007887af0cbbdp-56, 0x1.1a62633145c07p-54};
    static final double[] AT = {0x1.555555555550dp-2, -0x1.999999998ebc4p-3, 0x1.24924920083ffp-3, -0x1.c71c6fe231671p-4,
        0x1.745cdc54c206ep-4, -0x1.3b0f2af749a6dp-4, 0x1.10d66a0d03d51p-4, -0x1.dde2d52defd9ap-5, 0x1.97b4b24760debp-5,
        -0x1.2b4442c6a6c2fp-5, 0x1.0ad3ae322da11p-6};

    static <V, P> V atan(MathOps<V, P> m, V x) {
        V a = m.abs(x);
        P id0 = m.lt(a, m.k(0.6875)), id1 = m.lt(a, m.k(1.1875)), id2 = m.lt(a, m.k(2.4375));
        P direct = m.lt(a, m.k(0.4375));
        // the reduced argument, one division: (2a - 1)/(2 + a), (a - 1)/(a + 1), (a - 1.5)/(1 + 1.5a), -1/a
        V num = m.sel(id0, m.sub(m.mul(m.k(2), a), m.k(1)), m.sel(id1, m.sub(a, m.k(1)), m.sel(id2, m.sub(a, m.k(1.5)), m.k(-1))));
        V den = m.sel(id0, m.add(m.k(2), a), m.sel(id1, m.add(a, m.k(1)), m.sel(id2, m.add(m.k(1), m.mul(m.k(1.5), a)), a)));
        V xr = m.sel(direct, x, m.div(num, den));
        V z = m.mul(xr, xr), w = m.mul(z, z);
        V s1 = m.mul(z, MathAlgorithms.horner(m, w, AT[0], AT[2], AT[4], AT[6], AT[8], AT[10]));
        V s2 = m.mul(w, MathAlgorithms.horner(m, w, AT[1], AT[3], AT[5], AT[7], AT[9]));
        V s = m.add(s1, s2);
        V hi = m.sel(id0, m.k(ATANHI[0]), m.sel(id1, m.k(ATANHI[1]), m.sel(id2, m.k(ATANHI[2]), m.k(ATANHI[3]))));
        V lo = m.sel(id0, m.k(ATANLO[0]), m.sel(id1, m.k(ATANLO[1]), m.sel(id2, m.k(ATANLO[2]), m.k(ATANLO[3]))));
        V t = m.sub(hi, m.sub(m.sub(m.mul(xr, s), lo), xr));
        t = m.sel(m.lt(x, m.k(0)), m.neg(t), t);
        V r = m.sel(direct, m.sel(m.lt(a, m.k(0x1p-29)), x, m.sub(x, m.mul(x, s))), t);
        V huge = m.add(m.k(ATANHI[3]), m.k(ATANLO[3]));
        r = m.sel(m.ge(a, m.k(0x1p66)), m.sel(m.lt(x, m.k(0)), m.neg(huge), huge), r);
        return m.sel(m.isnan(x), x, r);
    }

    static final double PI_LO = 0x1.1a62633145c07p-53;

    /** atan2(y, x) (NumPy's arctan2(y, x); the routine's first operand is y). */
    static <V, P> V atan2(MathOps<V, P> m, V y, V x) {
        P ny = m.lt(m.copysign(m.k(1), y), m.k(0)), nx = m.lt(m.copysign(m.k(1), x), m.k(0));
        V pi = m.k(Math.PI), npi = m.k(-Math.PI);
        V ax = m.abs(x), ay = m.abs(y);
        V k = m.sub(m.exponent(ay), m.exponent(ax));
        V z = MathInverse.atan(m, m.abs(m.div(y, x)));
        z = m.sel(m.gt(k, m.k(60)), m.k(PIO2_HI + 0.5 * PI_LO), m.sel(m.and(nx, m.lt(k, m.k(-60))), m.k(0), z));
        V zl = m.sub(z, m.k(PI_LO));
        V r = m.sel(nx, m.sel(ny, m.sub(zl, pi), m.sub(pi, zl)), m.sel(ny, m.neg(z), z));
        P yinf = m.eq(ay, m.k(Double.POSITIVE_INFINITY)), xinf = m.eq(ax, m.k(Double.POSITIVE_INFINITY));
        V halfpi = m.sel(ny, m.k(-PIO2_HI), m.k(PIO2_HI));
        r = m.sel(yinf, halfpi, r);
        V xinfRes = m.sel(yinf,
                m.sel(nx, m.sel(ny, m.k(-3.0 * PIO4_HI), m.k(3.0 * PIO4_HI)), m.sel(ny, m.k(-PIO4_HI), m.k(PIO4_HI))),
                m.sel(nx, m.sel(ny, npi, pi), m.sel(ny, m.k(-0.0), m.k(0.0))));
        r = m.sel(xinf, xinfRes, r);
        r = m.sel(m.eq(x, m.k(0)), halfpi, r);
        r = m.sel(m.eq(y, m.k(0)), m.sel(nx, m.sel(ny, npi, pi), y), r);
        r = m.sel(m.eq(x, m.k(1)), MathInverse.atan(m, y), r);
        return m.sel(m.or(m.isnan(x), m.isnan(y)), m.add(x, y), r);
    }
}
