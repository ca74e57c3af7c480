package dev.txc.cuda.math;

import java.util.List;

/**
 * Float floor division and modulo on the GPU: {@code .func (.reg .f64 %res) txc_floordiv_f64(.reg .f64 %x, .reg .f64
 * %y)} and {@code txc_mod_f64}, written out in PTX. Both are runtime.ScalarOps' formulas (NumPy's, from fmod)
 * operation by operation on an exact fmod, so they give the JVM backend's bits: every step is exact or one correctly
 * rounded IEEE operation. f32 operands are widened and the f64 result rounded once, as ScalarOps' float overloads do.
 *
 * <p>PTX has no float remainder. {@code fmod(x, y)} (Java's {@code %}, C's fmod: exact, the sign of x) works on the
 * integer significands: with x = mx 2^ex and y = my 2^ey (integers below 2^53, subnormals unnormalized), the
 * remainder is (mx 2^(ex - ey) mod my) 2^ey, reduced 11 bits of exponent difference at a time ({@code mx << 11} still
 * fits 64 bits) with {@code rem.u64}, then scaled back by a multiplication by a power of two, which is exact since
 * the result is a multiple of y's last place below |y|. At most 186 rounds (exponents 2046 apart).
 */
public final class PtxFloorDiv {
    private PtxFloorDiv() {}

    /** The routines' names. */
    public static List<String> names() {
        return List.of("txc_floordiv_f64", "txc_mod_f64");
    }

    /** The {@code .func} text of a routine of {@link #names()}. */
    public static String routine(String name) {
        return switch (name) {
            case "txc_floordiv_f64" -> function(name, FLOORDIV);
            case "txc_mod_f64" -> function(name, MOD);
            default -> throw new IllegalArgumentException("no floor-division routine named " + name);
        };
    }

    private static final String SIGN = "0x8000000000000000", ABS = "0x7FFFFFFFFFFFFFFF", MANT = "0x000FFFFFFFFFFFFF", ONE52 = "0x0010000000000000";

    private static String function(String name, String tail) {
        return ".func (.reg .f64 %res) " + name + "(.reg .f64 %x, .reg .f64 %y)\n{\n"
                + "\t.reg .pred %fp<8>;\n\t.reg .b64 %fm<16>;\n\t.reg .b32 %fe<8>;\n\t.reg .f64 %ff<12>;\n"
                + FMOD + tail + "\tret;\n}\n";
    }

    /**
     * %ff1 = fmod(%x, %y). Labels are unique per routine (each routine is its own function, so labels may repeat
     * between the two).
     */
    private static final String FMOD = String.join("\n",
            "\tmov.b64 %fm1, %x;",
            "\tmov.b64 %fm2, %y;",
            "\tand.b64 %fm3, %fm1, " + ABS + ";",            // |x| bits
            "\tand.b64 %fm4, %fm2, " + ABS + ";",            // |y| bits
            "\tand.b64 %fm5, %fm1, " + SIGN + ";",           // x's sign
            // NaN for x or y NaN, x infinite, y zero
            "\tsetp.nan.f64 %fp1, %x, %y;",
            "\ttestp.infinite.f64 %fp2, %x;",
            "\tor.pred %fp1, %fp1, %fp2;",
            "\tsetp.eq.u64 %fp2, %fm4, 0;",
            "\tor.pred %fp1, %fp1, %fp2;",
            "\t@%fp1 bra $FM_nan;",
            // |x| < |y| (y infinite included): x itself
            "\tsetp.lt.u64 %fp2, %fm3, %fm4;",
            "\t@%fp2 bra $FM_x;",
            // exponents and significands; a subnormal has exponent 1 and no implicit bit
            "\tshr.u64 %fm6, %fm3, 52;",
            "\tshr.u64 %fm7, %fm4, 52;",
            "\tcvt.u32.u64 %fe1, %fm6;",
            "\tcvt.u32.u64 %fe2, %fm7;",
            "\tand.b64 %fm8, %fm3, " + MANT + ";",
            "\tand.b64 %fm9, %fm4, " + MANT + ";",
            "\tsetp.eq.u32 %fp3, %fe1, 0;",
            "\t@!%fp3 or.b64 %fm8, %fm8, " + ONE52 + ";",
            "\tselp.u32 %fe1, 1, %fe1, %fp3;",
            "\tsetp.eq.u32 %fp3, %fe2, 0;",
            "\t@!%fp3 or.b64 %fm9, %fm9, " + ONE52 + ";",
            "\tselp.u32 %fe2, 1, %fe2, %fp3;",
            // mx = mx 2^(ex - ey) mod my, 11 bits of the difference at a time
            "$FM_loop:",
            "\tsetp.le.s32 %fp4, %fe1, %fe2;",
            "\t@%fp4 bra $FM_last;",
            "\tsub.s32 %fe3, %fe1, %fe2;",
            "\tmin.s32 %fe3, %fe3, 11;",
            "\tshl.b64 %fm8, %fm8, %fe3;",
            "\trem.u64 %fm8, %fm8, %fm9;",
            "\tsub.s32 %fe1, %fe1, %fe3;",
            "\tbra.uni $FM_loop;",
            "$FM_last:",
            "\trem.u64 %fm8, %fm8, %fm9;",
            // the result mx 2^(ey - 1075): mx is exact in f64, and so is the product by 2^(ey - 1075)
            "\tcvt.rn.f64.u64 %ff1, %fm8;",
            "\tsetp.gt.s32 %fp5, %fe2, 52;",
            "\tsub.s32 %fe4, %fe2, 52;",              // normal scale: biased exponent ey - 52
            "\tcvt.u64.u32 %fm10, %fe4;",
            "\tshl.b64 %fm10, %fm10, 52;",
            "\tsub.s32 %fe5, %fe2, 1;",               // subnormal scale: 2^-1074 2^(ey - 1)
            "\tmov.b64 %fm11, 1;",
            "\tshl.b64 %fm11, %fm11, %fe5;",
            "\tselp.b64 %fm10, %fm10, %fm11, %fp5;",
            "\tmov.b64 %ff2, %fm10;",
            "\tmul.rn.f64 %ff1, %ff1, %ff2;",
            "\tmov.b64 %fm12, %ff1;",
            "\tor.b64 %fm12, %fm12, %fm5;",
            "\tmov.b64 %ff1, %fm12;",
            "\tbra.uni $FM_done;",
            "$FM_nan:",
            "\tmov.f64 %ff1, 0d7FF8000000000000;",
            "\tbra.uni $FM_done;",
            "$FM_x:",
            "\tmov.f64 %ff1, %x;",
            "$FM_done:",
            "");

    /**
     * ScalarOps.floordiv: b == 0 gives a / b; else m = fmod(a, b), div = (a - m) / b, one less when m != 0 and its
     * sign differs from b's, a zero div takes the sign of a / b, and div is rounded to the nearest integer (floor,
     * plus one above half).
     */
    private static final String FLOORDIV = String.join("\n",
            "\tdiv.rn.f64 %ff3, %x, %y;",                 // a / b
            "\tsub.rn.f64 %ff4, %x, %ff1;",
            "\tdiv.rn.f64 %ff4, %ff4, %y;",               // div
            "\tsetp.neu.f64 %fp1, %ff1, 0d0000000000000000;",  // m != 0 (true for NaN, as Java's !=)
            "\tsetp.lt.f64 %fp2, %y, 0d0000000000000000;",
            "\tsetp.lt.f64 %fp3, %ff1, 0d0000000000000000;",
            "\txor.pred %fp2, %fp2, %fp3;",
            "\tand.pred %fp1, %fp1, %fp2;",
            "\t@%fp1 sub.rn.f64 %ff4, %ff4, 0d3FF0000000000000;",
            "\tcvt.rmi.f64.f64 %ff5, %ff4;",              // f = floor(div)
            "\tsub.rn.f64 %ff6, %ff4, %ff5;",
            "\tsetp.gt.f64 %fp4, %ff6, 0d3FE0000000000000;",
            "\t@%fp4 add.rn.f64 %ff5, %ff5, 0d3FF0000000000000;",
            // div == 0: copysign(0.0, a / b)
            "\tsetp.eq.f64 %fp5, %ff4, 0d0000000000000000;",
            "\tmov.b64 %fm13, %ff3;",
            "\tand.b64 %fm13, %fm13, " + SIGN + ";",
            "\tmov.b64 %ff7, %fm13;",
            "\tselp.f64 %ff5, %ff7, %ff5, %fp5;",
            // b == 0: a / b
            "\tsetp.eq.f64 %fp6, %y, 0d0000000000000000;",
            "\tselp.f64 %res, %ff3, %ff5, %fp6;",
            "");

    /** ScalarOps.mod: m = fmod(a, b); a zero m is copysign(0.0, b); else m + b when m's sign differs from b's. */
    private static final String MOD = String.join("\n",
            "\tsetp.lt.f64 %fp1, %y, 0d0000000000000000;",
            "\tsetp.lt.f64 %fp2, %ff1, 0d0000000000000000;",
            "\txor.pred %fp1, %fp1, %fp2;",
            "\tadd.rn.f64 %ff3, %ff1, %y;",
            "\tselp.f64 %ff3, %ff3, %ff1, %fp1;",
            "\tsetp.eq.f64 %fp3, %ff1, 0d0000000000000000;",
            "\tmov.b64 %fm13, %y;",
            "\tand.b64 %fm13, %fm13, " + SIGN + ";",
            "\tmov.b64 %ff4, %fm13;",
            "\tselp.f64 %res, %ff4, %ff3, %fp3;",
            "");
}
