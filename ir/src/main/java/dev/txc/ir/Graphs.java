package dev.txc.ir;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;

/** Graph walks shared by the passes, iterative so that deep graphs cannot overflow the stack. */
public final class Graphs {
    private Graphs() {}

    /** A node's inputs, and for a node with a body (scan, fused) its params and results: the edges of a walk into bodies. */
    public static List<Node> withBodies(Node n) {
        Region r = n.region();
        if (r == null) return n.inputs();
        var ds = new ArrayList<>(n.inputs());
        ds.addAll(r.params());
        ds.addAll(r.results());
        return ds;
    }

    /**
     * Dependencies before dependents: a depth-first post-order from {@code roots}, following {@code deps}, visiting a
     * node only when {@code enter} accepts it (enter is asked once per reachable edge; it decides what was seen).
     */
    public static List<Node> postOrder(List<Node> roots, Function<Node, List<Node>> deps, Predicate<Node> enter) {
        var order = new ArrayList<Node>();
        var stack = new ArrayDeque<Object[]>();
        for (Node root : roots) {
            if (!enter.test(root)) continue;
            stack.push(new Object[] {root, deps.apply(root), 0});
            while (!stack.isEmpty()) {
                Object[] top = stack.peek();
                @SuppressWarnings("unchecked") List<Node> ds = (List<Node>) top[1];
                int k = (Integer) top[2];
                if (k < ds.size()) {
                    top[2] = k + 1;
                    Node d = ds.get(k);
                    if (enter.test(d)) stack.push(new Object[] {d, deps.apply(d), 0});
                } else {
                    stack.pop();
                    order.add((Node) top[0]);
                }
            }
        }
        return order;
    }

    /**
     * Every node reachable from {@code roots} through inputs and into region bodies (through their results), each
     * once, in depth-first preorder: a node, then its inputs in order, then its region's results.
     */
    public static List<Node> reachable(List<Node> roots) {
        var seen = new HashSet<Node>();
        var out = new ArrayList<Node>();
        var stack = new ArrayDeque<Node>();
        for (int k = roots.size() - 1; k >= 0; k--) stack.push(roots.get(k));
        while (!stack.isEmpty()) {
            Node n = stack.pop();
            if (!seen.add(n)) continue;
            out.add(n);
            Region r = n.region();
            if (r != null) for (int k = r.results().size() - 1; k >= 0; k--) stack.push(r.results().get(k));
            for (int k = n.inputs().size() - 1; k >= 0; k--) stack.push(n.input(k));
        }
        return out;
    }

    /** The parameter nodes the roots use (region bodies included), in order of first use. */
    public static List<Node> freeVariables(List<Node> roots) {
        return reachable(roots).stream().filter(n -> n.op() == Op.PARAM).toList();
    }

    /** Every node the roots depend on through inputs (not into region bodies), inputs first. */
    public static List<Node> ancestors(List<Node> roots) {
        var seen = new HashSet<Node>();
        return postOrder(roots, Node::inputs, seen::add);
    }
}
