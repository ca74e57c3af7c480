package dev.txc.jvm;

import static org.junit.jupiter.api.Assertions.*;

import dev.txc.types.DType;
import dev.txc.ir.Function;
import dev.txc.ir.Interpreter;
import dev.txc.ir.Ir;
import dev.txc.ir.IrTypeException;
import dev.txc.ir.Node;
import dev.txc.ir.Op;
import dev.txc.ir.Tensor;
import dev.txc.types.TensorType;
import dev.txc.ir.kernel.ElementwiseOps;
import dev.txc.ir.kernel.Lowering;
import dev.txc.runtime.NDArray;
import dev.txc.runtime.VectorSupport;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Every elementwise op at every dtype the type rules accept lowers to a kernel and runs on the JVM backend, with
 * vector loops and without, on contiguous rows (vector loop and scalar tail) and on a transposed operand (strided
 * loop), giving the reference interpreter's values (floats within a few ulps: the vector forms of exp, tanh, ... are
 * SVML's). Special values (0, -0, inf, NaN, ±1) sit among random ones.
 */
class ElementwiseLoweringTest {
    private static final int ROWS = 3, COLS = 37;

    @Test
    void everyOpAndDtypeLowersAndMatchesTheInterpreter() {
        assertTrue(VectorSupport.available(), "tests run with jdk.incubator.vector (surefire's argLine)");
        int cases = 0, vectorKernels = 0;
        var r = new Random(11);
        for (Op op : Op.values()) {
            if (!ElementwiseOps.of(op).elementwise() || op == Op.BROADCAST_TO) continue;
            for (DType d : DType.values()) {
                for (DType target : op == Op.CAST ? List.of(DType.values()) : List.of(d)) {
                    for (boolean transposed : List.of(false, true)) {
                        Function f = function(op, d, target, transposed);
                        if (f == null) continue;
                        cases++;
                        var k = Lowering.lower(f.outputs().getFirst().value());
                        if (k.kernel().vector()) vectorKernels++;
                        check(f, inputs(f, r), op + " " + d.spelling() + "->" + target.spelling() + (transposed ? " transposed" : ""));
                    }
                }
            }
        }
        assertTrue(cases > 300, "op x dtype cases: " + cases);
        assertTrue(vectorKernels > 40, "vector kernels: " + vectorKernels);
    }

    @Test
    void mathFunctionsGiveTheScalarLoopsBitsAtEveryExponent() {
        // the vector exp/log/log1p/... take their exponents apart with 64-bit lane shifts and conversions that AVX2
        // lacks (emulated exactly): every binade from the subnormals to the largest doubles, both signs, both dtypes
        for (Op op : List.of(Op.EXP, Op.EXP2, Op.EXPM1, Op.LOG, Op.LOG2, Op.LOG10, Op.LOG1P, Op.SOFTPLUS, Op.SIGMOID, Op.TANH)) {
            for (DType d : List.of(DType.F64, DType.F32)) {
                Function f = function(op, d, d, false);
                var r = new Random(op.ordinal());
                for (int batch = 0; batch < 20; batch++) {
                    double[] v = new double[ROWS * COLS];
                    for (int i = 0; i < v.length; i++) {
                        int e = -1074 + (int) ((long) (batch * v.length + i) * 2098 / (20L * v.length));
                        v[i] = (i % 2 == 0 ? 1 : -1) * Math.scalb(1 + r.nextDouble(), e);
                    }
                    if (batch == 0) System.arraycopy(SPECIAL, 0, v, 0, SPECIAL.length);
                    var in = Tensor.fromDoubles(d, new int[] {ROWS, COLS}, v);
                    check(f, Map.of("a0", in), op + " " + d.spelling() + " batch " + batch);
                }
            }
        }
    }

    /** f(a0, a1, ...) = op(a...), operands of shape [ROWS, COLS] (the first one a transposed [COLS, ROWS] view if asked); null when the type rules refuse. */
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

    private static final double[] SPECIAL = {0.0, -0.0, 1.0, -1.0, 0.5, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};

    private static Map<String, Tensor> inputs(Function f, Random r) {
        var m = new HashMap<String, Tensor>();
        for (Node p : f.params()) {
            DType d = p.dtype();
            int[] shape = p.tt().dims().stream().mapToInt(dim -> (int) ((dev.txc.types.Dim.Known) dim).size()).toArray();
            double[] v = new double[ROWS * COLS];
            for (int i = 0; i < v.length; i++) {
                v[i] = switch (d) {
                    case F32, F64 -> i % 5 == 0 ? SPECIAL[(i / 5 + p.attrs().str("name").length()) % SPECIAL.length] : 3 * r.nextGaussian();
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

    private static void check(Function f, Map<String, Tensor> args, String what) {
        Tensor expect;
        try {
            expect = Interpreter.run(f, args, n -> null).outputs().getFirst();
        } catch (RuntimeException e) {
            for (boolean vectors : List.of(false, true)) assertThrows(RuntimeException.class, () -> run(f, args, vectors), what + ": the interpreter fails with " + e.getMessage());
            return;
        }
        double[] scalarBits = run(f, args, false).toDoubles();
        assertArrayEquals(scalarBits, run(f, args, true).toDoubles(), what + ": the vector loop must give the scalar loop's bits");
        for (boolean vectors : List.of(false, true)) {
            Tensor got = run(f, args, vectors);
            assertEquals(expect.dtype(), got.dtype(), what);
            double[] e = expect.toDoubles(), g = got.toDoubles();
            double rel = expect.dtype() == DType.F32 ? 1e-6 : expect.dtype() == DType.F64 ? 1e-13 : 0;
            for (int i = 0; i < e.length; i++) {
                final int at = i;
                if (Double.isNaN(e[i])) assertTrue(Double.isNaN(g[i]), () -> what + (vectors ? " vector" : " scalar") + " element " + at + ": expected NaN, got " + g[at]);
                else if (e[i] == g[i]) continue;
                else assertEquals(e[i], g[i], rel * Math.max(1, Math.abs(e[i])), () -> what + (vectors ? " vector" : " scalar") + " element " + at);
            }
        }
    }

    private static Tensor run(Function f, Map<String, Tensor> args, boolean vectors) {
        var fn = JvmCompiler.load(JvmCompiler.compile(f, List.of(), vectors));
        NDArray[] in = new NDArray[f.params().size()];
        for (int k = 0; k < in.length; k++) in[k] = Tensors.toNd(args.get(f.paramName(k)));
        return Tensors.fromNd(fn.call(in, new NDArray[0])[0]);
    }
}
