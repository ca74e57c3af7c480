package dev.txc.driver;

import dev.txc.runtime.model.FunctionSpec;
import dev.txc.runtime.model.ModelSpec;
import dev.txc.runtime.model.OutputSpec;
import dev.txc.runtime.model.ParamSpec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Writes the Java source of a model's facade class: a subclass of the runtime's {@code Model} with one typed method
 * per function returning a record of the function's named outputs. Names that Java reserves, or that the base class
 * or a record already uses, get a trailing underscore.
 */
final class FacadeWriter {
    private FacadeWriter() {}

    /** The package of every facade class. */
    static final String PACKAGE = "txc.model";

    private static final Set<String> KEYWORDS = Set.of("abstract", "assert", "boolean", "break", "byte", "case", "catch", "char", "class", "const",
            "continue", "default", "do", "double", "else", "enum", "extends", "final", "finally", "float", "for", "goto", "if", "implements", "import",
            "instanceof", "int", "interface", "long", "native", "new", "package", "private", "protected", "public", "return", "short", "static",
            "strictfp", "super", "switch", "synchronized", "this", "throw", "throws", "transient", "try", "void", "volatile", "while", "true", "false",
            "null", "_", "var", "yield", "record", "sealed", "permits", "non-sealed", "when", "module", "open", "exports", "requires");
    /** Methods of Model and Object a function method must not override or overload by accident. */
    private static final Set<String> MODEL_MEMBERS = Set.of("call", "spec", "sharedNames", "getShared", "setShared", "saveState", "loadState", "load",
            "getClass", "hashCode", "equals", "toString", "notify", "notifyAll", "wait", "clone", "finalize");
    /** Names a record component may not have (JLS 8.10.1). */
    private static final Set<String> RECORD_FORBIDDEN = Set.of("clone", "finalize", "getClass", "hashCode", "notify", "notifyAll", "toString", "wait");

    /** {@code examples/logistic.tx} -> {@code LogisticModel}; {@code my-net2.tx} -> {@code MyNet2Model}. */
    static String className(String fileName) {
        String stem = fileName.endsWith(".tx") ? fileName.substring(0, fileName.length() - 3) : fileName;
        String camel = camel(stem);
        if (camel.isEmpty() || !Character.isJavaIdentifierStart(camel.charAt(0))) camel = "M" + camel;
        return camel + "Model";
    }

    /** {@code linear_mix} -> {@code LinearMix}: ASCII letters and digits, each word capitalized. */
    static String camel(String s) {
        var sb = new StringBuilder();
        boolean up = true;
        for (char c : s.toCharArray()) {
            if (c < 128 && Character.isLetterOrDigit(c)) {
                sb.append(up ? Character.toUpperCase(c) : c);
                up = false;
            } else {
                up = true;
            }
        }
        return sb.toString();
    }

    /** A legal Java identifier for {@code name}, avoiding {@code taken}; the result is added to {@code taken}. */
    private static String identifier(String name, Set<String> reserved, Set<String> taken) {
        var sb = new StringBuilder();
        for (char c : name.toCharArray()) sb.append(sb.isEmpty() ? (Character.isJavaIdentifierStart(c) ? c : '_') : (Character.isJavaIdentifierPart(c) ? c : '_'));
        String id = sb.toString();
        if (KEYWORDS.contains(id) || reserved.contains(id)) id += "_";
        String base = id;
        for (int k = 2; taken.contains(id); k++) id = base + k;
        taken.add(id);
        return id;
    }

    /** The facade source for {@code spec} whose resources live under {@code prefix}. */
    static String source(ModelSpec spec, String className, String prefix) {
        var pure = new ArrayList<String>();
        var updating = new ArrayList<String>();
        for (FunctionSpec f : spec.functions()) (f.isPure() ? pure : updating).add("{@code " + f.name() + "}");
        var sb = new StringBuilder();
        sb.append("package ").append(PACKAGE).append(";\n\n");
        sb.append("import dev.txc.runtime.NDArray;\nimport dev.txc.runtime.model.Model;\nimport dev.txc.runtime.model.ModelBundle;\nimport java.util.List;\n\n");
        sb.append("/**\n");
        sb.append(" * The functions of {@code ").append(spec.source()).append("}, compiled by txc: one method per function returning a record of\n");
        sb.append(" * its named outputs, and the shared variables ({@link #getShared}, {@link #setShared}, {@link #saveState},\n");
        sb.append(" * {@link #loadState}). Each instance starts from the initial state stored with the model and keeps its own state.\n");
        sb.append(" * Arguments must have their parameter's dtype ({@link NDArray#astype} converts); a null argument stands for the\n");
        sb.append(" * parameter's default.\n *\n");
        sb.append(" * <p>Thread safety: functions without updates").append(pure.isEmpty() ? "" : " (" + String.join(", ", pure) + ")")
          .append(" are reentrant and may run in any\n * number of threads at once; calls that update shared variables")
          .append(updating.isEmpty() ? "" : " (" + String.join(", ", updating) + ")")
          .append(" are serialized: they are\n * synchronized on the model.\n */\n");
        sb.append("public final class ").append(className).append(" extends Model {\n");
        sb.append("    private static final class Bundle {\n");
        sb.append("        static final ModelBundle.Loaded LOADED = ModelBundle.load(").append(className).append(".class.getClassLoader(), \"")
          .append(prefix).append("\");\n    }\n\n");
        sb.append("    /** A model holding the initial values of the shared variables. */\n");
        sb.append("    public ").append(className).append("() {\n        super(Bundle.LOADED);\n    }\n");

        Set<String> types = new HashSet<>(Set.of(className, "Bundle", "NDArray", "Model", "ModelBundle", "List"));
        Set<String> methods = new HashSet<>();
        for (FunctionSpec f : spec.functions()) {
            String method = identifier(f.name(), MODEL_MEMBERS, methods);
            String record = identifier((camel(f.name()).isEmpty() ? "Fn" : camel(f.name())) + "Result", Set.of(), types);
            Set<String> components = new HashSet<>();
            var comps = new ArrayList<String>();
            for (OutputSpec o : f.outputs()) comps.add(identifier(o.name(), RECORD_FORBIDDEN, components));
            Set<String> paramNames = new HashSet<>(Set.of("outs$"));
            var params = new ArrayList<String>();
            for (ParamSpec p : f.params()) params.add(identifier(p.name(), Set.of(), paramNames));

            sb.append("\n    /** The outputs of {@link #").append(method).append("}: ");
            var parts = new ArrayList<String>();
            for (int k = 0; k < comps.size(); k++) parts.add("{@code " + comps.get(k) + "} (" + f.outputs().get(k).type() + ")");
            sb.append(String.join(", ", parts)).append(". */\n");
            sb.append("    public record ").append(record).append("(");
            for (int k = 0; k < comps.size(); k++) sb.append(k > 0 ? ", " : "").append("NDArray ").append(comps.get(k));
            sb.append(") {}\n");

            // Overloads: every parameter, then without each trailing run of defaulted parameters.
            int firstOmittable = f.params().size();
            while (firstOmittable > 0 && f.params().get(firstOmittable - 1).hasDefault()) firstOmittable--;
            for (int n = f.params().size(); n >= firstOmittable; n--) {
                sb.append("\n    /**\n     * {@code ").append(f.signature()).append("}");
                sb.append(f.isPure() ? "; reentrant.\n" : ";\n     * serialized: synchronized on this model.\n");
                if (n < f.params().size()) sb.append("     * The omitted parameters take their defaults.\n");
                else if (n > firstOmittable || f.params().stream().anyMatch(ParamSpec::hasDefault)) sb.append("     * A null argument takes the parameter's default.\n");
                sb.append("     */\n");
                sb.append("    public ").append(record).append(' ').append(method).append("(");
                for (int k = 0; k < n; k++) sb.append(k > 0 ? ", " : "").append("NDArray ").append(params.get(k));
                sb.append(") {\n        List<NDArray> outs$ = call(\"").append(f.name()).append("\"");
                for (int k = 0; k < f.params().size(); k++) sb.append(", ").append(k < n ? params.get(k) : "(NDArray) null");
                sb.append(");\n        return new ").append(record).append("(");
                for (int k = 0; k < comps.size(); k++) sb.append(k > 0 ? ", " : "").append("outs$.get(").append(k).append(")");
                sb.append(");\n    }\n");
            }
        }
        sb.append("}\n");
        return sb.toString();
    }
}
