package dev.txc.driver.api;

import dev.txc.ir.Node;
import dev.txc.ir.Op;
import dev.txc.ir.Region;
import dev.txc.ir.SourceSpan;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Walks over the nodes a set of roots depends on (region bodies included). */
final class Graphs {
    private Graphs() {}

    /** Every node reachable from {@code roots}, each once, in depth-first preorder. */
    static List<Node> reachable(List<Node> roots) {
        var seen = new HashSet<Node>();
        var out = new ArrayList<Node>();
        var stack = new ArrayDeque<Node>();
        for (int k = roots.size() - 1; k >= 0; k--) stack.push(roots.get(k));
        while (!stack.isEmpty()) {
            Node n = stack.pop();
            if (!seen.add(n)) continue;
            out.add(n);
            Region r = n.region();
            if (r != null) for (Node res : r.results()) stack.push(res);
            for (int k = n.inputs().size() - 1; k >= 0; k--) stack.push(n.input(k));
        }
        return out;
    }

    /** The parameter nodes the roots use, in order of first use. */
    static List<Node> freeVariables(List<Node> roots) {
        return reachable(roots).stream().filter(n -> n.op() == Op.PARAM).toList();
    }

    /** The names of the shared variables the roots read. */
    static Set<String> sharedNames(List<Node> roots) {
        var out = new HashSet<String>();
        for (Node n : reachable(roots)) if (n.op() == Op.SHARED) out.add(n.attrs().str("name"));
        return out;
    }

    /** Where in the caller's code each node was built, where known. */
    static Map<Node, SourceSpan> locations(List<Node> roots) {
        var locs = new LinkedHashMap<Node, SourceSpan>();
        for (Node n : reachable(roots)) {
            SourceSpan s = CallSite.of(n);
            if (s != null) locs.put(n, s);
        }
        return locs;
    }
}
