package dev.txc.ir;

import static org.junit.jupiter.api.Assertions.*;

import dev.txc.types.DType;
import dev.txc.types.Dim;
import dev.txc.types.TensorType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DotGraphTest {
    @Test
    void opsAreBoxesLeavesAreEllipsesAndOperandsAreNumbered() {
        Node x = Ir.param("x", new TensorType(DType.F64, List.of(Dim.ANY)));
        Node w = Ir.shared("w", new TensorType(DType.F64, List.of(Dim.ANY)));
        Node y = Ir.mul(Ir.scalar(2, DType.F64), Ir.op(Op.EXP, x));
        Function f = new Function("g", List.of(x), Map.of(), List.of(new Function.Output("y", y)),
                List.of(new Function.Update("w", Ir.add(w, x))), Map.of());
        String dot = DotGraph.render(f);
        assertTrue(dot.startsWith("digraph \"g\" {\n"), dot);
        assertTrue(dot.endsWith("}\n"), dot);
        assertTrue(dot.contains("[shape=ellipse, style=filled, fillcolor=limegreen, label=\"x\\nf64[?]\"]"), dot);
        assertTrue(dot.contains("fillcolor=gold, label=\"w\\nf64[?]\""), dot);
        assertTrue(dot.contains("fillcolor=lightgrey, label=\"2.0 : f64\""), dot);
        assertTrue(dot.contains("[shape=box, label=\"exp\\nf64[?]\"]"), dot);
        assertTrue(dot.contains("[shape=box, label=\"mul\\nf64[?]\"]"), dot);
        assertTrue(dot.contains("fillcolor=dodgerblue, label=\"y\\nf64[?]\""), dot);
        assertTrue(dot.contains("fillcolor=orange, label=\"w :=\\nf64[?]\""), dot);
        // exp has one operand: no label; mul has two: labelled 0 and 1.
        assertTrue(dot.matches("(?s).*n\\d+ -> n\\d+;\n.*"), dot);
        assertTrue(dot.contains("[label=\"0\"]") && dot.contains("[label=\"1\"]"), dot);
        long boxes = dot.lines().filter(l -> l.contains("shape=box")).count();
        assertEquals(3, boxes, dot);
    }

    @Test
    void scanBodiesAreClusters() {
        Node xs = Ir.param("xs", TensorType.of(DType.F64, 4));
        Node e = Ir.regionParam(0, 0, TensorType.scalar(DType.F64));
        Node h = Ir.regionParam(0, 1, TensorType.scalar(DType.F64));
        Region body = new Region(0, List.of(e, h), List.of(Ir.add(h, Ir.mul(e, e))));
        Node scan = Ir.scan(body, List.of(xs), List.of(Ir.scalar(0, DType.F64)));
        Function f = new Function("cumsq", List.of(xs), Map.of(), List.of(new Function.Output("c", Ir.tupleGet(scan, 0))), List.of(), Map.of());
        String dot = DotGraph.render(f);
        assertTrue(dot.contains("subgraph cluster_0 {"), dot);
        assertTrue(dot.contains("label=\"s0_0\\nf64\""), dot);
        assertTrue(dot.contains("[label=\"yield 0\"]"), dot);
        assertTrue(dot.contains("label=\"scan{nseq=1}\\n(f64[4])\""), dot);
    }

    @Test
    void labelsAreEscaped() {
        assertEquals("\"a\\\"b\\\\c\\nd\"", IrText.quote("a\"b\\c\nd"));
    }
}
