package dev.txc.ir;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A function to compile: parameter nodes (op {@code param}), named outputs, updates of shared variables
 * (applied after all outputs are computed, Theano semantics), default-value graphs for parameters (in terms
 * of earlier parameters), and source locations of nodes (not part of node identity).
 */
public record Function(String name, List<Node> params, Map<String, Node> defaults, List<Output> outputs,
                       List<Update> updates, Map<Node, SourceSpan> locs) {
    /** A named result. */
    public record Output(String name, Node value) {}

    /** {@code shared := value}. */
    public record Update(String shared, Node value) {}

    public Function {
        params = List.copyOf(params);
        defaults = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(defaults));
        outputs = List.copyOf(outputs);
        updates = List.copyOf(updates);
        locs = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(locs));
        for (Node p : params) if (p.op() != Op.PARAM) throw new IllegalArgumentException("not a param: " + p);
    }

    public String paramName(int k) {
        return params.get(k).attrs().str("name");
    }

    /** Every node the function computes from: outputs, then updates, then defaults. */
    public List<Node> roots() {
        var r = new ArrayList<Node>();
        for (Output o : outputs) r.add(o.value());
        for (Update u : updates) r.add(u.value());
        r.addAll(defaults.values());
        return r;
    }

    /** The same function with every root replaced through {@code map} (which must keep types). */
    public Function mapRoots(java.util.function.UnaryOperator<Node> map) {
        var outs = outputs.stream().map(o -> new Output(o.name(), map.apply(o.value()))).toList();
        var ups = updates.stream().map(u -> new Update(u.shared(), map.apply(u.value()))).toList();
        var defs = new LinkedHashMap<String, Node>();
        defaults.forEach((k, v) -> defs.put(k, map.apply(v)));
        return new Function(name, params, defs, outs, ups, locs);
    }

    public Function withLocs(Map<Node, SourceSpan> newLocs) {
        return new Function(name, params, defaults, outputs, updates, newLocs);
    }
}
