package dev.txc.driver.api;

import dev.txc.frontend.api.Operand;
import dev.txc.ir.Function;
import dev.txc.ir.Node;
import dev.txc.ir.Op;
import dev.txc.ir.SourceSpan;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a function is made of besides its inputs and outputs, Theano's keyword arguments of {@code function}: updates
 * of shared variables, givens, input defaults, output names, the function's name and compile options. Filled by one
 * thread while the function is being defined, then used once by {@link TxFunction}.
 */
public final class FunctionScope {
    final SourceSpan at;
    String name = "f";
    int optLevel = 2;
    boolean allowInputDowncast;
    List<String> outputNames;
    final Map<Shared, Object> updates = new LinkedHashMap<>();
    final Map<Expr, Object> givens = new LinkedHashMap<>();
    final Map<Expr, Object> defaults = new LinkedHashMap<>();

    FunctionScope(SourceSpan at) {
        this.at = at;
    }

    /** {@code shared := value} after each call; every update and output sees the values from before the call. */
    public void update(Shared shared, Object value) {
        if (updates.containsKey(shared)) throw new TxException("shared variable '" + shared.name() + "' is updated twice in this function");
        updates.put(shared, value);
    }

    /** Replaces a variable (or shared variable) by an expression or a constant in the whole graph, after differentiation. */
    public void given(Expr variable, Object replacement) {
        Op o = variable.node().op();
        if (o != Op.PARAM && o != Op.SHARED) throw new TxException("givens: only variables can be replaced, not " + variable);
        givens.put(variable, replacement);
    }

    /** A default for an input: a constant, or an Expr of earlier inputs (Theano's {@code In(x, value=...)}). */
    public void defaultValue(Expr input, Object value) {
        defaults.put(input, value);
    }

    /** The function's name, in dumps, messages and the generated class (default {@code f}). */
    public void name(String name) {
        Tx.identifier(name, "a function name");
        this.name = name;
    }

    /** The names of the outputs (default: a variable's own name, the function's name for one output, else out0, out1, ...). */
    public void outputNames(String... names) {
        for (String n : names) Tx.identifier(n, "an output name");
        this.outputNames = List.of(names);
    }

    /** 0 runs only differentiation, 1 adds the simplifications, 2 (the default) adds fusion, as {@code txc --opt-level}. */
    public void optLevel(int level) {
        if (level < 0 || level > 2) throw new TxException("optLevel must be 0, 1 or 2, got " + level);
        this.optLevel = level;
    }

    /** Accept NDArray arguments that lose precision when converted to the input's dtype (Theano's allow_input_downcast). */
    public void allowInputDowncast(boolean allow) {
        this.allowInputDowncast = allow;
    }

    // ---- building ----

    /** Lowers the definition to IR and compiles it. */
    TxFunction build(List<?> inputList, Object outputSpec) {
        return new TxFunction(define(inputList, outputSpec), allowInputDowncast);
    }

    /** Lowers the definition to IR. */
    Definition define(List<?> inputList, Object outputSpec) {
        var inputs = new ArrayList<Expr>();
        var defaultOf = new LinkedHashMap<Expr, Object>(defaults);
        for (Object o : inputList) {
            switch (o) {
                case Tx.In(Expr v, Object d) -> {
                    inputs.add(v);
                    defaultOf.put(v, d);
                }
                case Shared s -> throw new TxException(name + ": shared variable '" + s.name() + "' cannot be an input (functions read shared variables implicitly)");
                case Expr e -> inputs.add(e);
                case null, default -> throw new TxException(name + ": an input must be a variable, got " + o);
            }
        }
        List<Expr> outputs = outputList(outputSpec);
        var params = new ArrayList<Node>();
        var names = new HashSet<String>();
        for (Expr in : inputs) {
            if (!in.isVariable()) throw new TxException(name + ": an input must be a variable (made by scalar, vector, matrix, tensor, ...), got " + in);
            if (!names.add(in.name())) throw new TxException(name + ": two inputs are named '" + in.name() + "'");
            params.add(in.node());
        }
        for (Expr d : defaultOf.keySet())
            if (!inputs.contains(d)) throw new TxException(name + ": a default is given for '" + d.name() + "', which is not an input");

        Set<Shared> deps = new HashSet<>();
        var defaultNodes = new LinkedHashMap<String, Node>();
        for (int k = 0; k < inputs.size(); k++) {
            Expr in = inputs.get(k);
            if (!defaultOf.containsKey(in)) continue;
            Operand v = Tx.operand(defaultOf.get(in), deps, at);
            Set<Node> earlier = new HashSet<>(params.subList(0, k));
            for (Node p : dev.txc.ir.Graphs.freeVariables(List.of(v.node())))
                if (!earlier.contains(p)) throw new TxException(name + ": the default of '" + in.name() + "' may use only earlier inputs, not '" + p.attrs().str("name") + "'");
            defaultNodes.put(in.name(), Tx.lowered(() -> Tx.lowering().argument(v, in.type(), "the default of input '" + in.name() + "'", at)));
        }
        var outs = new ArrayList<Function.Output>();
        for (int k = 0; k < outputs.size(); k++) {
            Expr o = outputs.get(k);
            deps.addAll(o.sharedSet());
            outs.add(new Function.Output(outputName(o, k, outputs.size()), o.node()));
        }
        if (outputNames != null && outputNames.size() != outputs.size())
            throw new TxException(name + ": " + outputNames.size() + " output names for " + outputs.size() + " outputs");
        var ups = new ArrayList<Function.Update>();
        for (var e : updates.entrySet()) {
            Shared s = e.getKey();
            deps.add(s);
            Operand v = Tx.operand(e.getValue(), deps, at);
            ups.add(new Function.Update(s.name(), Tx.lowered(() -> Tx.lowering().update(s.name(), s.type(), v, at))));
        }
        var given = new LinkedHashMap<Node, Node>();
        for (var e : givens.entrySet()) {
            Expr var = e.getKey();
            if (inputs.contains(var)) throw new TxException(name + ": '" + var.name() + "' is an input, so it cannot also be given");
            Operand v = Tx.operand(e.getValue(), deps, at);
            given.put(var.node(), Tx.lowered(() -> Tx.lowering().argument(v, var.type(), "the given for '" + var.name() + "'", at)));
        }
        var byName = new java.util.HashMap<String, Shared>();
        for (Shared s : deps) {
            Shared other = byName.putIfAbsent(s.name(), s);
            if (other != null && other != s)
                throw new TxException(name + ": uses two different shared variables named '" + s.name() + "'; give them different names");
        }
        var f = new Function(name, params, defaultNodes, outs, ups, Map.of());
        f = f.withLocs(CallSite.locations(f.roots()));
        checkInputs(f, given);
        return new Definition(f, inputs, sortedShared(deps), given, optLevel, Tx.floatX());
    }

    /** Every variable the function uses must be an input or given. */
    private void checkInputs(Function f, Map<Node, Node> given) {
        var roots = new ArrayList<>(f.roots());
        roots.addAll(given.values());
        Set<Node> params = new HashSet<>(f.params());
        for (Node p : dev.txc.ir.Graphs.freeVariables(roots)) {
            if (params.contains(p) || given.containsKey(p)) continue;
            throw new TxException(name + ": the outputs use variable '" + p.attrs().str("name") + "', which is not an input (add it to the inputs, or give it in givens)");
        }
    }

    private static List<Shared> sortedShared(Set<Shared> deps) {
        var l = new ArrayList<>(deps);
        l.sort((a, b) -> Long.compare(a.id, b.id));
        return List.copyOf(l);
    }

    private String outputName(Expr o, int k, int count) {
        if (outputNames != null && k < outputNames.size()) return outputNames.get(k);
        if (o.name() != null) return o.name();
        return count == 1 ? name : "out" + k;
    }

    private List<Expr> outputList(Object spec) {
        if (spec == null) return List.of();
        if (spec instanceof Expr e) return List.of(e);
        var out = new ArrayList<Expr>();
        Iterable<?> items = spec instanceof Iterable<?> it ? it : spec instanceof Object[] arr ? List.of(arr) : null;
        if (items == null) throw new TxException(name + ": outputs must be an Expr, a list of them, or null; got " + spec.getClass().getSimpleName());
        for (Object o : items) {
            if (!(o instanceof Expr e)) throw new TxException(name + ": an output must be an Expr, got " + o);
            out.add(e);
        }
        return out;
    }
}
