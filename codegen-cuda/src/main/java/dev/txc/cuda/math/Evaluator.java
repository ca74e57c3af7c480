package dev.txc.cuda.math;

import java.util.function.Supplier;

/**
 * Runs an algorithm written against {@link MathOps} in Java: f64 steps in double arithmetic ({@code Math.fma} for
 * {@code fma.rn}), f32 steps in float arithmetic ({@code Math.fma(float, float, float)}), values boxed as doubles.
 */
final class Evaluator implements MathOps<Double, Boolean> {
    static final Evaluator F64 = new Evaluator(false), F32 = new Evaluator(true);

    private final boolean f32;

    private Evaluator(boolean f32) {
        this.f32 = f32;
    }

    private static float f(Double v) {
        return (float) v.doubleValue();
    }

    @Override public boolean f32() { return f32; }
    @Override public Double k(double c) { return f32 ? (double) (float) c : c; }
    @Override public Double add(Double a, Double b) { return f32 ? (double) (f(a) + f(b)) : a + b; }
    @Override public Double sub(Double a, Double b) { return f32 ? (double) (f(a) - f(b)) : a - b; }
    @Override public Double mul(Double a, Double b) { return f32 ? (double) (f(a) * f(b)) : a * b; }
    @Override public Double div(Double a, Double b) { return f32 ? (double) (f(a) / f(b)) : a / b; }
    @Override public Double fma(Double a, Double b, Double c) {
        return f32 ? (double) Math.fma(f(a), f(b), f(c)) : Math.fma(a, b, c);
    }
    @Override public Double sqrt(Double a) { return f32 ? (double) (float) Math.sqrt(a) : Math.sqrt(a); }
    @Override public Double neg(Double a) { return -a; }
    @Override public Double abs(Double a) { return Math.abs(a); }
    @Override public Double copysign(Double mag, Double sign) { return Math.copySign(mag, sign); }
    @Override public Double rint(Double a) { return Math.rint(a); }
    @Override public Double floor(Double a) { return Math.floor(a); }
    // PTX converts NaN to the integer 0.
    @Override public Double pow2(Double k) { return Math.scalb(1.0, Double.isNaN(k) ? 0 : (int) k.doubleValue()); }

    @Override public Double exponent(Double a) {
        return f32 ? (double) (((Float.floatToRawIntBits(f(a)) >>> 23) & 0xff) - 127)
                : (double) (((Double.doubleToRawLongBits(a) >>> 52) & 0x7ff) - 1023);
    }

    @Override public Double significand(Double a) {
        if (f32) return (double) Float.intBitsToFloat(Float.floatToRawIntBits(f(a)) & 0x807FFFFF | 0x3F800000);
        return Double.longBitsToDouble(Double.doubleToRawLongBits(a) & 0x800FFFFFFFFFFFFFL | 0x3FF0000000000000L);
    }

    @Override public Boolean lt(Double a, Double b) { return a < b; }
    @Override public Boolean le(Double a, Double b) { return a <= b; }
    @Override public Boolean gt(Double a, Double b) { return a > b; }
    @Override public Boolean ge(Double a, Double b) { return a >= b; }
    @Override public Boolean eq(Double a, Double b) { return a.doubleValue() == b.doubleValue(); }
    @Override public Boolean isnan(Double a) { return Double.isNaN(a); }
    @Override public Boolean and(Boolean a, Boolean b) { return a && b; }
    @Override public Boolean or(Boolean a, Boolean b) { return a || b; }
    @Override public Boolean not(Boolean a) { return !a; }
    @Override public Double sel(Boolean p, Double a, Double b) { return p ? a : b; }
    @Override public java.util.List<Double> branch(Boolean p, Supplier<java.util.List<Double>> a, Supplier<java.util.List<Double>> b) { return p ? a.get() : b.get(); }
    @Override public Double clearLow(Double a) { return Double.longBitsToDouble(Double.doubleToRawLongBits(a) & 0xFFFFFFFF00000000L); }
    @Override public Double table(double[] t, Double i) { return k(t[(int) i.doubleValue()]); }
}
