package dev.txc.runtime;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;

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
        DoubleVector q = DoubleVector.broadcast(x.species(), Exp.C[0]);
        for (int i = 1; i < Exp.C.length; i++) q = q.lanewise(VectorOperators.MUL, r).lanewise(VectorOperators.ADD, Exp.C[i]);
        DoubleVector p = r.lanewise(VectorOperators.ADD, r.lanewise(VectorOperators.MUL, r).lanewise(VectorOperators.MUL, q)).lanewise(VectorOperators.ADD, 1);
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
        FloatVector q = FloatVector.broadcast(x.species(), Exp.C_F[0]);
        for (int i = 1; i < Exp.C_F.length; i++) q = q.lanewise(VectorOperators.MUL, r).lanewise(VectorOperators.ADD, Exp.C_F[i]);
        FloatVector p = r.lanewise(VectorOperators.ADD, r.lanewise(VectorOperators.MUL, r).lanewise(VectorOperators.MUL, q)).lanewise(VectorOperators.ADD, 1);
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
}
