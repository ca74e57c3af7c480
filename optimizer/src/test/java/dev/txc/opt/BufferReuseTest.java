package dev.txc.opt;

import static org.junit.jupiter.api.Assertions.*;

import dev.txc.ir.kernel.BufferReuse;
import dev.txc.frontend.Frontend;
import dev.txc.ir.Function;
import dev.txc.ir.Module;
import dev.txc.ir.Node;
import dev.txc.ir.Op;
import dev.txc.types.DType;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/** Which updates may write into their variable's buffer, decided on the IR alone (no backend). */
class BufferReuseTest {
    static final String SRC = """
        shared w: f64[3] = [1, 2, 3]
        shared v: f64[3] = [0, 0, 0]
        shared d: f64[?] = load("d.npy")
        fn step(g: f64[3]) {
            w := w - 0.5 * g
            return sum(w)
        }
        fn returnsW(g: f64[3]) {
            w := w - 0.5 * g
            return w
        }
        fn returnsAView(g: f64[3]) {
            w := w + g
            return w[::-1]
        }
        fn swap() {
            w := v
            v := w
        }
        fn both(g: f64[3]) {
            w := w * 2 + g
            v := w + 1
        }
        fn reversed(g: f64[3]) {
            w := w[::-1] + g
        }
        fn broadcast(g: f64[3]) {
            v := w[0:1] * g
        }
        fn dynamic() {
            d := d * 2
        }
        fn sameValue(g: f64[3]) {
            w := g * 2
            v := g * 2
        }
        fn twoSteps(g: f64[3]) {
            w := exp(w) - g
            v := v * g
            return sum(g)
        }
        """;

    static Module module(Pipeline.Stage stage, int level) {
        var c = Frontend.compileText("t.tx", SRC, Frontend.Options.defaults());
        assertTrue(c.ok(), () -> c.diagnostics().toString());
        return Pipeline.run(c.module(), stage, new PassContext(level, DType.F64));
    }

    /** The variable each target writes, keyed by the name of the variable whose update value the node is. */
    static Map<String, String> targets(Module m, String fn) {
        Function f = m.function(fn);
        BufferReuse r = BufferReuse.of(f);
        var byUpdate = new LinkedHashMap<String, String>();
        for (var u : f.updates()) if (r.targets().containsKey(u.value())) byUpdate.put(u.shared(), r.targets().get(u.value()));
        assertEquals(r.targets().size(), byUpdate.size(), "every target is an update's value");
        return byUpdate;
    }

    /** Fused (level 2) and unfused (level 1: plain elementwise nodes) IR give the same answers. */
    @ParameterizedTest
    @EnumSource(value = Pipeline.Stage.class, names = {"OPT", "FUSED"})
    void updatesThatMayWriteIntoTheirVariable(Pipeline.Stage stage) {
        Module m = module(stage, stage == Pipeline.Stage.OPT ? 1 : 2);
        // the output sum(w) reads the old w, but is computed before the update (outputs are scheduled first)
        assertEquals(Map.of("w", "w"), targets(m, "step"));
        // the caller gets the old w itself, or a view of it: its buffer must survive the call
        assertEquals(Map.of(), targets(m, "returnsW"));
        assertEquals(Map.of(), targets(m, "returnsAView"));
        // an update that is a variable (no kernel computes it) has no buffer to write
        assertEquals(Map.of(), targets(m, "swap"));
        // v := w + 1 runs after w's update and reads the old w, so w's update may not overwrite it; v's may
        assertEquals(Map.of("v", "v"), targets(m, "both"));
        // element i of the new w needs element 2-i of the old one
        assertEquals(Map.of(), targets(m, "reversed"));
        // writes v, reads only w (through a view and a broadcast): v's buffer is free
        assertEquals(Map.of("v", "v"), targets(m, "broadcast"));
        // a ? dim: the new value's shape is known only at run time
        assertEquals(Map.of(), targets(m, "dynamic"));
        // one node is the value of both updates: written into either buffer, both variables would share it
        assertEquals(Map.of(), targets(m, "sameValue"));
        assertEquals(Map.of("w", "w", "v", "v"), targets(m, "twoSteps"));
    }

    @Test
    void stateAliasesAreTheVariablesAndTheirViews() {
        Module m = module(Pipeline.Stage.FUSED, 2);
        BufferReuse r = BufferReuse.of(m.function("returnsAView"));
        Node root = m.function("returnsAView").outputs().getFirst().value();
        assertTrue(r.stateAliases().contains(root), "w[::-1] views w");
        assertTrue(r.stateAliases().stream().anyMatch(n -> n.op() == Op.SHARED && n.attrs().str("name").equals("w")));
        assertTrue(r.stateAliases().stream().allMatch(n -> n.op() == Op.SHARED || n.op().kind() == Op.Kind.VIEW));
        assertTrue(BufferReuse.of(m.function("dynamic")).targets().isEmpty());
    }
}
