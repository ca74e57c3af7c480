package dev.txc.ir;

import dev.txc.types.TensorType;
import dev.txc.types.TupleType;
import dev.txc.types.Type;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Rebuilds a graph bottom-up, region bodies included: each node is rebuilt on its rewritten inputs, then
 * passed to the rule, which returns it or a replacement of the same type. One instance memoizes across
 * calls, so every node is rewritten once.
 */
public final class Rewriter {
    private final UnaryOperator<Node> rule;
    private final Map<Node, Node> memo = new HashMap<>();
    private final Schedule schedule = new Schedule();

    public Rewriter(UnaryOperator<Node> rule) {
        this.rule = rule;
    }

    /** Rewrites every root of a function. */
    public static Function rewrite(Function f, UnaryOperator<Node> rule) {
        var rw = new Rewriter(rule);
        rw.prepare(f.roots(), -1);
        var locs = new java.util.LinkedHashMap<>(f.locs());
        rw.memo.forEach((from, to) -> {
            SourceSpan s = f.locs().get(from);
            if (s != null) locs.putIfAbsent(to, s);
        });
        return f.mapRoots(rw::apply).withLocs(locs);
    }

    public Node apply(Node n) {
        Node r = memo.get(n);
        if (r == null) {
            prepare(List.of(n), n.level());
            r = memo.get(n);
        }
        return r;
    }

    private void prepare(List<Node> roots, int level) {
        var caps = new LinkedHashSet<Node>();
        List<Node> order = schedule.block(roots, level, caps);
        for (Node c : caps) if (!memo.containsKey(c)) prepare(List.of(c), c.level());
        for (Node n : order) if (!memo.containsKey(n)) memo.put(n, rebuild(n));
    }

    private Node rebuild(Node n) {
        if (n.op().kind() == Op.Kind.LEAF) return rule.apply(n);
        var ins = new ArrayList<Node>(n.inputs().size());
        for (Node in : n.inputs()) ins.add(memo.get(in));
        Attrs attrs = n.attrs();
        Region r = n.region();
        if (r != null) {
            prepare(r.results(), r.level());
            var results = r.results().stream().map(memo::get).toList();
            attrs = attrs.with("body", new Region(r.level(), r.params(), results));
        }
        Node rebuilt;
        try {
            rebuilt = n.withInputs(ins, attrs);
        } catch (IrTypeException e) {
            // Inputs made more precise (a shape folded to a constant, [3, -1] - 1) can make a type rule reject what it
            // accepted: the node keeps its inputs as they were, and the check happens at run time, as at -O0.
            return n;
        }
        Node out = rule.apply(rebuilt);
        if (!sameKind(out.type(), n.type())) throw new IllegalStateException("rewrite changed the type of " + n + " to " + out.type());
        return out;
    }

    // equal types, or ones that differ only in dims (a rewrite may make them more precise): of a tensor, or of each
    // element of a tuple (a scan's stacks over a sequence whose length became known)
    private static boolean sameKind(Type a, Type b) {
        if (a.equals(b)) return true;
        if (a instanceof TensorType t && b instanceof TensorType u) return t.dtype() == u.dtype() && t.rank() == u.rank();
        if (!(a instanceof TupleType t) || !(b instanceof TupleType u) || t.elements().size() != u.elements().size()) return false;
        for (int k = 0; k < t.elements().size(); k++) if (!sameKind(t.elements().get(k), u.elements().get(k))) return false;
        return true;
    }
}
