package dev.txc.ir.kernel;

import dev.txc.ir.Function;
import dev.txc.ir.Node;
import dev.txc.ir.Op;
import dev.txc.ir.Region;
import dev.txc.ir.Schedule;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which updates of a function may be computed into the buffer of the shared variable they replace, for any backend.
 * An update {@code w := v} may when v is one elementwise node (or fused kernel) of w's static shape that reads w (if at
 * all) directly, at the element it writes, and no node scheduled after v, and no result, reads w or a view of it. Then
 * a training step such as {@code w := w - lr * g} costs no allocation of w's size. The facts hold for one order of the
 * function body, the one the backend runs.
 *
 * @param targets      for each node that may write into a variable's buffer, the variable's name, in update order
 * @param stateAliases the shared-variable nodes of the body and every view of one (a result among them must be
 *                     copied before it is returned, since a caller must never hold a state buffer)
 */
public record BufferReuse(Map<Node, String> targets, Set<Node> stateAliases) {
    public BufferReuse {
        targets = Collections.unmodifiableMap(targets);
        stateAliases = Collections.unmodifiableSet(stateAliases);
    }

    /** The analysis for the function body in the schedule's order ({@link Schedule#function}). */
    public static BufferReuse of(Function f) {
        return of(f, new Schedule().function(f));
    }

    /** The analysis for {@code order}, the function body's nodes in the order the backend computes them. */
    public static BufferReuse of(Function f, List<Node> order) {
        var schedule = new Schedule();
        var out = new LinkedHashMap<Node, String>();
        for (var u : f.updates()) {
            Node v = u.value();
            int at = order.indexOf(v);
            if (at < 0 || !(v.op().isElementwise() || v.op() == Op.FUSED) || out.containsKey(v)) continue;
            Set<Node> mine = aliases(order, u.shared());
            if (!readsDirectly(v, mine, schedule) || f.roots().stream().anyMatch(r -> mine.contains(r) || (r == v && countRoot(f, v) > 1))) continue;
            boolean laterRead = false;
            for (int k = at + 1; k < order.size() && !laterRead; k++)
                for (Node in : schedule.deps(order.get(k))) laterRead |= mine.contains(in);
            if (!laterRead) out.put(v, u.shared());
        }
        return new BufferReuse(out, aliases(order, null));
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
    private static boolean readsDirectly(Node v, Set<Node> mine, Schedule schedule) {
        for (int k = 0; k < v.inputs().size(); k++) {
            Node in = v.input(k);
            if (!mine.contains(in)) continue;
            if (in.op() != Op.SHARED || !in.tt().equals(v.tt()) || !in.tt().isStatic()) return false;
            if (v.op() == Op.FUSED && !elementwiseUse(v.region(), k, schedule)) return false;
        }
        return true;
    }

    /** In a fused body, param k feeds only elementwise ops (not a broadcast). */
    private static boolean elementwiseUse(Region r, int k, Schedule schedule) {
        Node p = r.params().get(k);
        for (Node b : schedule.block(r.results(), r.level(), new LinkedHashSet<>()))
            if (b.op() == Op.BROADCAST_TO && b.inputs().contains(p)) return false;
        return true;
    }
}
