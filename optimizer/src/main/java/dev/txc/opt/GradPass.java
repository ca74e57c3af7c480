package dev.txc.opt;

import dev.txc.ir.CompileException;
import dev.txc.ir.Diagnostic;
import dev.txc.ir.Function;
import dev.txc.ir.Node;
import dev.txc.ir.Op;
import dev.txc.ir.Rewriter;
import dev.txc.ir.SourceSpan;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Expands grad, lop, rop, jacobian and hessian into ordinary IR, innermost first, so derivatives can be
 * differentiated again. All grad calls of one cost share one reverse sweep.
 */
public final class GradPass implements Pass {
    @Override
    public String name() {
        return "grad";
    }

    @Override
    public Function run(Function f, PassContext cx) {
        List<Node> diffs = diffNodes(f.roots());
        if (diffs.isEmpty()) return f;
        var expanded = new HashMap<Node, Node>();
        var rw = new Rewriter(n -> n.op().kind() == Op.Kind.DIFF ? expanded.get(n) : n);
        var errors = new ArrayList<Diagnostic>();
        // Group grad nodes by cost so that one sweep serves them all.
        var gradGroups = new LinkedHashMap<List<Object>, List<Node>>();
        for (Node d : diffs) if (d.op() == Op.GRAD) gradGroups.computeIfAbsent(List.of(d.input(0), d.attrs().str("disconnected")), k -> new ArrayList<>()).add(d);
        var done = new HashSet<Node>();
        for (Node d : diffs) {
            if (!done.add(d)) continue;
            try {
                if (d.op() == Op.GRAD) {
                    List<Node> group = gradGroups.get(List.of(d.input(0), d.attrs().str("disconnected")));
                    done.addAll(group);
                    Node cost = rw.apply(d.input(0));
                    List<Node> wrts = group.stream().map(g -> rw.apply(g.input(1))).toList();
                    List<Node> grads = Autodiff.grad(stable(cost, wrts, cx), wrts, zero(d));
                    for (int k = 0; k < group.size(); k++)
                        expanded.put(Node.make(Op.GRAD, List.of(cost, wrts.get(k)), d.attrs()), grads.get(k));
                } else {
                    List<Node> ins = d.inputs().stream().map(rw::apply).toList();
                    expanded.put(Node.make(d.op(), ins, d.attrs()), expand(d.op(), ins, zero(d)));
                }
            } catch (Autodiff.DisconnectedException | DerivativeRules.Unsupported e) {
                errors.add(Diagnostic.error(loc(f, d), e.getMessage()));
                return fail(errors);
            }
        }
        return Rewriter.rewrite(f, n -> n.op().kind() == Op.Kind.DIFF ? expanded.get(n) : n);
    }

    /**
     * The cost in stable form (so that, say, the gradient of log(sigmoid(x)) stays finite), when optimizing and
     * when every variable is a leaf the rewrite cannot absorb.
     */
    private static Node stable(Node cost, List<Node> wrts, PassContext cx) {
        if (cx.optLevel() < 1 || !wrts.stream().allMatch(w -> w.op().kind() == Op.Kind.LEAF)) return cost;
        return Stabilize.apply(cost);
    }

    private static Function fail(List<Diagnostic> errors) {
        throw new CompileException(errors);
    }

    private static boolean zero(Node d) {
        return d.attrs().str("disconnected").equals("zero");
    }

    private static SourceSpan loc(Function f, Node n) {
        return f.locs().get(n);
    }

    private static Node expand(Op op, List<Node> in, boolean zero) {
        return switch (op) {
            case LOP -> {
                var ys = new ArrayList<Node>();
                var us = new ArrayList<Node>();
                for (int k = 1; k < in.size(); k += 2) {
                    ys.add(in.get(k));
                    us.add(in.get(k + 1));
                }
                yield Autodiff.lop(ys, us, List.of(in.getFirst()), zero).getFirst();
            }
            case ROP -> {
                var xs = new ArrayList<Node>();
                var vs = new ArrayList<Node>();
                for (int k = 1; k < in.size(); k += 2) {
                    xs.add(in.get(k));
                    vs.add(in.get(k + 1));
                }
                yield Autodiff.rop(in.getFirst(), xs, vs, zero);
            }
            case JACOBIAN -> Autodiff.jacobian(in.get(0), in.get(1), zero);
            case HESSIAN -> Autodiff.hessian(in.get(0), in.get(1), zero);
            case PARAM, SHARED, CONST, REGION_PARAM, NEG, ABS, SIGN, RELU, FLOOR, CEIL, ROUND, EXP, EXP2, EXPM1, LOG,
                 LOG2, LOG10, LOG1P, SQRT, SIN, COS, TAN, ASIN, ACOS, ATAN, SINH, COSH, TANH, ASINH, ACOSH, ATANH,
                 SIGMOID, SOFTPLUS, ERF, ERFC, ISNAN, ISINF, NOT, CAST, STOP_GRADIENT, ADD, SUB, MUL, DIV, FLOORDIV,
                 MOD, POW, MAXIMUM, MINIMUM, ATAN2, EQ, NE, LT, LE, GT, GE, AND, OR, XOR, WHERE, CLIP, SUM, PROD, MAX,
                 MIN, MEAN, ANY, ALL, ARGMAX, ARGMIN, LOGSUMEXP, SOFTMAX, LOG_SOFTMAX, ARG_MASK, MATMUL, CONCAT,
                 DIAGONAL, DIAG_EMBED, ARANGE, SUM_TO, UNSLICE, UNINDEX, TRANSPOSE, EXPAND_DIMS, SQUEEZE, RESHAPE,
                 BROADCAST_TO, SLICE, INDEX, SHAPE, WINDOW, UNWINDOW, DYN_SLICE, DYN_UNSLICE, GRAD, SCAN, FUSED,
                 TUPLE_GET -> throw new IllegalStateException(op.toString());
        };
    }

    /** Differentiation nodes reachable from the roots (region bodies included), inner ones first. */
    static List<Node> diffNodes(List<Node> roots) {
        var out = new ArrayList<Node>();
        for (Node n : Autodiff.ancestors(dev.txc.ir.Graphs.reachable(roots))) if (n.op().kind() == Op.Kind.DIFF) out.add(n);
        return out;
    }
}
