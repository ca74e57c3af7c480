package dev.txc.jvm;

import dev.txc.ir.Function;
import dev.txc.ir.Node;
import dev.txc.ir.Op;
import dev.txc.ir.Region;
import dev.txc.ir.Schedule;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which updates can write into the buffer of the shared variable they replace. An update {@code w := v} does when
 * v is one elementwise kernel of w's shape that reads w (if at all) directly, at the element it writes, and no
 * node scheduled after v, and no result, reads w or a view of it. Then a training step such as
 * {@code w := w - lr * g} costs no allocation of w's size.
 */
final class InPlace {
    private InPlace() {}

    /** Shared-variable nodes and every view of one (transposes, reshapes, broadcasts, slices...) in the order. */
    static Set<Node> stateAliases(List<Node> order) {
        return aliases(order, null);
    }

    /** For each update that can run in place, the index of its variable in {@code sharedNames}. */
    static Map<Node, Integer> targets(Function f, List<Node> order, List<String> sharedNames) {
        var out = new HashMap<Node, Integer>();
        var roots = new LinkedHashSet<>(f.roots());
        for (var u : f.updates()) {
            Node v = u.value();
            int at = order.indexOf(v);
            if (at < 0 || !(v.op().isElementwise() || v.op() == Op.FUSED) || out.containsKey(v)) continue;
            Set<Node> mine = aliases(order, u.shared());
            if (!readsDirectly(v, mine) || roots.stream().anyMatch(r -> mine.contains(r) || (r == v && countRoot(f, v) > 1))) continue;
            boolean laterRead = false;
            for (int k = at + 1; k < order.size() && !laterRead; k++)
                for (Node in : new Schedule().deps(order.get(k))) laterRead |= mine.contains(in);
            if (!laterRead) out.put(v, sharedNames.indexOf(u.shared()));
        }
        return out;
    }

    private static int countRoot(Function f, Node v) {
        return (int) f.roots().stream().filter(r -> r == v).count();
    }

    /** The nodes of the order that are a shared variable (the one named, or any when null) or a view of one. */
    private static Set<Node> aliases(List<Node> order, String shared) {
        var a = new HashSet<Node>();
        for (Node n : order) {
            if (n.op() == Op.SHARED && (shared == null || n.attrs().str("name").equals(shared))) a.add(n);
            else if (n.op().kind() == Op.Kind.VIEW && n.op() != Op.SHAPE && a.contains(n.input(0))) a.add(n);
        }
        return a;
    }

    /** v reads the variable only as a direct operand of its own shape, never through a view or a broadcast. */
    private static boolean readsDirectly(Node v, Set<Node> mine) {
        for (int k = 0; k < v.inputs().size(); k++) {
            Node in = v.input(k);
            if (!mine.contains(in)) continue;
            if (in.op() != Op.SHARED || !in.tt().equals(v.tt()) || !in.tt().isStatic()) return false;
            if (v.op() == Op.FUSED && !elementwiseUse(v.region(), k)) return false;
        }
        return true;
    }

    /** In a fused body, param k feeds only elementwise ops (not a broadcast). */
    private static boolean elementwiseUse(Region r, int k) {
        Node p = r.params().get(k);
        for (Node b : new Schedule().block(r.results(), r.level(), new LinkedHashSet<>()))
            if (b.op() == Op.BROADCAST_TO && b.inputs().contains(p)) return false;
        return true;
    }
}
