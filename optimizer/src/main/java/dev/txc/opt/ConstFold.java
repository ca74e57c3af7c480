package dev.txc.opt;

import dev.txc.ir.EvalException;
import dev.txc.ir.Function;
import dev.txc.ir.Interpreter;
import dev.txc.ir.Ir;
import dev.txc.ir.Node;
import dev.txc.ir.Op;
import dev.txc.ir.Rewriter;
import dev.txc.types.TensorType;

/**
 * Evaluates nodes whose inputs are all constants through the reference interpreter. Results larger than
 * {@link #MAX_ELEMENTS} stay symbolic, so no huge constant is materialized (a broadcast of a scalar stays a
 * broadcast, not an array); errors (say an index out of range) are left for run time to report.
 */
public final class ConstFold implements Pass {
    /** The largest folded constant, in elements. */
    public static final long MAX_ELEMENTS = 1 << 12;

    @Override
    public String name() {
        return "const-fold";
    }

    @Override
    public Function run(Function f, PassContext cx) {
        return Rewriter.rewrite(f, n -> fold(n, MAX_ELEMENTS));
    }

    /** n as a constant when it is foldable within {@code maxElements}, else n. */
    static Node fold(Node n, long maxElements) {
        if (n.op().kind() == Op.Kind.LEAF || n.op().kind() == Op.Kind.DIFF || n.region() != null) return n;
        if (!(n.type() instanceof TensorType t)) return n;
        long size = t.staticSize();
        if (size < 0 || size > maxElements) return n;
        if (n.op() == Op.SHAPE) return n.input(0).tt().isStatic() ? Ir.shapeOf(n.input(0)) : n;
        for (Node in : n.inputs()) if (!in.isConst()) return n;
        try {
            return Ir.constant(Interpreter.evaluate(n));
        } catch (EvalException e) {
            return n;
        }
    }
}
