package dev.txc.jvm;

import static org.junit.jupiter.api.Assertions.*;

import dev.txc.frontend.Frontend;
import dev.txc.ir.Function;
import dev.txc.ir.Module;
import dev.txc.ir.SharedVar;
import dev.txc.opt.PassContext;
import dev.txc.opt.Pipeline;
import dev.txc.runtime.CompiledFunction;
import dev.txc.runtime.NDArray;
import dev.txc.types.DType;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Updates written into a shared variable's buffer keep Theano's semantics: outputs and other updates see old values. */
class InPlaceUpdateTest {
    static final String SRC = """
        shared w: f64[3] = [1, 2, 3]
        shared v: f64[3] = [0, 0, 0]
        fn step(g: f64[3]) {
            w := w - 0.5 * g
            return sum(w)
        }
        fn stepReturningW(g: f64[3]) {
            w := w - 0.5 * g
            return w
        }
        fn swap() {
            w := v
            v := w
        }
        fn both(g: f64[3]) {
            w := w * 2 + g
            v := w + 1
        }
        fn view(g: f64[3]) {
            w := w + g
            return w[::-1]
        }
        """;

    static Module module() {
        var c = Frontend.compileText("t.tx", SRC, Frontend.Options.defaults());
        assertTrue(c.ok(), () -> c.diagnostics().toString());
        return Pipeline.run(c.module(), Pipeline.Stage.LOWERED, new PassContext(2, DType.F64));
    }

    static CompiledFunction load(Module m, String fn) {
        return JvmCompiler.load(JvmCompiler.compile(m.function(fn), m.shared().stream().map(SharedVar::name).toList()));
    }

    static NDArray vec(double... v) {
        return NDArray.ofDoubles(v, v.length);
    }

    @Test
    void stepWritesInPlaceAndReturnsTheOldValue() {
        Module m = module();
        assertTrue(JvmCompiler.textify(JvmCompiler.compile(m.function("step"), List.of("w", "v")).bytes()).contains("prepareInto"));
        CompiledFunction step = load(m, "step");
        NDArray w = vec(1, 2, 3).copy();
        NDArray[] shared = {w, vec(0, 0, 0)};
        // Without targets, nothing is written in place.
        NDArray[] fresh = step.call(new NDArray[] {vec(1, 1, 1)}, shared);
        assertEquals(vec(0.5, 1.5, 2.5), fresh[1]);
        assertEquals(vec(1, 2, 3), w);
        NDArray[] out = step.call(new NDArray[] {vec(1, 1, 1)}, shared, shared);
        assertEquals(NDArray.scalar(6.0), out[0], "the output sees the old w");
        assertEquals(vec(0.5, 1.5, 2.5), out[1], "the update");
        assertSame(w.heapArray(), out[1].heapArray(), "written into w's own buffer");
        // Returning w itself: the update is not in place, and the returned old value is a copy.
        NDArray w2 = vec(1, 2, 3).copy();
        NDArray[] shared2 = {w2, vec(0, 0, 0)};
        out = load(m, "stepReturningW").call(new NDArray[] {vec(1, 1, 1)}, shared2, shared2);
        assertEquals(vec(1, 2, 3), out[0]);
        assertEquals(vec(0.5, 1.5, 2.5), out[1]);
        assertNotSame(w2.heapArray(), out[0].heapArray());
        assertEquals(vec(1, 2, 3), w2, "the caller's w is untouched");
    }

    @Test
    void swapAndReadersOfTheOldValueAreNotInPlace() {
        Module m = module();
        NDArray w = vec(1, 2, 3), v = vec(4, 5, 6);
        NDArray[] sv = {w, v};
        NDArray[] out = load(m, "swap").call(new NDArray[0], sv, sv);
        assertEquals(vec(4, 5, 6), out[0]);
        assertEquals(vec(1, 2, 3), out[1]);
        assertNotSame(w.heapArray(), out[1].heapArray(), "v's new value does not share w's buffer");
        NDArray[] sb = {vec(1, 2, 3), vec(0, 0, 0)};
        out = load(m, "both").call(new NDArray[] {vec(1, 1, 1)}, sb, sb);
        assertEquals(vec(3, 5, 7), out[0]);
        assertEquals(vec(2, 3, 4), out[1], "v sees the old w");
    }

    @Test
    void aViewOfTheVariableIsCopiedBeforeTheUpdate() {
        NDArray w = vec(1, 2, 3);
        NDArray[] sv = {w, vec(0, 0, 0)};
        NDArray[] out = load(module(), "view").call(new NDArray[] {vec(1, 1, 1)}, sv, sv);
        assertEquals(vec(3, 2, 1), out[0]);
        assertEquals(vec(2, 3, 4), out[1]);
    }
    static final String ROWS = """
        shared m: f64[5, 10] = zeros()
        fn rows(b: f64[10]) {
            m := m * 2 + b
        }
        fn flat(g: f64[5, 10]) {
            m := m - 0.5 * exp(g)
        }
        """;

    /**
     * Rows whose length is not a multiple of the vector's end with a vector that overlaps the loop's last one
     * (KernelEmitter.overlappedTail): written into the variable's own buffer, every element is still computed once
     * from the old value (a tail computed after the loop's stores would read updated elements: 2(2m + b) + b).
     */
    @Test
    void rowsWithAVectorTailUpdateInPlaceFromTheOldValues() {
        var c = Frontend.compileText("t.tx", ROWS, Frontend.Options.defaults());
        assertTrue(c.ok(), () -> c.diagnostics().toString());
        Module m = Pipeline.run(c.module(), Pipeline.Stage.LOWERED, new PassContext(2, DType.F64));
        var r = new java.util.Random(5);
        double[] m0 = new double[50], b = new double[10], g = new double[50];
        for (int i = 0; i < 50; i++) m0[i] = r.nextGaussian();
        for (int i = 0; i < 10; i++) b[i] = r.nextGaussian();
        for (int i = 0; i < 50; i++) g[i] = r.nextGaussian();
        for (String fn : List.of("rows", "flat")) {
            CompiledFunction f = JvmCompiler.load(JvmCompiler.compile(m.function(fn), List.of("m")));
            NDArray state = NDArray.ofDoubles(m0.clone(), 5, 10);
            NDArray[] sv = {state};
            NDArray arg = fn.equals("rows") ? NDArray.ofDoubles(b, 10) : NDArray.ofDoubles(g, 5, 10);
            for (int call = 0; call < 3; call++) {
                double[] before = state.toDoubleArray();
                NDArray[] out = f.call(new NDArray[] {arg}, sv, sv);
                assertSame(state.heapArray(), out[0].heapArray(), fn + ": written into m's own buffer");
                for (int i = 0; i < 50; i++) {
                    double want = fn.equals("rows") ? before[i] * 2 + b[i % 10] : before[i] - 0.5 * Math.exp(g[i]);
                    assertEquals(want, state.toDoubleArray()[i], 1e-15 * Math.max(1, Math.abs(want)), fn + " element " + i + " call " + call);
                }
            }
        }
    }
}
