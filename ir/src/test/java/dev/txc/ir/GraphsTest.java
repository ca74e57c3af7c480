package dev.txc.ir;

import static org.junit.jupiter.api.Assertions.*;

import dev.txc.types.DType;
import dev.txc.types.TensorType;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The one walk over everything a set of roots depends on, and the queries built on it. */
class GraphsTest {
    private static final TensorType V = TensorType.of(DType.F64, 3);

    @Test
    void reachableIsDepthFirstPreorderEachNodeOnce() {
        Node x = Ir.param("x", V), y = Ir.param("y", V);
        Node a = Ir.add(x, y), b = Ir.mul(a, x), c = Ir.neg(y);
        // b, then its inputs in order: a (then a's inputs x, y); x was already seen; then the second root c.
        assertEquals(List.of(b, a, x, y, c), Graphs.reachable(List.of(b, c)));
        assertEquals(List.of(x, y), Graphs.freeVariables(List.of(b, c)));
        assertEquals(List.of(y, x), Graphs.freeVariables(List.of(c, b)));
    }

    @Test
    void ancestorsPutInputsFirst() {
        Node x = Ir.param("x", V), y = Ir.param("y", V);
        Node a = Ir.add(x, y), b = Ir.mul(a, x);
        assertEquals(List.of(x, y, a, b), Graphs.ancestors(List.of(b)));
    }
}
