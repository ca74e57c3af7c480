package dev.txc.frontend;

import dev.txc.frontend.ast.Expr;
import dev.txc.frontend.ast.IndexItem;
import dev.txc.frontend.ast.Slice;
import dev.txc.types.DType;
import dev.txc.ir.Ir;
import dev.txc.ir.IrTypeException;
import dev.txc.ir.Node;
import dev.txc.ir.Op;
import dev.txc.ir.SourceSpan;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/** Subscripts {@code x[i, a:b:c]}: NumPy basic indexing with constant or run-time slice bounds. */
final class Indexing {
    private Indexing() {}

    /** One item of a subscript, lowered: a slice with constant bounds ({@link Op#NONE} when absent) or an integer index. */
    sealed interface Subscript {
        /** {@code written} is false for a bare {@code :}, which leaves its axis alone. */
        record Range(long start, long stop, long step, boolean written) implements Subscript {}

        record At(Value.T index, SourceSpan span) implements Subscript {}

        /** A slice with a run-time bound: i64 scalars, {@code Long.MIN_VALUE}/{@code MAX_VALUE} constants where absent. */
        record DynRange(Node start, Node stop, long step) implements Subscript {}
    }

    /** A slice item: constant bounds when they fold to constants, else run-time bounds (the step must be constant). */
    private static Subscript slice(Lowerer l, Slice s) {
        long step = 1;
        if (s.step() != null) {
            step = l.constLong(s.step(), "slice step");
            if (step == 0) throw new FrontendError(s.step().span(), "slice step cannot be zero");
        }
        Node start = s.start() == null ? null : sliceBound(l, s.start()), stop = s.stop() == null ? null : sliceBound(l, s.stop());
        boolean dynamic = (start != null && !start.isConst()) || (stop != null && !stop.isConst());
        if (!dynamic)
            return new Subscript.Range(start == null ? Op.NONE : start.constValue().getLong(0), stop == null ? Op.NONE : stop.constValue().getLong(0),
                    step, s.start() != null || s.stop() != null || s.step() != null);
        // An absent bound is the end the slice starts from or runs to; the extreme values clamp there.
        long low = step > 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
        return new Subscript.DynRange(start != null ? start : Ir.scalarLong(low, DType.I64),
                stop != null ? stop : Ir.scalarLong(low == Long.MIN_VALUE ? Long.MAX_VALUE : Long.MIN_VALUE, DType.I64), step);
    }

    /** A slice bound as an i64 scalar, folded to a constant when it is one. */
    private static Node sliceBound(Lowerer l, Expr e) {
        Value.T v = l.tensor(l.expr(e), e.span(), "a slice bound");
        if (!v.node().tt().isScalar() || !v.dtype().isInteger())
            throw new FrontendError(e.span(), "a slice bound must be an integer scalar, got " + (v.weak() ? "a " + v.dtype().spelling() + " number" : v.node().type()));
        return Folding.fold(Conversions.convert(v, DType.I64, e.span()));
    }

    static Value index(Lowerer l, Expr.Index ix, Value base) {
        Value.T x = l.tensor(base, ix.base().span(), "indexing");
        int rank = x.node().rank();
        if (ix.items().size() > rank)
            throw new FrontendError(ix.span(), "too many indices: the array has rank " + rank + " but " + ix.items().size() + " were given");
        var items = new ArrayList<Subscript>();
        for (IndexItem item : ix.items()) {
            items.add(switch (item) {
                case Slice s -> slice(l, s);
                case Expr e -> {
                    Value.T i = l.tensor(l.expr(e), e.span(), "an index");
                    yield new Subscript.At(new Value.T(integerIndex(i, e.span()), i.weak()), e.span());
                }
            });
        }
        return index(x, items, ix.span());
    }

    /** NumPy basic indexing of a lowered operand: slices first, then integer indices from the last axis back. */
    static Value.T index(Value.T x, List<Subscript> items, SourceSpan at) {
        Node n = x.node();
        int rank = n.rank();
        if (items.size() > rank)
            throw new FrontendError(at, "too many indices: the array has rank " + rank + " but " + items.size() + " were given");
        var starts = new ArrayList<Long>(Collections.nCopies(rank, Op.NONE));
        var stops = new ArrayList<Long>(Collections.nCopies(rank, Op.NONE));
        var steps = new ArrayList<Long>(Collections.nCopies(rank, 1L));
        boolean sliced = false;
        var ints = new ArrayList<Map.Entry<Integer, Subscript.At>>();
        for (int k = 0; k < items.size(); k++) {
            switch (items.get(k)) {
                case Subscript.Range(long start, long stop, long step, boolean written) -> {
                    if (step == 0) throw new FrontendError(at, "slice step cannot be zero");
                    starts.set(k, start);
                    stops.set(k, stop);
                    steps.set(k, step);
                    sliced |= written;
                }
                case Subscript.At i -> ints.add(Map.entry(k, i));
                case Subscript.DynRange d -> { }
            }
        }
        Node r = sliced ? Ir.slice(n, starts, stops, steps) : n;
        for (int k = 0; k < items.size(); k++)
            if (items.get(k) instanceof Subscript.DynRange(Node start, Node stop, long step))
                r = Node.make(Op.DYN_SLICE, List.of(r, start, stop), dev.txc.ir.Attrs.of("axis", (long) k, "step", step));
        for (int k = ints.size() - 1; k >= 0; k--) {
            var e = ints.get(k);
            Subscript.At i = e.getValue();
            try {
                r = Ir.index(r, integerIndex(i.index(), i.span()), e.getKey());
            } catch (IrTypeException ex) {
                throw new FrontendError(i.span(), ex.getMessage());
            }
        }
        return new Value.T(Folding.fold(r), x.weak());
    }

    private static Node integerIndex(Value.T i, SourceSpan at) {
        if (!i.node().tt().isScalar() || !i.dtype().isInteger())
            throw new FrontendError(at, "an index must be an integer scalar, got " + (i.weak() ? "a " + i.dtype().spelling() + " number" : i.node().type())
                    + " (only basic indexing is supported)");
        return Conversions.convert(i, DType.I64);
    }
}
