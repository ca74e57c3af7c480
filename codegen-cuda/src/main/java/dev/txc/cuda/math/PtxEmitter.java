package dev.txc.cuda.math;

import java.util.Locale;
import java.util.function.Supplier;

/**
 * Renders an algorithm written against {@link MathOps} as the body of a PTX {@code .func}: one instruction per
 * operation, each with an explicit rounding modifier ({@code .rn}) so that ptxas neither contracts a multiply and an add
 * into an FMA nor changes any rounding. Values are registers or immediates ({@code 0d...}, {@code 0f...}).
 */
final class PtxEmitter implements MathOps<String, String> {
    private final boolean f32;
    private final String t;
    private final StringBuilder body = new StringBuilder();
    private int fregs, pregs, iregs, labels;

    PtxEmitter(boolean f32) {
        this.f32 = f32;
        this.t = f32 ? "f32" : "f64";
    }

    /**
     * The whole {@code .func}: name, parameters ({@code %x}, {@code %y}) and result ({@code %res}) of the outer type,
     * declarations, body. An f32 routine that computes in f64 ({@code outerF32 && !innerF32}) converts its arguments
     * exactly and rounds its result once ({@code cvt.rn.f32.f64}).
     */
    static String function(String name, boolean outerF32, boolean innerF32, int arity,
            java.util.function.BiFunction<PtxEmitter, String[], String> algo) {
        PtxEmitter e = new PtxEmitter(innerF32);
        String[] params = arity == 1 ? new String[] {"%x"} : new String[] {"%x", "%y"};
        String[] args = params.clone();
        if (outerF32 != innerF32) {
            for (int i = 0; i < arity; i++) args[i] = e.op("cvt.f64.f32", params[i]);
        }
        String result = algo.apply(e, args);
        if (outerF32 != innerF32) result = e.op2("cvt.rn.f32.f64", e.reg(result));
        String ty = outerF32 ? ".f32" : ".f64";
        StringBuilder sb = new StringBuilder();
        sb.append(".func (.reg ").append(ty).append(" %res) ").append(name).append("(.reg ").append(ty).append(" %x");
        if (arity == 2) sb.append(", .reg ").append(ty).append(" %y");
        sb.append(")\n{\n");
        sb.append("\t.reg .pred %p<").append(e.pregs + 1).append(">;\n");
        sb.append("\t.reg .").append(e.t).append(' ').append(e.fp()).append('<').append(e.fregs + 1).append(">;\n");
        sb.append("\t.reg ").append(innerF32 ? ".b32" : ".b64").append(' ').append(e.ip()).append('<').append(e.iregs + 1).append(">;\n");
        if (e.oregs > 0) sb.append("\t.reg .f32 %fo<").append(e.oregs + 1).append(">;\n");
        sb.append(e.body);
        sb.append("\tmov").append(ty).append(" %res, ").append(result).append(";\n\tret;\n}\n");
        return sb.toString();
    }

    private int oregs;

    /** An f32 register holding the f64 value a, rounded to nearest. */
    private String op2(String ins, String a) {
        String d = "%fo" + (++oregs);
        line(ins + " " + d + ", " + a);
        return d;
    }

    private String fp() {
        return f32 ? "%f" : "%fd";
    }

    private String ip() {
        return f32 ? "%ri" : "%rl";
    }

    private String freg() {
        return fp() + (++fregs);
    }

    private String ireg() {
        return ip() + (++iregs);
    }

    private String preg() {
        return "%p" + (++pregs);
    }

    private void line(String s) {
        body.append('\t').append(s).append(";\n");
    }

    private String op(String ins, String... srcs) {
        String d = freg();
        line(ins + " " + d + ", " + String.join(", ", srcs));
        return d;
    }

    /** A register holding v (immediates are moved into one). */
    private String reg(String v) {
        return v.startsWith("%") ? v : op("mov." + t, v);
    }

    @Override public boolean f32() { return f32; }

    @Override public String k(double c) {
        return f32 ? String.format(Locale.ROOT, "0f%08X", Float.floatToRawIntBits((float) c))
                : String.format(Locale.ROOT, "0d%016X", Double.doubleToRawLongBits(c));
    }

    @Override public String add(String a, String b) { return op("add.rn." + t, a, b); }
    @Override public String sub(String a, String b) { return op("sub.rn." + t, a, b); }
    @Override public String mul(String a, String b) { return op("mul.rn." + t, a, b); }
    @Override public String div(String a, String b) { return op("div.rn." + t, a, b); }
    @Override public String fma(String a, String b, String c) { return op("fma.rn." + t, a, b, c); }
    @Override public String sqrt(String a) { return op("sqrt.rn." + t, reg(a)); }
    @Override public String neg(String a) { return op("neg." + t, reg(a)); }
    @Override public String abs(String a) { return op("abs." + t, reg(a)); }
    // PTX's copysign takes the sign from its first source and the magnitude from its second.
    @Override public String copysign(String mag, String sign) { return op("copysign." + t, reg(sign), reg(mag)); }
    @Override public String rint(String a) { return op("cvt.rni." + t + "." + t, reg(a)); }
    @Override public String floor(String a) { return op("cvt.rmi." + t + "." + t, reg(a)); }

    @Override public String pow2(String k) {
        String i = ireg();
        if (f32) {
            line("cvt.rzi.s32.f32 " + i + ", " + reg(k));
            line("add.s32 " + i + ", " + i + ", 127");
            line("shl.b32 " + i + ", " + i + ", 23");
            return op("mov.b32", i);
        }
        line("cvt.rzi.s64.f64 " + i + ", " + reg(k));
        line("add.s64 " + i + ", " + i + ", 1023");
        line("shl.b64 " + i + ", " + i + ", 52");
        return op("mov.b64", i);
    }

    @Override public String exponent(String a) {
        String i = ireg();
        if (f32) {
            line("mov.b32 " + i + ", " + reg(a));
            line("shr.u32 " + i + ", " + i + ", 23");
            line("and.b32 " + i + ", " + i + ", 255");
            line("add.s32 " + i + ", " + i + ", -127");
            return op("cvt.rn.f32.s32", i);
        }
        line("mov.b64 " + i + ", " + reg(a));
        line("bfe.u64 " + i + ", " + i + ", 52, 11");
        line("add.s64 " + i + ", " + i + ", -1023");
        return op("cvt.rn.f64.s64", i);
    }

    @Override public String significand(String a) {
        String i = ireg();
        if (f32) {
            line("mov.b32 " + i + ", " + reg(a));
            line("and.b32 " + i + ", " + i + ", -2139095041"); // 0x807FFFFF
            line("or.b32 " + i + ", " + i + ", 1065353216"); // 0x3F800000
            return op("mov.b32", i);
        }
        line("mov.b64 " + i + ", " + reg(a));
        line("and.b64 " + i + ", " + i + ", -9218868437227405313"); // 0x800FFFFFFFFFFFFF
        line("or.b64 " + i + ", " + i + ", 4607182418800017408"); // 0x3FF0000000000000
        return op("mov.b64", i);
    }

    private String setp(String cmp, String a, String b) {
        String p = preg();
        line("setp." + cmp + "." + t + " " + p + ", " + a + ", " + b);
        return p;
    }

    @Override public String lt(String a, String b) { return setp("lt", a, b); }
    @Override public String le(String a, String b) { return setp("le", a, b); }
    @Override public String gt(String a, String b) { return setp("gt", a, b); }
    @Override public String ge(String a, String b) { return setp("ge", a, b); }
    @Override public String eq(String a, String b) { return setp("eq", a, b); }
    @Override public String isnan(String a) { String r = reg(a); return setp("nan", r, r); }

    private String pred(String ins, String... srcs) {
        String p = preg();
        line(ins + " " + p + ", " + String.join(", ", srcs));
        return p;
    }

    @Override public String and(String a, String b) { return pred("and.pred", a, b); }
    @Override public String or(String a, String b) { return pred("or.pred", a, b); }
    @Override public String not(String a) { return pred("not.pred", a); }

    @Override public String sel(String p, String a, String b) { return op("selp." + t, a, b, p); }

    @Override public java.util.List<String> branch(String p, Supplier<java.util.List<String>> sa, Supplier<java.util.List<String>> sb) {
        int n = ++labels;
        line("@!" + p + " bra $L__txc_else" + n);
        String[] va = sa.get().toArray(new String[0]);
        String[] r = new String[va.length];
        for (int i = 0; i < va.length; i++) {
            r[i] = freg();
            line("mov." + t + " " + r[i] + ", " + va[i]);
        }
        line("bra.uni $L__txc_end" + n);
        body.append("$L__txc_else").append(n).append(":\n");
        String[] vb = sb.get().toArray(new String[0]);
        for (int i = 0; i < vb.length; i++) line("mov." + t + " " + r[i] + ", " + vb[i]);
        body.append("$L__txc_end").append(n).append(":\n");
        return java.util.List.of(r);
    }

    @Override public String clearLow(String a) {
        String i = ireg();
        line("mov.b64 " + i + ", " + reg(a));
        line("and.b64 " + i + ", " + i + ", -4294967296"); // 0xFFFFFFFF00000000
        return op("mov.b64", i);
    }

    @Override public String table(double[] tab, String i) {
        String r = k(tab[0]);
        for (int j = 1; j < tab.length; j++) r = sel(eq(i, k(j)), k(tab[j]), r);
        return r;
    }
}
