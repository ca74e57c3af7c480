package dev.txc.ir;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Orders nodes into blocks for printing, interpretation and code generation. The block at level L holds
 * the nodes reachable from its roots whose deepest region level is L, in dependency order; nodes of a
 * lower level are captures and belong to an enclosing block. A node with a region depends on its inputs
 * and on its body's captures.
 */
public final class Schedule {
    private final Map<Region, List<Node>> captureCache = new IdentityHashMap<>();

    /** The block at {@code level} reachable from {@code roots}; captured lower-level nodes are added to {@code captures}. */
    public List<Node> block(List<Node> roots, int level, Set<Node> captures) {
        var done = new HashSet<Node>();
        return Graphs.postOrder(roots, this::deps, n -> enter(n, level, done, captures));
    }

    /** The function body's block: every node at level -1 the roots need. */
    public List<Node> function(Function f) {
        var captures = new LinkedHashSet<Node>();
        List<Node> order = block(f.roots(), -1, captures);
        if (!captures.isEmpty()) throw new IllegalStateException("region parameter escapes its region: " + captures);
        return order;
    }

    private boolean enter(Node n, int level, Set<Node> done, Set<Node> captures) {
        if (n.level() < level) {
            captures.add(n);
            return false;
        }
        if (n.level() > level) throw new IllegalStateException("node " + n + " at level " + n.level() + " used in a block at level " + level);
        return done.add(n);
    }

    /** Inputs, then the captures of the node's region. */
    public List<Node> deps(Node n) {
        Region r = n.region();
        if (r == null) return n.inputs();
        var ds = new ArrayList<>(n.inputs());
        ds.addAll(captures(r));
        return ds;
    }

    /** Nodes outside the region that its body uses, in a deterministic order. */
    public List<Node> captures(Region r) {
        List<Node> c = captureCache.get(r);
        if (c == null) {
            var set = new LinkedHashSet<Node>();
            block(r.results(), r.level(), set);
            c = List.copyOf(set);
            captureCache.put(r, c);
        }
        return c;
    }
}
