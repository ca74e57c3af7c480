package dev.txc.opt;

import dev.txc.ir.Function;
import dev.txc.ir.Module;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.BiConsumer;

/**
 * The optimizer pipeline, one readable list: differentiation, then (with the optimizer issue) canonicalize,
 * const-fold, cse/dce, stabilize, elementwise fusion and lowering. Stages name points in the list.
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

    private record Step(Pass pass, Stage stage) {}

    private static List<Step> steps() {
        return List.of(new Step(new GradPass(), Stage.AD));
    }

    public static List<String> passNames() {
        return steps().stream().map(s -> s.pass().name()).toList();
    }

    /** Runs the passes that end at or before {@code upTo} on every function, calling {@code after} after each pass. */
    public static Module run(Module m, Stage upTo, PassContext cx, BiConsumer<String, Function> after) {
        var fns = new ArrayList<Function>();
        for (Function f : m.functions()) {
            Function g = f;
            for (Step s : steps()) {
                if (s.stage().ordinal() > upTo.ordinal()) break;
                g = s.pass().run(g, cx);
                if (after != null) after.accept(s.pass().name(), g);
            }
            fns.add(g);
        }
        return new Module(m.shared(), fns);
    }

    public static Module run(Module m, Stage upTo, PassContext cx) {
        return run(m, upTo, cx, null);
    }
}
