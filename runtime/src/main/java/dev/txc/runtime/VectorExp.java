package dev.txc.runtime;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link ArrayExp} in vector lanes: {@link Exp#exp(double)}'s operations in its order, lane by lane (as codegen-jvm's
 * VectorMathEmitter spells them in generated kernels), so each lane gives the scalar function's bits. Written out in
 * one loop body: a vector-valued helper left out of line by the JIT would box its vectors. Reached only when
 * {@link VectorSupport#available()}.
 */
final class VectorExp {
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    private static final double[] C = Exp.C;
    private static final long SHIFTER_BITS = Double.doubleToRawLongBits(Exp.SHIFTER);

    private VectorExp() {}

    /** The vector form; declared as the interface so that callers link this class only when they run it. */
    static ArrayExp create() {
        return VectorExp::exp;
    }

    static void exp(double[] x, int from, int to, double[] out, int outFrom) {
        int i = from, bound = from + D.loopBound(to - from), shift = outFrom - from;
        DoubleVector negLn2Hi = DoubleVector.broadcast(D, -Exp.LN2_HI), negLn2Lo = DoubleVector.broadcast(D, -Exp.LN2_LO);
        for (; i < bound; i += D.length()) {
            DoubleVector xc = DoubleVector.fromArray(D, x, i).max(Exp.LO).min(Exp.HI);
            DoubleVector t = xc.fma(Exp.LOG2E, Exp.SHIFTER);
            DoubleVector k = t.sub(Exp.SHIFTER);
            DoubleVector r = k.fma(negLn2Lo, k.fma(negLn2Hi, xc));
            DoubleVector r2 = r.mul(r), r4 = r2.mul(r2);
            DoubleVector a = r.fma(C[10], C[11]), b = r.fma(C[8], C[9]), c = r.fma(C[6], C[7]);
            DoubleVector d = r.fma(C[4], C[5]), e = r.fma(C[2], C[3]), f = r.fma(C[0], C[1]);
            DoubleVector q = r4.fma(r4.fma(f.fma(r2, e), d.fma(r2, c)), b.fma(r2, a));
            DoubleVector p = r2.fma(q, r).add(1);
            LongVector ki = t.reinterpretAsLongs().sub(SHIFTER_BITS);
            // ki >> 1 without a 64-bit arithmetic shift (AVX2 has none): shift ki + 2^63 logically, take 2^62 off
            LongVector k1 = ki.lanewise(VectorOperators.XOR, Long.MIN_VALUE).lanewise(VectorOperators.LSHR, 1).sub(1L << 62);
            LongVector k2 = ki.sub(k1);
            DoubleVector s1 = k1.add(1023).lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles();
            DoubleVector s2 = k2.add(1023).lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles();
            p.mul(s1).mul(s2).intoArray(out, shift + i);
        }
        for (; i < to; i++) out[shift + i] = Exp.exp(x[i]);
    }
}
