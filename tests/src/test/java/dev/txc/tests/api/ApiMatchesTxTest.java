package dev.txc.tests.api;

import static dev.txc.driver.api.Tx.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.txc.driver.api.Expr;
import dev.txc.driver.api.Shared;
import dev.txc.driver.api.TxFunction;
import dev.txc.frontend.Frontend;
import dev.txc.ir.Function;
import dev.txc.ir.IrText;
import dev.txc.ir.Module;
import dev.txc.opt.PassContext;
import dev.txc.opt.Pipeline;
import dev.txc.runtime.NDArray;
import dev.txc.types.DType;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The embedding API and the .tx frontend build the same IR: identical IR text as lowered and as optimized. */
class ApiMatchesTxTest {
    private static final String SOURCE = """
            shared w: f64[3] = [0.5, -0.25, 1.0]
            shared b: f64 = 0.0
            fn gy(x: f64) = grad(x ** 2, x)
            fn dlogistic(x: f64[?, ?]) = grad(sum(1 / (1 + exp(-x))), x)
            fn hess(x: f64[N]) = hessian(sum(x ** 2), x)
            fn jv(W: f64[?, ?], V: f64[?, ?], x: f64[?]) = rop(dot(x, W), W, V)
            fn vj(W: f64[?, ?], v: f64[?], x: f64[?]) = lop(dot(x, W), W, v)
            fn hv(x: f64[N], v: f64[N]) = rop(grad(sum(x ** 2), x), x, v)
            fn linear_mix(A: f64[M, K], x: f64[K], b: f64[M] = zeros()) = (dot(A, x) + b, sum(A ** 2))
            fn mixed(i: i32[N], f: f32[N]) = (i + f, i / 2, f * 2.5, i // 3 % 2, where(i > 0, f, 1), x_of(i))
            fn x_of(i: i32[N]) = i[1:] * 2
            fn train(x: f32[N, 3], y: f32[N]) {
                p_1 = 1 / (1 + exp(-dot(x, w) - b))
                xent = -y * log(p_1) - (1 - y) * log(1 - p_1)
                cost = mean(xent) + 0.01 * sum(w ** 2)
                gw, gb = grad(cost, [w, b])
                w := w - 0.1 * gw
                b := b - 0.1 * gb
                return p_1 > 0.5, xent
            }
            """;

    private static Module tx() {
        var c = Frontend.compileText("api.tx", SOURCE, Frontend.Options.defaults());
        assertTrue(c.ok(), () -> c.diagnostics().toString());
        return c.module();
    }

    private static void assertSameIr(String name, TxFunction api) {
        Module m = tx();
        Function parsed = m.function(name);
        assertEquals(IrText.print(parsed), IrText.print(api.function(Pipeline.Stage.PARSED)), name + " as lowered");
        for (Pipeline.Stage st : List.of(Pipeline.Stage.AD, Pipeline.Stage.OPT, Pipeline.Stage.LOWERED)) {
            Module opt = Pipeline.run(new Module(m.shared(), List.of(parsed)), st, new PassContext(2, DType.F64));
            assertEquals(IrText.print(opt.functions().getFirst()), IrText.print(api.function(st)), name + " at stage " + st.spelling());
        }
    }

    @Test
    void derivativesOfTheTutorial() {
        Expr x = dscalar("x");
        assertSameIr("gy", function("gy", List.of(x), fn -> grad(x.pow(2), x)));
        Expr m = dmatrix("x");
        assertSameIr("dlogistic", function("dlogistic", List.of(m), fn -> grad(sum(constant(1).div(constant(1).plus(exp(m.unaryMinus())))), m)));
        Expr v = tensor("x", DType.F64, "N");
        assertSameIr("hess", function("hess", List.of(v), fn -> hessian(sum(v.pow(2)), v)));
        Expr W = dmatrix("W"), V = dmatrix("V"), xv = dvector("x"), vv = dvector("v");
        assertSameIr("jv", function("jv", List.of(W, V, xv), fn -> rop(dot(xv, W), W, V)));
        assertSameIr("vj", function("vj", List.of(W, vv, xv), fn -> lop(dot(xv, W), W, vv)));
        Expr vn = tensor("v", DType.F64, "N");
        assertSameIr("hv", function("hv", List.of(v, vn), fn -> rop(grad(sum(v.pow(2)), v), v, vn)));
    }

    @Test
    void defaultsAndPromotion() {
        Expr A = tensor("A", DType.F64, "M", "K"), x = tensor("x", DType.F64, "K"), b = tensor("b", DType.F64, "M");
        assertSameIr("linear_mix", function("linear_mix", List.of(A, x, b), fn -> {
            fn.defaultValue(b, zeros(A.shape().get(0)));
            fn.outputNames("out0", "out1");
            return List.of(dot(A, x).plus(b), sum(A.pow(2)));
        }));
        Expr i = tensor("i", DType.I32, "N"), f = tensor("f", DType.F32, "N");
        assertSameIr("mixed", function("mixed", List.of(i, f), fn -> {
            fn.outputNames("out0", "out1", "out2", "out3", "out4", "out5");
            return List.of(i.plus(f), i.div(2), f.times(2.5), i.floorDiv(3).rem(2), where(i.gt(0), f, 1), i.get(slice(1, null)).times(2));
        }));
    }

    @Test
    void trainingStepWithSharedVariables() {
        Shared w = shared(NDArray.ofDoubles(new double[] {0.5, -0.25, 1.0}), "w");
        Shared b = shared(0.0, "b");
        assertEquals("w", w.name(), "no other live shared variable may be named w in this test JVM");
        Expr x = tensor("x", DType.F32, "N", 3), y = tensor("y", DType.F32, "N");
        assertSameIr("train", function("train", List.of(x, y), fn -> {
            Expr p1 = constant(1).div(constant(1).plus(exp(dot(x, w).unaryMinus().minus(b))));
            Expr xent = y.unaryMinus().times(log(p1)).minus(constant(1).minus(y).times(log(constant(1).minus(p1))));
            Expr cost = mean(xent).plus(constant(0.01).times(sum(w.pow(2))));
            List<Expr> g = grad(cost, List.of(w, b));
            fn.update(w, w.minus(constant(0.1).times(g.get(0))));
            fn.update(b, b.minus(constant(0.1).times(g.get(1))));
            fn.outputNames("out0", "xent");
            return List.of(p1.gt(0.5), xent);
        }));
    }
}
