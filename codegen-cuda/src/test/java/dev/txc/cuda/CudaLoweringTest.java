package dev.txc.cuda;

import static org.junit.jupiter.api.Assertions.*;

import dev.txc.frontend.Frontend;
import dev.txc.ir.Module;
import dev.txc.opt.PassContext;
import dev.txc.opt.Pipeline;
import dev.txc.runtime.cuda.plan.HostPlan;
import dev.txc.types.DType;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Whole functions compiled for CUDA at -O2: the module assembles for sm_80 and sm_90 (elementwise entries without
 * spills), and the host plan allocates, views and launches as the kernels' parameters require.
 */
class CudaLoweringTest {
    static Module compile(String source) {
        var c = Frontend.compileText("t.tx", source, Frontend.Options.defaults());
        assertTrue(c.ok(), () -> c.diagnostics().toString());
        return Pipeline.run(c.module(), Pipeline.Stage.LOWERED, new PassContext(2, DType.F64));
    }

    static PtxModule lower(Module m, String fn, PtxTarget target) {
        return CudaLowering.lower(m.function(fn), m.shared().stream().map(dev.txc.ir.SharedVar::name).toList(), target);
    }

    static void assemblesWithoutSpills(PtxModule pm) {
        for (int sm : new int[] {80, 90}) {
            String text = pm.text().replace(".target sm_" + pm.target().sm(), ".target sm_" + sm);
            String log = Ptxas.assemble(text, sm, text.contains(".extern .func"));
            assertEquals(List.of(), Ptxas.spills(log), pm.plan().function() + ": entries spill");
        }
    }

    static final String ELEMENTWISE = """
        fn dlogistic(x: f64[?, ?]) = grad(sum(1 / (1 + exp(-x))), x)
        fn f(x: FX[n, m], y: FX[m]) = (sum(exp(-x * x) * y), mean(x * y, axis=1), sum(tanh(x) + 1, axis=-1, keepdims=true), mean(x - y, keepdims=true))
        fn t(x: FX[n, m]) = (sum(x.T * 2, axis=1), mean(abs(x.T)))
        fn v(x: FX[n]) = (sum(x * x), mean(sigmoid(x)))
        fn g(a: i32[n], b: i32[n], c: u8[n]) = (where(a > b, a // b, a % b), c * c + 1, a ** 2, cast(c, i8) > 3 or a == b)
        """;

    @Test
    void elementwiseAndFusedReductionFunctionsAssemble() {
        Ptxas.assumePresent();
        for (DType d : List.of(DType.F64, DType.F32)) {
            Module m = compile(ELEMENTWISE.replace("FX", d.spelling()));
            for (String fn : List.of("dlogistic", "f", "t", "v", "g")) {
                for (PtxTarget target : List.of(PtxTarget.DEFAULT, new PtxTarget(90))) {
                    PtxModule pm = lower(m, fn, target);
                    assertTrue(pm.text().startsWith(target.header()), pm.text());
                    assemblesWithoutSpills(pm);
                }
            }
        }
    }

    @Test
    void aTransposedOperandIsAViewReadWithItsStrides() {
        Module m = compile(ELEMENTWISE.replace("FX", "f64"));
        var plan = lower(m, "t", PtxTarget.DEFAULT).plan();
        var views = plan.steps().stream().filter(s -> s instanceof HostPlan.View).map(s -> (HostPlan.View) s).toList();
        assertFalse(views.isEmpty(), plan.steps().toString());
        HostPlan.View t = views.getFirst();
        assertEquals(List.of(new HostPlan.DimOf(0, 1), new HostPlan.DimOf(0, 0)), t.shape());
        assertEquals(List.of(new HostPlan.StrideOf(0, 1), new HostPlan.StrideOf(0, 0)), t.strides());
        var launches = plan.steps().stream().filter(s -> s instanceof HostPlan.Launch).map(s -> (HostPlan.Launch) s).toList();
        // sum(x.T * 2, axis=1) reads the view: its strides are arguments, and the flat path needs contiguity
        var first = launches.getFirst();
        assertTrue(first.args().contains(new HostPlan.Ptr(t.value())), first.toString());
        assertTrue(first.args().contains(new HostPlan.Int(new HostPlan.BroadcastStride(t.value(), 1, 2))), first.toString());
    }

    @Test
    void aReductionOverAllAxesRunsTwoPasses() {
        Module m = compile(ELEMENTWISE.replace("FX", "f32"));
        var plan = lower(m, "v", PtxTarget.DEFAULT).plan();
        var entries = plan.steps().stream().filter(s -> s instanceof HostPlan.Launch).map(s -> ((HostPlan.Launch) s).entry()).toList();
        assertTrue(entries.contains("txc_finish_sum_f32") && entries.contains("txc_finish_mean_f32"), entries.toString());
        var allocs = plan.steps().stream().filter(s -> s instanceof HostPlan.Alloc).map(s -> (HostPlan.Alloc) s).toList();
        // the partials: one f64 per block of the first pass, between 1 and 1024 of them
        assertTrue(allocs.stream().anyMatch(a -> plan.dtypes().get(a.value()).equals("f64") && a.shape().getFirst() instanceof HostPlan.Max), allocs.toString());
        assertEquals(List.of(), allocs.getFirst().shape(), "sum(x * x) is a scalar");
    }

    @Test
    void everyOpOfTheOpTableHasACudaPlan() {
        // scan was the last op refused; a function with scan, arange, x[i]'s adjoint and float // now lowers
        Module m = compile("fn s(x: f64[n]) = (scan i in 0..shape(x)[0] { x * 2.0 // 3.0 + x[i] }, grad(sum(x[1]), x))\n");
        var plan = lower(m, "s", PtxTarget.DEFAULT).plan();
        assertTrue(plan.steps().stream().anyMatch(s -> s instanceof HostPlan.Scan), plan.steps().toString());
        assertTrue(plan.steps().stream().anyMatch(s -> s instanceof HostPlan.Arange), plan.steps().toString());
    }
}
