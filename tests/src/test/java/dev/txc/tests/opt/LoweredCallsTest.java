package dev.txc.tests.opt;

import static org.junit.jupiter.api.Assertions.*;

import dev.txc.frontend.Frontend;
import dev.txc.ir.Function;
import dev.txc.ir.kernel.LoweredText;
import dev.txc.opt.PassContext;
import dev.txc.opt.Pipeline;
import dev.txc.types.DType;
import org.junit.jupiter.api.Test;

/**
 * The lowered text names the library routine of every node that is not a kernel, with the form a matrix product
 * takes: expected forms derived by hand from the operands' layouts (a row-major matrix's rows are contiguous; a
 * transposed view's columns are).
 */
class LoweredCallsTest {
    private static Function function(String body) {
        String src = "fn f(x: f64[N, 5], w: f64[5], g: f64[N], a: f64[4, 5], b: f64[5, 6], t: f64[3, 4, 5], k: i64) = " + body + "\n";
        var c = Frontend.compileText("c.tx", src, Frontend.Options.defaults());
        assertTrue(c.ok(), c.diagnostics()::toString);
        return Pipeline.run(c.module(), Pipeline.Stage.LOWERED, new PassContext(2, DType.F64)).function("f");
    }

    private static String lowered(String body) {
        return LoweredText.print(function(body));
    }

    private static void calls(String body, String... lines) {
        String text = lowered(body);
        for (String line : lines) assertTrue(text.contains(line), () -> "'" + line + "' missing in:\n" + text);
    }

    @Test
    void matrixProductsNameTheirForm() {
        calls("exp(x @ w)", "= call gemv.dot %x, %w");            // rows of x are contiguous: dot products
        calls("exp(x.T @ g)", "= call gemv.axpy %g, %x");           // x.T @ g = g @ x: scaled rows of x, no transposed view
        calls("exp(g @ x)", "= call gemv.axpy %g, %x");           // g @ x = (x.T @ g): the same sum of rows
        calls("exp(w @ a.T)", "= call gemv.dot %a, %w");           // w @ a.T = a @ w: dot products with a's rows
        calls("exp(a @ b)", "= call gemm %a, %b");
        calls("exp(b.T @ a.T)", "= call gemm trans_a trans_b %");
        calls("exp(t @ b)", "= call gemm.batched %t, %b");
    }

    @Test
    void reductionsSoftmaxAndGathersAreCalls() {
        calls("exp(sum(a, axis=0))", "= call reduce.sum axes=[0] %a");
        calls("softmax(a, axis=1) * 2", "= call softmax rows axis=1 %a");
        calls("exp(a[k])", "= call gather axis=0 %a, %k");
    }

    @Test
    void kernelsAndCallsAppearInScheduleOrderAndTheTextChecksThem() {
        String text = lowered("exp(x @ w) + 1");
        int gemv = text.indexOf("= call gemv.dot"), kernel = text.indexOf("= @k0");
        assertTrue(gemv > 0 && kernel > gemv, text);
        int cut = text.indexOf("kernels @");
        String edited = text.substring(cut).replace("gemv.dot", "gemv.axpy");
        Function f = function("exp(x @ w) + 1");
        LoweredText.check(f, text.substring(cut));
        assertThrows(IllegalArgumentException.class, () -> LoweredText.check(f, edited));
    }
}
