package dev.txc.driver;

import dev.txc.ir.Function;
import dev.txc.ir.Module;
import dev.txc.ir.SharedVar;
import dev.txc.runtime.model.FunctionSpec;
import dev.txc.runtime.model.ModelSpec;
import dev.txc.runtime.model.OutputSpec;
import dev.txc.runtime.model.ParamSpec;
import dev.txc.runtime.model.SharedSpec;
import dev.txc.types.TensorType;
import java.util.ArrayList;
import java.util.List;

/** The runtime's {@link ModelSpec} of an IR module: what {@code txc run} checks calls against and a jar describes itself with. */
public final class ModelSpecs {
    private ModelSpecs() {}

    /** The spec of {@code m}; {@code source} names the file in messages. */
    static ModelSpec of(Module m, String source) {
        var shared = new ArrayList<SharedSpec>();
        for (SharedVar v : m.shared()) shared.add(new SharedSpec(v.name(), v.type()));
        var fns = new ArrayList<FunctionSpec>();
        for (Function f : m.functions()) fns.add(function(f));
        return new ModelSpec(source, shared, fns);
    }

    /** The spec of one function; generated class names follow {@link JvmEngine#className}. */
    public static FunctionSpec function(Function f) {
        var params = new ArrayList<ParamSpec>();
        for (int k = 0; k < f.params().size(); k++) {
            String name = f.paramName(k);
            params.add(new ParamSpec(name, f.params().get(k).tt(),
                    f.defaults().containsKey(name) ? JvmEngine.className(JvmEngine.defaultName(f, name)) : null));
        }
        var outputs = new ArrayList<OutputSpec>();
        for (Function.Output o : f.outputs()) {
            if (!(o.value().type() instanceof TensorType t)) throw new IllegalStateException(f.name() + ": output " + o.name() + " is not a tensor: " + o.value().type());
            outputs.add(new OutputSpec(o.name(), t));
        }
        List<String> updates = f.updates().stream().map(Function.Update::shared).toList();
        return new FunctionSpec(f.name(), JvmEngine.className(f.name()), params, outputs, updates);
    }

}
