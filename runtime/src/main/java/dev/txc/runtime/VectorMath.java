package dev.txc.runtime;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Exp}'s functions on vectors, lane by lane the same operations in the same order (so the same bits), for
 * the vector loops of generated kernels. Only generated code compiled with vectors on reaches this class: a JVM
 * without jdk.incubator.vector never loads it.
 */
public final class VectorMath {
    private VectorMath() {}

    public static DoubleVector exp(DoubleVector x) {
        DoubleVector xc = x.lanewise(VectorOperators.MAX, Exp.LO).lanewise(VectorOperators.MIN, Exp.HI);
        DoubleVector t = xc.lanewise(VectorOperators.MUL, Exp.LOG2E).lanewise(VectorOperators.ADD, Exp.SHIFTER);
        DoubleVector k = t.lanewise(VectorOperators.SUB, Exp.SHIFTER);
        DoubleVector r = xc.lanewise(VectorOperators.SUB, k.lanewise(VectorOperators.MUL, Exp.LN2_HI))
                .lanewise(VectorOperators.SUB, k.lanewise(VectorOperators.MUL, Exp.LN2_LO));
        DoubleVector r2 = r.mul(r), r4 = r2.mul(r2);
        double[] c = Exp.C;
        DoubleVector a = r.mul(c[10]).add(c[11]), b = r.mul(c[8]).add(c[9]), cc = r.mul(c[6]).add(c[7]);
        DoubleVector d = r.mul(c[4]).add(c[5]), e = r.mul(c[2]).add(c[3]), f = r.mul(c[0]).add(c[1]);
        DoubleVector q = b.mul(r2).add(a).add(r4.mul(d.mul(r2).add(cc).add(r4.mul(f.mul(r2).add(e)))));
        DoubleVector p = r.add(r2.mul(q)).add(1);
        LongVector ki = t.reinterpretAsLongs().lanewise(VectorOperators.SUB, Double.doubleToRawLongBits(Exp.SHIFTER));
        LongVector k1 = ki.lanewise(VectorOperators.ASHR, 1), k2 = ki.lanewise(VectorOperators.SUB, k1);
        DoubleVector s1 = k1.lanewise(VectorOperators.ADD, 1023).lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles();
        DoubleVector s2 = k2.lanewise(VectorOperators.ADD, 1023).lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles();
        return p.lanewise(VectorOperators.MUL, s1).lanewise(VectorOperators.MUL, s2);
    }

    public static FloatVector exp(FloatVector x) {
        FloatVector xc = x.lanewise(VectorOperators.MAX, Exp.LO_F).lanewise(VectorOperators.MIN, Exp.HI_F);
        FloatVector t = xc.lanewise(VectorOperators.MUL, Exp.LOG2E_F).lanewise(VectorOperators.ADD, Exp.SHIFTER_F);
        FloatVector k = t.lanewise(VectorOperators.SUB, Exp.SHIFTER_F);
        FloatVector r = xc.lanewise(VectorOperators.SUB, k.lanewise(VectorOperators.MUL, Exp.LN2_HI_F))
                .lanewise(VectorOperators.SUB, k.lanewise(VectorOperators.MUL, Exp.LN2_LO_F));
        FloatVector r2 = r.mul(r);
        float[] c = Exp.C_F;
        FloatVector q = r.mul(c[4]).add(c[5]).add(r2.mul(r.mul(c[2]).add(c[3]).add(r2.mul(r.mul(c[0]).add(c[1])))));
        FloatVector p = r.add(r2.mul(q)).add(1);
        IntVector ki = t.reinterpretAsInts().lanewise(VectorOperators.SUB, Float.floatToRawIntBits(Exp.SHIFTER_F));
        IntVector k1 = ki.lanewise(VectorOperators.ASHR, 1), k2 = ki.lanewise(VectorOperators.SUB, k1);
        FloatVector s1 = k1.lanewise(VectorOperators.ADD, 127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        FloatVector s2 = k2.lanewise(VectorOperators.ADD, 127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        return p.lanewise(VectorOperators.MUL, s1).lanewise(VectorOperators.MUL, s2);
    }

    public static DoubleVector sigmoid(DoubleVector x) {
        DoubleVector e = exp(x.lanewise(VectorOperators.ABS).lanewise(VectorOperators.NEG));
        DoubleVector r = DoubleVector.broadcast(x.species(), 1).lanewise(VectorOperators.DIV, e.lanewise(VectorOperators.ADD, 1));
        return r.blend(r.lanewise(VectorOperators.MUL, e), x.compare(VectorOperators.LT, 0));
    }

    public static FloatVector sigmoid(FloatVector x) {
        FloatVector e = exp(x.lanewise(VectorOperators.ABS).lanewise(VectorOperators.NEG));
        FloatVector r = FloatVector.broadcast(x.species(), 1).lanewise(VectorOperators.DIV, e.lanewise(VectorOperators.ADD, 1));
        return r.blend(r.lanewise(VectorOperators.MUL, e), x.compare(VectorOperators.LT, 0));
    }

    private static final long SIGN = Long.MIN_VALUE;

    /** Exp.tanh lane by lane: both branches computed, the polynomial's taken where |x| < 0.55; x's sign copied. */
    public static DoubleVector tanh(DoubleVector x) {
        DoubleVector a = x.lanewise(VectorOperators.ABS);
        DoubleVector z = a.mul(a), z2 = z.mul(z), z4 = z2.mul(z2);
        double[] c = Exp.TANH_Q;
        DoubleVector lo = z.mul(c[9]).add(c[10]).add(z2.mul(z.mul(c[7]).add(c[8])));
        DoubleVector mid = z.mul(c[5]).add(c[6]).add(z2.mul(z.mul(c[3]).add(c[4])));
        DoubleVector hi = z.mul(c[1]).add(c[2]).add(z2.mul(c[0]));
        DoubleVector q = lo.add(z4.mul(mid.add(z4.mul(hi))));
        DoubleVector small = a.add(a.mul(z).mul(q));
        DoubleVector t = exp(a.mul(-2));
        DoubleVector large = DoubleVector.broadcast(x.species(), 1).sub(t).div(t.add(1));
        DoubleVector r = large.blend(small, a.compare(VectorOperators.LT, Exp.TANH_SMALL));
        var bits = r.reinterpretAsLongs().lanewise(VectorOperators.AND, ~SIGN)
                .lanewise(VectorOperators.OR, x.reinterpretAsLongs().lanewise(VectorOperators.AND, SIGN));
        return bits.reinterpretAsDoubles();
    }

    /**
     * f32 tanh as Exp.tanh(float) computes it, the f64 tanh rounded: the lanes widened to doubles in two halves (or
     * as many parts as the shapes need), each through {@link #tanh(DoubleVector)}, narrowed back and merged.
     */
    public static FloatVector tanh(FloatVector x) {
        var fs = x.species();
        var ds = VectorSpecies.of(double.class, fs.vectorShape());
        int parts = fs.length() / ds.length();
        IntVector bits = IntVector.zero(VectorSpecies.of(int.class, fs.vectorShape()));
        for (int p = 0; p < parts; p++) {
            var d = (DoubleVector) x.convertShape(VectorOperators.F2D, ds, p);
            var f = (FloatVector) tanh(d).convertShape(VectorOperators.D2F, fs, -p);
            bits = bits.lanewise(VectorOperators.OR, f.reinterpretAsInts());
        }
        return bits.reinterpretAsFloats();
    }
}
