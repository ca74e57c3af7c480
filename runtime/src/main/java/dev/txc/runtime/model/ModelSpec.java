package dev.txc.runtime.model;

import dev.txc.runtime.TxRuntimeException;
import dev.txc.types.TensorType;
import java.util.ArrayList;
import java.util.List;

/**
 * What a compiled model offers, independent of how its functions run: its shared variables in declaration order
 * (the order generated classes receive them) and its functions in source order. {@code source} names the file it
 * came from, for messages; it holds no directory.
 *
 * <p>Its text form ({@link #write}, {@link #parse}) is the {@code model.txt} resource of a standalone jar: UTF-8
 * lines, fields separated by one space, types written without spaces:
 * <pre>
 * txc-model 1
 * source logistic.tx
 * shared w f64[5]
 * function linear_mix txc.generated.Fn_linear_mix
 * param A f64[M,K]
 * param b f64[M] default txc.generated.Fn_linear_mix$default$b
 * output out0 f64[M]
 * update w
 * </pre>
 * {@code param}, {@code output} and {@code update} lines belong to the {@code function} line before them.
 */
public record ModelSpec(String source, List<SharedSpec> shared, List<FunctionSpec> functions) {
    private static final String MAGIC = "txc-model 1";

    public ModelSpec {
        shared = List.copyOf(shared);
        functions = List.copyOf(functions);
    }

    /** The function named {@code name}, or null. */
    public FunctionSpec functionOrNull(String name) {
        for (FunctionSpec f : functions) if (f.name().equals(name)) return f;
        return null;
    }

    /** The function named {@code name}; an unknown name is a user error listing the functions. */
    public FunctionSpec function(String name) {
        FunctionSpec f = functionOrNull(name);
        if (f != null) return f;
        var names = functions.stream().map(FunctionSpec::name).toList();
        throw new TxRuntimeException("no function '" + name + "' in " + source
                + (names.isEmpty() ? " (it defines no functions)" : " (functions: " + String.join(", ", names) + ")"));
    }

    public List<String> sharedNames() {
        return shared.stream().map(SharedSpec::name).toList();
    }

    /** The text form described above. */
    public String write() {
        var sb = new StringBuilder(MAGIC).append('\n');
        sb.append("source ").append(source).append('\n');
        for (SharedSpec s : shared) sb.append("shared ").append(s.name()).append(' ').append(type(s.type())).append('\n');
        for (FunctionSpec f : functions) {
            sb.append("function ").append(f.name()).append(' ').append(f.className()).append('\n');
            for (ParamSpec p : f.params()) {
                sb.append("param ").append(p.name()).append(' ').append(type(p.type()));
                if (p.hasDefault()) sb.append(" default ").append(p.defaultClass());
                sb.append('\n');
            }
            for (OutputSpec o : f.outputs()) sb.append("output ").append(o.name()).append(' ').append(type(o.type())).append('\n');
            for (String u : f.updates()) sb.append("update ").append(u).append('\n');
        }
        return sb.toString();
    }

    private static String type(TensorType t) {
        return t.toString().replace(" ", "");
    }

    /** Reads {@link #write}'s text; a malformed line is an IllegalArgumentException naming it. */
    public static ModelSpec parse(String text) {
        List<String> lines = text.lines().toList();
        if (lines.isEmpty() || !lines.getFirst().equals(MAGIC)) throw new IllegalArgumentException("not a txc model spec (expected '" + MAGIC + "' on the first line)");
        String source = "model";
        var shared = new ArrayList<SharedSpec>();
        var functions = new ArrayList<FunctionSpec>();
        String fn = null, cls = null;
        var params = new ArrayList<ParamSpec>();
        var outputs = new ArrayList<OutputSpec>();
        var updates = new ArrayList<String>();
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) continue;
            if (line.startsWith("source ")) {
                source = line.substring("source ".length());
                continue;
            }
            String[] w = line.split(" ");
            try {
                switch (w[0]) {
                    case "shared" -> shared.add(new SharedSpec(w[1], TensorType.parse(w[2])));
                    case "function" -> {
                        if (fn != null) functions.add(new FunctionSpec(fn, cls, params, outputs, updates));
                        fn = w[1];
                        cls = w[2];
                        params.clear();
                        outputs.clear();
                        updates.clear();
                    }
                    case "param" -> {
                        if (w.length != 3 && !(w.length == 5 && w[3].equals("default"))) throw new IllegalArgumentException();
                        params.add(new ParamSpec(w[1], TensorType.parse(w[2]), w.length == 5 ? w[4] : null));
                    }
                    case "output" -> outputs.add(new OutputSpec(w[1], TensorType.parse(w[2])));
                    case "update" -> updates.add(w[1]);
                    default -> throw new IllegalArgumentException();
                }
                if (!w[0].equals("function") && !w[0].equals("shared") && fn == null) throw new IllegalArgumentException();
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("malformed model spec line " + (i + 1) + ": '" + line + "'", e);
            }
        }
        if (fn != null) functions.add(new FunctionSpec(fn, cls, params, outputs, updates));
        return new ModelSpec(source, shared, functions);
    }
}
