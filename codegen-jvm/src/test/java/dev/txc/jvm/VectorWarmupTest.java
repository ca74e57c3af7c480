package dev.txc.jvm;

import static org.junit.jupiter.api.Assertions.*;

import dev.txc.frontend.Frontend;
import dev.txc.ir.Function;
import dev.txc.opt.PassContext;
import dev.txc.opt.Pipeline;
import dev.txc.runtime.NDArray;
import dev.txc.types.DType;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * An elementwise kernel runs rows shorter than {@code txc.vector.minrow} on its scalar loop and longer ones on its
 * vector loop: both give the bits of a kernel compiled without vectors, below, at and above the threshold, and for a
 * long run cut into blocks whose last block is short (which takes the loop of the other blocks).
 */
class VectorWarmupTest {
    @Test
    void shortRowsTakeTheScalarLoopWithTheSameBits() {
        var c = Frontend.compileText("w.tx", "fn f(x: f64[n]) = softplus(x) * log1p(exp(x) + 0.5) + tanh(x)\n", Frontend.Options.defaults());
        Function f = Pipeline.run(c.module(), Pipeline.Stage.LOWERED, new PassContext(2, DType.F64)).function("f");
        long saved = KernelEmitter.minRow;
        try {
            KernelEmitter.minRow = 500;
            var gated = JvmCompiler.load(JvmCompiler.compile(f, List.of(), true));
            KernelEmitter.minRow = 0;
            var vector = JvmCompiler.load(JvmCompiler.compile(f, List.of(), true));
            var scalar = JvmCompiler.load(JvmCompiler.compile(f, List.of(), false));
            var r = new Random(3);
            for (int n : new int[] {7, 499, 500, 1003, 3 * (1 << 14) + 5}) { // the last: blocks of 2^14 and a short last one
                double[] x = new double[n];
                for (int i = 0; i < n; i++) x[i] = 8 * (2 * r.nextDouble() - 1);
                NDArray[] in = {NDArray.ofDoubles(x, n)};
                double[] want = scalar.call(in, new NDArray[0])[0].toDoubleArray();
                assertArrayEquals(want, vector.call(in, new NDArray[0])[0].toDoubleArray(), "vector, n = " + n);
                assertArrayEquals(want, gated.call(in, new NDArray[0])[0].toDoubleArray(), "gated, n = " + n);
            }
        } finally {
            KernelEmitter.minRow = saved;
        }
    }
}
