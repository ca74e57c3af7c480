package dev.txc.frontend;

import dev.txc.frontend.ast.Binding;
import dev.txc.frontend.ast.Carry;
import dev.txc.frontend.ast.Expr;
import dev.txc.frontend.ast.KeywordArg;
import dev.txc.frontend.ast.Stmt;
import dev.txc.ir.Ir;
import dev.txc.ir.Node;
import dev.txc.ir.Op;
import dev.txc.ir.Region;
import dev.txc.ir.SourceSpan;
import dev.txc.types.DType;
import dev.txc.types.Dim;
import dev.txc.types.TensorType;
import java.util.ArrayList;
import java.util.List;

/**
 * Lowers {@code scan} (LANGUAGE.md section 8) to one SCAN node: each binding is a sequence (a range becomes an i64
 * arange), carries are the loop state, the body is a region at the lowerer's scan depth whose results are the new
 * carries then the extra per-step outputs; the value is the stacked results, a single one unwrapped. With
 * {@code reverse=true} the sequences are walked from the end and the stacked results are stored back in sequence
 * order (JAX's {@code lax.scan(reverse=True)}).
 */
final class ScanLowering {
    private ScanLowering() {}

    /** A sequence to iterate over and whether its elements are weak literals. */
    record Seq(Node node, boolean weak) {}

    /** One step, lowered in a body lowerer from the body's params: sequence elements, then carries. */
    interface Step {
        Value apply(Lowerer outer, List<Value.T> elements, List<Value.T> carries);
    }

    /** What errors name: each carry's name and declaration, where a step's value is written, the whole scan. */
    record Names(List<String> carries, List<SourceSpan> carrySpans, SourceSpan result, SourceSpan scan) {}

    static Value lower(Lowerer l, Expr.Scan s) {
        boolean reverse = flag(l, s.options(), "reverse");
        int checkpoint = checkpoint(l, s.options());
        for (Stmt st : s.body().stmts())
            if (st instanceof Stmt.Return r)
                throw new FrontendError(r.span(), "a scan body has no return: its last line is the value of each step");
        if (s.body().result() == null) throw new FrontendError(s.body().span(), "a scan body must end with an expression: the value of each step");
        var seqs = new ArrayList<Seq>();
        for (Binding b : s.bindings()) seqs.add(sequence(l, b, reverse));
        var given = new ArrayList<Value.T>();
        for (Carry c : s.carries()) given.add(l.tensor(l.expr(c.init()), c.init().span(), "the initial value of carry '" + c.name().name() + "'"));
        var names = new Names(s.carries().stream().map(c -> c.name().name()).toList(), s.carries().stream().map(c -> c.init().span()).toList(),
                s.body().result().span(), s.span());
        Step step = (outer, elements, carries) -> {
            Lowerer b = outer.scanBody();
            for (int k = 0; k < elements.size(); k++) b.define(s.bindings().get(k).name(), elements.get(k));
            for (int k = 0; k < carries.size(); k++) b.define(s.carries().get(k).name(), carries.get(k));
            int before = b.fe.diagnostics.size();
            Value v = Statements.block(b, s.body());
            if (b.fe.diagnostics.size() > before || v instanceof Value.Poison) throw new Lowerer.PoisonSignal();
            return v;
        };
        return scan(l, seqs, given, names, step, reverse, checkpoint);
    }

    /** The scan of {@code step} over the sequences from the given initial carries (already reversed when {@code reverse}). */
    static Value scan(Lowerer l, List<Seq> seqs, List<Value.T> given, Names names, Step step, boolean reverse) {
        return scan(l, seqs, given, names, step, reverse, 1);
    }

    /** With {@code checkpoint} K > 1, reverse mode stores every K-th carry and recomputes the others (attribute checkpoint). */
    static Value scan(Lowerer l, List<Seq> seqs, List<Value.T> given, Names names, Step step, boolean reverse, int checkpoint) {
        List<Value.T> inits = settleWeakCarries(l, names, step, seqs, given);
        List<Node> results = body(l, names, step, seqs, inits, false);
        Region region = new Region(l.scanDepth, params(l, seqs, inits), results);
        var initNodes = inits.stream().map(Value.T::node).toList();
        Node scan = Ir.scan(region, seqs.stream().map(Seq::node).toList(), initNodes);
        if (checkpoint > 1) scan = Node.make(Op.SCAN, scan.inputs(), scan.attrs().with("checkpoint", (long) checkpoint));
        l.locs.putIfAbsent(scan, names.scan());
        var out = new ArrayList<Value>();
        for (int k = 0; k < results.size(); k++) {
            Node r = Ir.tupleGet(scan, k);
            if (reverse) r = reversed(r);
            l.locs.putIfAbsent(r, names.scan());
            out.add(new Value.T(r, false));
        }
        return out.size() == 1 ? out.getFirst() : new Value.Tup(out);
    }

    /** A tensor iterated over its leading axis (walked from the end when {@code reverse}). */
    static Seq sequence(Value.T t, String what, SourceSpan at, boolean reverse) {
        if (t.node().tt().isScalar())
            throw new FrontendError(at, "scan iterates over the leading axis of " + what + ", but it is a scalar (" + t.node().type() + ")");
        Node n = t.weak() ? Conversions.convert(t, t.dtype(), at) : t.node();
        return new Seq(reverse ? reversed(n) : n, t.weak());
    }

    private static final List<String> OPTIONS = List.of("reverse", "checkpoint");

    private static boolean flag(Lowerer l, List<KeywordArg> options, String name) {
        boolean value = false;
        for (KeywordArg o : options) {
            if (!OPTIONS.contains(o.name().name()))
                throw new FrontendError(o.name().span(), "unknown scan option '" + o.name().name() + "' (expected reverse or checkpoint)");
            if (!o.name().name().equals(name)) continue;
            Node v = Folding.fold(l.tensor(l.expr(o.value()), o.value().span(), name).node());
            if (!v.isConst() || !v.tt().isScalar() || v.dtype() != DType.BOOL)
                throw new FrontendError(o.value().span(), name + " must be true or false, got " + v.type());
            value = v.constValue().getLong(0) != 0;
        }
        return value;
    }

    /** checkpoint=K: a positive integer constant; 1 (store every carry) when absent. */
    private static int checkpoint(Lowerer l, List<KeywordArg> options) {
        int k = 1;
        for (KeywordArg o : options) {
            if (!o.name().name().equals("checkpoint")) continue;
            Node v = Folding.fold(l.tensor(l.expr(o.value()), o.value().span(), "checkpoint").node());
            if (!v.isConst() || !v.tt().isScalar() || !v.dtype().isInteger() || v.constValue().getLong(0) < 1 || v.constValue().getLong(0) > Integer.MAX_VALUE)
                throw new FrontendError(o.value().span(), "checkpoint must be a positive integer constant, got "
                        + (!v.isConst() || !v.tt().isScalar() ? v.type().toString()
                        : v.dtype().isInteger() ? Long.toString(v.constValue().getLong(0)) : v.dtype().spelling() + " " + v.constValue().getDouble(0)));
            k = (int) v.constValue().getLong(0);
        }
        return k;
    }

    private static Seq sequence(Lowerer l, Binding b, boolean reverse) {
        Seq s = switch (b) {
            case Binding.RangeBinding r -> {
                Node lo = bound(l, r.lo(), "start"), hi = bound(l, r.hi(), "end");
                yield new Seq(Ir.op(Op.ARANGE, lo, hi, Ir.scalarLong(1, DType.I64)), false);
            }
            case Binding.SeqBinding q -> {
                Value.T t = l.tensor(l.expr(q.seq()), q.seq().span(), "the sequence of '" + q.name().name() + "'");
                yield sequence(t, "'" + q.name().name() + "''s sequence", q.seq().span(), false);
            }
        };
        return reverse ? new Seq(reversed(s.node()), s.weak()) : s;
    }

    private static Node bound(Lowerer l, Expr e, String what) {
        Value.T v = l.tensor(l.expr(e), e.span(), "the " + what + " of a scan range");
        if (!v.node().tt().isScalar() || !v.dtype().isInteger())
            throw new FrontendError(e.span(), "the " + what + " of a scan range must be an integer scalar, got "
                    + (v.weak() ? "a " + v.dtype().spelling() + " number" : v.node().type()));
        return Folding.fold(Conversions.convert(v, DType.I64, e.span()));
    }

    /** x[::-1] along the leading axis. */
    private static Node reversed(Node x) {
        var none = new ArrayList<Long>(java.util.Collections.nCopies(x.rank(), Op.NONE));
        var steps = new ArrayList<Long>(java.util.Collections.nCopies(x.rank(), 1L));
        steps.set(0, -1L);
        return Ir.slice(x, none, none, steps);
    }

    private static List<Node> params(Lowerer l, List<Seq> seqs, List<Value.T> inits) {
        var ps = new ArrayList<Node>();
        for (Seq s : seqs) ps.add(Ir.regionParam(l.scanDepth, ps.size(), element(s.node())));
        for (Value.T c : inits) ps.add(Ir.regionParam(l.scanDepth, ps.size(), c.node().tt()));
        return ps;
    }

    private static TensorType element(Node seq) {
        TensorType t = seq.tt();
        return t.withDims(t.dims().subList(1, t.rank()));
    }

    /**
     * A weak initial value (a literal such as {@code carry s = 0}) takes the dtype the body gives it, as JAX's scan
     * promotes weakly typed carries: the body is lowered on trial with such carries weak until their dtypes settle
     * (a carry may take another's: {@code (b, a + b * x)}), then for real with every carry strong.
     */
    private static List<Value.T> settleWeakCarries(Lowerer l, Names names, Step step, List<Seq> seqs, List<Value.T> inits) {
        if (inits.stream().noneMatch(Value.T::weak)) return inits;
        List<Value.T> cur = inits;
        for (int round = 0; round <= inits.size(); round++) {
            List<Node> trial = trial(l, names, step, seqs, cur);
            if (trial == null) break;
            var next = new ArrayList<Value.T>();
            for (int k = 0; k < cur.size(); k++) {
                Value.T c = cur.get(k);
                next.add(c.weak() && trial.get(k).dtype() != c.dtype()
                        ? new Value.T(Conversions.convert(c, trial.get(k).dtype(), names.carrySpans().get(k)), true) : c);
            }
            if (next.equals(cur)) break;
            cur = next;
        }
        var out = new ArrayList<Value.T>();
        for (int k = 0; k < cur.size(); k++) out.add(new Value.T(Conversions.convert(cur.get(k), cur.get(k).dtype(), names.carrySpans().get(k)), false));
        return out;
    }

    /** The body's results lowered with weak carries, its diagnostics dropped (the real lowering reports them); null on an error. */
    private static List<Node> trial(Lowerer l, Names names, Step step, List<Seq> seqs, List<Value.T> inits) {
        int before = l.fe.diagnostics.size();
        try {
            return body(l, names, step, seqs, inits, true);
        } catch (FrontendError | Lowerer.PoisonSignal | dev.txc.ir.IrTypeException e) {
            return null;
        } finally {
            l.fe.diagnostics.subList(before, l.fe.diagnostics.size()).clear();
        }
    }

    /** The body's per-step results: new carries (checked against their initial types) then extra outputs. */
    private static List<Node> body(Lowerer outer, Names names, Step step, List<Seq> seqs, List<Value.T> inits, boolean weakCarries) {
        List<Node> params = params(outer, seqs, inits);
        var elements = new ArrayList<Value.T>();
        for (int k = 0; k < seqs.size(); k++) elements.add(new Value.T(params.get(k), seqs.get(k).weak()));
        var carries = new ArrayList<Value.T>();
        for (int k = 0; k < inits.size(); k++) carries.add(new Value.T(params.get(seqs.size() + k), weakCarries && inits.get(k).weak()));
        Value v = step.apply(outer, elements, carries);
        SourceSpan at = names.result();
        List<Value> items = v instanceof Value.Tup t ? t.items() : List.of(v);
        int ncarry = inits.size();
        if (items.size() < ncarry)
            throw new FrontendError(at, "the scan body gives " + items.size() + " value" + (items.size() == 1 ? "" : "s") + " but there are " + ncarry
                    + " carries: the last line must be (new " + String.join(", new ", names.carries()) + ", outputs...)");
        var results = new ArrayList<Node>();
        for (int k = 0; k < items.size(); k++) {
            Value.T t = outer.tensor(items.get(k), at, "a value of a scan step");
            if (k < ncarry) results.add(carryResult(names, k, inits.get(k), t, weakCarries, at));
            else results.add(t.weak() ? Conversions.convert(t, t.dtype(), at) : t.node());
        }
        return results;
    }

    /** The new value of a carry: its type must be the initial value's (a weak literal adapts; unknown sizes are checked at run time). */
    private static Node carryResult(Names names, int c, Value.T init, Value.T v, boolean trial, SourceSpan at) {
        if (trial) return v.node();
        TensorType want = init.node().tt();
        Node n = v.weak() ? Conversions.convert(v, want.dtype(), at) : v.node();
        TensorType got = n.tt();
        boolean ok = got.dtype() == want.dtype() && got.rank() == want.rank();
        for (int d = 0; ok && d < want.rank(); d++) {
            Dim w = want.dim(d), g = got.dim(d);
            ok = !(w.isKnown() && g.isKnown() && w.size() != g.size());
        }
        if (!ok)
            throw new FrontendError(dev.txc.ir.Diagnostic.error(at, "carry '" + names.carries().get(c) + "' starts as " + want + " but a step gives " + got
                    + " (a carry keeps its type from step to step" + (got.dtype() != want.dtype() ? "; use cast" : "") + ")")
                    .withNote(names.carrySpans().get(c), "carry '" + names.carries().get(c) + "' starts here"));
        return n;
    }
}
