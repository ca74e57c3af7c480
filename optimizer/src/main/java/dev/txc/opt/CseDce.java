package dev.txc.opt;

import dev.txc.ir.Function;
import dev.txc.ir.Node;
import java.util.HashSet;
import java.util.LinkedHashMap;

/**
 * Common-subexpression and dead-code elimination. Both are structural in this IR: interning makes equal
 * expressions one node, and a function holds only what its roots reach. What is left to do is to drop
 * the source locations of nodes that earlier passes made unreachable.
 */
public final class CseDce implements Pass {
    @Override
    public String name() {
        return "cse-dce";
    }

    @Override
    public Function run(Function f, PassContext cx) {
        var live = new HashSet<Node>(Autodiff.ancestors(f.roots()));
        for (Node n : java.util.List.copyOf(live)) if (n.region() != null) live.addAll(Autodiff.ancestors(n.region().results()));
        var locs = new LinkedHashMap<>(f.locs());
        locs.keySet().retainAll(live);
        return f.withLocs(locs);
    }
}
