package dev.txc.opt;

import dev.txc.ir.Function;
import dev.txc.ir.Node;
import dev.txc.ir.Op;
import dev.txc.ir.Rewriter;
import dev.txc.ir.Tensor;
import dev.txc.types.Dim;
import dev.txc.types.TensorType;
import java.util.List;
import java.util.Map;

/** Applies rule sets to fixpoint, and the small matchers the rules share. */
final class Rules {
    private Rules() {}

    private static final int MAX_ROUNDS = 32;

    /** Rewrites every node of f bottom-up with the rules until nothing changes. */
    static Function apply(Function f, List<Rule> rules) {
        Function cur = f;
        for (int round = 0; round < MAX_ROUNDS; round++) {
            Function next = Rewriter.rewrite(cur, n -> applyAt(n, rules));
            if (next.roots().equals(cur.roots())) return next;
            cur = next;
        }
        return cur;
    }

    /** The node after applying rules at its root until none matches (its inputs are already rewritten). */
    static Node applyAt(Node n, List<Rule> rules) {
        Node cur = n;
        for (int step = 0; step < MAX_ROUNDS; step++) {
            Node next = null;
            for (Rule r : rules) {
                Node out = r.rewrite().apply(cur);
                if (out != null && out != cur && compatible(cur, out)) {
                    next = out;
                    break;
                }
            }
            if (next == null) return cur;
            cur = next;
        }
        return cur;
    }

    private static boolean compatible(Node from, Node to) {
        if (!(from.type() instanceof TensorType a) || !(to.type() instanceof TensorType b)) return from.type().equals(to.type());
        if (a.dtype() != b.dtype() || a.rank() != b.rank()) return false;
        for (int d = 0; d < a.rank(); d++) {
            Dim x = a.dim(d), y = b.dim(d);
            if (x.isKnown() && y.isKnown() && x.size() != y.size()) return false;
        }
        return true;
    }

    /** The value of a constant whose elements are all equal, or null. */
    static Double uniform(Node n) {
        Tensor t = n.constValue();
        if (t == null || t.size() == 0 || t.size() > 64) return null;
        double v = t.getDouble(0);
        for (int k = 1; k < t.size(); k++) if (Double.compare(t.getDouble(k), v) != 0) return null;
        return v;
    }

    static boolean isConst(Node n, double v) {
        Double u = uniform(n);
        return u != null && u == v;
    }

    static boolean isScalarConst(Node n) {
        return n.isConst() && n.tt().isScalar();
    }

    /** True when a and b have the same static dims, with no unknown dims. */
    static boolean sameShape(Node a, Node b) {
        List<Dim> x = a.tt().dims(), y = b.tt().dims();
        return x.equals(y) && !x.contains(Dim.ANY);
    }

    /** True when x alone already has y's shape: same dims and no dim that another operand could widen. */
    static boolean carriesShape(Node y, Node x) {
        if (x.rank() != y.rank()) return false;
        if (sameShape(x, y)) return true;
        if (!x.tt().dims().equals(y.tt().dims())) return false;
        for (Node other : y.inputs()) {
            if (other == x) continue;
            for (Dim d : other.tt().dims()) if (!d.isOne()) return false;
        }
        return true;
    }

    private static final Map<Node, Node> SHAPE_SOURCES = java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());

    /**
     * The node whose shape n provably has. An elementwise op has the shape of its operands when all of them that
     * can stretch a dim share one shape source; sum_to has the shape of its target. Two nodes with the same shape
     * source have the same run-time shape.
     */
    static Node shapeSource(Node n) {
        Node cached = SHAPE_SOURCES.get(n);
        if (cached != null) return cached;
        // Post-order over the operands n's source depends on, with a stack rather than recursion: a chain of thousands
        // of elementwise ops (x * 2 * 2 * ...) and its gradient are programs like any other.
        var stack = new java.util.ArrayDeque<Node>();
        stack.push(n);
        while (!stack.isEmpty()) {
            Node top = stack.peek();
            if (SHAPE_SOURCES.containsKey(top)) {
                stack.pop();
                continue;
            }
            boolean ready = true;
            for (Node d : sourceOperands(top)) {
                if (!SHAPE_SOURCES.containsKey(d)) {
                    stack.push(d);
                    ready = false;
                }
            }
            if (ready) SHAPE_SOURCES.put(stack.pop(), source(top));
        }
        return SHAPE_SOURCES.get(n);
    }

    /** The operands whose shape sources n's is computed from. */
    private static List<Node> sourceOperands(Node n) {
        if (n.op() == Op.SUM_TO) return List.of(n.input(1));
        if (!n.op().isElementwise()) return List.of();
        return n.inputs().stream().filter(in -> in.rank() == n.rank()).toList();
    }

    /** n's shape source, its {@link #sourceOperands}' known. */
    private static Node source(Node n) {
        if (n.op() == Op.SUM_TO) return SHAPE_SOURCES.get(n.input(1));
        if (!n.op().isElementwise()) return n;
        Node common = null;
        boolean ok = true;
        for (Node in : n.inputs()) {
            if (in.tt().dims().stream().allMatch(Dim::isOne)) continue;
            Node s = in.rank() == n.rank() ? SHAPE_SOURCES.get(in) : null;
            if (s == null || (common != null && common != s)) ok = false;
            common = s;
        }
        if (ok && common != null) return common;
        return ok ? n : typedSource(n);
    }

    /**
     * The shape source of an input whose type has n's dims, each known or a dim variable (dim variables are unified
     * across a call's parameters, so equal types mean equal run-time shapes), or n itself.
     */
    private static Node typedSource(Node n) {
        var dims = n.tt().dims();
        if (dims.stream().anyMatch(d -> d instanceof Dim.Any)) return n;
        for (Node in : n.inputs()) if (in.tt().dims().equals(dims)) return SHAPE_SOURCES.get(in);
        return n;
    }

    /** True when a and b provably have the same run-time shape. */
    static boolean sameRuntimeShape(Node a, Node b) {
        return sameShape(a, b) || (a.rank() == b.rank() && shapeSource(a) == shapeSource(b));
    }

    static boolean is(Node n, Op op) {
        return n.op() == op;
    }
}
