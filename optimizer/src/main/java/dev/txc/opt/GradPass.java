package dev.txc.opt;

import dev.txc.ir.CompileException;
import dev.txc.ir.Diagnostic;
import dev.txc.ir.Function;
import dev.txc.ir.Graphs;
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
import java.util.Set;

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
        var expanded = new LinkedHashMap<Node, Node>();
        var rw = new Rewriter(n -> n.op().kind() == Op.Kind.DIFF ? expanded.get(n) : n);
        // Group grad nodes by cost so that one sweep serves them all.
        var gradGroups = new LinkedHashMap<List<Object>, List<Node>>();
        for (Node d : diffs) if (d.op() == Op.GRAD) gradGroups.computeIfAbsent(List.of(d.input(0), d.attrs().str("disconnected")), k -> new ArrayList<>()).add(d);
        var done = new HashSet<Node>();
        int reachedFrom = 0;
        // the primal node whose derivative rule made each new node, and the diff call it was made for
        var origin = new LinkedHashMap<Node, Node>();
        var call = new HashMap<Node, Node>();
        // every node reachable from each expansion, and the first diff call whose expansion reaches it
        var reached = new LinkedHashMap<Node, Node>();
        var seen = new HashSet<Node>();
        Autodiff.ORIGIN.set(origin);
        try {
            for (Node d : diffs) {
                if (!done.add(d)) continue;
                try {
                    expand(d, cx, rw, expanded, gradGroups.get(List.of(d.input(0), d.attrs().str("disconnected"))), done);
                } catch (Autodiff.DisconnectedException | DerivativeRules.Unsupported e) {
                    return fail(List.of(Diagnostic.error(loc(f, d), e.getMessage())));
                }
                for (Node m : origin.keySet()) call.putIfAbsent(m, d);
                var made = List.copyOf(expanded.values()).subList(reachedFrom, expanded.size());
                reachedFrom = expanded.size();
                for (Node m : Graphs.postOrder(made, Graphs::withBodies, seen::add)) reached.put(m, d);
            }
        } finally {
            Autodiff.ORIGIN.remove();
        }
        Function out = Rewriter.rewrite(f, n -> n.op().kind() == Op.Kind.DIFF ? expanded.get(n) : n);
        // Nodes a derivative rule made take their primal node's location, else the diff call's: a run-time error in a
        // gradient (the unindex of x[i] with i out of range) then points at the source.
        var locs = new LinkedHashMap<>(out.locs());
        origin.forEach((m, p) -> {
            SourceSpan s = f.locs().get(p);
            if (s == null) s = loc(f, call.get(m));
            if (s != null) locs.putIfAbsent(m, s);
        });
        // Nodes made otherwise (the cost's stable form, a scan rebuilt for its gradient) take the diff call's location.
        reached.forEach((m, d) -> {
            SourceSpan s = loc(f, d);
            if (s != null) locs.putIfAbsent(m, s);
        });
        return out.withLocs(locs);
    }

    private static void expand(Node d, PassContext cx, Rewriter rw, Map<Node, Node> expanded, List<Node> group, Set<Node> done) {
        if (d.op() == Op.GRAD) {
            done.addAll(group);
            Node cost = rw.apply(d.input(0));
            List<Node> wrts = group.stream().map(g -> rw.apply(g.input(1))).toList();
            List<Node> grads;
            try {
                grads = Autodiff.grad(stable(cost, wrts, cx), wrts, zero(d));
            } catch (Autodiff.DisconnectedException e) {
                // the stable form may have folded a dependence away (x ** 0 is 1): the cost as written decides
                grads = Autodiff.grad(cost, wrts, zero(d));
            }
            for (int k = 0; k < group.size(); k++)
                expanded.put(Node.make(Op.GRAD, List.of(cost, wrts.get(k)), d.attrs()), grads.get(k));
        } else {
            List<Node> ins = d.inputs().stream().map(rw::apply).toList();
            expanded.put(Node.make(d.op(), ins, d.attrs()), expand(d.op(), ins, zero(d)));
        }
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
        var found = new ArrayList<Node>();
        for (Node n : Autodiff.ancestors(dev.txc.ir.Graphs.reachable(roots))) if (n.op().kind() == Op.Kind.DIFF) found.add(n);
        // A grad inside a scan body that a later grad differentiates through must be expanded first: the scan's
        // dependencies above do not enter its body, so order by what each one reaches, bodies included.
        var out = new ArrayList<Node>();
        var placed = new HashSet<Node>();
        for (Node d : found) place(d, placed, out);
        return out;
    }

    private static void place(Node d, Set<Node> placed, List<Node> out) {
        if (!placed.add(d)) return;
        for (Node n : dev.txc.ir.Graphs.reachable(d.inputs())) if (n != d && n.op().kind() == Op.Kind.DIFF) place(n, placed, out);
        out.add(d);
    }
}
