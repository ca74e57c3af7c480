package dev.txc.tests.api;

import static dev.txc.driver.api.Tx.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.txc.driver.api.Expr;
import dev.txc.driver.api.TxFunction;
import dev.txc.frontend.Frontend;
import dev.txc.ir.Function;
import dev.txc.ir.IrText;
import dev.txc.ir.Module;
import dev.txc.opt.PassContext;
import dev.txc.opt.Pipeline;
import dev.txc.types.DType;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code scan} through the embedding API builds the IR the {@code .tx} scan lowers to: identical IR text at every stage. */
class ApiScanTest {
    private static final String SOURCE = """
            fn rnn(W: f64[H, H], U: f64[H, I], xs: f64[T, I], h0: f64[H]) = scan x_t in xs carry h = h0 { tanh(W @ h + U @ x_t) }
            fn rnn_grad(W: f64[H, H], U: f64[H, I], xs: f64[T, I], h0: f64[H]) =
                grad(sum(scan x_t in xs carry h = h0 { tanh(W @ h + U @ x_t) }), [W, h0])
            fn rnn_grad_ckpt(W: f64[H, H], U: f64[H, I], xs: f64[T, I], h0: f64[H]) =
                grad(sum(scan(checkpoint=4) x_t in xs carry h = h0 { tanh(W @ h + U @ x_t) }), [W, h0])
            fn cum(xs: f64[N]) {
                sums, squares = scan(reverse=true) x in xs carry s = 0 { t = s + x; (t, t * t) }
                return sums, squares
            }
            fn nested(xs: f64[N]) = scan x in xs { sum(scan y in xs { x * y }) }
            """;

    private static void assertSameIr(String name, TxFunction api) {
        var c = Frontend.compileText("api.tx", SOURCE, Frontend.Options.defaults());
        assertTrue(c.ok(), () -> c.diagnostics().toString());
        Module m = c.module();
        Function parsed = m.function(name);
        assertEquals(IrText.print(parsed), IrText.print(api.function(Pipeline.Stage.PARSED)), name + " as lowered");
        for (Pipeline.Stage st : List.of(Pipeline.Stage.AD, Pipeline.Stage.OPT, Pipeline.Stage.LOWERED)) {
            Module opt = Pipeline.run(new Module(m.shared(), List.of(parsed)), st, new PassContext(2, DType.F64));
            assertEquals(IrText.print(opt.functions().getFirst()), IrText.print(api.function(st)), name + " at stage " + st.spelling());
        }
    }

    private static Expr rnn(Expr W, Expr U, Expr xs, Expr h0) {
        return scan(List.of(xs), List.of(h0), (x, h) -> tanh(W.matmul(h.get(0)).plus(U.matmul(x.get(0))))).getFirst();
    }

    @Test
    void rnnAndItsGradient() {
        Expr W = tensor("W", DType.F64, "H", "H"), U = tensor("U", DType.F64, "H", "I"), xs = tensor("xs", DType.F64, "T", "I"),
                h0 = tensor("h0", DType.F64, "H");
        assertSameIr("rnn", function("rnn", List.of(W, U, xs, h0), fn -> rnn(W, U, xs, h0)));
        assertSameIr("rnn_grad", function("rnn_grad", List.of(W, U, xs, h0), fn -> grad(sum(rnn(W, U, xs, h0)), List.of(W, h0))));
        Expr ckpt = scan(List.of(xs), List.of(h0), false, 4, (x, h) -> tanh(W.matmul(h.get(0)).plus(U.matmul(x.get(0))))).getFirst();
        assertSameIr("rnn_grad_ckpt", function("rnn_grad_ckpt", List.of(W, U, xs, h0), fn -> grad(sum(ckpt), List.of(W, h0))));
    }

    /**
     * The API's RNN gradient over a zero-length sequence, plain and checkpointed: the loss is the final carry (h0 above
     * the stacked states, last row) weighted by v, so d/dh0 = v passed straight through, d/dW = d/dU = 0 and d/dxs is
     * empty (hand-derived).
     */
    @Test
    void zeroStepGradient() {
        Expr W = tensor("W", DType.F64, "H", "H"), U = tensor("U", DType.F64, "H", "I"), xs = tensor("xs", DType.F64, "T", "I"),
                h0 = tensor("h0", DType.F64, "H"), v = tensor("v", DType.F64, "H");
        double[] vs = {0.5, -2, 3};
        var w = dev.txc.runtime.NDArray.ofDoubles(new double[] {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9}, 3, 3);
        var u = dev.txc.runtime.NDArray.ofDoubles(new double[] {1, 2, 3, 4, 5, 6}, 3, 2);
        var x = dev.txc.runtime.NDArray.zeros(dev.txc.types.DType.F64, 0, 2);
        var h = dev.txc.runtime.NDArray.ofDoubles(new double[] {1, -1, 2}, 3);
        for (int k : new int[] {1, 3}) {
            Expr hs = scan(List.of(xs), List.of(h0), false, k, (xt, c) -> tanh(W.matmul(c.get(0)).plus(U.matmul(xt.get(0))))).getFirst();
            Expr hT = concatenate(List.of(expandDims(h0, 0), hs), 0).get(-1);
            var g = function("g", List.of(W, U, xs, h0, v), fn -> grad(sum(hT.times(v)), List.of(W, U, h0, xs)))
                    .invoke(w, u, x, h, dev.txc.runtime.NDArray.ofDoubles(vs, 3));
            assertArrayEquals(new double[9], g.get(0).toDoubleArray(), "dW, checkpoint " + k);
            assertArrayEquals(new double[6], g.get(1).toDoubleArray(), "dU, checkpoint " + k);
            assertArrayEquals(vs, g.get(2).toDoubleArray(), "dh0, checkpoint " + k);
            assertArrayEquals(new int[] {0, 2}, g.get(3).shape(), "dxs is empty, checkpoint " + k);
        }
    }

    @Test
    void checkpointMustBePositive() {
        Expr xs = tensor("xs", DType.F64, "N");
        var e = assertThrows(dev.txc.driver.api.TxException.class, () -> scan(List.of(xs), List.of(0.0), false, 0, (x, s) -> s.get(0).plus(x.get(0))));
        assertTrue(e.getMessage().contains("checkpoint must be a positive integer, got 0"), e.getMessage());
    }

    @Test
    void carriesExtraOutputsReverseAndNesting() {
        Expr xs = tensor("xs", DType.F64, "N");
        assertSameIr("cum", function("cum", List.of(xs), fn -> {
            fn.outputNames("sums", "squares");
            return scan(List.of(xs), List.of(0), true, (x, s) -> {
                Expr t = s.get(0).plus(x.get(0));
                return List.of(t, t.times(t));
            });
        }));
        assertSameIr("nested", function("nested", List.of(xs), fn ->
                scan(List.of(xs), List.of(), (x, c) -> sum(scan(List.of(xs), List.of(), (y, d) -> x.get(0).times(y.get(0))).getFirst()))));
    }
}
