package dev.txc.runtime;

/**
 * {@code out[outFrom + i - from] = Exp.exp(x[i])} for i in [from, to): txc's exponential over a slice of an array, in
 * vector lanes ({@link VectorExp}) when the Vector API is present and the slice is long, else element by element; the
 * same bits either way (the vector form is {@link Exp#exp(double)}'s operations lane by lane).
 */
@FunctionalInterface
interface ArrayExp {
    /** Slices shorter than this take the scalar loop: until the JIT has compiled the vector loop it runs boxed. */
    int VECTOR_MIN = 1 << 10;

    ArrayExp VECTOR = VectorSupport.available() ? VectorExp.create() : ArrayExp::scalar;

    void exp(double[] x, int from, int to, double[] out, int outFrom);

    /** The vector form for long slices, the scalar loop for short ones. */
    static void apply(double[] x, int from, int to, double[] out, int outFrom) {
        if (to - from >= VECTOR_MIN) VECTOR.exp(x, from, to, out, outFrom);
        else scalar(x, from, to, out, outFrom);
    }

    static void scalar(double[] x, int from, int to, double[] out, int outFrom) {
        for (int i = from; i < to; i++) out[outFrom + i - from] = Exp.exp(x[i]);
    }
}
