package dev.txc.ir;

import static org.junit.jupiter.api.Assertions.*;

import dev.txc.types.DType;
import dev.txc.types.Dim;
import dev.txc.types.TensorType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PrettyPrinterTest {
    private static final TensorType F64 = TensorType.scalar(DType.F64);
    private static final TensorType VEC = new TensorType(DType.F64, List.of(new Dim.Sym("N")));
    private static final TensorType MAT = new TensorType(DType.F64, List.of(Dim.ANY, Dim.ANY));

    private static Function fn(Map<String, Node> outs, Function.Update... ups) {
        var params = new java.util.LinkedHashSet<Node>();
        var o = new java.util.ArrayList<Function.Output>();
        outs.forEach((k, v) -> o.add(new Function.Output(k, v)));
        for (var out : o) collectParams(out.value(), params);
        for (var u : ups) collectParams(u.value(), params);
        return new Function("f", List.copyOf(params), Map.of(), o, List.of(ups), Map.of());
    }

    private static void collectParams(Node n, java.util.Set<Node> acc) {
        if (n.op() == Op.PARAM) acc.add(n);
        for (Node i : n.inputs()) collectParams(i, acc);
    }

    @Test
    void binaryOpsAreInfixAndParenthesized() {
        Node x = Ir.param("x", F64);
        assertEquals("(2.0 * x)", PrettyPrinter.expr(Ir.mul(Ir.scalar(2, DType.F64), x)));
        assertEquals("(x ** 2.0)", PrettyPrinter.expr(Ir.op(Op.POW, x, Ir.scalar(2, DType.F64))));
        Node a = Ir.param("a", VEC), b = Ir.param("b", VEC);
        assertEquals("((a + b) / (a - b))", PrettyPrinter.expr(Ir.div(Ir.add(a, b), Ir.sub(a, b))));
        assertEquals("(a < b)", PrettyPrinter.expr(Ir.op(Op.LT, a, b)));
    }

    @Test
    void unaryMinusAndCalls() {
        Node x = Ir.param("x", MAT);
        Node one = Ir.scalar(1, DType.F64);
        Node logistic = Ir.div(one, Ir.add(one, Ir.op(Op.EXP, Ir.neg(x))));
        assertEquals("(1.0 / (1.0 + exp(-x)))", PrettyPrinter.expr(logistic));
        assertEquals("-(-x)", PrettyPrinter.expr(Ir.neg(Ir.neg(x))));
        assertEquals("-exp(x)", PrettyPrinter.expr(Ir.neg(Ir.op(Op.EXP, x))));
    }

    @Test
    void constantsAsLiterals() {
        assertEquals("2", PrettyPrinter.expr(Ir.scalarLong(2, DType.I64)));
        assertEquals("2.0", PrettyPrinter.expr(Ir.scalar(2, DType.F64)));
        assertEquals("0.1", PrettyPrinter.expr(Ir.scalar(0.1, DType.F64)));
        assertEquals("0.1", PrettyPrinter.expr(Ir.scalar(0.1, DType.F32)));
        assertEquals("1e-05", PrettyPrinter.expr(Ir.scalar(1e-5, DType.F64)));
        assertEquals("1e+16", PrettyPrinter.expr(Ir.scalar(1e16, DType.F64)));
        assertEquals("true", PrettyPrinter.expr(Ir.scalar(1, DType.BOOL)));
        assertEquals("nan", PrettyPrinter.expr(Ir.scalar(Double.NaN, DType.F64)));
        assertEquals("[1.0, 2.5]", PrettyPrinter.expr(Ir.constant(Tensor.ofDoubles(DType.F64, new int[] {2}, new double[] {1, 2.5}))));
        assertEquals("full([2, 3], 0.0)", PrettyPrinter.expr(Ir.constant(Tensor.zeros(DType.F64, new int[] {2, 3}))));
    }

    @Test
    void reductionsShowAxesOnlyWhenPartial() {
        Node x = Ir.param("x", MAT);
        assertEquals("sum(x)", PrettyPrinter.expr(Ir.sum(x)));
        assertEquals("sum(x, axis=[0])", PrettyPrinter.expr(Ir.reduce(Op.SUM, x, Ir.axes(0), false)));
        assertEquals("max(x, axis=[1], keepdims=true)", PrettyPrinter.expr(Ir.reduce(Op.MAX, x, Ir.axes(1), true)));
    }

    @Test
    void fillAndBroadcast() {
        Node x = Ir.param("x", MAT);
        assertEquals("fill(x, 1.0)", PrettyPrinter.expr(Ir.op(Op.BROADCAST_TO, Ir.scalar(1, DType.F64), Ir.shape(x))));
        Node y = Ir.param("y", VEC);
        assertEquals("broadcast_to(y, shape(x))", PrettyPrinter.expr(Ir.op(Op.BROADCAST_TO, y, Ir.shape(x))));
    }

    @Test
    void viewsUsePostfixSyntax() {
        Node x = Ir.param("x", MAT);
        assertEquals("x.T", PrettyPrinter.expr(Ir.transpose(x, 1, 0)));
        assertEquals("x[:, 1]", PrettyPrinter.expr(Ir.index(x, Ir.scalarLong(1, DType.I64), 1)));
        assertEquals("(-x)[0]", PrettyPrinter.expr(Ir.index(Ir.neg(x), Ir.scalarLong(0, DType.I64), 0)));
        assertEquals("x[1:, ::2]", PrettyPrinter.expr(Ir.slice(x, List.of(1L, Op.NONE), List.of(Op.NONE, Op.NONE), List.of(1L, 2L))));
        assertEquals("cast(x, f32)", PrettyPrinter.expr(Ir.cast(x, DType.F32)));
    }

    @Test
    void sharedNodesAreInlinedAtEveryUse() {
        Node x = Ir.param("x", F64);
        Node e = Ir.op(Op.EXP, x);
        assertEquals("(exp(x) * exp(x))", PrettyPrinter.expr(Ir.mul(e, e)));
    }

    @Test
    void functionLinesForOutputsAndUpdates() {
        Node x = Ir.param("x", F64);
        Node w = Ir.shared("w", F64);
        Function f = fn(Map.of("y", Ir.add(w, x)), new Function.Update("w", Ir.sub(w, x)));
        assertEquals("y = (w + x)\nw := (w - x)\n", PrettyPrinter.print(f));
    }

    @Test
    void scanBodiesNameTheirParameters() {
        Node xs = Ir.param("xs", TensorType.of(DType.F64, 4));
        Node e = Ir.regionParam(0, 0, F64);
        Node h = Ir.regionParam(0, 1, F64);
        Region body = new Region(0, List.of(e, h), List.of(Ir.add(h, Ir.mul(e, e))));
        Node scan = Ir.scan(body, List.of(xs), List.of(Ir.scalar(0, DType.F64)));
        assertEquals("scan(sequences=[xs], carries=[0.0], body=(s0_0, s0_1) -> ((s0_1 + (s0_0 * s0_0)))).0", PrettyPrinter.expr(Ir.tupleGet(scan, 0)));
    }

    @Test
    void exponentialInliningIsRefused() {
        Node n = Ir.param("x", F64);
        for (int k = 0; k < 40; k++) n = Ir.add(n, n);
        Node big = n;
        assertThrows(PrettyPrinter.TooLargeException.class, () -> PrettyPrinter.expr(big));
    }
}
