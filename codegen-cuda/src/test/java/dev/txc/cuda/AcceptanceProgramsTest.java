package dev.txc.cuda;

import static org.junit.jupiter.api.Assertions.*;

import dev.txc.ir.Function;
import dev.txc.ir.Interpreter;
import dev.txc.ir.Module;
import dev.txc.ir.Tensor;
import dev.txc.types.DType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Issue 12's acceptance programs compiled for CUDA at -O2: the logistic-regression {@code train} step (LANGUAGE.md
 * section 10, examples/logistic.tx), {@code dlogistic}, an MLP gradient, softmax over rows and a mix of row and
 * column reductions with {@code x @ x.T}. Each module assembles with ptxas for sm_80 and sm_90 (elementwise entries
 * without spills) and, run on the PTX interpreter through its host plan, gives the reference interpreter's values.
 */
class AcceptanceProgramsTest {
    static final String PROGRAMS = """
        fn dlogistic(x: f64[?, ?]) = grad(sum(1 / (1 + exp(-x))), x)
        fn mlp_grad(x: FX[n, 4], y: FX[n, 3], W1: FX[4, 8], b1: FX[8], W2: FX[8, 3], b2: FX[3]) {
            h = tanh(x @ W1 + b1)
            p = softmax(h @ W2 + b2)
            cost = -mean(sum(y * log(p), axis=1))
            g1, g2, g3, g4 = grad(cost, [W1, b1, W2, b2])
            return (cost, g1, g2, g3, g4)
        }
        fn softmax_rows(x: FX[n, m]) {
            e = exp(x - max(x, axis=1, keepdims=true))
            return (e / sum(e, axis=1, keepdims=true), softmax(x), log_softmax(x, axis=0))
        }
        fn rowcol(x: FX[n, m]) = (sum(x @ x.T, axis=0) + max(x, axis=1), mean(x, axis=0), x @ x.T - sum(x * x, axis=1, keepdims=true), argmax(x, axis=0))
        """;

    private static Module programs(DType d) {
        return CudaLoweringTest.compile(PROGRAMS.replace("FX", d.spelling()));
    }

    private static Module logistic() {
        try {
            return CudaLoweringTest.compile(Files.readString(Path.of("../examples/logistic.tx")));
        } catch (IOException e) {
            throw new AssertionError("examples/logistic.tx: " + e, e);
        }
    }

    private static List<String> sharedNames(Module m) {
        return m.shared().stream().map(dev.txc.ir.SharedVar::name).toList();
    }

    @Test
    void theAcceptanceProgramsAssemble() {
        Ptxas.assumePresent();
        var modules = new ArrayList<PtxModule>();
        Module lg = logistic();
        for (String fn : List.of("train", "prob", "predict", "accuracy")) modules.add(CudaLowering.lower(lg.function(fn), sharedNames(lg), PtxTarget.DEFAULT));
        for (DType d : List.of(DType.F64, DType.F32)) {
            Module m = programs(d);
            for (String fn : List.of("dlogistic", "mlp_grad", "softmax_rows", "rowcol")) modules.add(CudaLowering.lower(m.function(fn), List.of(), PtxTarget.DEFAULT));
        }
        for (PtxModule pm : modules) {
            assertFalse(pm.text().contains(".extern .func"), pm.plan().function() + " calls a routine the module lacks");
            for (int sm : new int[] {80, 90}) {
                String log = Ptxas.assemble(pm.text().replace(".target sm_80", ".target sm_" + sm), sm, false);
                var spills = Ptxas.spills(log).stream().filter(s -> s.startsWith("k")).toList();
                assertEquals(List.of(), spills, pm.plan().function() + ": elementwise entries spill");
            }
        }
    }

    @Test
    void theAcceptanceProgramsMatchTheInterpreterOnThePtxInterpreter() {
        var r = new Random(8);
        for (DType d : List.of(DType.F64, DType.F32)) {
            Module m = programs(d);
            for (int n : new int[] {1, 5, 40}) {
                run(m.function("dlogistic"), Map.of("x", random(r, DType.F64, n, 3)), Map.of(), "dlogistic " + n);
                run(m.function("mlp_grad"), Map.of("x", random(r, d, n, 4), "y", random(r, d, n, 3), "W1", random(r, d, 4, 8),
                        "b1", random(r, d, 8), "W2", random(r, d, 8, 3), "b2", random(r, d, 3)), Map.of(), d + " mlp_grad " + n);
                run(m.function("softmax_rows"), Map.of("x", random(r, d, n, 6)), Map.of(), d + " softmax_rows " + n);
                run(m.function("rowcol"), Map.of("x", random(r, d, n, 3)), Map.of(), d + " rowcol " + n);
            }
        }
        Module lg = logistic();
        for (int n : new int[] {1, 7, 300}) {
            var shared = Map.of("X", random(r, DType.F64, n, 5), "y", random(r, DType.F64, n), "w", random(r, DType.F64, 5), "b", random(r, DType.F64));
            for (String fn : List.of("train", "accuracy")) run(lg.function(fn), Map.of(), shared, "logistic " + fn + " " + n);
            run(lg.function("prob"), Map.of("x", random(r, DType.F64, 4, 5)), shared, "logistic prob");
        }
    }

    static final String MOVES = """
        fn moves(x: f64[n, m], i: i64) = (x[i], x[-1] * 2.0, x[:, 1:], concatenate([x, x * 3.0], axis=1), concatenate([x, x], axis=0), diag(x @ x.T))
        fn dmoves(x: f64[n, m]) = grad(sum(x[1:, ::2] * 3.0) + sum(diag(x) * 2.0) + sum(concatenate([x, x * x], axis=0)), x)
        """;

    @Test
    void dataMovementMatchesTheInterpreterOnThePtxInterpreter() {
        Ptxas.assumePresent();
        Module m = CudaLoweringTest.compile(MOVES);
        var r = new Random(9);
        for (String fn : List.of("moves", "dmoves")) {
            PtxModule pm = CudaLowering.lower(m.function(fn), List.of(), PtxTarget.DEFAULT);
            for (int sm : new int[] {80, 90}) Ptxas.assemble(pm.text().replace(".target sm_80", ".target sm_" + sm), sm, false);
        }
        for (int[] s : new int[][] {{3, 4}, {1, 5}, {6, 2}}) {
            var x = random(r, DType.F64, s[0], s[1]);
            run(m.function("moves"), Map.of("x", x, "i", Tensor.scalarLong(DType.I64, s[0] - 1)), Map.of(), "moves " + s[0] + "x" + s[1]);
            run(m.function("moves"), Map.of("x", x, "i", Tensor.scalarLong(DType.I64, -s[0])), Map.of(), "moves, negative index");
            run(m.function("dmoves"), Map.of("x", x), Map.of(), "dmoves " + s[0] + "x" + s[1]);
        }
        var x = random(r, DType.F64, 2, 3);
        var pm = CudaLowering.lower(m.function("moves"), List.of(), PtxTarget.DEFAULT);
        var e = assertThrows(IllegalStateException.class,
                () -> new SimPlanRunner(pm.plan(), 3).call(List.of(x, Tensor.scalarLong(DType.I64, 2)), List.of()));
        assertEquals("index is out of bounds for axis 0", e.getMessage());
    }

    private static void run(Function f, Map<String, Tensor> args, Map<String, Tensor> shared, String what) {
        var names = new ArrayList<>(shared.keySet());
        java.util.Collections.sort(names);
        PtxModule pm = CudaLowering.lower(f, names, PtxTarget.DEFAULT);
        var expect = Interpreter.run(f, args, shared::get);
        var in = new ArrayList<Tensor>();
        for (int k = 0; k < f.params().size(); k++) in.add(args.get(f.paramName(k)));
        var sh = new ArrayList<Tensor>();
        for (String s : names) sh.add(shared.get(s));
        List<Tensor> got = new SimPlanRunner(pm.plan(), 3).call(in, sh);
        var want = new ArrayList<>(expect.outputs());
        for (var u : f.updates()) want.add(expect.updates().get(u.shared()));
        assertEquals(want.size(), got.size(), what);
        for (int k = 0; k < want.size(); k++) close(want.get(k), got.get(k), what + " result " + k);
    }

    static void close(Tensor e, Tensor g, String at) {
        assertArrayEquals(e.shape(), g.shape(), at + " shape");
        assertEquals(e.dtype(), g.dtype(), at + " dtype");
        double[] ev = e.toDoubles(), gv = g.toDoubles();
        // f32 matmul accumulates in f32 on the GPU (DECISIONS), so f32 results agree to a few f32 roundings
        double rel = e.dtype() == DType.F32 ? 2e-5 : 1e-12;
        for (int i = 0; i < ev.length; i++) {
            if (Double.isNaN(ev[i])) assertTrue(Double.isNaN(gv[i]), at + " element " + i + " NaN");
            else assertEquals(ev[i], gv[i], rel * Math.max(1, Math.abs(ev[i])), at + " element " + i);
        }
    }

    private static Tensor random(Random r, DType d, int... shape) {
        double[] v = new double[Tensor.size(shape)];
        for (int i = 0; i < v.length; i++) v[i] = r.nextGaussian();
        return Tensor.fromDoubles(d, shape, v);
    }
}
