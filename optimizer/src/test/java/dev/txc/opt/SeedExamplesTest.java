package dev.txc.opt;

import static org.junit.jupiter.api.Assertions.*;

import dev.txc.frontend.Frontend;
import dev.txc.ir.Interpreter;
import dev.txc.ir.Module;
import dev.txc.ir.Tensor;
import dev.txc.types.DType;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Theano tutorial examples of LANGUAGE.md section 10 through the grad pass and the interpreter. */
class SeedExamplesTest {
    static Module compile(String src) {
        var c = Frontend.compileText("t.tx", src, Frontend.Options.defaults());
        assertTrue(c.ok(), () -> c.diagnostics().toString());
        return Pipeline.run(c.module(), Pipeline.Stage.AD, new PassContext(2, DType.F64));
    }

    static Tensor t(int[] shape, double... v) {
        return Tensor.ofDoubles(DType.F64, shape, v);
    }

    static Tensor run(Module m, String fn, Map<String, Tensor> args) {
        return Interpreter.run(m.function(fn), args, n -> null).outputs().getFirst();
    }

    @Test
    void tutorialExamples() {
        Module m = compile("""
            fn gy(x: f64) = grad(x ** 2, x)
            fn dlogistic(x: f64[?, ?]) = grad(sum(1 / (1 + exp(-x))), x)
            fn hess(x: f64[N]) = hessian(sum(x ** 2), x)
            fn jv(W: f64[?, ?], V: f64[?, ?], x: f64[?]) = rop(dot(x, W), W, V)
            fn vj(W: f64[?, ?], v: f64[?], x: f64[?]) = lop(dot(x, W), W, v)
            fn hv(x: f64[N], v: f64[N]) = rop(grad(sum(x ** 2), x), x, v)
            fn jac(x: f64[N]) = jacobian(x ** 2, x)
            """);
        assertEquals(8.0, run(m, "gy", Map.of("x", t(new int[0], 4))).getDouble(0));
        assertEquals(188.4, run(m, "gy", Map.of("x", t(new int[0], 94.2))).getDouble(0), 1e-12);
        double[] d = run(m, "dlogistic", Map.of("x", t(new int[] {2, 2}, 0, 1, -1, -2))).toDoubles();
        assertArrayEquals(new double[] {0.25, 0.19661193, 0.19661193, 0.10499359}, d, 1e-8);
        assertArrayEquals(new double[] {2, 0, 0, 2}, run(m, "hess", Map.of("x", t(new int[] {2}, 4, 4))).toDoubles());
        Tensor ones = t(new int[] {2, 2}, 1, 1, 1, 1), twos = t(new int[] {2, 2}, 2, 2, 2, 2);
        assertArrayEquals(new double[] {2, 2}, run(m, "jv", Map.of("W", ones, "V", twos, "x", t(new int[] {2}, 0, 1))).toDoubles());
        assertArrayEquals(new double[] {0, 0, 2, 2}, run(m, "vj", Map.of("W", ones, "v", t(new int[] {2}, 2, 2), "x", t(new int[] {2}, 0, 1))).toDoubles());
        assertArrayEquals(new double[] {4, 4}, run(m, "hv", Map.of("x", t(new int[] {2}, 4, 4), "v", t(new int[] {2}, 2, 2))).toDoubles());
        assertArrayEquals(new double[] {8, 0, 0, 8}, run(m, "jac", Map.of("x", t(new int[] {2}, 4, 4))).toDoubles());
    }
}
