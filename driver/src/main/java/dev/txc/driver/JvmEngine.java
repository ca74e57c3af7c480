package dev.txc.driver;

import dev.txc.ir.Function;
import dev.txc.ir.Module;
import dev.txc.ir.Node;
import dev.txc.ir.SharedVar;
import dev.txc.jvm.JvmCompiler;
import dev.txc.opt.Pipeline;
import dev.txc.runtime.CompiledFunction;
import dev.txc.runtime.NDArray;
import dev.txc.runtime.TxRuntimeException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs functions as generated JVM bytecode: each function (and each parameter default) becomes one class,
 * compiled once per load and called many times.
 */
public final class JvmEngine implements Engine {
    @Override
    public Pipeline.Stage stage() {
        return Pipeline.Stage.LOWERED;
    }

    /** A compiled function and the compiled defaults of its parameters (null where there is none). */
    private record Loaded(Function ir, CompiledFunction fn, CompiledFunction[] defaults) {}

    @Override
    public Program load(Module m) {
        List<String> shared = m.shared().stream().map(SharedVar::name).toList();
        Map<String, Loaded> fns = new HashMap<>();
        for (Function f : m.functions()) fns.put(f.name(), compile(f, shared));
        return (name, args, state) -> {
            Loaded l = fns.get(name);
            if (l == null) throw new IllegalArgumentException("no function " + name + " in the loaded module");
            Function f = l.ir();
            NDArray[] sharedValues = new NDArray[shared.size()];
            for (int k = 0; k < sharedValues.length; k++) sharedValues[k] = state.get(shared.get(k));
            NDArray[] in = withDefaults(l, args, sharedValues);
            Signature.check(f, List.of(in));
            NDArray[] out = call(f, l.fn(), in, sharedValues);
            int nOut = f.outputs().size();
            var updates = new LinkedHashMap<String, NDArray>();
            for (int k = 0; k < f.updates().size(); k++) updates.put(f.updates().get(k).shared(), out[nOut + k]);
            state.setAll(updates);
            return List.of(out).subList(0, nOut);
        };
    }

    private static Loaded compile(Function f, List<String> shared) {
        CompiledFunction fn = JvmCompiler.load(JvmCompiler.compile(f, shared));
        var defaults = new CompiledFunction[f.params().size()];
        for (int k = 0; k < defaults.length; k++) {
            Node d = f.defaults().get(f.paramName(k));
            if (d == null) continue;
            // A default is a function of the parameters before it.
            var g = new Function(f.name() + "$default$" + f.paramName(k), f.params().subList(0, k), Map.of(),
                    List.of(new Function.Output(f.paramName(k), d)), List.of(), f.locs());
            defaults[k] = JvmCompiler.load(JvmCompiler.compile(g, shared));
        }
        return new Loaded(f, fn, defaults);
    }

    private static NDArray[] withDefaults(Loaded l, List<NDArray> args, NDArray[] shared) {
        NDArray[] in = args.toArray(new NDArray[0]);
        for (int k = 0; k < in.length; k++) {
            if (in[k] != null) continue;
            if (l.defaults()[k] == null) throw new TxRuntimeException(l.ir().name() + ": missing argument for parameter " + l.ir().paramName(k));
            Signature.check(l.ir(), prefix(in, k));
            in[k] = call(l.ir(), l.defaults()[k], java.util.Arrays.copyOf(in, k), shared)[0];
        }
        return in;
    }

    private static List<NDArray> prefix(NDArray[] in, int k) {
        var l = new ArrayList<NDArray>();
        for (int j = 0; j < in.length; j++) l.add(j < k ? in[j] : null);
        return l;
    }

    /** Runs generated code; run-time errors get the function's name. */
    private static NDArray[] call(Function f, CompiledFunction fn, NDArray[] in, NDArray[] shared) {
        try {
            return fn.call(in, shared);
        } catch (TxRuntimeException e) {
            String msg = e.getMessage();
            throw new TxRuntimeException(msg.startsWith(f.name() + ":") ? msg : f.name() + ": " + msg);
        }
    }
}
