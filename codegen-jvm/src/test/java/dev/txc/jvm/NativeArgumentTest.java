package dev.txc.jvm;

import static org.junit.jupiter.api.Assertions.*;

import dev.txc.frontend.Frontend;
import dev.txc.ir.Module;
import dev.txc.opt.PassContext;
import dev.txc.opt.Pipeline;
import dev.txc.runtime.Buffer;
import dev.txc.runtime.CompiledFunction;
import dev.txc.runtime.NDArray;
import dev.txc.runtime.TxRuntimeException;
import dev.txc.types.DType;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Generated code runs on heap arrays: an argument in native memory is refused with a message, never misread. */
class NativeArgumentTest {
    static CompiledFunction compile(String src, String fn) {
        return compile(src, fn, List.of());
    }

    static CompiledFunction compile(String src, String fn, List<String> shared) {
        var c = Frontend.compileText("t.tx", src, Frontend.Options.defaults());
        assertTrue(c.ok(), () -> c.diagnostics().toString());
        Module m = Pipeline.run(c.module(), Pipeline.Stage.LOWERED, new PassContext(2, DType.F64));
        return JvmCompiler.load(JvmCompiler.compile(m.function(fn), shared));
    }

    @Test
    void kernelsRefuseNativeArgumentsAndRunOnTheirHeapCopy() {
        CompiledFunction f = compile("fn f(x: f64[3]) = x * 2 + 1", "f");
        NDArray x = NDArray.ofDoubles(new double[] {1, 2, 3}).to(Buffer.Allocator.nativeMemory());
        var e = assertThrows(TxRuntimeException.class, () -> f.call(new NDArray[] {x}, new NDArray[0]));
        assertTrue(e.getMessage().contains("is in native memory") && e.getMessage().contains("toHeap()"), e.getMessage());
        NDArray y = f.call(new NDArray[] {x.toHeap()}, new NDArray[0])[0];
        assertArrayEquals(new double[] {3, 5, 7}, y.toDoubleArray());
    }

    @Test
    void libraryCallsRefuseNativeArguments() {
        CompiledFunction f = compile("fn f(x: f64[2, 2]) = sum(x @ x, axis=0)", "f");
        NDArray x = NDArray.ofDoubles(new double[] {1, 2, 3, 4}, 2, 2).to(Buffer.Allocator.nativeMemory());
        var e = assertThrows(TxRuntimeException.class, () -> f.call(new NDArray[] {x}, new NDArray[0]));
        assertTrue(e.getMessage().contains("is in native memory"), e.getMessage());
        // [[1,2],[3,4]]^2 = [[7,10],[15,22]], column sums 22, 32
        assertArrayEquals(new double[] {22, 32}, f.call(new NDArray[] {x.toHeap()}, new NDArray[0])[0].toDoubleArray());
    }

    @Test
    void anUpdateTargetInNativeMemoryGetsAFreshHeapArray() {
        CompiledFunction f = compile("shared w: f64[3] = [1, 2, 3]\nfn set(g: f64[3]) { w := g * 2 }", "set", List.of("w"));
        NDArray w = NDArray.ofDoubles(new double[] {1, 2, 3}).to(Buffer.Allocator.nativeMemory());
        NDArray[] shared = {w};
        NDArray[] out = f.call(new NDArray[] {NDArray.ofDoubles(new double[] {1, 5, -1})}, shared, shared);
        assertTrue(out[0].isOnHeap());
        assertArrayEquals(new double[] {2, 10, -2}, out[0].toDoubleArray());
        assertArrayEquals(new double[] {1, 2, 3}, w.toDoubleArray(), "w's native memory is not written");
    }
}
