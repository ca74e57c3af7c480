package dev.txc.jvm;

import static org.junit.jupiter.api.Assertions.*;

import dev.txc.frontend.Frontend;
import dev.txc.ir.Function;
import dev.txc.opt.PassContext;
import dev.txc.opt.Pipeline;
import dev.txc.runtime.CompiledFunction;
import dev.txc.runtime.NDArray;
import dev.txc.types.DType;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * An elementwise kernel runs rows shorter than {@code txc.vector.minrow} on its scalar loop and longer ones on its
 * vector loop: both give the bits of a kernel compiled without vectors, below, at and above the threshold, and for a
 * long run cut into blocks whose last block is short (which takes the loop of the other blocks). A reduction takes the
 * same choice, and its scalar loop adds per lane as its vector loop does: the same bits on short and long rows (a
 * kernel compiled without vectors adds in order, which the inputs below tell apart). After enough calls on short rows
 * the vector loop takes over (runtime.VectorWarmup), with the same bits.
 */
class VectorWarmupTest {
    @Test
    void shortRowsTakeTheScalarLoopWithTheSameBits() {
        CompiledFunction[] k = variants("fn f(x: f64[n]) = softplus(x) * log1p(exp(x) + 0.5) + tanh(x)\n");
        CompiledFunction gated = k[0], vector = k[1], scalar = k[2];
        var r = new Random(3);
        for (int n : new int[] {7, 499, 500, 1003, 3 * (1 << 14) + 5}) { // the last: blocks of 2^14 and a short last one
            double[] x = new double[n];
            for (int i = 0; i < n; i++) x[i] = 8 * (2 * r.nextDouble() - 1);
            NDArray[] in = {NDArray.ofDoubles(x, n)};
            double[] want = scalar.call(in, new NDArray[0])[0].toDoubleArray();
            assertArrayEquals(want, vector.call(in, new NDArray[0])[0].toDoubleArray(), "vector, n = " + n);
            assertArrayEquals(want, gated.call(in, new NDArray[0])[0].toDoubleArray(), "gated, n = " + n);
        }
    }

    @Test
    void aReductionsScalarLoopAddsAsItsVectorLoop() {
        CompiledFunction[] k = variants("fn f(x: f64[n]) = sum(x * x * x)\n");
        CompiledFunction gated = k[0], vector = k[1], scalar = k[2];
        var r = new Random(5);
        for (int n : new int[] {499, 500, 1003, 20_001}) {
            // Terms of widely different sizes and signs, so that adding per lane and adding in order round
            // differently: the bits tell which loop ran.
            NDArray[] in = null;
            double v = 0, sc = 0;
            for (int tries = 0; tries < 50 && v == sc; tries++) {
                double[] x = new double[n];
                for (int i = 0; i < n; i++) x[i] = (r.nextBoolean() ? 1 : -1) * Math.exp(12 * r.nextDouble());
                in = new NDArray[] {NDArray.ofDoubles(x, n)};
                v = vector.call(in, new NDArray[0])[0].getDouble();
                sc = scalar.call(in, new NDArray[0])[0].getDouble();
            }
            assertNotEquals(sc, v, "n = " + n + ": no input told adding per lane and adding in order apart");
            assertEquals(v, gated.call(in, new NDArray[0])[0].getDouble(), 0.0, "n = " + n);
        }
    }

    @Test
    void callsOnShortRowsKeepTheirBitsWhileTheVectorLoopWarmsUp() {
        // Thousands of calls: the kernels pump their vector loops beside the scalar calls and may switch to them part
        // way (when the JIT has compiled them); every call gives the bits of the kernel compiled without vectors.
        CompiledFunction[] k;
        System.setProperty("txc.vector.warmup.after.ms", "0"); // pump from the 200th call: the sites are made below
        try {
            k = variants("fn f(x: f64[n]) = sigmoid(x) * softplus(-x) + sum(softplus(x) - x)\n");
        } finally {
            System.clearProperty("txc.vector.warmup.after.ms");
        }
        CompiledFunction gated = k[0], vector = k[1];
        var r = new Random(8);
        double[] x = new double[403];
        for (int call = 0; call < 10_000; call++) {
            for (int i = 0; i < x.length; i++) x[i] = 10 * r.nextGaussian();
            NDArray[] in = {NDArray.ofDoubles(x, x.length)};
            assertArrayEquals(vector.call(in, new NDArray[0])[0].toDoubleArray(), gated.call(in, new NDArray[0])[0].toDoubleArray(), "call " + call);
        }
    }

    /** f of source at -O2, compiled with vector loops gated at rows of 500, with vector loops always, and without vector loops. */
    private static CompiledFunction[] variants(String source) {
        var c = Frontend.compileText("w.tx", source, Frontend.Options.defaults());
        Function f = Pipeline.run(c.module(), Pipeline.Stage.LOWERED, new PassContext(2, DType.F64)).function("f");
        long saved = KernelEmitter.minRow;
        try {
            KernelEmitter.minRow = 500;
            var gated = JvmCompiler.load(JvmCompiler.compile(f, List.of(), true));
            KernelEmitter.minRow = 0;
            return new CompiledFunction[] {gated, JvmCompiler.load(JvmCompiler.compile(f, List.of(), true)), JvmCompiler.load(JvmCompiler.compile(f, List.of(), false))};
        } finally {
            KernelEmitter.minRow = saved;
        }
    }
}
