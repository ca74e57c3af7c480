package dev.txc.cuda.math;

/**
 * The Java mirror of {@link PtxMath}'s routines: the same algorithms ({@link MathAlgorithms}) executed step by step
 * in Java, {@code Math.fma} for {@code fma.rn} and float arithmetic for f32 steps, so each routine's accuracy can be
 * measured quickly and the PTX (run by a PTX interpreter or a GPU) can be checked bit for bit against it.
 */
public final class MathMirror {
    private MathMirror() {}

    /** The f64 routine {@code name} (e.g. {@code txc_exp_f64}) on x. */
    public static double f64(String name, double x) {
        return PtxMath.def(name).unary().apply(Evaluator.F64, x);
    }

    /** The binary f64 routine {@code name} on x and y. */
    public static double f64(String name, double x, double y) {
        return PtxMath.def(name).binary().apply(Evaluator.F64, x, y);
    }

    /** The f32 routine {@code name} (e.g. {@code txc_exp_f32}) on x. */
    public static float f32(String name, float x) {
        PtxMath.Def d = PtxMath.def(name);
        return (float) d.unary().apply(d.f32Native() ? Evaluator.F32 : Evaluator.F64, (double) x).doubleValue();
    }

    /** The binary f32 routine {@code name} on x and y. */
    public static float f32(String name, float x, float y) {
        PtxMath.Def d = PtxMath.def(name);
        return (float) d.binary().apply(d.f32Native() ? Evaluator.F32 : Evaluator.F64, (double) x, (double) y)
                .doubleValue();
    }
}
