package dev.txc.ir;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Renders a function as a Graphviz DOT graph in the manner of Theano's {@code pydotprint}: a box per op with its
 * result type, ellipses for parameters (green), shared variables (gold) and constants (grey), blue ellipses for
 * outputs and orange ones for updates; edges carry the operand index when an op has several operands, and each
 * scan body is a cluster. The text is a pure function of the graph.
 */
public final class DotGraph {
    private final StringBuilder out = new StringBuilder();
    private final Deque<Map<Node, String>> scopes = new ArrayDeque<>();
    private final Schedule schedule = new Schedule();
    private int counter;
    private int clusters;

    private DotGraph() {}

    public static String render(Function f) {
        var g = new DotGraph();
        g.function(f);
        return g.out.toString();
    }

    private void function(Function f) {
        out.append("digraph ").append(IrText.quote(f.name())).append(" {\n");
        out.append("  node [fontname=\"Helvetica\", fontsize=10];\n");
        out.append("  edge [fontname=\"Helvetica\", fontsize=9];\n");
        scopes.push(new HashMap<>());
        for (Node p : f.params()) declare(p, "  ");
        block(schedule.function(f), "  ");
        for (var o : f.outputs()) {
            String id = "out" + counter++;
            out.append("  ").append(id).append(" [shape=ellipse, style=filled, fillcolor=dodgerblue, label=")
               .append(IrText.quote(o.name() + "\n" + o.value().type())).append("];\n");
            edge(id(o.value()), id, null, "  ");
        }
        for (var u : f.updates()) {
            String id = "upd" + counter++;
            out.append("  ").append(id).append(" [shape=ellipse, style=filled, fillcolor=orange, label=")
               .append(IrText.quote(u.shared() + " :=\n" + u.value().type())).append("];\n");
            edge(id(u.value()), id, null, "  ");
        }
        scopes.pop();
        out.append("}\n");
    }

    private void block(List<Node> nodes, String indent) {
        for (Node n : nodes) {
            if (n.op() == Op.PARAM || n.op() == Op.REGION_PARAM) continue;
            declare(n, indent);
        }
    }

    private void declare(Node n, String indent) {
        String id = "n" + counter++;
        Region r = n.region();
        Map<Node, String> results = r == null ? Map.of() : region(r, indent);
        out.append(indent).append(id).append(" [").append(look(n)).append("];\n");
        for (int k = 0; k < n.inputs().size(); k++) edge(id(n.input(k)), id, n.inputs().size() > 1 ? Integer.toString(k) : null, indent);
        if (r != null)
            for (int k = 0; k < r.results().size(); k++) edge(results.get(r.results().get(k)), id, "yield " + k, indent);
        scopes.peek().put(n, id);
    }

    /** A scan body as a cluster; its ids stay scoped to the cluster so an interned node shared by two bodies is drawn in each. */
    private Map<Node, String> region(Region r, String indent) {
        String inner = indent + "  ";
        out.append(indent).append("subgraph cluster_").append(clusters++).append(" {\n");
        out.append(inner).append("label=").append(IrText.quote("scan body (level " + r.level() + ")")).append(";\n");
        out.append(inner).append("style=dashed;\n");
        var scope = new HashMap<Node, String>();
        scopes.push(scope);
        for (Node p : r.params()) declare(p, inner);
        block(schedule.block(r.results(), r.level(), new LinkedHashSet<>()), inner);
        var results = new HashMap<Node, String>();
        for (Node res : r.results()) results.put(res, id(res));
        scopes.pop();
        out.append(indent).append("}\n");
        return results;
    }

    private String id(Node n) {
        for (var s : scopes) {
            String v = s.get(n);
            if (v != null) return v;
        }
        throw new IllegalStateException("node drawn before its use: " + n);
    }

    private void edge(String from, String to, String label, String indent) {
        out.append(indent).append(from).append(" -> ").append(to);
        if (label != null) out.append(" [label=").append(IrText.quote(label)).append(']');
        out.append(";\n");
    }

    /** The node's shape, fill and label attributes: leaves are coloured ellipses, ops boxes. */
    private static String look(Node n) {
        return switch (n.op()) {
            case PARAM -> leaf("limegreen", n.attrs().str("name") + "\n" + n.type());
            case SHARED -> leaf("gold", n.attrs().str("name") + "\n" + n.type());
            case REGION_PARAM -> leaf("palegreen", "s" + n.attrs().lng("level") + "_" + n.attrs().lng("index") + "\n" + n.type());
            case CONST -> {
                Tensor t = n.constValue();
                yield leaf("lightgrey", t.size() <= 16 ? PrettyPrinter.constant(t) + (t.rank() == 0 ? " : " + t.dtype().spelling() : "\n" + t.type()) : "constant\n" + t.type());
            }
            case NEG, ABS, SIGN, RELU, FLOOR, CEIL, ROUND, EXP, EXP2, EXPM1, LOG, LOG2, LOG10, LOG1P, SQRT, SIN, COS,
                 TAN, ASIN, ACOS, ATAN, SINH, COSH, TANH, ASINH, ACOSH, ATANH, SIGMOID, SOFTPLUS, ERF, ERFC, ISNAN,
                 ISINF, NOT, CAST, STOP_GRADIENT, ADD, SUB, MUL, DIV, FLOORDIV, MOD, POW, MAXIMUM, MINIMUM, ATAN2, EQ,
                 NE, LT, LE, GT, GE, AND, OR, XOR, WHERE, CLIP, SUM, PROD, MAX, MIN, MEAN, ANY, ALL, ARGMAX, ARGMIN,
                 LOGSUMEXP, SOFTMAX, LOG_SOFTMAX, ARG_MASK, MATMUL, CONCAT, DIAGONAL, DIAG_EMBED, ARANGE, SUM_TO,
                 UNSLICE, UNINDEX, TRANSPOSE, EXPAND_DIMS, SQUEEZE, RESHAPE, BROADCAST_TO, SLICE, INDEX, SHAPE,
                 WINDOW, UNWINDOW, DYN_SLICE, DYN_UNSLICE, GRAD, LOP, ROP, JACOBIAN, HESSIAN, SCAN, FUSED, TUPLE_GET -> {
                yield "shape=box, label=" + IrText.quote(n.op().spelling() + IrText.attrsText(n.attrs()).stripLeading() + "\n" + n.type());
            }
        };
    }

    private static String leaf(String fill, String label) {
        return "shape=ellipse, style=filled, fillcolor=" + fill + ", label=" + IrText.quote(label);
    }
}
