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

    /** Every node the roots depend on through inputs (not into region bodies), inputs first. */
    public static List<Node> ancestors(List<Node> roots) {
        var seen = new HashSet<Node>();
        return postOrder(roots, Node::inputs, seen::add);
    }
}
