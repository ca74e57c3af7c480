package dev.txc.runtime;

import dev.txc.types.DType;

/**
 * Conversions for generated casts and astype: to bool nonzero is true and NaN is true (NumPy); float to integer
 * truncates toward zero, saturates out-of-range values to the dtype's minimum or maximum and sends NaN to 0
 * (Java's d2i/d2l, XLA's convert on CPU; NumPy leaves these undefined).
 */
public final class Cvt {
    private Cvt() {}

    public static boolean toBool(double x) {
        return x != 0;
    }

    public static boolean toBool(float x) {
        return x != 0;
    }

    public static boolean toBool(long x) {
        return x != 0;
    }

    public static boolean toBool(int x) {
        return x != 0;
    }

    public static int toI8(double x) {
        return (int) clamp(x, Byte.MIN_VALUE, Byte.MAX_VALUE);
    }

    public static int toI16(double x) {
        return (int) clamp(x, Short.MIN_VALUE, Short.MAX_VALUE);
    }

    public static int toU8(double x) {
        return (int) clamp(x, 0, 255);
    }

    /** x converted to integer dtype t as above. */
    public static long saturate(double x, DType t) {
        return switch (t) {
            case I8 -> toI8(x);
            case I16 -> toI16(x);
            case I32 -> (int) x;
            case I64 -> (long) x;
            case U8 -> toU8(x);
            case BOOL, F32, F64 -> throw new IllegalArgumentException("saturate to " + t.spelling());
        };
    }

    private static long clamp(double x, long lo, long hi) {
        return Math.max(lo, Math.min(hi, (long) x));
    }
}
