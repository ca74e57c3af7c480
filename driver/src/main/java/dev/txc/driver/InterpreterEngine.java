package dev.txc.driver;

import dev.txc.ir.EvalException;
import dev.txc.ir.Function;
import dev.txc.ir.Interpreter;
import dev.txc.ir.Module;
import dev.txc.ir.Tensor;
import dev.txc.jvm.Tensors;
import dev.txc.runtime.NDArray;
import dev.txc.runtime.TxRuntimeException;
import dev.txc.runtime.model.FunctionSpec;
import dev.txc.runtime.model.ModelState;
import dev.txc.runtime.model.Program;
import dev.txc.runtime.model.Signature;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Runs functions with the IR's reference {@link Interpreter}: slow and obviously right. */
public final class InterpreterEngine implements Engine {
    @Override
    public Program load(Module m) {
        Map<String, Function> fns = new HashMap<>();
        Map<String, FunctionSpec> specs = new HashMap<>();
        for (Function f : m.functions()) {
            fns.put(f.name(), f);
            specs.put(f.name(), ModelSpecs.function(f));
        }
        return (fn, args, state) -> {
            Function f = fns.get(fn);
            if (f == null) throw new IllegalArgumentException("no function " + fn + " in the loaded module");
            if (f.updates().isEmpty()) return call(f, specs.get(fn), args, state);
            // Read, compute and commit as one step (as CompiledModel does), so concurrent updates are never lost.
            synchronized (state) {
                return call(f, specs.get(fn), args, state);
            }
        };
    }

    private static List<NDArray> call(Function f, FunctionSpec spec, List<NDArray> args, ModelState state) {
        Signature.check(spec, args);
        Map<String, Tensor> byName = new HashMap<>();
        for (int k = 0; k < args.size(); k++) if (args.get(k) != null) byName.put(f.paramName(k), Tensors.fromNd(args.get(k)));
        // every shared value from one moment, as the compiled code sees them
        NDArray[] snapshot = state.snapshot();
        List<String> names = state.names();
        Map<String, Tensor> shared = new HashMap<>();
        Interpreter.Result r;
        try {
            r = Interpreter.run(f, byName, name -> shared.computeIfAbsent(name, n -> Tensors.fromNd(snapshot[names.indexOf(n)])));
        } catch (EvalException e) {
            String msg = e.getMessage();
            throw new TxRuntimeException(msg.startsWith(f.name() + ":") ? msg : f.name() + ": " + msg);
        }
        var outs = new ArrayList<NDArray>();
        for (Tensor t : r.outputs()) outs.add(Tensors.toNd(t));
        var updates = new LinkedHashMap<String, NDArray>();
        r.updates().forEach((name, t) -> updates.put(name, Tensors.toNd(t)));
        state.setAll(updates);
        return List.copyOf(outs);
    }
}
