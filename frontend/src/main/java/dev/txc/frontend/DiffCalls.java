package dev.txc.frontend;

import dev.txc.ir.Attrs;
import dev.txc.ir.Ir;
import dev.txc.ir.Node;
import dev.txc.ir.Op;
import dev.txc.ir.SourceSpan;
import dev.txc.types.Dim;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** grad, jacobian, hessian, rop and lop calls become differentiation ops, expanded later by the grad pass. */
final class DiffCalls {
    private DiffCalls() {}

    private static String disconnected(Map<String, Value> m, Args a) {
        Value v = m.get("disconnected");
        if (v == null) return "raise";
        if (v instanceof Value.Str(String s) && (s.equals("raise") || s.equals("zero"))) return s;
        throw new FrontendError(a.spanOf("disconnected"), "disconnected must be \"raise\" or \"zero\", got "
                + (v instanceof Value.Str(String s) ? "\"" + s + "\"" : Value.describe(v)));
    }

    /** The variables to differentiate with respect to: one tensor, or a list of them. */
    private static List<Node> variables(Lowerer l, Value v, SourceSpan at, String what) {
        List<Value> items = v instanceof Value.Lst ls ? ls.items() : v instanceof Value.Tup tp ? tp.items() : List.of(v);
        var out = new ArrayList<Node>();
        for (Value item : items) {
            Value.T t = l.tensor(item, at, what);
            if (t.weak()) throw new FrontendError(at, what + " must be a variable, not a literal number");
            out.add(t.node());
        }
        return out;
    }

    private static boolean isList(Value v) {
        return v instanceof Value.Lst || v instanceof Value.Tup;
    }

    private static Value pack(Lowerer l, Args a, List<Node> nodes, boolean list) {
        for (Node n : nodes) l.locs.putIfAbsent(n, a.span());
        if (!list) return Builtins.strong(nodes.getFirst());
        return new Value.Tup(nodes.stream().map(n -> (Value) Builtins.strong(n)).toList());
    }

    /** grad, jacobian or hessian ({@code op}) of the argument {@code of} with respect to wrt. */
    static Value grad(Lowerer l, Args a, Map<String, Value> m, Op op, String of) {
        String name = a.name();
        Node cost = l.floating(Builtins.t(l, m, of, a)).node();
        String disc = disconnected(m, a);
        var out = new ArrayList<Node>();
        for (Node x : variables(l, m.get("wrt"), a.spanOf("wrt"), name + ": wrt"))
            out.add(Node.make(op, List.of(cost, x), Attrs.of("disconnected", disc)));
        return pack(l, a, out, isList(m.get("wrt")));
    }

    /** rop(y, x, v) = J v: y one tensor or a list; x and v paired lists (or single). */
    static Value rop(Lowerer l, Args a, Map<String, Value> m) {
        List<Node> ys = variables(l, m.get("y"), a.spanOf("y"), "rop: y");
        List<Node> xs = variables(l, m.get("x"), a.spanOf("x"), "rop: x");
        List<Node> vs = paired(l, m.get("v"), xs, isList(m.get("x")), a.spanOf("v"), "rop: v", "x");
        return pack(l, a, interleaved(Op.ROP, ys, xs, vs, m, a), isList(m.get("y")));
    }

    /** lop(y, x, u) = u^T J: y and u paired lists (or single); x one tensor or a list. */
    static Value lop(Lowerer l, Args a, Map<String, Value> m) {
        List<Node> ys = variables(l, m.get("y"), a.spanOf("y"), "lop: y");
        List<Node> us = paired(l, m.get("u"), ys, isList(m.get("y")), a.spanOf("u"), "lop: u", "y");
        List<Node> xs = variables(l, m.get("x"), a.spanOf("x"), "lop: x");
        return pack(l, a, interleaved(Op.LOP, xs, ys, us, m, a), isList(m.get("x")));
    }

    /** One {@code op(head, p1, q1, p2, q2, ...)} per head. */
    private static List<Node> interleaved(Op op, List<Node> heads, List<Node> ps, List<Node> qs, Map<String, Value> m, Args a) {
        var out = new ArrayList<Node>();
        for (Node head : heads) {
            var ins = new ArrayList<Node>(List.of(head));
            for (int k = 0; k < ps.size(); k++) {
                ins.add(ps.get(k));
                ins.add(qs.get(k));
            }
            out.add(Node.make(op, ins, Attrs.of("disconnected", disconnected(m, a))));
        }
        return out;
    }

    /**
     * Vectors paired with variables: as many as there are, each converted to its variable's dtype. Where the variable
     * side is one tensor, a list literal of another length is one array ({@code lop(y, x, [1.0, 2.0, 3.0])}).
     */
    private static List<Node> paired(Lowerer l, Value v, List<Node> with, boolean withList, SourceSpan at, String what, String side) {
        if (!withList && v instanceof Value.Lst ls && ls.items().size() != 1) v = l.tensor(v, at, what);
        List<Value> items = v instanceof Value.Lst ls ? ls.items() : v instanceof Value.Tup tp ? tp.items() : List.of(v);
        if (items.size() != with.size())
            throw new FrontendError(at, what + " needs " + with.size() + " value(s), one per " + side + ", got " + items.size());
        var out = new ArrayList<Node>();
        for (int k = 0; k < items.size(); k++) {
            Node v1 = Conversions.convert(l.tensor(items.get(k), at, what), with.get(k).dtype()), x = with.get(k);
            if (knownDifferent(v1, x))
                throw new FrontendError(at, what + " must have the shape of its " + side + ", " + x.type() + ", got " + v1.type());
            out.add(shapedLike(v1, x));
        }
        return out;
    }

    /** Whether v and x have the same rank and a dim known in both that differs (a ? dim is checked at run time). */
    private static boolean knownDifferent(Node v, Node x) {
        if (v.rank() != x.rank()) return false;
        for (int d = 0; d < v.rank(); d++) {
            if (v.tt().dims().get(d) instanceof Dim.Known(long a) && x.tt().dims().get(d) instanceof Dim.Known(long b) && a != b) return true;
        }
        return false;
    }

    /**
     * v, which must have x's shape: where the types do not show it (a ? or a different dim), checked at run time, as
     * PyTorch and JAX check tangents: v broadcasts to x's shape and that has v's size, so the shapes are equal (ranks
     * are checked when the ROP/LOP node is typed). Both are views, free when the check passes.
     */
    private static Node shapedLike(Node v, Node x) {
        var dims = v.tt().dims();
        if (dims.equals(x.tt().dims()) && !dims.contains(Dim.ANY) || v.rank() != x.rank()) return v;
        return Ir.checkedShapeOf(v, x);
    }
}
