package dev.txc.tests.numeric;

import static dev.txc.tests.numeric.Harness.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.txc.frontend.Frontend;
import dev.txc.ir.Function;
import dev.txc.ir.Interpreter;
import dev.txc.ir.Module;
import dev.txc.ir.Tensor;
import dev.txc.opt.PassContext;
import dev.txc.opt.Pipeline;
import dev.txc.types.DType;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 9 item 7: elementwise nodes over scalar constants alone that reach fusion unfolded (the folder declines
 * {@code 2 ** -1}; later rewrites may create others) once formed kernels whose body held nothing, so code
 * generation failed with "kernel operand not bound". Fusion is run here without const-fold, so every such node
 * reaches it; the kernels must agree with the interpreter and with hand-computed values.
 */
class FusionOperandTest {
    /** The function after differentiation and fusion only: no folding, so constant subexpressions reach fusion. */
    static Function fusedOnly(String src, String fn) {
        var c = Frontend.compileText("t.tx", src, Frontend.Options.defaults());
        if (!c.ok()) throw new AssertionError(c.diagnostics().toString());
        Module m = Pipeline.runPasses(c.module(), List.of("grad", "elementwise-fusion"), new PassContext(2, DType.F64));
        return m.function(fn);
    }

    static void agreesWith(String src, Tensor x, double... expected) {
        Function f = fusedOnly(src, "q");
        Tensor ref = Interpreter.run(f, byName(f, x), n -> null).outputs().getFirst();
        Tensor got = jvm(f, x).getFirst();
        check(ref, DType.F64, x.shape(), expected, "interpreter, " + src);
        check(got, DType.F64, x.shape(), expected, "JVM after fusion, " + src);
    }

    @Test
    void constantOnlyChainsNextToAKernel() {
        Tensor x = f64(sh(2), 1, -2);
        // exp(2.5) % 3 = 12.182493960703473 - 12 = 0.18249396070347..., floor of its abs is 0.
        agreesWith("fn q(x: f64[?]) = x + floor(abs(exp(2.5) % 3.0))", x, 1, -2);
        double e = Math.exp(2.5) % 3.0;
        agreesWith("fn q(x: f64[?]) = x * (exp(2.5) % 3.0)", x, e, -2 * e);
        // cast(7 // 2, f64) = 3; the whole right-hand side is constant.
        agreesWith("fn q(x: f64[?]) = x - cast(7 // 2, f64) * abs(-2.0)", x, 1 - 6, -2 - 6);
    }

    @Test
    void aKernelOfConstantsAloneIsNotFormed() {
        // The fused function's result is itself a chain over constants: nothing to loop over.
        Function f = fusedOnly("fn q(x: f64) = exp(abs(-1.0)) + floor(2.5)", "q");
        Tensor got = jvm(f, scalar(0)).getFirst();
        assertEquals(Math.E + 2, got.getDouble(0), 1e-15);
    }
}
