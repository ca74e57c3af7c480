package dev.txc.opt;

import dev.txc.ir.Function;
import dev.txc.ir.Module;
import dev.txc.ir.Verifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.BiConsumer;

/**
 * The optimizer pipeline, one readable list: differentiation, canonicalize, const-fold, stabilize,
 * canonicalize again (stable forms expose more), scan-hoist, cse/dce, merging matrix-vector products that share their
 * matrix, elementwise fusion. Stages name points in the list;
 * {@code --opt-level 0} runs only differentiation, 1 adds the simplifications, 2 adds fusion.
 */
public final class Pipeline {
    private Pipeline() {}

    /** Points in the pipeline that dumps and backends refer to. */
    public enum Stage {
        PARSED, AD, OPT, FUSED, LOWERED;

        public String spelling() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Stage parse(String s) {
            for (Stage st : values()) if (st.spelling().equals(s)) return st;
            return null;
        }
    }

    /** A pass, the stage it belongs to, and the lowest --opt-level that runs it. */
    private record Step(Pass pass, Stage stage, int minLevel) {}

    private static List<Step> steps() {
        return List.of(
                new Step(new GradPass(), Stage.AD, 0),
                new Step(new Canonicalize(), Stage.OPT, 1),
                new Step(new ConstFold(), Stage.OPT, 1),
                new Step(new Stabilize(), Stage.OPT, 1),
                new Step(new Canonicalize(), Stage.OPT, 1),
                new Step(new ScanHoist(), Stage.OPT, 1),
                new Step(new CseDce(), Stage.OPT, 1),
                new Step(new SharedMatrixProducts(), Stage.FUSED, 2),
                new Step(new ElementwiseFusion(), Stage.FUSED, 2));
    }

    /** Runs the named passes in the given order on every function (for pass-level tests and tools). */
    public static Module runPasses(Module m, List<String> names, PassContext cx) {
        var passes = new ArrayList<Pass>();
        for (String n : names) {
            Pass p = steps().stream().map(Step::pass).filter(x -> x.name().equals(n)).findFirst().orElse(null);
            if (p == null) throw new IllegalArgumentException("no pass named '" + n + "' (passes: " + String.join(", ", passNames()) + ")");
            passes.add(p);
        }
        var fns = new ArrayList<Function>();
        for (Function f : m.functions()) {
            Function g = f;
            for (Pass p : passes) g = p.run(g, cx);
            fns.add(g);
        }
        return new Module(m.shared(), fns);
    }

    public static List<String> passNames() {
        return steps().stream().map(s -> s.pass().name()).distinct().toList();
    }

    /** Runs the passes that end at or before {@code upTo} on every function, calling {@code after} after each pass. */
    public static Module run(Module m, Stage upTo, PassContext cx, BiConsumer<String, Function> after) {
        var fns = new ArrayList<Function>();
        for (Function f : m.functions()) {
            Function g = f;
            for (Step s : steps()) {
                if (s.stage().ordinal() > upTo.ordinal()) break;
                if (cx.optLevel() < s.minLevel()) continue;
                Function before = g;
                g = s.pass().run(g, cx);
                if (VERIFY) {
                    Verifier.verify(g, true);
                    // Differentiation may type what it builds less precisely than the grad it replaces; the rewrites after
                    // it may not: -O2 must know what -O0 knows.
                    if (s.minLevel() > 0) keepsPrecision(before, g, s.pass().name());
                }
                if (after != null) after.accept(s.pass().name(), g);
            }
            fns.add(g);
        }
        return new Module(m.shared(), fns);
    }

    /**
     * Checks that a pass left no output or update less precisely typed than before: a dim known (or a dim variable)
     * does not become '?' and a known size does not become a dim variable. Backends need the static dims (a scan of zero
     * steps takes its output's inner shape from its type).
     */
    static void keepsPrecision(Function before, Function after, String pass) {
        List<dev.txc.ir.Node> a = before.roots(), b = after.roots();
        for (int k = 0; k < Math.min(a.size(), b.size()); k++) {
            if (!(a.get(k).type() instanceof dev.txc.types.TensorType x) || !(b.get(k).type() instanceof dev.txc.types.TensorType y) || x.rank() != y.rank()) continue;
            for (int d = 0; d < x.rank(); d++) {
                dev.txc.types.Dim u = x.dim(d), v = y.dim(d);
                if ((!(u instanceof dev.txc.types.Dim.Any) && v instanceof dev.txc.types.Dim.Any) || (u.isKnown() && !v.isKnown()))
                    throw new IllegalStateException(pass + " made the type of " + after.name() + "'s root " + k + " less precise: " + x + " -> " + y);
            }
        }
    }

    /** Runs the verifier after every pass; tests turn it on with {@code -Dtx.verify=true}. */
    private static final boolean VERIFY = Boolean.getBoolean("tx.verify");

    public static Module run(Module m, Stage upTo, PassContext cx) {
        return run(m, upTo, cx, null);
    }
}
