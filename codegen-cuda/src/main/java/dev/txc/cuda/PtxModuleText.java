package dev.txc.cuda;

import dev.txc.ir.Op;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.function.Function;

/**
 * The text of a PTX module: the target's header, the module's error word, each routine its entries call once (its
 * text from the math library, or an {@code .extern} declaration where the library has none, which only a relocatable
 * ptxas -c accepts), then the entries.
 */
public final class PtxModuleText {
    private PtxModuleText() {}

    /**
     * The error word: kernels store a nonzero code where the JVM would throw (1: an integer to a negative integer
     * power); the host reads and clears it after running a function.
     */
    public static final String ERROR_WORD = ".visible .global .align 4 .u32 txc_error;\n";

    /** Module text; {@code routine} gives a routine's text by name, or null. */
    public static String of(PtxTarget target, Collection<PtxEntry> entries, Function<String, String> routine) {
        var sb = new StringBuilder(target.header()).append('\n').append(ERROR_WORD).append('\n');
        var names = new LinkedHashSet<String>();
        for (PtxEntry e : entries) names.addAll(new java.util.TreeSet<>(e.routines()));
        for (String r : names) {
            String text = routine.apply(r);
            sb.append(text != null ? text : extern(r)).append('\n');
        }
        for (PtxEntry e : entries) sb.append(e.text()).append('\n');
        return sb.toString();
    }

    /** The declaration of routine txc_NAME_f64 (or _f32): as many operands as op NAME takes. */
    static String extern(String routine) {
        String fn = routine.substring(4, routine.length() - 4);
        String t = routine.endsWith("_f32") ? ".f32" : ".f64";
        Op op = Op.bySpelling(fn);
        int arity = op == null ? 1 : op.arity();
        var sb = new StringBuilder(".extern .func (.reg " + t + " %r) " + routine + " (");
        for (int i = 0; i < arity; i++) sb.append(i > 0 ? ", " : "").append(".reg ").append(t).append(" %x").append(i);
        return sb.append(");\n").toString();
    }
}
