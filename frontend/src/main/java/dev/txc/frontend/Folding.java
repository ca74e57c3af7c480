package dev.txc.frontend;

import dev.txc.ir.EvalException;
import dev.txc.ir.Interpreter;
import dev.txc.ir.Ir;
import dev.txc.ir.IrTypeException;
import dev.txc.ir.Node;
import dev.txc.ir.Tensor;
import dev.txc.types.DType;
import dev.txc.types.TensorType;
import java.util.ArrayList;
import java.util.List;

/** Small compile-time evaluation for shape arithmetic ({@code x.shape[0]}, {@code size(x)}), so static shapes stay static. */
final class Folding {
    private Folding() {}

    private static final int MAX_FOLD = 64;

    /** n itself, or a constant when all its inputs are constants and its value is small. */
    static Node fold(Node n) {
        if (n.isConst() || n.inputs().isEmpty() || n.region() != null || !(n.type() instanceof TensorType t)) return n;
        if (t.staticSize() < 0 || t.staticSize() > MAX_FOLD) return n;
        for (Node in : n.inputs()) if (!in.isConst()) return n;
        try {
            return Ir.constant(Interpreter.evaluate(n));
        } catch (EvalException e) {
            throw new IrTypeException(e.getMessage());
        }
    }

    /** The value of n when it is small and depends on no parameter or shared variable (folded through every level), else null. */
    static Tensor valueOf(Node n) {
        if (n.isConst()) return n.constValue();
        if (!(n.type() instanceof TensorType t) || t.staticSize() < 0 || t.staticSize() > MAX_FOLD || !Lowerer.closed(n)) return null;
        try {
            return Interpreter.evaluate(n);
        } catch (EvalException e) {
            return null;
        }
    }

    /** Integer scalars stacked into an i64 vector: a constant when they all are. */
    static Node stackScalars(List<Node> scalars) {
        boolean allConst = scalars.stream().allMatch(Node::isConst);
        if (allConst) return Ir.longs(scalars.stream().mapToLong(s -> s.constValue().getLong(0)).toArray());
        var parts = new ArrayList<Node>();
        for (Node s : scalars) parts.add(Ir.expandDims(Ir.cast(s, DType.I64), Ir.axes(0)));
        return Ir.concat(parts, 0);
    }
}
