package dev.txc.cuda.lib;

import dev.txc.cuda.PtxEntry;
import dev.txc.cuda.PtxEntry.Kind;
import dev.txc.cuda.PtxEntry.Param;
import dev.txc.types.DType;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * A small builder for the body of one {@code .visible .entry}: typed virtual registers (declared once at the top),
 * labels, parameters loaded into registers, and the index arithmetic every library kernel shares. Registers are
 * untyped {@code .b32}/{@code .b64} for integers, {@code .f32}/{@code .f64} for floats, {@code .pred} for predicates.
 */
final class Ptx {
    private final String name;
    private final StringBuilder body = new StringBuilder();
    private final StringBuilder shared = new StringBuilder();
    private String directives = "";
    private final List<Param> params = new ArrayList<>();
    private final Set<String> routines = new TreeSet<>();
    private int r, rd, f, fd, p, labels;

    Ptx(String name) {
        this.name = name;
    }

    String r32() {
        return "%r" + ++r;
    }

    String r64() {
        return "%rd" + ++rd;
    }

    String f32() {
        return "%f" + ++f;
    }

    String f64() {
        return "%fd" + ++fd;
    }

    String pred() {
        return "%p" + ++p;
    }

    /** One instruction (the semicolon is added). */
    Ptx op(String instr) {
        body.append('\t').append(instr).append(";\n");
        return this;
    }

    String label() {
        return "$L_" + ++labels;
    }

    void at(String label) {
        body.append(label).append(":\n");
    }

    void bra(String label) {
        op("bra.uni " + label);
    }

    /** Branches to {@code label} when {@code pred} holds. */
    void braIf(String pred, String label) {
        op("@" + pred + " bra " + label);
    }

    /** A routine called by this entry (its name, for {@link PtxEntry#routines}). */
    void calls(String routine) {
        routines.add(routine);
    }

    /** Declares a shared array of {@code bytes} bytes aligned to 16 and returns its name. */
    String sharedArray(String arrayName, int bytes) {
        shared.append("\t.shared .align 16 .b8 ").append(arrayName).append('[').append(bytes).append("];\n");
        return arrayName;
    }

    /** Adds a parameter and loads it into a fresh register; a pointer is converted to a global address. */
    String param(String pname, Kind kind) {
        params.add(new Param(pname, kind));
        return switch (kind) {
            case PTR -> {
                String a = r64(), g = r64();
                op("ld.param.u64 " + a + ", [" + pname + "]");
                op("cvta.to.global.u64 " + g + ", " + a);
                yield g;
            }
            case U64, S64 -> load("ld.param.u64", r64(), pname);
            case U32 -> load("ld.param.u32", r32(), pname);
            case F32 -> load("ld.param.f32", f32(), pname);
            case F64 -> load("ld.param.f64", f64(), pname);
        };
    }

    private String load(String instr, String reg, String pname) {
        op(instr + " " + reg + ", [" + pname + "]");
        return reg;
    }

    /** A special register ({@code %tid.x}, {@code %ctaid.x}, ...) widened to 64 bits. */
    String special(String sreg) {
        String a = r32(), b = r64();
        op("mov.u32 " + a + ", " + sreg);
        op("cvt.u64.u32 " + b + ", " + a);
        return b;
    }

    /** A fresh 64-bit register holding {@code value}. */
    String const64(long value) {
        String x = r64();
        op("mov.b64 " + x + ", " + value);
        return x;
    }

    /**
     * Adds to each {@code offs[k]} the offset of flat C-order index {@code flat} over dims of the given sizes, with
     * the strides {@code strides[k]} (element units): {@code offs[k] += sum_d idx_d * strides[k][d]}. The outermost
     * index needs no division (flat is in range). Quotients are taken in 32 bits: an array has fewer than 2^31
     * elements (the runtime's limit, its sizes being Java ints), so a flat index fits.
     */
    void offset(String flat, List<String> sizes, List<List<String>> strides, List<String> offs) {
        if (sizes.isEmpty()) return;
        String rem = r32();
        op("cvt.u32.u64 " + rem + ", " + flat);
        for (int d = sizes.size() - 1; d >= 0; d--) {
            String idx = r64();
            if (d > 0) {
                String q = r32(), n = r32(), t = r32();
                op("cvt.u32.u64 " + n + ", " + sizes.get(d));
                op("div.u32 " + q + ", " + rem + ", " + n);
                op("mul.lo.u32 " + t + ", " + q + ", " + n);
                op("sub.u32 " + t + ", " + rem + ", " + t);
                op("cvt.u64.u32 " + idx + ", " + t);
                op("mov.b32 " + rem + ", " + q);
            } else {
                op("cvt.u64.u32 " + idx + ", " + rem);
            }
            for (int k = 0; k < offs.size(); k++) op("mad.lo.s64 " + offs.get(k) + ", " + idx + ", " + strides.get(k).get(d) + ", " + offs.get(k));
        }
    }

    /** Emits {@code for (j = from; j < to; j += step) body(j)} (unsigned compare) and returns nothing. */
    void forRange(String from, String to, String step, java.util.function.Consumer<String> body) {
        String j = r64(), top = label(), end = label(), p = pred();
        op("mov.b64 " + j + ", " + from);
        at(top);
        op("setp.ge.u64 " + p + ", " + j + ", " + to);
        braIf(p, end);
        body.accept(j);
        op("add.s64 " + j + ", " + j + ", " + step);
        bra(top);
        at(end);
    }

    /**
     * Makes thread 0's {@code reg} (64 bits) visible to the whole block through shared {@code slot}: a barrier, and
     * every thread's copy returned. Every thread of the block must reach this code.
     */
    String broadcast(String reg, boolean isFloat, String tid, String slot) {
        String p = pred(), skip = label(), out = isFloat ? f64() : r64(), t = isFloat ? "f64" : "b64";
        op("setp.ne.s64 " + p + ", " + tid + ", 0");
        braIf(p, skip);
        op("st.shared." + t + " [" + slot + "], " + reg);
        at(skip);
        op("bar.sync 0");
        op("ld.shared." + t + " " + out + ", [" + slot + "]");
        return out;
    }

    /** The global address of element {@code off} (elements of {@code size} bytes) of the array at {@code base}. */
    String address(String base, String off, int size) {
        String a = r64();
        op("mad.lo.s64 " + a + ", " + off + ", " + size + ", " + base);
        return a;
    }

    /** Performance directives placed between the parameter list and the body (e.g. {@code .maxntid 256, 1, 1}). */
    void directive(String d) {
        directives += d + "\n";
    }

    /** The entry's text, parameters and launch. */
    PtxEntry entry(PtxEntry.Launch launch) {
        var text = new StringBuilder(".visible .entry ").append(name).append("(\n");
        for (int i = 0; i < params.size(); i++) {
            Param pa = params.get(i);
            text.append("\t.param ").append(pa.kind().ptx()).append(' ').append(pa.name()).append(i + 1 < params.size() ? ",\n" : "\n");
        }
        text.append(")\n").append(directives).append("{\n");
        decl(text, ".pred", "%p", p);
        decl(text, ".b32", "%r", r);
        decl(text, ".b64", "%rd", rd);
        decl(text, ".f32", "%f", f);
        decl(text, ".f64", "%fd", fd);
        text.append(shared).append(body).append("\tret;\n}\n");
        return new PtxEntry(name, text.toString(), routines, params, launch);
    }

    private static void decl(StringBuilder text, String type, String prefix, int count) {
        if (count > 0) text.append("\t.reg ").append(type).append(' ').append(prefix).append('<').append(count + 1).append(">;\n");
    }

    // ---- element types ----

    /** The ld/st type suffix of a dtype's elements as stored (a bool is one byte, 0 or 1). */
    static String memType(DType t) {
        return switch (t) {
            case BOOL, U8 -> "u8";
            case I8 -> "s8";
            case I16 -> "s16";
            case I32 -> "s32";
            case I64 -> "s64";
            case F32 -> "f32";
            case F64 -> "f64";
        };
    }

    /**
     * Loads the element at {@code addr} widened to the compute type: floats to an f64 register, integers and bools to
     * a 64-bit integer register (sign-extended, u8 and bool zero-extended).
     */
    String loadWide(DType t, String addr) {
        return switch (t) {
            case F64 -> load("ld.global.f64", f64(), addr);
            case F32 -> {
                String x = f32(), y = f64();
                op("ld.global.f32 " + x + ", [" + addr + "]");
                op("cvt.f64.f32 " + y + ", " + x);
                yield y;
            }
            case BOOL, U8, I8, I16, I32 -> {
                String x = r32(), y = r64();
                op("ld.global." + memType(t) + " " + x + ", [" + addr + "]");
                op("cvt." + (t == DType.BOOL || t == DType.U8 ? "u64.u32 " : "s64.s32 ") + y + ", " + x);
                yield y;
            }
            case I64 -> load("ld.global.s64", r64(), addr);
        };
    }

    /** Stores a wide value (f64 register for floats, 64-bit integer register otherwise) as dtype {@code t}. */
    void storeWide(DType t, String addr, String v) {
        switch (t) {
            case F64 -> op("st.global.f64 [" + addr + "], " + v);
            case F32 -> {
                String x = f32();
                op("cvt.rn.f32.f64 " + x + ", " + v);
                op("st.global.f32 [" + addr + "], " + x);
            }
            case BOOL, U8, I8, I16, I32 -> {
                String x = r32();
                op("cvt.u32.u64 " + x + ", " + v);
                op("st.global." + storeType(t) + " [" + addr + "], " + x);
            }
            case I64 -> op("st.global.s64 [" + addr + "], " + v);
        }
    }

    /** The untyped store width of a dtype (a narrowing store keeps the low bits: integers wrap). */
    static String storeType(DType t) {
        return switch (t) {
            case BOOL, U8, I8 -> "b8";
            case I16 -> "b16";
            case I32, F32 -> "b32";
            case I64, F64 -> "b64";
        };
    }
}
