package dev.txc.jvm;

import static org.junit.jupiter.api.Assertions.*;

import dev.txc.ir.Attrs;
import dev.txc.ir.Function;
import dev.txc.ir.Interpreter;
import dev.txc.ir.Ir;
import dev.txc.ir.Node;
import dev.txc.ir.Op;
import dev.txc.ir.Tensor;
import dev.txc.opt.Autodiff;
import dev.txc.runtime.NDArray;
import dev.txc.types.DType;
import dev.txc.types.Dim;
import dev.txc.types.TensorType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** window and unwindow (the dynamic-offset slice and its adjoint): values, run-time checks, and both derivative modes. */
class WindowOpsTest {
    static final TensorType ROWS = new TensorType(DType.F64, List.of(new Dim.Sym("N"), Dim.of(3)));
    static final TensorType TWO = TensorType.of(DType.F64, 2, 3);
    final Node x = Ir.param("x", ROWS), like = Ir.param("like", TWO), start = Ir.param("start", TensorType.scalar(DType.I64));
    final Node w = Ir.param("w", TWO);

    Node window(Node v) {
        return Node.make(Op.WINDOW, List.of(v, start, like), Attrs.of("axis", 0L));
    }

    static Tensor t(int[] shape, double... v) {
        return Tensor.ofDoubles(DType.F64, shape, v);
    }

    Map<String, Tensor> args(double[] xs, long s) {
        return Map.of("x", t(new int[] {4, 3}, xs), "start", Tensor.scalarLong(DType.I64, s), "like", Tensor.zeros(DType.F64, new int[] {2, 3}),
                "w", t(new int[] {2, 3}, 1, 2, 3, 4, 5, 6));
    }

    static Function fn(List<Node> params, Node... outs) {
        var o = new java.util.ArrayList<Function.Output>();
        for (int k = 0; k < outs.length; k++) o.add(new Function.Output("o" + k, outs[k]));
        return new Function("f", params, Map.of(), o, List.of(), Map.of());
    }

    @Test
    void windowAndUnwindowOnBothBackends() {
        Node win = window(x);
        Node un = Node.make(Op.UNWINDOW, List.of(win, start, x), Attrs.of("axis", 0L));
        Function f = fn(List.of(x, start, like), win, un);
        double[] xs = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
        var r = Interpreter.run(f, args(xs, 1), n -> null).outputs();
        assertArrayEquals(new double[] {3, 4, 5, 6, 7, 8}, r.get(0).toDoubles());
        assertArrayEquals(new double[] {0, 0, 0, 3, 4, 5, 6, 7, 8, 0, 0, 0}, r.get(1).toDoubles());
        var jvm = JvmCompiler.load(JvmCompiler.compile(f, List.of()));
        NDArray[] out = jvm.call(new NDArray[] {NDArray.ofDoubles(xs, 4, 3), NDArray.scalar(1L), NDArray.zeros(DType.F64, 2, 3)}, new NDArray[0]);
        assertArrayEquals(r.get(0).toDoubles(), out[0].toDoubleArray());
        assertArrayEquals(r.get(1).toDoubles(), out[1].toDoubleArray());
        var e = assertThrows(dev.txc.runtime.TxRuntimeException.class, () -> jvm.call(new NDArray[] {NDArray.ofDoubles(xs, 4, 3), NDArray.scalar(3L),
                NDArray.zeros(DType.F64, 2, 3)}, new NDArray[0]));
        assertEquals("window [3, 5) is out of bounds for axis 0 with size 4", e.getMessage());
    }

    @Test
    void derivativesMatchFiniteDifferences() {
        // cost = sum(sin(window(x)) * w): d/dx = unwindow(cos(window(x)) * w); and rop of window(x) is window(v).
        Node cost = Ir.sum(Ir.mul(Ir.op(Op.SIN, window(x)), w));
        Node g = Autodiff.grad(cost, List.of(x), false).getFirst();
        Node v = Ir.param("v", ROWS);
        Node jv = Autodiff.rop(window(x), List.of(x), List.of(v), false);
        Node gg = Autodiff.grad(Ir.sum(Ir.mul(g, g)), List.of(x), false).getFirst();
        Function f = fn(List.of(x, start, like, w, v), cost, g, jv, gg);
        double[] xs = {0.3, -1.2, 0.7, 1.1, 0.2, -0.4, 0.9, -0.8, 1.5, 0.1, 0.6, -1.0};
        double[] vs = {1, 0, -1, 2, 1, 0, -2, 1, 1, 0.5, 0, 3};
        var base = new java.util.HashMap<>(args(xs, 1));
        base.put("v", t(new int[] {4, 3}, vs));
        var r = Interpreter.run(f, base, n -> null).outputs();
        double h = 1e-6;
        for (int i = 0; i < xs.length; i++) {
            double[] p = xs.clone(), m = xs.clone();
            p[i] += h;
            m[i] -= h;
            double fd = (eval(f, base, p, 0) - eval(f, base, m, 0)) / (2 * h);
            assertEquals(fd, r.get(1).getDouble(i), 1e-7, "grad element " + i);
            double fd2 = (sumSq(eval1(f, base, p)) - sumSq(eval1(f, base, m))) / (2 * h);
            assertEquals(fd2, r.get(3).getDouble(i), 1e-6, "second-order element " + i);
        }
        assertArrayEquals(new double[] {2, 1, 0, -2, 1, 1}, r.get(2).toDoubles());
    }

    private static double eval(Function f, Map<String, Tensor> base, double[] xs, int out) {
        var a = new java.util.HashMap<>(base);
        a.put("x", t(new int[] {4, 3}, xs));
        return Interpreter.run(f, a, n -> null).outputs().get(out).getDouble(0);
    }

    private static double[] eval1(Function f, Map<String, Tensor> base, double[] xs) {
        var a = new java.util.HashMap<>(base);
        a.put("x", t(new int[] {4, 3}, xs));
        return Interpreter.run(f, a, n -> null).outputs().get(1).toDoubles();
    }

    private static double sumSq(double[] v) {
        double s = 0;
        for (double d : v) s += d * d;
        return s;
    }
}
