package dev.txc.jvm;

import static org.junit.jupiter.api.Assertions.*;

import dev.txc.frontend.Frontend;
import dev.txc.ir.Function;
import dev.txc.ir.Interpreter;
import dev.txc.ir.Module;
import dev.txc.ir.Tensor;
import dev.txc.opt.PassContext;
import dev.txc.opt.Pipeline;
import dev.txc.runtime.NDArray;
import dev.txc.types.DType;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Compiled functions agree with the reference interpreter on the same inputs. */
class JvmVsInterpreterTest {
    static Module compile(String src) {
        var c = Frontend.compileText("t.tx", src, Frontend.Options.defaults());
        assertTrue(c.ok(), () -> c.diagnostics().toString());
        return Pipeline.run(c.module(), Pipeline.Stage.AD, new PassContext(2, DType.F64));
    }

    static Tensor random(Random r, DType d, int... shape) {
        int n = Tensor.size(shape);
        double[] v = new double[n];
        for (int k = 0; k < n; k++) v[k] = d.isFloat() ? r.nextGaussian() : d == DType.BOOL ? r.nextInt(2) : r.nextInt(19) - 9;
        return Tensor.fromDoubles(d, shape, v);
    }

    static void check(Module m, String fn, Map<String, Tensor> args) {
        Function f = m.function(fn);
        var expect = Interpreter.run(f, args, n -> null).outputs();
        CompiledFnHolder h = new CompiledFnHolder(f);
        NDArray[] in = new NDArray[f.params().size()];
        for (int k = 0; k < in.length; k++) in[k] = Tensors.toNd(args.get(f.paramName(k)));
        NDArray[] out = h.fn.call(in, new NDArray[0]);
        for (int k = 0; k < expect.size(); k++) {
            Tensor e = expect.get(k), g = Tensors.fromNd(out[k]);
            assertArrayEquals(e.shape(), g.shape(), fn + " output " + k + " shape");
            assertEquals(e.dtype(), g.dtype(), fn + " dtype");
            double[] ev = e.toDoubles(), gv = g.toDoubles();
            for (int i = 0; i < ev.length; i++)
                assertEquals(ev[i], gv[i], 1e-12 * Math.max(1, Math.abs(ev[i])), fn + " output " + k + " element " + i);
        }
    }

    record CompiledFnHolder(dev.txc.runtime.CompiledFunction fn) {
        CompiledFnHolder(Function f) {
            this(JvmCompiler.load(JvmCompiler.compile(f, List.of())));
        }
    }

    @Test
    void elementwiseReductionsAndViews() {
        Module m = compile("""
            fn a(x: f64[N, M], y: f64[M]) = (exp(-x) * y + 1, sum(x * x, axis=1), max(x, axis=0, keepdims=true), x.T[1:, ::-1])
            fn b(x: i32[N], y: i8[N]) = (x * 3 + y, x // 2, x % -3, x > 0, cast(x, f32) / 2)
            fn c(x: f64[N, K], w: f64[K, M]) = (x @ w, softmax(x), mean(x), argmax(x, axis=1), where(x > 0, x, 0.5 * x))
            fn d(x: f64[N]) = grad(sum(1 / (1 + exp(-x))), x)
            fn e(x: f64[N]) = (hessian(sum(x ** 3), x), jacobian(sin(x), x))
            fn f(x: f64[N, N]) = (trace(x), diag(x), diag(diag(x)), concatenate([x, x], axis=1), stack([x, x]))
            fn g(x: u8[N], b: bool[N]) = (x + 250, b and not b, sum(b), cast(x, i8))
            """);
        var r = new Random(7);
        for (int trial = 0; trial < 3; trial++) {
            check(m, "a", Map.of("x", random(r, DType.F64, 3, 4), "y", random(r, DType.F64, 4)));
            check(m, "b", Map.of("x", random(r, DType.I32, 5), "y", random(r, DType.I8, 5)));
            check(m, "c", Map.of("x", random(r, DType.F64, 3, 2), "w", random(r, DType.F64, 2, 4)));
            check(m, "d", Map.of("x", random(r, DType.F64, 100000)));
            check(m, "e", Map.of("x", random(r, DType.F64, 3)));
            check(m, "f", Map.of("x", random(r, DType.F64, 3, 3)));
            check(m, "g", Map.of("x", random(r, DType.U8, 6), "b", random(r, DType.BOOL, 6)));
        }
    }
}
