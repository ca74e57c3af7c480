package dev.txc.ir;

/**
 * Reference scalar semantics of the elementwise ops, written for clarity rather than speed: floats in
 * double (the caller rounds f32 results), integers in long (the caller wraps to the dtype's width).
 */
final class RefScalar {
    private RefScalar() {}

    private static final double LN2 = Math.log(2);

    static double unary(Op op, double x) {
        return switch (op) {
            case NEG -> -x;
            case ABS -> Math.abs(x);
            case SIGN -> Math.signum(x) + 0.0; // sign(-0.0) is +0.0, as NumPy and PyTorch give
            case RELU -> x > 0 || Double.isNaN(x) ? x : 0.0;
            case FLOOR -> Math.floor(x);
            case CEIL -> Math.ceil(x);
            case ROUND -> Math.rint(x);
            case EXP -> Math.exp(x);
            case EXP2 -> Math.pow(2, x);
            case EXPM1 -> Math.expm1(x);
            case LOG -> Math.log(x);
            case LOG2 -> log2(x);
            case LOG10 -> Math.log10(x);
            case LOG1P -> Math.log1p(x);
            case SQRT -> Math.sqrt(x);
            case SIN -> Math.sin(x);
            case COS -> Math.cos(x);
            case TAN -> Math.tan(x);
            case ASIN -> Math.asin(x);
            case ACOS -> Math.acos(x);
            case ATAN -> Math.atan(x);
            case SINH -> Math.sinh(x);
            case COSH -> Math.cosh(x);
            case TANH -> Math.tanh(x);
            // asinh x = sign(x) log1p(|x| + x^2 / (1 + sqrt(1 + x^2))), exact algebra that avoids cancellation.
            case ASINH -> Math.abs(x) > 1e150 ? Math.signum(x) * (Math.log(Math.abs(x)) + LN2)
                    : Math.signum(x) * Math.log1p(Math.abs(x) + x * x / (1 + Math.sqrt(1 + x * x)));
            // acosh x = log1p((x - 1) + sqrt((x - 1)(x + 1))); NaN below 1 (and for NaN).
            case ACOSH -> !(x >= 1) ? Double.NaN : x > 1e150 ? Math.log(x) + LN2 : Math.log1p((x - 1) + Math.sqrt((x - 1) * (x + 1)));
            // atanh x = sign(x) log1p(2|x| / (1 - |x|)) / 2: odd, so that x near -1 does not take log1p near -1.
            case ATANH -> Math.signum(x) * 0.5 * Math.log1p(2 * Math.abs(x) / (1 - Math.abs(x)));
            case SIGMOID -> x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
            case SOFTPLUS -> x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
            case ERF -> RefErf.erf(x);
            case ERFC -> RefErf.erfc(x);
            case ISNAN -> Double.isNaN(x) ? 1 : 0;
            case ISINF -> Double.isInfinite(x) ? 1 : 0;
            case STOP_GRADIENT -> x;
            case PARAM, SHARED, CONST, REGION_PARAM, NOT, CAST, ADD, SUB, MUL, DIV, FLOORDIV, MOD, POW, MAXIMUM,
                 MINIMUM, ATAN2, EQ, NE, LT, LE, GT, GE, AND, OR, XOR, WHERE, CLIP, SUM, PROD, MAX, MIN, MEAN, ANY,
                 ALL, ARGMAX, ARGMIN, LOGSUMEXP, SOFTMAX, LOG_SOFTMAX, ARG_MASK, MATMUL, CONCAT, DIAGONAL, DIAG_EMBED,
                 ARANGE, SUM_TO, UNSLICE, UNINDEX, TRANSPOSE, EXPAND_DIMS, SQUEEZE, RESHAPE, BROADCAST_TO, SLICE,
                 INDEX, SHAPE, WINDOW, UNWINDOW, DYN_SLICE, DYN_UNSLICE, GRAD, LOP, ROP, JACOBIAN, HESSIAN, SCAN,
                 FUSED, TUPLE_GET -> throw new IllegalArgumentException("not a float unary op: " + op);
        };
    }

    private static double log2(double x) {
        if (x > 0 && !Double.isInfinite(x) && x == Math.scalb(1.0, Math.getExponent(x))) return Math.getExponent(x);
        return Math.log(x) / LN2;
    }

    static long unary(Op op, long x) {
        return switch (op) {
            case NEG -> -x;
            case ABS -> Math.abs(x);
            case SIGN -> Long.signum(x);
            case RELU -> Math.max(x, 0);
            case FLOOR, CEIL, ROUND, STOP_GRADIENT -> x;
            case NOT -> x == 0 ? 1 : 0;
            case PARAM, SHARED, CONST, REGION_PARAM, EXP, EXP2, EXPM1, LOG, LOG2, LOG10, LOG1P, SQRT, SIN, COS, TAN,
                 ASIN, ACOS, ATAN, SINH, COSH, TANH, ASINH, ACOSH, ATANH, SIGMOID, SOFTPLUS, ERF, ERFC, ISNAN, ISINF,
                 CAST, ADD, SUB, MUL, DIV, FLOORDIV, MOD, POW, MAXIMUM, MINIMUM, ATAN2, EQ, NE, LT, LE, GT, GE, AND,
                 OR, XOR, WHERE, CLIP, SUM, PROD, MAX, MIN, MEAN, ANY, ALL, ARGMAX, ARGMIN, LOGSUMEXP, SOFTMAX,
                 LOG_SOFTMAX, ARG_MASK, MATMUL, CONCAT, DIAGONAL, DIAG_EMBED, ARANGE, SUM_TO, UNSLICE, UNINDEX,
                 TRANSPOSE, EXPAND_DIMS, SQUEEZE, RESHAPE, BROADCAST_TO, SLICE, INDEX, SHAPE, WINDOW, UNWINDOW,
                 DYN_SLICE, DYN_UNSLICE, GRAD, LOP, ROP, JACOBIAN, HESSIAN, SCAN, FUSED, TUPLE_GET -> throw new IllegalArgumentException("not an integer unary op: " + op);
        };
    }

    static double binary(Op op, double a, double b) {
        return switch (op) {
            case ADD -> a + b;
            case SUB -> a - b;
            case MUL -> a * b;
            case DIV -> a / b;
            case FLOORDIV -> floorDiv(a, b);
            case MOD -> floorMod(a, b);
            case POW -> pow(a, b);
            case MAXIMUM -> Double.isNaN(a) || Double.isNaN(b) ? Double.NaN : Math.max(a, b);
            case MINIMUM -> Double.isNaN(a) || Double.isNaN(b) ? Double.NaN : Math.min(a, b);
            case ATAN2 -> Math.atan2(a, b);
            case EQ -> a == b ? 1 : 0;
            case NE -> a != b ? 1 : 0;
            case LT -> a < b ? 1 : 0;
            case LE -> a <= b ? 1 : 0;
            case GT -> a > b ? 1 : 0;
            case GE -> a >= b ? 1 : 0;
            case PARAM, SHARED, CONST, REGION_PARAM, NEG, ABS, SIGN, RELU, FLOOR, CEIL, ROUND, EXP, EXP2, EXPM1, LOG,
                 LOG2, LOG10, LOG1P, SQRT, SIN, COS, TAN, ASIN, ACOS, ATAN, SINH, COSH, TANH, ASINH, ACOSH, ATANH,
                 SIGMOID, SOFTPLUS, ERF, ERFC, ISNAN, ISINF, NOT, CAST, STOP_GRADIENT, AND, OR, XOR, WHERE, CLIP, SUM,
                 PROD, MAX, MIN, MEAN, ANY, ALL, ARGMAX, ARGMIN, LOGSUMEXP, SOFTMAX, LOG_SOFTMAX, ARG_MASK, MATMUL,
                 CONCAT, DIAGONAL, DIAG_EMBED, ARANGE, SUM_TO, UNSLICE, UNINDEX, TRANSPOSE, EXPAND_DIMS, SQUEEZE,
                 RESHAPE, BROADCAST_TO, SLICE, INDEX, SHAPE, WINDOW, UNWINDOW, DYN_SLICE, DYN_UNSLICE, GRAD, LOP, ROP,
                 JACOBIAN, HESSIAN, SCAN, FUSED, TUPLE_GET -> throw new IllegalArgumentException("not a float binary op: " + op);
        };
    }

    /** C99's pow, as NumPy: pow(1, y) = 1 and pow(-1, +-inf) = 1, where Math.pow gives NaN. */
    static double pow(double a, double b) {
        return a == 1.0 || (a == -1.0 && Double.isInfinite(b)) ? 1.0 : Math.pow(a, b);
    }

    /** Python's float floor division: from fmod, so that a == b * (a // b) + a % b holds closely. */
    static double floorDiv(double a, double b) {
        if (b == 0) return a == 0 || Double.isNaN(a) ? Double.NaN : a / b;
        double mod = a % b;
        double div = (a - mod) / b;
        if (mod != 0 && (b < 0) != (mod < 0)) div -= 1.0;
        if (div == 0) return Math.copySign(0.0, a / b);
        double fl = Math.floor(div);
        return div - fl > 0.5 ? fl + 1.0 : fl;
    }

    /** Python's float modulo: the sign of the divisor. */
    static double floorMod(double a, double b) {
        if (b == 0) return Double.NaN;
        double mod = a % b;
        if (mod != 0) {
            if ((b < 0) != (mod < 0)) mod += b;
        } else mod = Math.copySign(0.0, b);
        return mod;
    }

    static long binary(Op op, long a, long b) {
        return switch (op) {
            case ADD -> a + b;
            case SUB -> a - b;
            case MUL -> a * b;
            case FLOORDIV -> b == 0 ? 0 : Math.floorDiv(a, b);
            case MOD -> b == 0 ? 0 : Math.floorMod(a, b);
            case POW -> intPow(a, b);
            case MAXIMUM -> Math.max(a, b);
            case MINIMUM -> Math.min(a, b);
            case EQ -> a == b ? 1 : 0;
            case NE -> a != b ? 1 : 0;
            case LT -> a < b ? 1 : 0;
            case LE -> a <= b ? 1 : 0;
            case GT -> a > b ? 1 : 0;
            case GE -> a >= b ? 1 : 0;
            case AND -> (a != 0 && b != 0) ? 1 : 0;
            case OR -> (a != 0 || b != 0) ? 1 : 0;
            case XOR -> ((a != 0) != (b != 0)) ? 1 : 0;
            case PARAM, SHARED, CONST, REGION_PARAM, NEG, ABS, SIGN, RELU, FLOOR, CEIL, ROUND, EXP, EXP2, EXPM1, LOG,
                 LOG2, LOG10, LOG1P, SQRT, SIN, COS, TAN, ASIN, ACOS, ATAN, SINH, COSH, TANH, ASINH, ACOSH, ATANH,
                 SIGMOID, SOFTPLUS, ERF, ERFC, ISNAN, ISINF, NOT, CAST, STOP_GRADIENT, DIV, ATAN2, WHERE, CLIP, SUM,
                 PROD, MAX, MIN, MEAN, ANY, ALL, ARGMAX, ARGMIN, LOGSUMEXP, SOFTMAX, LOG_SOFTMAX, ARG_MASK, MATMUL,
                 CONCAT, DIAGONAL, DIAG_EMBED, ARANGE, SUM_TO, UNSLICE, UNINDEX, TRANSPOSE, EXPAND_DIMS, SQUEEZE,
                 RESHAPE, BROADCAST_TO, SLICE, INDEX, SHAPE, WINDOW, UNWINDOW, DYN_SLICE, DYN_UNSLICE, GRAD, LOP, ROP,
                 JACOBIAN, HESSIAN, SCAN, FUSED, TUPLE_GET -> throw new IllegalArgumentException("not an integer binary op: " + op);
        };
    }

    private static long intPow(long a, long b) {
        if (b < 0) throw new EvalException("integers to negative integer powers are not allowed");
        // By squaring: b repeated (wrapping) multiplications would take forever for b near 2^63.
        long r = 1;
        for (long base = a; b != 0; b >>>= 1, base *= base)
            if ((b & 1) != 0) r *= base;
        return r;
    }
}
