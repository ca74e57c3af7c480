package dev.txc.ir;

import dev.txc.types.DType;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Theano-style one-line expressions ({@code theano.printing.pp}): parameters and shared variables by name,
 * constants as literals, binary operators infix and fully parenthesized, everything else as calls; a node used
 * several times is inlined at every use. Printing is a pure function of the graph.
 */
public final class PrettyPrinter {
    /** Expressions longer than this are refused: inlining shared nodes can blow up exponentially. */
    public static final int MAX_LENGTH = 200_000;

    /** Thrown when an expression is too large to show inlined. */
    public static final class TooLargeException extends RuntimeException {
        TooLargeException(String message) {
            super(message, null, false, false);
        }
    }

    private final Map<Node, String> memo = new HashMap<>();

    private PrettyPrinter() {}

    /** One line per output, {@code name = expr}, then one per update, {@code w := expr}. */
    public static String print(Function f) {
        var p = new PrettyPrinter();
        var sb = new StringBuilder();
        for (var o : f.outputs()) sb.append(o.name()).append(" = ").append(p.text(o.value())).append('\n');
        for (var u : f.updates()) sb.append(u.shared()).append(" := ").append(p.text(u.value())).append('\n');
        return sb.toString();
    }

    /** The expression of one node. */
    public static String expr(Node n) {
        return new PrettyPrinter().text(n);
    }

    private String text(Node n) {
        String s = memo.get(n);
        if (s == null) {
            s = render(n);
            if (s.length() > MAX_LENGTH)
                throw new TooLargeException("expression too large to print inlined (over " + MAX_LENGTH + " characters); use txc ir instead");
            memo.put(n, s);
        }
        return s;
    }

    private static String infix(Op op) {
        return switch (op) {
            case ADD -> "+";
            case SUB -> "-";
            case MUL -> "*";
            case DIV -> "/";
            case FLOORDIV -> "//";
            case MOD -> "%";
            case POW -> "**";
            case MATMUL -> "@";
            case EQ -> "==";
            case NE -> "!=";
            case LT -> "<";
            case LE -> "<=";
            case GT -> ">";
            case GE -> ">=";
            case AND -> "and";
            case OR -> "or";
            case PARAM, SHARED, CONST, REGION_PARAM, NEG, ABS, SIGN, RELU, FLOOR, CEIL, ROUND, EXP, EXP2, EXPM1, LOG,
                 LOG2, LOG10, LOG1P, SQRT, SIN, COS, TAN, ASIN, ACOS, ATAN, SINH, COSH, TANH, ASINH, ACOSH, ATANH,
                 SIGMOID, SOFTPLUS, ERF, ERFC, ISNAN, ISINF, NOT, CAST, STOP_GRADIENT, MAXIMUM, MINIMUM, ATAN2, XOR,
                 WHERE, CLIP, SUM, PROD, MAX, MIN, MEAN, ANY, ALL, ARGMAX, ARGMIN, LOGSUMEXP, SOFTMAX, LOG_SOFTMAX,
                 ARG_MASK, CONCAT, DIAGONAL, DIAG_EMBED, ARANGE, SUM_TO, UNSLICE, UNINDEX, TRANSPOSE, EXPAND_DIMS,
                 SQUEEZE, RESHAPE, BROADCAST_TO, SLICE, INDEX, SHAPE, WINDOW, UNWINDOW, DYN_SLICE, DYN_UNSLICE, GRAD,
                 LOP, ROP, JACOBIAN, HESSIAN, SCAN, FUSED, TUPLE_GET -> null;
        };
    }

    private String render(Node n) {
        Attrs a = n.attrs();
        String op = infix(n.op());
        if (op != null) return "(" + text(n.input(0)) + " " + op + " " + text(n.input(1)) + ")";
        return switch (n.op()) {
            case PARAM, SHARED -> a.str("name");
            case REGION_PARAM -> regionParamName(n);
            case CONST -> constant(n.constValue());
            case NEG -> "-" + prefixOperand(text(n.input(0)));
            case NOT -> "not " + prefixOperand(text(n.input(0)));
            case CAST -> "cast(" + text(n.input(0)) + ", " + a.dtype("dtype").spelling() + ")";
            case SUM, PROD, MAX, MIN, MEAN, ANY, ALL, ARGMAX, ARGMIN, LOGSUMEXP -> {
                var sb = new StringBuilder(n.op().spelling()).append('(').append(text(n.input(0)));
                List<Long> axes = a.longs("axes");
                if (!axes.equals(Ir.allAxes(n.input(0).rank()))) sb.append(", axis=").append(IrText.attrValue(axes));
                if (a.bool("keepdims")) sb.append(", keepdims=true");
                yield sb.append(')').toString();
            }
            case TRANSPOSE -> {
                int[] perm = a.ints("perm");
                boolean reversed = perm.length >= 2;
                for (int k = 0; k < perm.length; k++) reversed &= perm[k] == perm.length - 1 - k;
                yield reversed ? postfixOperand(text(n.input(0))) + ".T" : "transpose(" + text(n.input(0)) + ", " + IrText.attrValue(a.longs("perm")) + ")";
            }
            case INDEX -> {
                var sb = new StringBuilder(postfixOperand(text(n.input(0)))).append('[');
                sb.append(":, ".repeat(a.integer("axis")));
                yield sb.append(text(n.input(1))).append(']').toString();
            }
            case SLICE -> {
                var sb = new StringBuilder(postfixOperand(text(n.input(0)))).append('[');
                List<Long> starts = a.longs("starts"), stops = a.longs("stops"), steps = a.longs("steps");
                for (int k = 0; k < starts.size(); k++) {
                    if (k > 0) sb.append(", ");
                    sb.append(bound(starts.get(k))).append(':').append(bound(stops.get(k)));
                    if (steps.get(k) != Op.NONE && steps.get(k) != 1) sb.append(':').append(steps.get(k));
                }
                yield sb.append(']').toString();
            }
            case BROADCAST_TO -> {
                Node x = n.input(0), shape = n.input(1);
                // Theano's fill(model, value): value broadcast to the shape of model.
                if (x.isConst() && x.tt().isScalar() && shape.op() == Op.SHAPE)
                    yield "fill(" + text(shape.input(0)) + ", " + text(x) + ")";
                yield call(n);
            }
            case CONCAT -> {
                var sb = new StringBuilder("concatenate([");
                for (int k = 0; k < n.inputs().size(); k++) sb.append(k > 0 ? ", " : "").append(text(n.input(k)));
                yield sb.append("], axis=").append(a.lng("axis")).append(')').toString();
            }
            case SCAN -> scan(n);
            case TUPLE_GET -> postfixOperand(text(n.input(0))) + "." + a.lng("index");
            case ABS, SIGN, RELU, FLOOR, CEIL, ROUND, EXP, EXP2, EXPM1, LOG, LOG2, LOG10, LOG1P, SQRT, SIN, COS, TAN,
                 ASIN, ACOS, ATAN, SINH, COSH, TANH, ASINH, ACOSH, ATANH, SIGMOID, SOFTPLUS, ERF, ERFC, ISNAN, ISINF,
                 STOP_GRADIENT, ADD, SUB, MUL, DIV, FLOORDIV, MOD, POW, MAXIMUM, MINIMUM, ATAN2, EQ, NE, LT, LE, GT,
                 GE, AND, OR, XOR, WHERE, CLIP, SOFTMAX, LOG_SOFTMAX, ARG_MASK, MATMUL, DIAGONAL, DIAG_EMBED, ARANGE,
                 SUM_TO, UNSLICE, UNINDEX, EXPAND_DIMS, SQUEEZE, RESHAPE, SHAPE, WINDOW, UNWINDOW, DYN_SLICE,
                 DYN_UNSLICE, GRAD, LOP, ROP, JACOBIAN, HESSIAN, FUSED -> call(n);
        };
    }

    /** {@code op(inputs..., attr=value...)} with {@code axes} shown as {@code axis}. */
    private String call(Node n) {
        var sb = new StringBuilder(n.op().spelling()).append('(');
        for (int k = 0; k < n.inputs().size(); k++) sb.append(k > 0 ? ", " : "").append(text(n.input(k)));
        boolean first = n.inputs().isEmpty();
        for (var e : n.attrs().asMap().entrySet()) {
            if (e.getValue() instanceof Region) continue;
            String key = e.getKey().equals("axes") ? "axis" : e.getKey();
            sb.append(first ? "" : ", ").append(key).append('=').append(IrText.attrValue(e.getValue()));
            first = false;
        }
        return sb.append(')').toString();
    }

    private String scan(Node n) {
        Region r = n.region();
        int nseq = n.attrs().integer("nseq");
        var sb = new StringBuilder("scan(");
        List<String> seqs = new ArrayList<>(), inits = new ArrayList<>(), params = new ArrayList<>(), results = new ArrayList<>();
        for (int k = 0; k < n.inputs().size(); k++) (k < nseq ? seqs : inits).add(text(n.input(k)));
        for (Node p : r.params()) params.add(text(p));
        for (Node res : r.results()) results.add(text(res));
        sb.append("sequences=[").append(String.join(", ", seqs)).append("], ");
        sb.append("carries=[").append(String.join(", ", inits)).append("], ");
        sb.append("body=(").append(String.join(", ", params)).append(") -> (").append(String.join(", ", results)).append("))");
        return sb.toString();
    }

    /** Region parameters are named by nesting level and position: s0_0 is the first parameter of an outermost scan body. */
    private static String regionParamName(Node n) {
        return "s" + n.attrs().lng("level") + "_" + n.attrs().lng("index");
    }

    private static String bound(long b) {
        return b == Op.NONE ? "" : Long.toString(b);
    }

    // Binary results are already parenthesized; only prefix operators and negative literals need wrapping.
    private static String prefixOperand(String s) {
        return s.startsWith("-") || s.startsWith("not ") ? "(" + s + ")" : s;
    }

    private static String postfixOperand(String s) {
        return prefixOperand(s);
    }

    /** A constant as a literal: scalars bare, small arrays as nested lists, uniform arrays as {@code full(shape, v)}. */
    static String constant(Tensor t) {
        if (t.rank() == 0) return scalar(t, 0);
        boolean uniform = t.size() > 0;
        for (int k = 1; k < t.size() && uniform; k++) uniform = scalar(t, k).equals(scalar(t, 0));
        if (uniform && t.size() > 1) {
            long[] dims = new long[t.rank()];
            for (int k = 0; k < dims.length; k++) dims[k] = t.dim(k);
            return "full(" + IrText.attrValue(java.util.Arrays.stream(dims).boxed().toList()) + ", " + scalar(t, 0) + ")";
        }
        if (t.size() > 16) return "<" + t.type() + " constant>";
        return IrText.nested(t, flat -> scalar(t, flat));
    }

    private static String scalar(Tensor t, int flat) {
        DType d = t.dtype();
        if (d == DType.BOOL) return Boolean.toString(t.getLong(flat) != 0);
        if (!d.isFloat()) return Long.toString(t.getLong(flat));
        return floatText(t.getDouble(flat), d);
    }

    /** Python's repr of a float: shortest round-trip digits, positional for 1e-4 <= |v| < 1e16, else 1e-05 style. */
    public static String floatText(double v, DType d) {
        if (Double.isNaN(v)) return "nan";
        if (Double.isInfinite(v)) return v > 0 ? "inf" : "-inf";
        String shortest = d == DType.F32 ? Float.toString((float) v) : Double.toString(v);
        BigDecimal b = new BigDecimal(shortest);
        double abs = Math.abs(v);
        if (abs == 0 || (abs >= 1e-4 && abs < 1e16)) {
            String s = b.toPlainString();
            if (v == 0 && Double.doubleToRawLongBits(v) < 0) s = "-0";
            int dot = s.indexOf('.');
            if (dot < 0) return s + ".0";
            String trimmed = s.replaceAll("0+$", "");
            return trimmed.endsWith(".") ? trimmed + "0" : trimmed;
        }
        b = b.stripTrailingZeros();
        int exp = b.precision() - b.scale() - 1;
        String mant = b.movePointLeft(exp).toPlainString();
        String digits = Integer.toString(Math.abs(exp));
        return mant + "e" + (exp < 0 ? "-" : "+") + (digits.length() < 2 ? "0" : "") + digits;
    }
}
