package dev.txc.runtime;

/** The element types of tensors; each constant fixes one Java storage array type and one .npy descriptor. */
public enum DType {
    BOOL("bool", 1, "|b1"),
    I8("i8", 1, "|i1"),
    I16("i16", 2, "<i2"),
    I32("i32", 4, "<i4"),
    I64("i64", 8, "<i8"),
    U8("u8", 1, "|u1"),
    F32("f32", 4, "<f4"),
    F64("f64", 8, "<f8");

    private final String spelling;
    private final int itemSize;
    private final String npyDescr;

    DType(String spelling, int itemSize, String npyDescr) {
        this.spelling = spelling;
        this.itemSize = itemSize;
        this.npyDescr = npyDescr;
    }

    /** The name used in tx source and IR text, e.g. {@code "f64"}. */
    public String spelling() {
        return spelling;
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

    /** The dtype spelled {@code s}; throws TxRuntimeException naming the bad spelling otherwise. */
    public static DType fromSpelling(String s) {
        for (DType t : values()) {
            if (t.spelling.equals(s)) {
                return t;
            }
        }
        throw new TxRuntimeException("unknown dtype '" + s + "' (expected one of bool, i8, i16, i32, i64, u8, f32, f64)");
    }

    /** Whether every value of this dtype converts to {@code to} without loss, as NumPy's 'safe' casting. */
    public boolean canCastSafely(DType to) {
        if (this == to) {
            return true;
        }
        return switch (this) {
            case BOOL -> true;
            case I8, U8 -> to == I16 || to == I32 || to == I64 || to.isFloat();
            case I16 -> to == I32 || to == I64 || to.isFloat();
            case I32 -> to == I64 || to == F64;
            case I64, F32 -> to == F64;
            case F64 -> false;
        };
    }
}
