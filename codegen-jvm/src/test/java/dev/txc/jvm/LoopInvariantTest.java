package dev.txc.jvm;

import static org.junit.jupiter.api.Assertions.*;

import dev.txc.frontend.Frontend;
import dev.txc.ir.Function;
import dev.txc.ir.Interpreter;
import dev.txc.ir.Op;
import dev.txc.ir.kernel.Instr;
import dev.txc.ir.kernel.Kernel;
import dev.txc.ir.kernel.Lowering;
import dev.txc.ir.kernel.SharedMath;
import dev.txc.opt.PassContext;
import dev.txc.opt.Pipeline;
import dev.txc.runtime.CompiledFunction;
import dev.txc.runtime.Exp;
import dev.txc.runtime.NDArray;
import dev.txc.types.DType;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Kernels compute loop-invariant values once and still vectorize: an integer scalar cast to the loop's dtype (the 1/N
 * of a mean's gradient), a one-element operand (which broadcasts with stride 0), a [b, 1] operand read once per row,
 * and sigmoids and softplus of x and -x sharing their exp ({@link SharedMath}). Each gives the bits of the same kernel without vectors, and of runtime.Exp.
 */
class LoopInvariantTest {
    @Test
    void anIntegerScalarAndAOneElementOperandLeaveTheLoopVectorized() {
        String src = "fn f(x: f64[n], k: i64, c: f64[1]) = x * (c / cast(k, f64)) + sigmoid(x - c)\n";
        Function f = lowered(src);
        Kernel k = Lowering.kernels(f).values().iterator().next().kernel();
        assertEquals(DType.F64, k.vectorType(), k.toString());
        long inLoop = k.body().stream().filter(i -> i instanceof Instr.Apply a && a.op() == Op.CAST).count();
        assertEquals(1, inLoop);
        assertTrue(k.invariant()[k.body().indexOf(k.body().stream().filter(i -> i instanceof Instr.Apply a && a.op() == Op.CAST).findFirst().orElseThrow())],
                "the cast is computed before the loop");
        var r = new Random(11);
        for (int n : new int[] {1, 7, 8, 33, 1000}) {
            double[] x = new double[n];
            for (int i = 0; i < n; i++) x[i] = 6 * r.nextGaussian();
            NDArray[] in = {NDArray.ofDoubles(x, n), NDArray.scalar(3L), NDArray.ofDoubles(new double[] {0.7}, 1)};
            double[] want = new double[n];
            for (int i = 0; i < n; i++) want[i] = x[i] * (0.7 / 3.0) + Exp.sigmoid(x[i] - 0.7);
            for (boolean vectors : new boolean[] {true, false})
                assertArrayEquals(want, gated(f, vectors).call(in, new NDArray[0])[0].toDoubleArray(), "n = " + n + ", vectors " + vectors);
        }
    }

    @Test
    void sigmoidsAndSoftplusOfBothSignsShareTheirExpAndKeepTheirBits() {
        String src = "fn f(x: f64[n], y: f64[n]) = softplus(x - y) - 3 * softplus(y - x) + sigmoid(x - y) + 2 * sigmoid(-(x - y))\n";
        Function f = lowered(src);
        Kernel k = Lowering.kernels(f).values().iterator().next().kernel(), shared = SharedMath.apply(k);
        assertEquals(1, count(shared, Op.EXP), shared.toString());
        assertEquals(1, count(shared, Op.LOG1P), shared.toString());
        assertEquals(0, count(shared, Op.SIGMOID) + count(shared, Op.SOFTPLUS));
        var r = new Random(12);
        int n = 4099;
        double[] x = new double[n], y = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = i < SPECIAL.length ? SPECIAL[i] : 20 * r.nextGaussian();
            y[i] = i < SPECIAL.length ? 0 : r.nextGaussian();
        }
        NDArray[] in = {NDArray.ofDoubles(x, n), NDArray.ofDoubles(y, n)};
        double[] want = new double[n];
        for (int i = 0; i < n; i++) {
            double d = x[i] - y[i], e = y[i] - x[i];
            want[i] = Exp.softplus(d) - 3 * Exp.softplus(e) + Exp.sigmoid(d) + 2 * Exp.sigmoid(-d);
        }
        for (boolean vectors : new boolean[] {true, false})
            assertArrayEquals(want, gated(f, vectors).call(in, new NDArray[0])[0].toDoubleArray(), "vectors " + vectors);
        var ref = Interpreter.run(f, java.util.Map.of("x", Tensors.fromNd(in[0]), "y", Tensors.fromNd(in[1])), s -> null).outputs().getFirst();
        double[] got = Tensors.toNd(ref).toDoubleArray();
        for (int i = 0; i < n; i++) // the interpreter evaluates the graph op by op, in its own order
            if (!Double.isFinite(want[i])) assertEquals(want[i], got[i], "the reference interpreter at " + i);
            else assertEquals(want[i], got[i], 1e-12 * Math.max(1, Math.abs(want[i])), "the reference interpreter at " + i);
    }

    @Test
    void aRowOperandIsReadOncePerRowAndTheRowsStayVectorized() {
        // m is [b, 1]: the same along each row of x (a mean kept for broadcasting); also with x transposed (strided
        // rows) and with rows of one element, where the loop merges dims and m is no longer constant along its rows.
        Function f = lowered("fn f(x: f64[b, n], m: f64[b, 1]) = exp(x - m) * m + sigmoid(x)\n");
        Kernel k = Lowering.kernels(f).values().iterator().next().kernel();
        assertEquals(1, k.operands().stream().filter(Kernel.Operand::row).count(), k.toString());
        assertEquals(DType.F64, k.vectorType());
        var r = new Random(13);
        for (int[] shape : new int[][] {{7, 13}, {3, 1}, {1, 9}, {5, 1000}, {40, 8}}) {
            int b = shape[0], n = shape[1];
            double[] x = new double[b * n], m = new double[b];
            for (int i = 0; i < x.length; i++) x[i] = 3 * r.nextGaussian();
            for (int i = 0; i < b; i++) m[i] = r.nextGaussian();
            for (boolean transposed : new boolean[] {false, true}) {
                NDArray xs = transposed ? NDArray.ofDoubles(x, n, b).transpose() : NDArray.ofDoubles(x, b, n);
                NDArray[] in = {xs, NDArray.ofDoubles(m, b, 1)};
                double[] want = new double[b * n];
                for (int i = 0; i < b; i++)
                    for (int j = 0; j < n; j++) {
                        double v = xs.getDouble(i, j);
                        want[i * n + j] = Exp.exp(v - m[i]) * m[i] + Exp.sigmoid(v);
                    }
                for (boolean vectors : new boolean[] {true, false})
                    assertArrayEquals(want, gated(f, vectors).call(in, new NDArray[0])[0].toDoubleArray(),
                            b + "x" + n + (transposed ? " transposed" : "") + ", vectors " + vectors);
            }
        }
    }

    @Test
    void aSingleSigmoidIsLeftAsItIs() {
        Kernel k = Lowering.kernels(lowered("fn f(x: f64[n]) = sigmoid(x) + softplus(2 * x)\n")).values().iterator().next().kernel();
        assertSame(k, SharedMath.apply(k));
    }

    private static final double[] SPECIAL = {0.0, -0.0, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 1e-310, 745, -745, 40, -40};

    private static long count(Kernel k, Op op) {
        return k.body().stream().filter(i -> i instanceof Instr.Apply a && a.op() == op).count();
    }

    private static Function lowered(String src) {
        var c = Frontend.compileText("w.tx", src, Frontend.Options.defaults());
        return Pipeline.run(c.module(), Pipeline.Stage.LOWERED, new PassContext(2, DType.F64)).function("f");
    }

    /** f with vector loops on every row (or none). */
    private static CompiledFunction gated(Function f, boolean vectors) {
        long saved = KernelEmitter.minRow;
        try {
            KernelEmitter.minRow = 0;
            return JvmCompiler.load(JvmCompiler.compile(f, List.of(), vectors));
        } finally {
            KernelEmitter.minRow = saved;
        }
    }
}
