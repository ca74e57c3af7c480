package dev.txc.ir;

import java.util.Locale;

/** The element types of tensors, with NumPy's promotion lattice bool < integers < floats. */
public enum DType {
    BOOL(1), I8(8), I16(16), I32(32), I64(64), U8(8), F32(32), F64(64);

    private final int bits;

    DType(int bits) {
        this.bits = bits;
    }

    public String spelling() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The dtype spelled {@code s}, or null. */
    public static DType parse(String s) {
        for (DType d : values()) if (d.spelling().equals(s)) return d;
        return null;
    }

    public int bits() {
        return bits;
    }

    public boolean isFloat() {
        return this == F32 || this == F64;
    }

    public boolean isInteger() {
        return !isFloat() && this != BOOL;
    }

    public boolean isNumeric() {
        return this != BOOL;
    }

    public boolean isUnsigned() {
        return this == U8;
    }

    /** Wraps an integer to this dtype's width, as a C cast does (two's complement). */
    public long wrap(long v) {
        return switch (this) {
            case BOOL -> v != 0 ? 1 : 0;
            case I8 -> (byte) v;
            case I16 -> (short) v;
            case I32 -> (int) v;
            case U8 -> v & 0xFF;
            case I64 -> v;
            case F32, F64 -> throw new IllegalStateException("wrap on " + this);
        };
    }

    /**
     * A float converted to this integer dtype: truncated toward zero, out-of-range values saturated to the dtype's
     * minimum or maximum, NaN to 0 (Java's d2i/d2l, XLA's convert on CPU; NumPy leaves these undefined).
     */
    public long saturate(double v) {
        return switch (this) {
            case I8 -> clamp(v, Byte.MIN_VALUE, Byte.MAX_VALUE);
            case I16 -> clamp(v, Short.MIN_VALUE, Short.MAX_VALUE);
            case I32 -> (int) v;
            case I64 -> (long) v;
            case U8 -> clamp(v, 0, 255);
            case BOOL, F32, F64 -> throw new IllegalStateException("saturate to " + this);
        };
    }

    private static long clamp(double v, long lo, long hi) {
        return Math.max(lo, Math.min(hi, (long) v));
    }

    /** Rounds a double to this float dtype's precision. */
    public double round(double v) {
        return this == F32 ? (double) (float) v : v;
    }

    /** NumPy's 'safe' casting: every value of this dtype is exactly representable in {@code to}. */
    public boolean canCastSafely(DType to) {
        if (to == this || this == BOOL) return true;
        return switch (this) {
            case I8 -> to == I16 || to == I32 || to == I64 || to.isFloat();
            case U8 -> to == I16 || to == I32 || to == I64 || to.isFloat();
            case I16 -> to == I32 || to == I64 || to.isFloat();
            case I32 -> to == I64 || to == F64;
            case I64 -> to == F64;
            case F32 -> to == F64;
            case BOOL, F64 -> false;
        };
    }

    /**
     * The result dtype of combining two tensors: within a kind the wider wins, a signed and an unsigned
     * integer go to the smallest signed type holding both, an integer and a float give the float.
     */
    public static DType promote(DType a, DType b) {
        if (a == b) return a;
        if (a == BOOL) return b;
        if (b == BOOL) return a;
        if (a.isFloat() || b.isFloat()) {
            if (a.isFloat() && b.isFloat()) return a.bits >= b.bits ? a : b;
            return a.isFloat() ? a : b;
        }
        if (a.isUnsigned() != b.isUnsigned()) {
            DType signed = a.isUnsigned() ? b : a;
            return signed.bits > 8 ? signed : I16;
        }
        return a.bits >= b.bits ? a : b;
    }
}
