package dev.txc.runtime.model;

import dev.txc.runtime.CompiledFunction;
import dev.txc.runtime.NDArray;
import dev.txc.runtime.TxRuntimeException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A model whose functions run as generated classes: checks arguments against the signature, computes omitted
 * defaults, calls the class and applies its updates. Immutable; calls of pure functions are reentrant, and calls that
 * update state hold the state's monitor from reading it to committing, so concurrent updates are never lost.
 */
public final class CompiledModel implements Program {
    /**
     * A function's class, the classes of its parameters' defaults (null where there is none), and the positions of
     * the shared variables it updates.
     */
    private record Entry(FunctionSpec spec, CompiledFunction fn, CompiledFunction[] defaults, int[] updated) {}

    private final ModelSpec spec;
    private final Map<String, Entry> entries = new HashMap<>();

    /** {@code classes} gives the instance of each generated class named in {@code spec}. */
    public CompiledModel(ModelSpec spec, Function<String, CompiledFunction> classes) {
        this.spec = spec;
        for (FunctionSpec f : spec.functions()) {
            var defaults = new CompiledFunction[f.params().size()];
            for (int k = 0; k < defaults.length; k++) if (f.params().get(k).hasDefault()) defaults[k] = classes.apply(f.params().get(k).defaultClass());
            int[] updated = f.updates().stream().mapToInt(u -> spec.sharedNames().indexOf(u)).toArray();
            entries.put(f.name(), new Entry(f, classes.apply(f.className()), defaults, updated));
        }
    }

    public ModelSpec spec() {
        return spec;
    }

    @Override
    public List<NDArray> call(String name, List<NDArray> args, ModelState state) {
        Entry e = entries.get(name);
        if (e == null) throw new IllegalArgumentException("no function " + name + " in the loaded module");
        if (e.spec().updates().isEmpty()) return call(e, args, state);
        // Read, compute and commit as one step, or two threads would both read n and both write n + 1.
        synchronized (state) {
            return call(e, args, state);
        }
    }

    private List<NDArray> call(Entry e, List<NDArray> args, ModelState state) {
        FunctionSpec f = e.spec();
        NDArray[] shared = state.snapshot();
        NDArray[] in = withDefaults(e, args, shared);
        Signature.check(f, Arrays.asList(in));
        // Updates go into the variables' own buffers only when nobody else can be reading them.
        NDArray[] out = call(f, e.fn(), in, shared, state.exclusive() ? shared : null);
        int nOut = f.outputs().size();
        if (!f.updates().isEmpty()) {
            var updates = new LinkedHashMap<String, NDArray>();
            for (int k = 0; k < f.updates().size(); k++) updates.put(f.updates().get(k), out[nOut + k]);
            state.setAll(updates);
        }
        return List.of(out).subList(0, nOut);
    }

    private static NDArray[] withDefaults(Entry e, List<NDArray> args, NDArray[] shared) {
        if (args.size() != e.spec().params().size())
            throw new IllegalArgumentException(e.spec().name() + " takes " + e.spec().params().size() + " arguments, got " + args.size());
        NDArray[] in = args.toArray(new NDArray[0]);
        for (int k = 0; k < in.length; k++) {
            if (in[k] != null) continue;
            if (e.defaults()[k] == null) throw new TxRuntimeException(e.spec().name() + ": missing argument for parameter " + e.spec().params().get(k).name());
            // A default is a function of the parameters before it, so those are checked first.
            var prefix = new ArrayList<NDArray>();
            for (int j = 0; j < in.length; j++) prefix.add(j < k ? in[j] : null);
            Signature.check(e.spec(), prefix);
            in[k] = call(e.spec(), e.defaults()[k], Arrays.copyOf(in, k), shared, null)[0];
        }
        return in;
    }

    /** Runs generated code; run-time errors get the function's name. */
    private static NDArray[] call(FunctionSpec f, CompiledFunction fn, NDArray[] in, NDArray[] shared, NDArray[] targets) {
        try {
            return fn.call(in, shared, targets);
        } catch (TxRuntimeException ex) {
            String msg = ex.getMessage();
            throw new TxRuntimeException(msg.startsWith(f.name() + ":") ? msg : f.name() + ": " + msg);
        }
    }
}
