package dev.txc.ir;

import static org.junit.jupiter.api.Assertions.*;

import dev.txc.types.DType;
import dev.txc.types.Dim;
import dev.txc.types.TensorType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IrTextTest {
    static Function logistic() {
        Node x = Ir.param("x", new TensorType(DType.F64, List.of(Dim.ANY, new Dim.Sym("N"))));
        Node one = Ir.scalar(1, DType.F64);
        Node s = Ir.div(one, Ir.add(one, Ir.op(Op.EXP, Ir.neg(x))));
        Node total = Ir.sum(s);
        Node m = Ir.reduce(Op.MAX, x, Ir.axes(1), true);
        return new Function("f", List.of(x), Map.of(), List.of(new Function.Output("s", s), new Function.Output("t", total), new Function.Output("m", m)), List.of(), Map.of());
    }

    /** Nested literals of rank 2 and 3 parse back (inner lists close first; the shape is filled by depth). */
    @Test
    void nestedLiteralsRoundTrip() {
        String text = """
            shared @X : f64[2, 3] = [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]

            func @f() -> (y) {
              %0 = const [[[1, 2]], [[3, 4]], [[5, 6]]] : i32[3, 1, 2]
              return %0
            }
            """;
        Module m = IrParser.parseModule("t.tir", text);
        assertEquals(text, IrText.print(m));
        var x = ((SharedVar.Init.Value) m.shared().getFirst().init()).value();
        assertArrayEquals(new int[] {2, 3}, x.shape());
        assertEquals(6.0, x.getDouble(5));
        assertThrows(RuntimeException.class, () -> IrParser.parseModule("t.tir", "shared @X : f64[2, 2] = [[1.0, 2.0], [3.0]]\n"));
        assertThrows(RuntimeException.class, () -> IrParser.parseModule("t.tir", "shared @X : f64[2] = [1.0, [2.0]]\n"));
    }

    @Test
    void nodesAreInterned() {
        Node a = Ir.param("a", TensorType.scalar(DType.F64));
        assertSame(Ir.add(a, Ir.scalar(2, DType.F64)), Ir.add(a, Ir.scalar(2, DType.F64)));
        assertNotSame(Ir.add(a, Ir.scalar(2, DType.F64)), Ir.add(a, Ir.scalar(3, DType.F64)));
    }

    @Test
    void printParseRoundTrip() {
        Function f = logistic();
        String text = IrText.print(f);
        Function g = IrParser.parseFunction("t.tir", text);
        assertEquals(text, IrText.print(g));
        for (int k = 0; k < f.outputs().size(); k++) assertSame(f.outputs().get(k).value(), g.outputs().get(k).value());
    }

    @Test
    void scanRoundTripAndEval() {
        Node xs = Ir.param("xs", TensorType.of(DType.F64, 4));
        Node h0 = Ir.scalar(0, DType.F64);
        Node e = Ir.regionParam(0, 0, TensorType.scalar(DType.F64));
        Node h = Ir.regionParam(0, 1, TensorType.scalar(DType.F64));
        Node next = Ir.add(h, Ir.mul(e, e));
        Region body = new Region(0, List.of(e, h), List.of(next, Ir.op(Op.EXP, e)));
        Node scan = Ir.scan(body, List.of(xs), List.of(h0));
        Function f = new Function("cumsq", List.of(xs), Map.of(), List.of(new Function.Output("c", Ir.tupleGet(scan, 0)), new Function.Output("e", Ir.tupleGet(scan, 1))), List.of(), Map.of());
        String text = IrText.print(f);
        assertTrue(text.contains("scan %xs"), text);
        Function g = IrParser.parseFunction("t.tir", text);
        assertSame(f.outputs().getFirst().value(), g.outputs().getFirst().value());
        var r = Interpreter.run(g, Map.of("xs", Tensor.ofDoubles(DType.F64, new int[] {4}, new double[] {1, 2, 3, 4})), n -> null);
        assertArrayEquals(new double[] {1, 5, 14, 30}, r.outputs().getFirst().toDoubles());
        assertEquals(Math.exp(3), r.outputs().get(1).getDouble(2), 0);
    }

    @Test
    void interpreterBroadcastsAndReduces() {
        Function f = logistic();
        var x = Tensor.ofDoubles(DType.F64, new int[] {2, 2}, new double[] {0, 1, -1, -2});
        var r = Interpreter.run(f, Map.of("x", x), n -> null);
        assertEquals(0.5, r.outputs().get(0).getDouble(0), 1e-15);
        double expect = 0.5 + 1 / (1 + Math.exp(-1)) + 1 / (1 + Math.exp(1)) + 1 / (1 + Math.exp(2));
        assertEquals(expect, r.outputs().get(1).getDouble(0), 1e-15);
        assertArrayEquals(new int[] {2, 1}, r.outputs().get(2).shape());
        assertArrayEquals(new double[] {1, -1}, r.outputs().get(2).toDoubles());
    }

    @Test
    void dimVariablesAreCheckedAtCallTime() {
        Node a = Ir.param("a", new TensorType(DType.F64, List.of(new Dim.Sym("N"), new Dim.Sym("K"))));
        Node b = Ir.param("b", new TensorType(DType.F64, List.of(new Dim.Sym("K"))));
        Function f = new Function("f", List.of(a, b), Map.of(), List.of(new Function.Output("y", Ir.matmul(a, b))), List.of(), Map.of());
        var e = assertThrows(EvalException.class, () -> Interpreter.run(f, Map.of(
            "a", Tensor.zeros(DType.F64, new int[] {2, 3}), "b", Tensor.zeros(DType.F64, new int[] {4})), n -> null));
        assertEquals("f: dim K is 3 from a (axis 1) but 4 from b (axis 0)", e.getMessage());
    }

    @Test
    void staticShapeMismatchIsATypeError() {
        Node a = Ir.param("a", TensorType.of(DType.F64, 3));
        Node b = Ir.param("b", TensorType.of(DType.F64, 4));
        var e = assertThrows(IrTypeException.class, () -> Ir.add(a, b));
        assertEquals("shape mismatch: [3] and [4] cannot be broadcast together", e.getMessage());
    }
}
