package dev.txc.types;

/**
 * The element types of tensors, with NumPy's promotion lattice bool < integers < floats. Each constant fixes its
 * spelling in tx source and IR text, its width, one Java storage array type and one .npy descriptor.
 */
public enum DType {
    BOOL("bool", 1, 1, "|b1"),
    I8("i8", 8, 1, "|i1"),
    I16("i16", 16, 2, "<i2"),
    I32("i32", 32, 4, "<i4"),
    I64("i64", 64, 8, "<i8"),
    U8("u8", 8, 1, "|u1"),
    F32("f32", 32, 4, "<f4"),
    F64("f64", 64, 8, "<f8");

    private final String spelling;
    private final int bits;
    private final int itemSize;
    private final String npyDescr;

    DType(String spelling, int bits, int itemSize, String npyDescr) {
        this.spelling = spelling;
        this.bits = bits;
        this.itemSize = itemSize;
        this.npyDescr = npyDescr;
    }

    /** The name used in tx source and IR text, e.g. {@code "f64"}. */
    public String spelling() {
        return spelling;
    }

    /** The dtype spelled {@code s}, or null. */
    public static DType parse(String s) {
        for (DType d : values()) if (d.spelling.equals(s)) return d;
        return null;
    }

    /** The dtype spelled {@code s}; throws {@link UnknownDTypeException} naming the bad spelling otherwise. */
    public static DType fromSpelling(String s) {
        DType d = parse(s);
        if (d == null) throw new UnknownDTypeException("unknown dtype '" + s + "' (expected one of bool, i8, i16, i32, i64, u8, f32, f64)");
        return d;
    }

    /** The value width in bits (1 for bool). */
    public int bits() {
        return bits;
    }

    /** Bytes per element in .npy files (and in the natural C layout). */
    public int itemSize() {
        return itemSize;
    }

    /** The little-endian NumPy type descriptor, e.g. {@code "<f8"}. */
    public String npyDescr() {
        return npyDescr;
    }

    public boolean isFloat() {
        return this == F32 || this == F64;
    }

    /** True for the integer types; bool is not an integer. */
    public boolean isInteger() {
        return switch (this) {
            case I8, I16, I32, I64, U8 -> true;
            case BOOL, F32, F64 -> false;
        };
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

    /** Whether every value of this dtype converts to {@code to} without loss, as NumPy's 'safe' casting. */
    public boolean canCastSafely(DType to) {
        if (this == to) return true;
        return switch (this) {
            case BOOL -> true;
            case I8, U8 -> to == I16 || to == I32 || to == I64 || to.isFloat();
            case I16 -> to == I32 || to == I64 || to.isFloat();
            case I32 -> to == I64 || to == F64;
            case I64, F32 -> to == F64;
            case F64 -> false;
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
