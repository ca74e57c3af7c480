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
import org.junit.jupiter.api.Test;

/** callInto (NumPy's out=): outputs go into the caller's buffers when they fit and alias nothing, else fresh arrays. */
class OutputTargetTest {
    private static CompiledFunction compile(String src, String fn) {
        var c = Frontend.compileText("o.tx", src, Frontend.Options.defaults());
        assertTrue(c.ok(), () -> c.diagnostics().toString());
        Function f = Pipeline.run(c.module(), Pipeline.Stage.LOWERED, new PassContext(2, DType.F64)).function(fn);
        return JvmCompiler.load(JvmCompiler.compile(f, List.of()));
    }

    @Test
    void outputsGoIntoFittingBuffersOnly() {
        var fn = compile("fn f(x: f64[n], y: f64[n]) = (exp(x) * y, x + 1, sum(x * y))\n", "f");
        var x = NDArray.ofDoubles(new double[] {0, 1, 2}, 3);
        var y = NDArray.ofDoubles(new double[] {1, 2, 3}, 3);
        var out0 = NDArray.zeros(DType.F64, 3);
        var wrongShape = NDArray.zeros(DType.F64, 4);
        NDArray[] r = fn.callInto(new NDArray[] {x, y}, new NDArray[0], new NDArray[] {out0, wrongShape, null});
        assertSame(out0, r[0], "a fitting buffer is used");
        assertArrayEquals(new double[] {1, 2 * Math.E, 3 * Math.exp(2)}, out0.toDoubleArray(), 1e-15);
        assertNotSame(wrongShape, r[1], "a buffer of another shape is not");
        assertArrayEquals(new double[] {1, 2, 3}, r[1].toDoubleArray());
        assertArrayEquals(new double[4], wrongShape.toDoubleArray(), "and is left alone");
        assertEquals(0 * 1 + 1 * 2 + 2 * 3, r[2].getDouble(), 1e-12);
        // A buffer that is also an argument is not written: later kernels still read the argument.
        var x2 = NDArray.ofDoubles(new double[] {0, 1, 2}, 3);
        NDArray[] s = fn.callInto(new NDArray[] {x2, y}, new NDArray[0], new NDArray[] {null, x2, null});
        assertNotSame(x2, s[1]);
        assertArrayEquals(new double[] {0, 1, 2}, x2.toDoubleArray());
        assertArrayEquals(new double[] {1, 2 * Math.E, 3 * Math.exp(2)}, s[0].toDoubleArray(), 1e-15);
        // The same buffer offered for two outputs is used for the first only.
        var both = NDArray.zeros(DType.F64, 3);
        NDArray[] t = fn.callInto(new NDArray[] {x, y}, new NDArray[0], new NDArray[] {both, both, null});
        assertSame(both, t[0]);
        assertNotSame(both, t[1]);
        assertArrayEquals(new double[] {1, 2, 3}, t[1].toDoubleArray());
    }
}
