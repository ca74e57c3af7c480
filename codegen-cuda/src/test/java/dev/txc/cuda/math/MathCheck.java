package dev.txc.cuda.math;

import dev.txc.ir.Op;
import dev.txc.runtime.ScalarOps;
import org.apache.commons.math3.special.Erf;

import java.util.Random;

/**
 * Independent references and argument samplers for the math routines: StrictMath (fdlibm), commons-math3 for erf and
 * erfc, NumPy's formulas for sigmoid and softplus on StrictMath, ScalarOps.log2 for log2 (exact at powers of two).
 */
final class MathCheck {
    private MathCheck() {}

    static final double LN2 = StrictMath.log(2);
    static final double SQRT2 = Math.sqrt(2);

    private static final java.util.Map<Op, java.util.function.DoubleUnaryOperator> REF = new java.util.EnumMap<>(Op.class);

    static {
        REF.put(Op.EXP, x -> StrictMath.exp(x));
        REF.put(Op.SIGMOID, x -> x >= 0 ? 1 / (1 + StrictMath.exp(-x)) : StrictMath.exp(x) / (1 + StrictMath.exp(x)));
        REF.put(Op.TANH, x -> StrictMath.tanh(x));
        REF.put(Op.LOG, x -> StrictMath.log(x));
        REF.put(Op.LOG1P, x -> StrictMath.log1p(x));
        REF.put(Op.EXPM1, x -> StrictMath.expm1(x));
        REF.put(Op.EXP2, x -> StrictMath.pow(2, x));
        REF.put(Op.LOG2, x -> ScalarOps.log2(x));
        REF.put(Op.LOG10, x -> StrictMath.log10(x));
        REF.put(Op.SOFTPLUS, x -> x > 0 ? x + StrictMath.log1p(StrictMath.exp(-x)) : StrictMath.log1p(StrictMath.exp(x)));
        REF.put(Op.SIN, x -> StrictMath.sin(x));
        REF.put(Op.COS, x -> StrictMath.cos(x));
        REF.put(Op.TAN, x -> StrictMath.tan(x));
        REF.put(Op.ASIN, x -> StrictMath.asin(x));
        REF.put(Op.ACOS, x -> StrictMath.acos(x));
        REF.put(Op.ATAN, x -> StrictMath.atan(x));
        REF.put(Op.SINH, x -> StrictMath.sinh(x));
        REF.put(Op.COSH, x -> StrictMath.cosh(x));
        REF.put(Op.ASINH, x -> asinh(x));
        REF.put(Op.ACOSH, x -> acosh(x));
        REF.put(Op.ATANH, x -> atanh(x));
        // commons-math3 is accurate to about 1e-15 near the origin but loses digits in erfc's tail (1363 ulps at
        // 24.28, against mpmath), so the sampled check uses the JVM backend's erf/erfc; ErfMpmathTest checks both
        // against mpmath's correctly rounded values, and commons-math3 where it is accurate.
        REF.put(Op.ERF, x -> ScalarOps.erf(x));
        REF.put(Op.ERFC, x -> ScalarOps.erfc(x));
    }

    /** The reference value of op at x, in f64. */
    static double ref(Op op, double x) {
                return REF.get(op).applyAsDouble(x);
    }

    private static final java.util.Map<Op, java.util.function.DoubleBinaryOperator> REF2 = new java.util.EnumMap<>(Op.class);

    static {
        REF2.put(Op.POW, (x, y) -> x == 1.0 || (x == -1.0 && Double.isInfinite(y)) ? 1.0 : StrictMath.pow(x, y));
        REF2.put(Op.ATAN2, (x, y) -> StrictMath.atan2(x, y));
    }

    static double ref(Op op, double x, double y) {
                return REF2.get(op).applyAsDouble(x, y);
    }

    // ScalarOps' formulas on StrictMath
    static double asinh(double x) {
        double a = Math.abs(x);
        double r = !(a < 0x1p28) ? (Double.isFinite(a) ? StrictMath.log(a) + LN2 : a)
                : a < 0x1p-28 ? a : StrictMath.log1p(a + a * a / (1 + StrictMath.sqrt(1 + a * a)));
        return Math.copySign(r, x);
    }

    static double acosh(double x) {
        if (!(x >= 1)) return Double.NaN;
        if (x >= 0x1p28) return x == Double.POSITIVE_INFINITY ? x : StrictMath.log(x) + LN2;
        double t = x - 1;
        return StrictMath.log1p(t + StrictMath.sqrt(t * (t + 2)));
    }

    static double atanh(double x) {
        double a = Math.abs(x);
        if (a < 0x1p-28) return x;
        double r = a < 0.5 ? 0.5 * StrictMath.log1p(2 * a + 2 * a * a / (1 - a)) : 0.5 * StrictMath.log1p((a + a) / (1 - a));
        return Math.copySign(r, x);
    }

    private static final java.util.Map<Op, double[]> POINTS = new java.util.EnumMap<>(Op.class);

    static {
        POINTS.put(Op.EXP, new double[] {0, -745.1, -708.4, 709.78, 88.72, -87.3, -103.97, 1, -1, 0.3466, -0.3466});
        POINTS.put(Op.SIGMOID, new double[] {0, -745.1, -708.4, 709.78, 88.72, -87.3, -103.97, 1, -1, 0.3466, -0.3466});
        POINTS.put(Op.SOFTPLUS, new double[] {0, -745.1, -708.4, 709.78, 88.72, -87.3, -103.97, 1, -1, 0.3466, -0.3466});
        POINTS.put(Op.TANH, new double[] {0.55, -0.55, 0, 19.06, 9.01, 22});
        POINTS.put(Op.LOG, new double[] {1, SQRT2, 0.5 * SQRT2, 2, 0x1p-1022, 10, 0.1, 1e22});
        POINTS.put(Op.LOG2, new double[] {1, SQRT2, 0.5 * SQRT2, 2, 0x1p-1022, 10, 0.1, 1e22});
        POINTS.put(Op.LOG10, new double[] {1, SQRT2, 0.5 * SQRT2, 2, 0x1p-1022, 10, 0.1, 1e22});
        POINTS.put(Op.LOG1P, new double[] {0, -0.2929, 0.41422, -1, 1, 0x1p-54, 0x1p53, SQRT2 - 1});
        POINTS.put(Op.EXPM1, new double[] {0, 0.3466, -0.3466, 1.0397, -1.0397, -45, 700, 709.78, -37.4, 38.1});
        POINTS.put(Op.EXP2, new double[] {0, 0.5, -0.5, 1024, -1022, -1074, 128, -126, -149, 1});
        POINTS.put(Op.SIN, new double[] {0, Math.PI / 4, Math.PI / 2, Math.PI, 3 * Math.PI / 2, 0x1p28, -0x1p28, 0.3, 0.78125, 0.6744, 1e6, 0x1p-27});
        POINTS.put(Op.COS, new double[] {0, Math.PI / 4, Math.PI / 2, Math.PI, 3 * Math.PI / 2, 0x1p28, -0x1p28, 0.3, 0.78125, 0.6744, 1e6, 0x1p-27});
        POINTS.put(Op.TAN, new double[] {0, Math.PI / 4, Math.PI / 2, Math.PI, 3 * Math.PI / 2, 0x1p28, -0x1p28, 0.3, 0.78125, 0.6744, 1e6, 0x1p-27});
        POINTS.put(Op.ASIN, new double[] {0.5, -0.5, 0.975, -0.975, 1, -1, 0x1p-27, 0x1p-57});
        POINTS.put(Op.ACOS, new double[] {0.5, -0.5, 0.975, -0.975, 1, -1, 0x1p-27, 0x1p-57});
        POINTS.put(Op.ATAN, new double[] {0.4375, 0.6875, 1.1875, 2.4375, -2.4375, 0x1p66, 0x1p-29});
        POINTS.put(Op.SINH, new double[] {22, -22, 1, -1, 0.3466, 709.78, 710.4758, -710.4758, 0x1p-28});
        POINTS.put(Op.COSH, new double[] {22, -22, 1, -1, 0.3466, 709.78, 710.4758, -710.4758, 0x1p-28});
        POINTS.put(Op.ASINH, new double[] {1, 0x1p28, -0x1p28, 0x1p-28, 2});
        POINTS.put(Op.ACOSH, new double[] {1, 0x1p28, -0x1p28, 0x1p-28, 2});
        POINTS.put(Op.ATANH, new double[] {0.5, -0.5, 1, -1, 0x1p-28});
        POINTS.put(Op.POW, new double[] {1, -1, 0, 2, 0.5, 0x1p31, 1024, -1075, 3, -3});
        POINTS.put(Op.ERF, new double[] {0.84375, -0.84375, 0.25, 1.25, 1.75, 2.5, 3.5, 4.5, 6, -6, 10, 27.3, 26.5});
        POINTS.put(Op.ERFC, new double[] {0.84375, -0.84375, 0.25, 1.25, 1.75, 2.5, 3.5, 4.5, 6, -6, 10, 27.3, 26.5});
    }

    /** Where op's algorithm switches between forms, or its result changes character (checked closely). */
    static double[] points(Op op) {
                return POINTS.getOrDefault(op, new double[] {0, 1, -1});
    }


    private static final java.util.Map<Op, double[]> FOCUS = new java.util.EnumMap<>(Op.class);

    static {
        FOCUS.put(Op.EXP, new double[] {-746, 710});
        FOCUS.put(Op.SIGMOID, new double[] {-746, 710});
        FOCUS.put(Op.TANH, new double[] {-40, 40});
        FOCUS.put(Op.SOFTPLUS, new double[] {-40, 40});
        FOCUS.put(Op.LOG, new double[] {0, 10});
        FOCUS.put(Op.LOG2, new double[] {0, 10});
        FOCUS.put(Op.LOG10, new double[] {0, 10});
        FOCUS.put(Op.LOG1P, new double[] {-1, 4});
        FOCUS.put(Op.EXPM1, new double[] {-50, 710});
        FOCUS.put(Op.EXP2, new double[] {-1080, 1025});
        FOCUS.put(Op.SIN, new double[] {-100, 100});
        FOCUS.put(Op.COS, new double[] {-100, 100});
        FOCUS.put(Op.TAN, new double[] {-100, 100});
        FOCUS.put(Op.ASIN, new double[] {-1, 1});
        FOCUS.put(Op.ACOS, new double[] {-1, 1});
        FOCUS.put(Op.ATANH, new double[] {-1, 1});
        FOCUS.put(Op.ACOSH, new double[] {1, 20});
        FOCUS.put(Op.ERF, new double[] {-7, 7});
        FOCUS.put(Op.POW, new double[] {-20, 20});
        FOCUS.put(Op.ERFC, new double[] {-7, 28});
        FOCUS.put(Op.SINH, new double[] {-30, 30});
        FOCUS.put(Op.COSH, new double[] {-30, 30});
    }

    /** The interval most arguments are drawn from. */
    static double[] focus(Op op) {
                return FOCUS.getOrDefault(op, new double[] {-10, 10});
    }

    static final double[] SPECIALS = {0.0, -0.0, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
        Double.MIN_VALUE, -Double.MIN_VALUE, Double.MIN_NORMAL, -Double.MIN_NORMAL, Double.MAX_VALUE, -Double.MAX_VALUE,
        1, -1, 2, -2, 0.5, -0.5, 1e-300, -1e-300, 1e300, -1e300, Float.MIN_VALUE, Float.MIN_NORMAL, Float.MAX_VALUE,
        -Float.MAX_VALUE, 0x1p-1022 * 0.75, 1e-8, -1e-8};

    /** An argument for op: mostly over its focus interval, also over every magnitude, near branch points, specials. */
    static double sample(Op op, Random r, boolean f32) {
        int kind = r.nextInt(100);
        double x;
        if (kind < 35) {
            double[] f = focus(op);
            x = f[0] + (f[1] - f[0]) * r.nextDouble();
        } else if (kind < 60) {
            x = (r.nextBoolean() ? -1 : 1) * Math.scalb(1 + r.nextDouble(), f32 ? r.nextInt(-149, 128) : r.nextInt(-1074, 1024));
        } else if (kind < 80) {
            x = (r.nextBoolean() ? -1 : 1) * Math.scalb(1 + r.nextDouble(), r.nextInt(-30, 8));
        } else if (kind < 97) {
            double[] p = points(op);
            double c = p[r.nextInt(p.length)];
            x = c == 0 ? (r.nextBoolean() ? -1 : 1) * Math.scalb(r.nextDouble(), -r.nextInt(60))
                    : c + r.nextInt(-2000, 2001) * Math.ulp(f32 ? (float) c : c) * (r.nextBoolean() ? 1 : 1 << r.nextInt(20));
        } else {
            x = SPECIALS[r.nextInt(SPECIALS.length)];
        }
        return f32 ? (float) x : x;
    }

    /** An argument pair for a binary op; for pow mostly pairs whose result is finite and not 0 or 1. */
    static double[] sample2(Op op, Random r, boolean f32) {
        double x = sample(op, r, f32), y = sample(op, r, f32);
        if (op == Op.POW) {
            int kind = r.nextInt(10);
            if (kind < 5) {
                x = Math.scalb(1 + r.nextDouble(), r.nextInt(f32 ? -126 : -1022, f32 ? 128 : 1024));
                double l = Math.abs(Math.log(x) / Math.log(2));
                y = (2 * r.nextDouble() - 1) * (f32 ? 120 : 1000) / Math.max(l, 1e-3);
            } else if (kind < 7) {
                x = -Math.scalb(1 + r.nextDouble(), r.nextInt(-20, 20));
                y = r.nextInt(-40, 41);
            } else if (kind < 8) {
                x = 1 + (r.nextDouble() - 0.5) * 0x1p-18;
                y = (r.nextBoolean() ? 1 : -1) * Math.scalb(1 + r.nextDouble(), r.nextInt(20, 50));
            }
        }
        return f32 ? new double[] {(float) x, (float) y} : new double[] {x, y};
    }

    /**
     * The error of got against the reference ref in ulps of ref (of the float ref rounds to, for f32); 0 when both are
     * NaN or both the same infinity or zero, infinite when one is NaN or the infinities or zero signs differ.
     */
    static double ulps(double got, double ref, boolean f32) {
        if (f32) ref = (float) ref;
        if (Double.isNaN(ref) || Double.isNaN(got)) return Double.isNaN(ref) && Double.isNaN(got) ? 0 : Double.POSITIVE_INFINITY;
        if (got == ref) return ref == 0 && Double.compare(got, ref) != 0 ? Double.POSITIVE_INFINITY : 0;
        if (Double.isInfinite(ref) || Double.isInfinite(got)) {
            // a finite result one ulp below the overflow threshold counts as one ulp
            double fin = Double.isInfinite(ref) ? got : ref;
            double top = f32 ? Float.MAX_VALUE : Double.MAX_VALUE;
            return Math.abs(fin) == top ? 1 : Double.POSITIVE_INFINITY;
        }
        double u = f32 ? Math.ulp((float) ref) : Math.ulp(ref);
        return Math.abs(got - ref) / u;
    }
}
