package dev.txc.cuda.sim;

/** A PTX fundamental type as it appears in an instruction suffix or a declaration. */
enum Ty {
    B8(8, 'b'), B16(16, 'b'), B32(32, 'b'), B64(64, 'b'),
    U8(8, 'u'), U16(16, 'u'), U32(32, 'u'), U64(64, 'u'),
    S8(8, 's'), S16(16, 's'), S32(32, 's'), S64(64, 's'),
    F16(16, 'f'), F32(32, 'f'), F64(64, 'f'), PRED(1, 'p');

    final int bits;
    final char kind;

    Ty(int bits, char kind) {
        this.bits = bits;
        this.kind = kind;
    }

    int bytes() {
        return bits == 1 ? 1 : bits / 8;
    }

    boolean isFloat() {
        return kind == 'f';
    }

    boolean isSigned() {
        return kind == 's';
    }

    boolean isInt() {
        return kind == 'u' || kind == 's' || kind == 'b';
    }

    /** The register bits of a value of this type: integers zero- or sign-extended to 64 bits, f32 in the low half. */
    long norm(long v) {
        return switch (kind) {
            case 'p' -> v != 0 ? 1 : 0;
            case 's' -> bits == 64 ? v : (v << (64 - bits)) >> (64 - bits);
            default -> bits == 64 ? v : v & ((1L << bits) - 1);
        };
    }

    /** The type named by an instruction suffix or declaration word without its dot, or null. */
    static Ty of(String s) {
        return switch (s) {
            case "b8" -> B8; case "b16" -> B16; case "b32" -> B32; case "b64" -> B64;
            case "u8" -> U8; case "u16" -> U16; case "u32" -> U32; case "u64" -> U64;
            case "s8" -> S8; case "s16" -> S16; case "s32" -> S32; case "s64" -> S64;
            case "f16" -> F16; case "f32" -> F32; case "f64" -> F64; case "pred" -> PRED;
            default -> null;
        };
    }

    /** The same-width unsigned type (for bit patterns). */
    Ty unsigned() {
        return switch (bits) {
            case 8 -> U8; case 16 -> U16; case 32 -> U32; case 64 -> U64;
            default -> this;
        };
    }

    @Override
    public String toString() {
        return "." + name().toLowerCase();
    }
}
