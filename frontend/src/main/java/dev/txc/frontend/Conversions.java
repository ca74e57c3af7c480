package dev.txc.frontend;

import dev.txc.frontend.Lowerer.PoisonSignal;
import dev.txc.types.DType;
import dev.txc.types.Dim;
import dev.txc.ir.Ir;
import dev.txc.ir.IrTypeException;
import dev.txc.ir.Node;
import dev.txc.ir.Op;
import dev.txc.ir.SourceSpan;
import dev.txc.ir.Tensor;
import dev.txc.types.TensorType;
import java.util.ArrayList;
import java.util.List;

/** Conversions of lowered values: weak literals to a dtype (bounds-checked), list literals to arrays, arguments to parameter types. */
final class Conversions {
    private Conversions() {}

    /** Converts an argument to a parameter type: weak literals adapt, strong values upcast only safely. */
    static Node convertArg(Value.T v, TensorType t, String what, SourceSpan at) {
        Node n = v.node();
        if (v.weak()) n = Conversions.convert(v, t.dtype(), at);
        else if (n.dtype() != t.dtype()) {
            if (!n.dtype().canCastSafely(t.dtype()))
                throw new FrontendError(at, what + " expects " + t + ", got " + n.type() + " (a lossy conversion; use cast)");
            n = Ir.cast(n, t.dtype());
        }
        if (n.rank() != t.rank()) {
            if (n.tt().isScalar() && v.weak() && t.isStatic()) return Ir.op(Op.BROADCAST_TO, n, Ir.longs(t.dims().stream().mapToLong(Dim::size).toArray()));
            throw new FrontendError(at, what + " expects " + t + ", got " + n.type());
        }
        for (int d = 0; d < t.rank(); d++) {
            Dim want = t.dim(d), got = n.tt().dim(d);
            if (want.isKnown() && got.isKnown() && want.size() != got.size())
                throw new FrontendError(at, what + " expects " + t + ", got " + n.type());
        }
        return n;
    }

    /**
     * A list literal of numbers as a weak constant tensor, as NumPy's array(): nested lists must be rectangular;
     * the dtype is floatX if any element is a float, bool if all are bools, else i64.
     */
    static Value.T listTensor(Value.Lst l, DType floatX, SourceSpan at, String what) {
        var shape = new ArrayList<Integer>();
        var values = new ArrayList<Value.T>();
        flatten(l, 0, shape, values, at, what);
        boolean anyFloat = values.stream().anyMatch(t -> t.dtype().isFloat());
        boolean allBool = values.stream().allMatch(t -> t.dtype() == DType.BOOL);
        DType d = anyFloat ? floatX : allBool && !values.isEmpty() ? DType.BOOL : DType.I64;
        int[] dims = shape.stream().mapToInt(Integer::intValue).toArray();
        Node node = Ir.constant(arrayOf(values, d, dims, false));
        Node exact = d.isFloat() && d != DType.F64 ? Ir.constant(arrayOf(values, DType.F64, dims, true)) : null;
        return new Value.T(node, true, exact);
    }

    /** The elements (weak scalar constants) as one array of dtype d, from their exact values if {@code exact}. */
    private static Tensor arrayOf(List<Value.T> values, DType d, int[] dims, boolean exact) {
        List<Tensor> ts = values.stream().map(v -> (exact && v.exact() != null ? v.exact() : v.node()).constValue()).toList();
        return d.isFloat() ? Tensor.ofDoubles(d, dims, ts.stream().mapToDouble(t -> t.getDouble(0)).toArray())
                : Tensor.ofLongs(d, dims, ts.stream().mapToLong(t -> t.getLong(0)).toArray());
    }

    private static void flatten(Value v, int depth, List<Integer> shape, List<Value.T> out, SourceSpan at, String what) {
        if (v instanceof Value.Lst l) {
            if (shape.size() == depth) shape.add(l.items().size());
            else if (shape.get(depth) != l.items().size()) throw new FrontendError(at, what + ": a ragged list (rows of different lengths) is not an array");
            for (Value item : l.items()) flatten(item, depth + 1, shape, out, at, what);
            return;
        }
        if (depth != shape.size()) throw new FrontendError(at, what + ": a ragged list (rows of different lengths) is not an array");
        if (v instanceof Value.T t && t.weak() && t.node().isConst() && t.node().tt().isScalar()) {
            out.add(t.exact() == null || t.exact().isConst() ? t : new Value.T(t.node(), true));
            return;
        }
        if (v instanceof Value.Poison) throw new PoisonSignal();
        throw new FrontendError(at, what + ": a list used as an array must hold number literals, got " + Value.describe(v));
    }

    /**
     * The node of v in dtype d: a weak constant is re-made in d (from its exact value, when it has one), anything else
     * is cast. An integer literal out of d's bounds is an error, as NumPy 2 refuses a Python integer it cannot hold.
     */
    static Node convert(Value.T v, DType d) {
        Node n = v.node();
        if (n.dtype() == d) return n;
        if (v.exact() != null) n = v.exact();
        if (n.dtype() == d) return n;
        Tensor c = v.weak() ? Folding.valueOf(n) : null;
        if (c != null) {
            if (!inBounds(c, d))
                throw new IrTypeException("the integer " + outOfBounds(c, d) + " is out of bounds for " + d.spelling() + " (" + min(d) + " to " + max(d) + ")");
            return Ir.constant(c.cast(d));
        }
        return Ir.cast(n, d);
    }

    /** {@link #convert(Value.T, DType)} outside an expression: its errors are located at {@code at}. */
    static Node convert(Value.T v, DType d, SourceSpan at) {
        try {
            return Conversions.convert(v, d);
        } catch (IrTypeException e) {
            throw new FrontendError(at, e.getMessage());
        }
    }

    /** Whether every integer of t fits d without wrapping (always true unless both are integer dtypes). */
    static boolean inBounds(Tensor t, DType d) {
        return !d.isInteger() || !t.dtype().isInteger() || outOfBounds(t, d) == null;
    }

    private static Long outOfBounds(Tensor t, DType d) {
        for (int k = 0; k < t.size(); k++) {
            long x = t.getLong(k);
            if (x < min(d) || x > max(d)) return x;
        }
        return null;
    }

    private static long min(DType d) {
        return d.isUnsigned() ? 0 : -(1L << (d.bits() - 1));
    }

    private static long max(DType d) {
        return d.isUnsigned() ? (1L << d.bits()) - 1 : (1L << (d.bits() - 1)) - 1;
    }
}
