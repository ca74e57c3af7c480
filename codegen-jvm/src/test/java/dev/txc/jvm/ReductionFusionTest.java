package dev.txc.jvm;

import static org.junit.jupiter.api.Assertions.*;

import dev.txc.frontend.Frontend;
import dev.txc.ir.Function;
import dev.txc.ir.Interpreter;
import dev.txc.ir.Module;
import dev.txc.ir.Op;
import dev.txc.ir.Tensor;
import dev.txc.ir.kernel.Lowering;
import dev.txc.opt.PassContext;
import dev.txc.opt.Pipeline;
import dev.txc.runtime.NDArray;
import dev.txc.types.DType;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Sums and means that end a fused kernel (over all axes or the last one) give the interpreter's values (Neumaier
 * sums) with vector loops and without: on contiguous, broadcast and transposed operands, empty spaces and rows, NaN,
 * and spaces large enough to be split across threads and cut into blocks.
 */
class ReductionFusionTest {
    private static final String SOURCE = """
        fn f(x: FX[n, m], y: FX[m]) = (sum(exp(-x * x) * y), mean(x * y, axis=1), sum(tanh(x) + 1, axis=-1, keepdims=true), mean(x - y, keepdims=true))
        fn t(x: FX[n, m]) = (sum(x.T * 2, axis=1), mean(abs(x.T)))
        fn v(x: FX[n]) = (sum(x * x), mean(sigmoid(x)))
        """;

    private static Module compile(DType d) {
        var c = Frontend.compileText("r.tx", SOURCE.replace("FX", d.spelling()), Frontend.Options.defaults());
        assertTrue(c.ok(), () -> c.diagnostics().toString());
        return Pipeline.run(c.module(), Pipeline.Stage.LOWERED, new PassContext(2, DType.F64));
    }

    @Test
    void fusedReductionsMatchTheInterpreter() {
        var r = new Random(3);
        for (DType d : List.of(DType.F64, DType.F32)) {
            Module m = compile(d);
            for (String fn : List.of("f", "t", "v")) {
                long reductions = Lowering.kernels(m.function(fn)).values().stream().filter(k -> k.kernel().reduction() != null).count();
                assertTrue(reductions >= 2, fn + ": every reduction of a computed value is fused (" + reductions + ")");
            }
            int[][] shapes = {{3, 37}, {1, 1}, {0, 5}, {4, 0}, {2, 70_000}, {600, 129}};
            for (int[] s : shapes) {
                var x = random(r, d, s[0], s[1]);
                check(m.function("f"), Map.of("x", x, "y", random(r, d, s[1])), d + " f " + s[0] + "x" + s[1]);
                check(m.function("t"), Map.of("x", x), d + " t " + s[0] + "x" + s[1]);
            }
            for (int n : new int[] {0, 1, 7, 100_003}) check(m.function("v"), Map.of("x", random(r, d, n)), d + " v " + n);
            // Infinite terms: the sum is infinite (not the NaN of a compensation inf - inf), or NaN for inf - inf.
            var v = m.function("v");
            check(v, Map.of("x", Tensor.fromDoubles(d, new int[] {3}, new double[] {Double.POSITIVE_INFINITY, 1, 2})), d + " inf");
            check(v, Map.of("x", Tensor.fromDoubles(d, new int[] {2}, new double[] {1e200, 1e200})), d + " overflow");
            check(m.function("f"), Map.of("x", Tensor.fromDoubles(d, new int[] {1, 2}, new double[] {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}),
                    "y", Tensor.fromDoubles(d, new int[] {2}, new double[] {1, 1})), d + " inf - inf");
            var withNan = random(r, d, 2, 9).toDoubles();
            withNan[10] = Double.NaN;
            check(m.function("t"), Map.of("x", Tensor.fromDoubles(d, new int[] {2, 9}, withNan)), d + " NaN");
        }
    }

    private static Tensor random(Random r, DType d, int... shape) {
        double[] v = new double[Tensor.size(shape)];
        for (int i = 0; i < v.length; i++) v[i] = r.nextGaussian();
        return Tensor.fromDoubles(d, shape, v);
    }

    private static void check(Function f, Map<String, Tensor> args, String what) {
        var expect = Interpreter.run(f, args, n -> null).outputs();
        for (boolean vectors : List.of(false, true)) {
            var fn = JvmCompiler.load(JvmCompiler.compile(f, List.of(), vectors));
            NDArray[] in = new NDArray[f.params().size()];
            for (int k = 0; k < in.length; k++) in[k] = Tensors.toNd(args.get(f.paramName(k)));
            NDArray[] out = fn.call(in, new NDArray[0]);
            for (int k = 0; k < expect.size(); k++) {
                Tensor e = expect.get(k), g = Tensors.fromNd(out[k]);
                String at = what + (vectors ? " vector" : " scalar") + " output " + k;
                assertArrayEquals(e.shape(), g.shape(), at + " shape");
                assertEquals(e.dtype(), g.dtype(), at + " dtype");
                double[] ev = e.toDoubles(), gv = g.toDoubles();
                double rel = e.dtype() == DType.F32 ? 2e-6 : 1e-12;
                for (int i = 0; i < ev.length; i++) {
                    if (Double.isNaN(ev[i])) assertTrue(Double.isNaN(gv[i]), at + " element " + i + " NaN");
                    else assertEquals(ev[i], gv[i], rel * Math.max(1, Math.abs(ev[i])), at + " element " + i);
                }
            }
        }
    }

    @Test
    void aReductionOfAParameterAloneStaysARuntimeCall() {
        var c = Frontend.compileText("s.tx", "fn s(x: f64[n, m]) = (sum(x), sum(x * 2, axis=0))\n", Frontend.Options.defaults());
        Module s = Pipeline.run(c.module(), Pipeline.Stage.LOWERED, new PassContext(2, DType.F64));
        var body = dev.txc.ir.Graphs.reachable(s.function("s").roots());
        assertTrue(body.stream().anyMatch(n -> n.op() == Op.SUM && n.level() < 0), "sum(x) has nothing to fuse");
        assertTrue(body.stream().anyMatch(n -> n.op() == Op.SUM && n.attrs().longs("axes").equals(List.of(0L)) && n.level() < 0),
                "a sum over the leading axis is not a kernel epilogue");
    }
}
