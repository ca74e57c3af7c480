package dev.txc.ir;

import dev.txc.types.DType;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Prints IR as text: {@code %4 = mul %2, %3 : f32[4, 8]}, values numbered in print order, parameters by
 * name, region bodies nested in braces, optional {@code loc("file.tx":12:7)}. {@link IrParser} reads it back
 * to the same interned nodes.
 */
public final class IrText {
    private final StringBuilder out = new StringBuilder();
    private final Deque<Map<Node, String>> scopes = new ArrayDeque<>();
    private final Map<Node, String> printed = new java.util.LinkedHashMap<>();
    private final Schedule schedule = new Schedule();
    private final Map<Node, SourceSpan> locs;
    private final boolean withLocs;
    private int counter;

    private IrText(Map<Node, SourceSpan> locs, boolean withLocs) {
        this.locs = locs;
        this.withLocs = withLocs;
    }

    public static String print(Module m) {
        return print(m, false);
    }

    public static String print(Module m, boolean withLocs) {
        var sb = new StringBuilder();
        for (SharedVar s : m.shared()) sb.append(sharedDecl(s)).append('\n');
        if (!m.shared().isEmpty() && !m.functions().isEmpty()) sb.append('\n');
        for (int k = 0; k < m.functions().size(); k++) sb.append(k > 0 ? "\n" : "").append(print(m.functions().get(k), withLocs));
        return sb.toString();
    }

    public static String print(Function f) {
        return print(f, false);
    }

    public static String print(Function f, boolean withLocs) {
        var p = new IrText(f.locs(), withLocs);
        p.function(f);
        return p.out.toString();
    }

    /** The name {@link #print(Function)} gives each node of f (nested regions included), e.g. {@code "%3"}. */
    public static Map<Node, String> valueNames(Function f) {
        var p = new IrText(f.locs(), false);
        p.function(f);
        return p.printed;
    }

    private void function(Function f) {
        scopes.push(new HashMap<>());
        out.append("func @").append(f.name()).append('(');
        for (int k = 0; k < f.params().size(); k++) {
            Node p = f.params().get(k);
            String name = "%" + p.attrs().str("name");
            scopes.peek().put(p, name);
            out.append(k > 0 ? ", " : "").append(name).append(": ").append(p.type());
        }
        out.append(") -> (");
        for (int k = 0; k < f.outputs().size(); k++) out.append(k > 0 ? ", " : "").append(f.outputs().get(k).name());
        out.append(") {\n");
        block(schedule.function(f), "  ");
        for (var e : f.defaults().entrySet()) out.append("  default %").append(e.getKey()).append(" = ").append(name(e.getValue())).append('\n');
        for (var u : f.updates()) out.append("  update @").append(u.shared()).append(" = ").append(name(u.value())).append('\n');
        out.append("  return");
        for (int k = 0; k < f.outputs().size(); k++) out.append(k > 0 ? ", " : " ").append(name(f.outputs().get(k).value()));
        out.append("\n}\n");
        scopes.pop();
    }

    private void block(List<Node> nodes, String indent) {
        for (Node n : nodes) if (n.op() != Op.PARAM && n.op() != Op.REGION_PARAM) node(n, indent);
    }

    private String name(Node n) {
        for (var s : scopes) {
            String v = s.get(n);
            if (v != null) return v;
        }
        throw new IllegalStateException("unnamed node " + n);
    }

    private void node(Node n, String indent) {
        String v = "%" + counter++;
        out.append(indent).append(v).append(" = ").append(n.op().spelling());
        out.append(switch (n.op()) {
            case CONST -> " " + tensorLiteral(n.constValue());
            case SHARED -> " @" + n.attrs().str("name");
            case REGION_PARAM, PARAM -> throw new IllegalStateException("param printed as a node");
            case NEG, ABS, SIGN, RELU, FLOOR, CEIL, ROUND, EXP, EXP2, EXPM1, LOG, LOG2, LOG10, LOG1P, SQRT, SIN, COS,
                 TAN, ASIN, ACOS, ATAN, SINH, COSH, TANH, ASINH, ACOSH, ATANH, SIGMOID, SOFTPLUS, ERF, ERFC, ISNAN,
                 ISINF, NOT, CAST, STOP_GRADIENT, ADD, SUB, MUL, DIV, FLOORDIV, MOD, POW, MAXIMUM, MINIMUM, ATAN2, EQ,
                 NE, LT, LE, GT, GE, AND, OR, XOR, WHERE, CLIP, SUM, PROD, MAX, MIN, MEAN, ANY, ALL, ARGMAX, ARGMIN,
                 LOGSUMEXP, SOFTMAX, LOG_SOFTMAX, ARG_MASK, MATMUL, CONCAT, DIAGONAL, DIAG_EMBED, ARANGE, SUM_TO,
                 UNSLICE, UNINDEX, TRANSPOSE, EXPAND_DIMS, SQUEEZE, RESHAPE, BROADCAST_TO, SLICE, INDEX, SHAPE,
                 WINDOW, UNWINDOW, DYN_SLICE, DYN_UNSLICE, GRAD, LOP, ROP, JACOBIAN, HESSIAN, SCAN, FUSED, TUPLE_GET -> operands(n);
        });
        Region r = n.region();
        if (r != null) region(r, indent);
        out.append(" : ").append(n.type());
        SourceSpan loc = locs.get(n);
        if (withLocs && loc != null) out.append(" loc(").append(quote(loc.file())).append(':').append(loc.line()).append(':').append(loc.col()).append(')');
        out.append('\n');
        scopes.peek().put(n, v);
        printed.putIfAbsent(n, v);
    }

    /** The operand names and attributes of an op node. */
    private String operands(Node n) {
        var sb = new StringBuilder();
        for (int k = 0; k < n.inputs().size(); k++) sb.append(k > 0 ? ", " : " ").append(name(n.input(k)));
        return sb.append(attrsText(n.attrs())).toString();
    }

    private void region(Region r, String indent) {
        var scope = new HashMap<Node, String>();
        out.append(" (level ").append(r.level()).append(';');
        for (int k = 0; k < r.params().size(); k++) {
            String pv = "%" + counter++;
            scope.put(r.params().get(k), pv);
            out.append(k > 0 ? ", " : " ").append(pv).append(": ").append(r.params().get(k).type());
        }
        out.append(") {\n");
        scopes.push(scope);
        block(schedule.block(r.results(), r.level(), new LinkedHashSet<>()), indent + "  ");
        out.append(indent).append("  yield");
        for (int k = 0; k < r.results().size(); k++) out.append(k > 0 ? ", " : " ").append(name(r.results().get(k)));
        out.append('\n').append(indent).append('}');
        scopes.pop();
    }

    /** {@code  {name=value, ...}} for the attributes other than regions, or nothing. */
    static String attrsText(Attrs a) {
        var shown = a.asMap().entrySet().stream().filter(e -> !(e.getValue() instanceof Region)).toList();
        if (shown.isEmpty()) return "";
        var sb = new StringBuilder(" {");
        for (int k = 0; k < shown.size(); k++) {
            var e = shown.get(k);
            sb.append(k > 0 ? ", " : "").append(e.getKey()).append('=').append(attrValue(e.getValue()));
        }
        return sb.append('}').toString();
    }

    static String attrValue(Object v) {
        return switch (v) {
            case Long l -> l == Op.NONE ? "none" : Long.toString(l);
            case Double d -> floatText(d, DType.F64);
            case Boolean b -> b.toString();
            case String s -> quote(s);
            case DType d -> d.spelling();
            case Tensor t -> tensorLiteral(t);
            case List<?> l -> {
                var sb = new StringBuilder("[");
                for (int k = 0; k < l.size(); k++) sb.append(k > 0 ? ", " : "").append(attrValue(l.get(k)));
                yield sb.append(']').toString();
            }
            default -> throw new IllegalStateException("attr " + v);
        };
    }

    public static String quote(String s) {
        var sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                default -> sb.append(c);
            }
        }
        return sb.append('"').toString();
    }

    /** A float that parses back to the same value: shortest round-trip digits, or nan/inf/-inf. */
    public static String floatText(double v, DType d) {
        if (Double.isNaN(v)) return "nan";
        if (Double.isInfinite(v)) return v > 0 ? "inf" : "-inf";
        return d == DType.F32 ? Float.toString((float) v) : Double.toString(v);
    }

    /** A tensor as a nested list literal (scalars bare); floats always show a '.' or exponent. */
    public static String tensorLiteral(Tensor t) {
        return nested(t, flat -> {
            DType d = t.dtype();
            if (d.isFloat()) return floatText(t.getDouble(flat), d);
            return d == DType.BOOL ? Boolean.toString(t.getLong(flat) != 0) : Long.toString(t.getLong(flat));
        });
    }

    /** A tensor as nested lists, {@code [[a, b], [c, d]]}, each element (by flat C-order index) formatted by {@code scalar}. */
    public static String nested(Tensor t, java.util.function.IntFunction<String> scalar) {
        var sb = new StringBuilder();
        nested(t, 0, 0, sb, scalar);
        return sb.toString();
    }

    private static int nested(Tensor t, int dim, int flat, StringBuilder sb, java.util.function.IntFunction<String> scalar) {
        if (dim == t.rank()) {
            sb.append(scalar.apply(flat));
            return flat + 1;
        }
        sb.append('[');
        for (int k = 0; k < t.dim(dim); k++) {
            if (k > 0) sb.append(", ");
            flat = nested(t, dim + 1, flat, sb, scalar);
        }
        sb.append(']');
        return flat;
    }

    public static String sharedDecl(SharedVar s) {
        String init = switch (s.init()) {
            case SharedVar.Init.Value(Tensor v) -> tensorLiteral(v);
            case SharedVar.Init.Randn(long seed) -> "randn(seed=" + seed + ")";
            case SharedVar.Init.Uniform(double lo, double hi, long seed) -> "uniform(" + floatText(lo, DType.F64) + ", " + floatText(hi, DType.F64) + ", seed=" + seed + ")";
            case SharedVar.Init.Load(String path) -> "load(" + quote(path) + ")";
        };
        return "shared @" + s.name() + " : " + s.type() + " = " + init;
    }
}
