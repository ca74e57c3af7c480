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
 * An elementwise kernel runs its scalar loop for its first {@code txc.vector.warmup} elements and its vector loop
 * after: the calls before and after the switch give the bits of a kernel that vectorizes from the start and of one
 * compiled without vectors.
 */
class VectorWarmupTest {
    @Test
    void switchingToTheVectorLoopDoesNotChangeTheBits() throws Exception {
        var c = Frontend.compileText("w.tx", "fn f(x: f64[n]) = softplus(x) * log1p(exp(x) - 0.5) + tanh(x)\n", Frontend.Options.defaults());
        Function f = Pipeline.run(c.module(), Pipeline.Stage.LOWERED, new PassContext(2, DType.F64)).function("f");
        var r = new Random(3);
        double[] x = new double[1003];
        for (int i = 0; i < x.length; i++) x[i] = 8 * (2 * r.nextDouble() - 1);
        NDArray in = NDArray.ofDoubles(x, x.length);
        long saved = KernelEmitter.warmup;
        try {
            KernelEmitter.warmup = 2500; // the third call switches, part way through its rows
            var gated = JvmCompiler.load(JvmCompiler.compile(f, List.of(), true));
            KernelEmitter.warmup = 0;
            var vector = JvmCompiler.load(JvmCompiler.compile(f, List.of(), true));
            var scalar = JvmCompiler.load(JvmCompiler.compile(f, List.of(), false));
            double[] want = scalar.call(new NDArray[] {in}, new NDArray[0])[0].toDoubleArray();
            assertArrayEquals(want, vector.call(new NDArray[] {in}, new NDArray[0])[0].toDoubleArray());
            for (int call = 0; call < 5; call++)
                assertArrayEquals(want, gated.call(new NDArray[] {in}, new NDArray[0])[0].toDoubleArray(), "call " + call);
            // the gated kernel counted its elements (the vector loop ran from the count 2500 on); the other has no counter
            var counters = java.util.Arrays.stream(gated.getClass().getDeclaredFields()).filter(fl -> fl.getName().endsWith("$elements")).toList();
            assertEquals(1, counters.size(), counters.toString());
            counters.getFirst().setAccessible(true);
            assertEquals(5L * x.length, counters.getFirst().getLong(null));
            assertTrue(java.util.Arrays.stream(vector.getClass().getDeclaredFields()).noneMatch(fl -> fl.getName().endsWith("$elements")));
        } finally {
            KernelEmitter.warmup = saved;
        }
    }
}
