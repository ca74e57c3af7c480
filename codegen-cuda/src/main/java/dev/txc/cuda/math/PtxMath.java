package dev.txc.cuda.math;

import dev.txc.ir.Op;
import dev.txc.types.DType;

import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * txc's PTX math routines: one {@code .func} per float elementwise op that PTX has no correctly rounded instruction
 * for, in f64 and f32, called as {@code call (%fd2), txc_exp_f64, (%fd1);}:
 * <pre>
 * .func (.reg .f64 %res) txc_&lt;op&gt;_f64(.reg .f64 %x)              (f32: .f32 and _f32)
 * .func (.reg .f64 %res) txc_&lt;op&gt;_f64(.reg .f64 %x, .reg .f64 %y) (pow, atan2)
 * </pre>
 * where {@code <op>} is the op's spelling in {@link Op}. Each routine is self-contained (it calls no other routine and
 * needs no module-level data), so a module carries each routine it calls once, in any order.
 *
 * <p>Every routine is an algorithm of {@link MathAlgorithms} rendered instruction by instruction ({@code add.rn},
 * {@code mul.rn}, {@code fma.rn}, {@code div.rn}, {@code sqrt.rn}, ... never an approximate instruction), and
 * {@link MathMirror} runs the same algorithm in Java, so the GPU gives the mirror's bits. exp, sigmoid and tanh follow
 * {@code dev.txc.runtime.Exp} step by step: the GPU gives the JVM backend's bits for them. The other ops' JVM forms
 * call {@code java.lang.Math}; the routines stay within {@link #ulpBound(String)} of {@code StrictMath} (or
 * commons-math3 for erf/erfc), measured by {@code MathMirrorTest} on 10^5 random arguments per routine. f32 routines
 * either compute in f32 (exp and sigmoid, as runtime.Exp does) or compute in f64 and round once, as the JVM backend's
 * {@code (float) Math.f((double) x)} forms do. Special values (NaN, infinities, signed zeros, overflow, underflow,
 * arguments outside the domain) give what {@code ScalarOps} gives.
 */
public final class PtxMath {
    private PtxMath() {}

    /** A unary algorithm; a method reference to a generic method of MathAlgorithms. */
    interface Unary {
        <V, P> V apply(MathOps<V, P> m, V x);
    }

    /** A binary algorithm. */
    interface Binary {
        <V, P> V apply(MathOps<V, P> m, V x, V y);
    }

    /**
     * One op's routines. {@code f32Native}: the f32 routine computes in f32 arithmetic (else in f64, rounded once).
     * The bounds are in ulps of the routine's type, against StrictMath / commons-math3 evaluated in f64 (and rounded,
     * for f32).
     */
    record Def(Op op, Unary unary, Binary binary, boolean f32Native, double ulpF64, double ulpF32, String note) {}

    private static final Map<Op, Def> DEFS = new EnumMap<>(Op.class);

    private static void def(Op op, Unary u, boolean f32Native, double ulpF64, double ulpF32, String note) {
        DEFS.put(op, new Def(op, u, null, f32Native, ulpF64, ulpF32, note));
    }

    private static void def2(Op op, Binary b, double ulpF64, double ulpF32, String note) {
        DEFS.put(op, new Def(op, null, b, false, ulpF64, ulpF32, note));
    }

    static {
        def2(Op.ATAN2, MathInverse::atan2, 1, 1, "fdlibm e_atan2.c on this atan");
        def(Op.EXP, MathAlgorithms::exp, true, 1, 2, "runtime.Exp step by step (the JVM backend's bits)");
        def(Op.SIGMOID, MathAlgorithms::sigmoid, true, 2, 3, "runtime.Exp.sigmoid step by step (the JVM backend's bits)");
        def(Op.TANH, MathAlgorithms::tanh, false, 3, 1, "runtime.Exp.tanh step by step (the JVM backend's bits)");
        def(Op.LOG, MathAlgorithms::log, false, 1, 1, "fdlibm e_log.c's polynomial");
        def(Op.LOG1P, MathAlgorithms::log1p, false, 2, 1, "fdlibm s_log1p.c");
        def(Op.EXPM1, MathAlgorithms::expm1, false, 2, 1, "txc's own: Taylor polynomial, one fma for 2^k p + 2^k - 1");
        def(Op.EXP2, MathAlgorithms::exp2, false, 1, 1, "txc's own: 2^k e^(f ln 2); exact for integers");
        def(Op.LOG2, MathAlgorithms::log2, false, 2, 1, "ScalarOps.log2's algorithm on fdlibm's log; exact for powers of 2");
        def(Op.LOG10, MathAlgorithms::log10, false, 2, 1, "fdlibm e_log10.c");
        def(Op.SOFTPLUS, MathAlgorithms::softplus, false, 3, 1, "ScalarOps.softplus's formula on these exp and log1p");
        def(Op.SIN, MathTrig::sin, false, 1, 1, "fdlibm k_sin.c/k_cos.c on txc's reduction (MathTrig)");
        def(Op.COS, MathTrig::cos, false, 1, 1, "fdlibm k_sin.c/k_cos.c on txc's reduction (MathTrig)");
        def(Op.TAN, MathTrig::tan, false, 1, 1, "fdlibm k_tan.c on txc's reduction (MathTrig)");
        def(Op.ASIN, MathInverse::asin, false, 1, 1, "fdlibm e_asin.c");
        def(Op.ACOS, MathInverse::acos, false, 1, 1, "fdlibm e_acos.c");
        def(Op.ATAN, MathInverse::atan, false, 1, 1, "fdlibm s_atan.c");
        def(Op.SINH, MathAlgorithms::sinh, false, 3, 1, "fdlibm e_sinh.c on these exp and expm1");
        def(Op.COSH, MathAlgorithms::cosh, false, 3, 1, "fdlibm e_cosh.c on these exp and expm1");
        def(Op.ASINH, MathAlgorithms::asinh, false, 2, 1, "ScalarOps.asinh's formula on these log and log1p");
        def(Op.ACOSH, MathAlgorithms::acosh, false, 2, 1, "ScalarOps.acosh's formula on these log and log1p");
        def(Op.ATANH, MathAlgorithms::atanh, false, 2, 1, "ScalarOps.atanh's formula on this log1p");
    }

    /** True when txc has a routine for this op in this dtype. */
    public static boolean has(Op op, DType t) {
        return (t == DType.F32 || t == DType.F64) && DEFS.containsKey(op);
    }

    /** The routine's name, {@code txc_<op>_<dtype>}. */
    public static String name(Op op, DType t) {
        if (!has(op, t)) throw new IllegalArgumentException("no PTX math routine for " + op.spelling() + " in " + t.spelling());
        return "txc_" + op.spelling() + "_" + t.spelling();
    }

    /** The names of all routines. */
    public static Set<String> names() {
        Set<String> s = new LinkedHashSet<>();
        for (Op op : DEFS.keySet()) {
            s.add(name(op, DType.F64));
            s.add(name(op, DType.F32));
        }
        return s;
    }

    /** The ops that have routines. */
    public static Set<Op> ops() {
        return DEFS.keySet();
    }

    /** The routines a routine calls: none (each routine is self-contained). */
    public static List<String> dependencies(String name) {
        lookup(name);
        return List.of();
    }

    /** The {@code .func} text of the named routine. */
    public static String routine(String name) {
        Def d = lookup(name);
        boolean f32 = name.endsWith("_f32");
        boolean inner = f32 && d.f32Native();
        if (d.unary() != null)
            return PtxEmitter.function(name, f32, inner, 1, (e, a) -> d.unary().apply(e, a[0]));
        return PtxEmitter.function(name, f32, inner, 2, (e, a) -> d.binary().apply(e, a[0], a[1]));
    }

    /** The text of the named routines and every routine they depend on, each once. */
    public static String routines(Collection<String> names) {
        List<String> out = new ArrayList<>();
        for (String n : new LinkedHashSet<>(names)) out.add(routine(n));
        return String.join("\n", out);
    }

    /** The routine's documented error bound, in ulps of its type (see the class comment). */
    public static double ulpBound(String name) {
        Def d = lookup(name);
        return name.endsWith("_f32") ? d.ulpF32() : d.ulpF64();
    }

    /** The op's routines, its f32 routine's arithmetic and the source of its algorithm. */
    static Def def(String name) {
        return lookup(name);
    }

    private static Def lookup(String name) {
        if (name.startsWith("txc_") && (name.endsWith("_f64") || name.endsWith("_f32"))) {
            Op op = Op.bySpelling(name.substring(4, name.length() - 4));
            if (op != null && DEFS.containsKey(op)) return DEFS.get(op);
        }
        throw new IllegalArgumentException("no PTX math routine named " + name);
    }
}
