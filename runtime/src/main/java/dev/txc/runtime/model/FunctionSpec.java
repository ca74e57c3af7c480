package dev.txc.runtime.model;

import java.util.ArrayList;
import java.util.List;

/**
 * A compiled function: its name, the binary name of the generated class that computes it, its parameters in call
 * order, its outputs in order, and the shared variables it updates (in the order the generated class returns them
 * after the outputs). A function with no updates is pure: it only reads state.
 */
public record FunctionSpec(String name, String className, List<ParamSpec> params, List<OutputSpec> outputs, List<String> updates) {
    public FunctionSpec {
        params = List.copyOf(params);
        outputs = List.copyOf(outputs);
        updates = List.copyOf(updates);
    }

    public boolean isPure() {
        return updates.isEmpty();
    }

    public List<String> paramNames() {
        return params.stream().map(ParamSpec::name).toList();
    }

    public List<String> outputNames() {
        return outputs.stream().map(OutputSpec::name).toList();
    }

    /** {@code (parameters: x: f64[N], b: f64[M] = default)}, or a note that there are none. */
    public String parameterList() {
        if (params.isEmpty()) return "(it takes no parameters)";
        var parts = new ArrayList<String>();
        for (ParamSpec p : params) parts.add(p.toString());
        return "(parameters: " + String.join(", ", parts) + ")";
    }

    /** {@code name(x: f64[N], b: f64[M] = default) -> (out0: f64[N], out1: f64)}, then {@code  updates w, b} if any. */
    public String signature() {
        var ps = new ArrayList<String>();
        for (ParamSpec p : params) ps.add(p.toString());
        var os = new ArrayList<String>();
        for (OutputSpec o : outputs) os.add(o.toString());
        return name + "(" + String.join(", ", ps) + ") -> (" + String.join(", ", os) + ")" + (updates.isEmpty() ? "" : "  updates " + String.join(", ", updates));
    }
}
