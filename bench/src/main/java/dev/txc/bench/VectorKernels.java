package dev.txc.bench;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API forms of the hand-written kernels, apart so that the others run on a JVM started without
 * {@code --add-modules=jdk.incubator.vector}.
 */
final class VectorKernels {
    private VectorKernels() {}

    private static final VectorSpecies<Double> SD = DoubleVector.SPECIES_PREFERRED;

    /** {@link Baselines#expOnce} with the Vector API: {@code lanewise(EXP)} runs the JDK's SVML stubs, several lanes at a time. */
    static void expOnce(double[] x, double[] g, int lo, int hi) {
        DoubleVector one = DoubleVector.broadcast(SD, 1.0);
        int i = lo, upper = lo + SD.loopBound(hi - lo);
        for (; i < upper; i += SD.length()) {
            DoubleVector e = DoubleVector.fromArray(SD, x, i).lanewise(VectorOperators.ABS).neg().lanewise(VectorOperators.EXP);
            DoubleVector s = one.div(one.add(e));
            e.mul(s).mul(s).intoArray(g, i);
        }
        Baselines.expOnce(x, g, i, hi);
    }
}
