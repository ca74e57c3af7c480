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

    /** The reference value of op at x, in f64. */
    static double ref(Op op, double x) {
        return switch (op) {
            case EXP -> StrictMath.exp(x);
            case SIGMOID -> x >= 0 ? 1 / (1 + StrictMath.exp(-x)) : StrictMath.exp(x) / (1 + StrictMath.exp(x));
            case TANH -> StrictMath.tanh(x);
            case LOG -> StrictMath.log(x);
            case LOG1P -> StrictMath.log1p(x);
            case EXPM1 -> StrictMath.expm1(x);
            case EXP2 -> StrictMath.pow(2, x);
            case LOG2 -> ScalarOps.log2(x);
            case LOG10 -> StrictMath.log10(x);
            case SOFTPLUS -> x > 0 ? x + StrictMath.log1p(StrictMath.exp(-x)) : StrictMath.log1p(StrictMath.exp(x));
            case SIN -> StrictMath.sin(x);
            case COS -> StrictMath.cos(x);
            case TAN -> StrictMath.tan(x);
            case ASIN -> StrictMath.asin(x);
            case ACOS -> StrictMath.acos(x);
            case ATAN -> StrictMath.atan(x);
            case SINH -> StrictMath.sinh(x);
            case COSH -> StrictMath.cosh(x);
            case ASINH -> asinh(x);
            case ACOSH -> acosh(x);
            case ATANH -> atanh(x);
            case ERF -> Double.isNaN(x) ? x : Erf.erf(x);
            case ERFC -> Double.isNaN(x) ? x : Erf.erfc(x);
            default -> throw new IllegalArgumentException(op.spelling());
        };
    }

    static double ref(Op op, double x, double y) {
        return switch (op) {
            case POW -> x == 1.0 || (x == -1.0 && Double.isInfinite(y)) ? 1.0 : StrictMath.pow(x, y);
            case ATAN2 -> StrictMath.atan2(x, y);
            default -> throw new IllegalArgumentException(op.spelling());
        };
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

    /** Where op's algorithm switches between forms, or its result changes character (checked closely). */
    static double[] points(Op op) {
        return switch (op) {
            case EXP, SIGMOID, SOFTPLUS -> new double[] {0, -745.1, -708.4, 709.78, 88.72, -87.3, -103.97, 1, -1, 0.3466, -0.3466};
            case TANH -> new double[] {0.55, -0.55, 0, 19.06, 9.01, 22};
            case LOG, LOG2, LOG10 -> new double[] {1, SQRT2, 0.5 * SQRT2, 2, 0x1p-1022, 10, 0.1, 1e22};
            case LOG1P -> new double[] {0, -0.2929, 0.41422, -1, 1, 0x1p-54, 0x1p53, SQRT2 - 1};
            case EXPM1 -> new double[] {0, 0.3466, -0.3466, 1.0397, -1.0397, -45, 700, 709.78, -37.4, 38.1};
            case EXP2 -> new double[] {0, 0.5, -0.5, 1024, -1022, -1074, 128, -126, -149, 1};
            case SIN, COS, TAN -> new double[] {0, Math.PI / 4, Math.PI / 2, Math.PI, 3 * Math.PI / 2, 0x1p28, -0x1p28, 0.3, 0.78125, 0.6744, 1e6, 0x1p-27};
            case ASIN, ACOS -> new double[] {0.5, -0.5, 0.975, -0.975, 1, -1, 0x1p-27, 0x1p-57};
            case ATAN -> new double[] {0.4375, 0.6875, 1.1875, 2.4375, -2.4375, 0x1p66, 0x1p-29};
            case SINH, COSH -> new double[] {22, -22, 1, -1, 0.3466, 709.78, 710.4758, -710.4758, 0x1p-28};
            case ASINH, ACOSH -> new double[] {1, 0x1p28, -0x1p28, 0x1p-28, 2};
            case ATANH -> new double[] {0.5, -0.5, 1, -1, 0x1p-28};
            default -> new double[] {0, 1, -1};
        };
    }

    static final double SQRT2 = Math.sqrt(2);

    /** The interval most arguments are drawn from. */
    static double[] focus(Op op) {
        return switch (op) {
            case EXP, SIGMOID -> new double[] {-746, 710};
            case TANH, SOFTPLUS -> new double[] {-40, 40};
            case LOG, LOG2, LOG10 -> new double[] {0, 10};
            case LOG1P -> new double[] {-1, 4};
            case EXPM1 -> new double[] {-50, 710};
            case EXP2 -> new double[] {-1080, 1025};
            case SIN, COS, TAN -> new double[] {-100, 100};
            case ASIN, ACOS, ATANH -> new double[] {-1, 1};
            case ACOSH -> new double[] {1, 20};
            case SINH, COSH -> new double[] {-30, 30};
            default -> new double[] {-10, 10};
        };
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
