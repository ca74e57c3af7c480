package dev.txc.cuda;

import static org.junit.jupiter.api.Assertions.*;

import dev.txc.ir.Function;
import dev.txc.ir.Interpreter;
import dev.txc.ir.Ir;
import dev.txc.ir.IrTypeException;
import dev.txc.ir.Module;
import dev.txc.ir.Node;
import dev.txc.ir.Op;
import dev.txc.ir.Tensor;
import dev.txc.ir.kernel.ElementwiseOps;
import dev.txc.types.DType;
import dev.txc.types.TensorType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Rendered kernels run on the PTX interpreter (through their host plans) give the reference interpreter's values:
 * every elementwise op at every dtype the type rules accept, on contiguous operands (flat path) and on a transposed
 * one (strided path), with special values among random ones; and whole functions with fused reductions, broadcasts
 * and views on several shapes, with the grid capped so that grid-stride loops run more than once.
 */
class PtxSimDifferentialTest {
    private static final int ROWS = 3, COLS = 7;
    private static final double[] SPECIAL = {0.0, -0.0, 1.0, -1.0, 0.5, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};

    @Test
    void everyOpAndDtypeMatchesTheInterpreter() {
        var r = new Random(12);
        int cases = 0;
        for (Op op : Op.values()) {
            if (!ElementwiseOps.of(op).elementwise() || op == Op.BROADCAST_TO) continue;
            for (DType d : DType.values())
                for (DType target : op == Op.CAST ? List.of(DType.values()) : List.of(d))
                    for (boolean transposed : List.of(false, true)) {
                        Function f = function(op, d, target, transposed);
                        if (f == null) continue;
                        String what = op.spelling() + " " + d.spelling() + "->" + target.spelling() + (transposed ? " transposed" : "");
                        PtxModule pm = CudaLowering.lower(f, List.of(), PtxTarget.DEFAULT);
                        cases++;
                        check(f, pm, inputs(f, r), what, 2);
                    }
        }
        assertTrue(cases > 250, "op x dtype cases: " + cases);
        System.out.println("PtxSimDifferentialTest: " + cases + " op x dtype x layout cases run");
    }

    private static Function function(Op op, DType d, DType target, boolean transposed) {
        var params = new ArrayList<Node>();
        var args = new ArrayList<Node>();
        for (int k = 0; k < op.arity(); k++) {
            DType t = op == Op.WHERE && k == 0 ? DType.BOOL : d;
            boolean flip = transposed && k == 0;
            Node p = Ir.param("a" + k, flip ? TensorType.of(t, COLS, ROWS) : TensorType.of(t, ROWS, COLS));
            params.add(p);
            args.add(flip ? Ir.op(Op.TRANSPOSE, List.of(p), "perm", List.of(1L, 0L)) : p);
        }
        Node out;
        try {
            out = op == Op.CAST ? Ir.op(op, args, "dtype", target) : Ir.op(op, args);
        } catch (IrTypeException e) {
            return null;
        }
        return new Function("f", params, Map.of(), List.of(new Function.Output("y", out)), List.of(), Map.of());
    }

    private static Map<String, Tensor> inputs(Function f, Random r) {
        var m = new HashMap<String, Tensor>();
        for (Node p : f.params()) {
            DType d = p.dtype();
            int[] shape = p.tt().dims().stream().mapToInt(dim -> (int) ((dev.txc.types.Dim.Known) dim).size()).toArray();
            int n = Tensor.size(shape);
            double[] v = new double[n];
            for (int i = 0; i < v.length; i++) {
                v[i] = switch (d) {
                    case F32, F64 -> i % 3 == 0 ? SPECIAL[(i / 3 + p.attrs().str("name").length()) % SPECIAL.length] : 3 * r.nextGaussian();
                    case BOOL -> r.nextInt(2);
                    case U8 -> r.nextInt(256);
                    case I8 -> r.nextInt(256) - 128;
                    case I16, I32, I64 -> r.nextInt(19) - 9;
                };
            }
            m.put(p.attrs().str("name"), Tensor.fromDoubles(d, shape, v));
        }
        return m;
    }

    static void check(Function f, PtxModule pm, Map<String, Tensor> args, String what, int maxGrid) {
        var in = new ArrayList<Tensor>();
        for (int k = 0; k < f.params().size(); k++) in.add(args.get(f.paramName(k)));
        List<Tensor> expect;
        try {
            expect = Interpreter.run(f, args, n -> null).outputs();
        } catch (RuntimeException e) {
            assertThrows(RuntimeException.class, () -> new SimPlanRunner(pm.plan(), maxGrid).call(in, List.of()),
                    what + ": the interpreter fails with " + e.getMessage());
            return;
        }
        List<Tensor> got = new SimPlanRunner(pm.plan(), maxGrid).call(in, List.of());
        for (int k = 0; k < expect.size(); k++) {
            Tensor e = expect.get(k), g = got.get(k);
            String at = what + " output " + k;
            assertArrayEquals(e.shape(), g.shape(), at + " shape");
            assertEquals(e.dtype(), g.dtype(), at + " dtype");
            double[] ev = e.toDoubles(), gv = g.toDoubles();
            double rel = e.dtype() == DType.F32 ? 2e-6 : e.dtype() == DType.F64 ? 1e-12 : 0;
            for (int i = 0; i < ev.length; i++) {
                final int j = i;
                if (Double.isNaN(ev[i])) assertTrue(Double.isNaN(gv[i]), () -> at + " element " + j + ": expected NaN, got " + gv[j] + "\n" + args);
                else if (ev[i] != gv[i]) assertEquals(ev[i], gv[i], rel * Math.max(1, Math.abs(ev[i])), () -> at + " element " + j + "\n" + args);
            }
        }
    }

    @Test
    void functionsWithFusedReductionsAndViewsMatchTheInterpreter() {
        var r = new Random(5);
        for (DType d : List.of(DType.F64, DType.F32)) {
            Module m = CudaLoweringTest.compile(CudaLoweringTest.ELEMENTWISE.replace("FX", d.spelling()));
            int[][] shapes = {{3, 37}, {1, 1}, {0, 5}, {4, 0}, {2, 700}, {33, 9}};
            for (int[] s : shapes) {
                var x = random(r, d, s[0], s[1]);
                run(m, "f", Map.of("x", x, "y", random(r, d, s[1])), d + " f " + s[0] + "x" + s[1]);
                run(m, "t", Map.of("x", x), d + " t " + s[0] + "x" + s[1]);
                run(m, "dlogistic", Map.of("x", random(r, DType.F64, s[0], s[1])), "dlogistic " + s[0] + "x" + s[1]);
            }
            for (int n : new int[] {0, 1, 7, 3000}) run(m, "v", Map.of("x", random(r, d, n)), d + " v " + n);
            run(m, "v", Map.of("x", Tensor.fromDoubles(d, new int[] {3}, new double[] {Double.POSITIVE_INFINITY, 1, 2})), d + " inf");
            run(m, "v", Map.of("x", Tensor.fromDoubles(d, new int[] {2}, new double[] {1e200, 1e200})), d + " overflow");
        }
        Module m = CudaLoweringTest.compile(CudaLoweringTest.ELEMENTWISE.replace("FX", "f64"));
        for (int n : new int[] {0, 1, 9, 600}) {
            var a = Tensor.ofLongs(DType.I32, new int[] {n}, r.ints(n, -20, 20).asLongStream().toArray());
            var b = Tensor.ofLongs(DType.I32, new int[] {n}, r.ints(n, -4, 5).asLongStream().toArray());
            var c = Tensor.ofLongs(DType.U8, new int[] {n}, r.ints(n, 0, 256).asLongStream().toArray());
            run(m, "g", Map.of("a", a, "b", b, "c", c), "g " + n);
        }
    }

    private static void run(Module m, String fn, Map<String, Tensor> args, String what) {
        Function f = m.function(fn);
        check(f, CudaLowering.lower(f, List.of(), PtxTarget.DEFAULT), args, what, 3);
    }

    private static Tensor random(Random r, DType d, int... shape) {
        double[] v = new double[Tensor.size(shape)];
        for (int i = 0; i < v.length; i++) v[i] = r.nextGaussian();
        return Tensor.fromDoubles(d, shape, v);
    }
}
