package dev.txc.opt;

import dev.txc.ir.Ir;
import dev.txc.ir.Node;
import dev.txc.ir.Op;
import dev.txc.ir.Region;
import dev.txc.types.DType;
import dev.txc.types.TensorType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Symbolic differentiation on IR: reverse sweeps (grad, lop), forward sweeps (rop), and jacobian/hessian as
 * loops of sweeps whose graph size does not depend on the number of outputs. Results are ordinary IR.
 * This is also the API the Java embedding uses.
 */
public final class Autodiff {
    private Autodiff() {}

    /** A variable the differentiated value does not depend on, with {@code disconnected="raise"}. */
    public static final class DisconnectedException extends RuntimeException {
        public DisconnectedException(String message) {
            super(message, null, false, false);
        }
    }

    /** d cost / d x for each x; cost must be a float scalar. */
    public static List<Node> grad(Node cost, List<Node> wrt, boolean zeroIfDisconnected) {
        if (!cost.tt().isScalar() || !cost.dtype().isFloat())
            throw new IllegalArgumentException("grad: cost must be a scalar, got " + cost.type());
        return lop(List.of(cost), List.of(Ir.scalarLike(1, cost)), wrt, zeroIfDisconnected, "grad");
    }

    /** sum_k u_k^T (d y_k / d x) for each x, in one reverse sweep. */
    public static List<Node> lop(List<Node> ys, List<Node> us, List<Node> xs, boolean zeroIfDisconnected) {
        return lop(ys, us, xs, zeroIfDisconnected, "lop");
    }

    /** lop with the xs as cut points: a gradient reaching one of them does not flow on into what it depends on. */
    static List<Node> lopCut(List<Node> ys, List<Node> us, List<Node> xs) {
        return lop(ys, us, xs, true, "lop", true);
    }

    private static List<Node> lop(List<Node> ys, List<Node> us, List<Node> xs, boolean zero, String what) {
        return lop(ys, us, xs, zero, what, false);
    }

    private static List<Node> lop(List<Node> ys, List<Node> us, List<Node> xs, boolean zero, String what, boolean cut) {
        List<Node> order = ancestors(ys);
        Set<Node> primal = ORIGIN.get() == null ? Set.of() : new HashSet<>(order);
        Set<Node> targets = new HashSet<>(xs);
        Map<Node, Boolean> relevant = relevance(order, targets);
        checkConnected(xs, relevant, zero, what, ys.size() == 1 ? "the cost" : "the outputs");
        Map<Node, Node> adj = new HashMap<>();
        for (int k = 0; k < ys.size(); k++) accumulate(adj, ys.get(k), us.get(k));
        // The cotangents of a scan's results arrive through its tuple_gets, one per result.
        Map<Node, Node[]> scanCots = new HashMap<>();
        for (int i = order.size() - 1; i >= 0; i--) {
            Node n = order.get(i);
            if (n.op() == Op.SCAN) {
                Node[] cots = scanCots.get(n);
                if (cots == null || !relevant.get(n)) continue;
                ScanDiff.Vjp v = ScanDiff.vjp(n, cots, x -> relevant.getOrDefault(x, false));
                for (int k = 0; k < v.inputs().size(); k++)
                    if (v.inputs().get(k) != null && relevant.get(n.input(k))) accumulate(adj, n.input(k), v.inputs().get(k));
                v.captures().forEach((c, g) -> accumulate(adj, c, g));
                continue;
            }
            Node g = adj.get(n);
            if (g == null || !relevant.get(n) || n.op().kind() == Op.Kind.LEAF || (cut && targets.contains(n))) continue;
            if (n.op() == Op.TUPLE_GET && n.input(0).op() == Op.SCAN) {
                Node[] cots = scanCots.computeIfAbsent(n.input(0), s -> new Node[s.region().results().size()]);
                int k = n.attrs().integer("index");
                cots[k] = cots[k] == null ? g : Ir.add(cots[k], g);
                continue;
            }
            List<Node> contribs = DerivativeRules.vjp(n, g);
            record(contribs, n, primal);
            for (int k = 0; k < contribs.size(); k++) {
                Node c = contribs.get(k);
                if (c != null && relevant.get(n.input(k))) accumulate(adj, n.input(k), c);
            }
        }
        var out = new ArrayList<Node>();
        for (Node x : xs) {
            Node g = adj.get(x);
            out.add(g != null ? g : Ir.zerosLike(x));
        }
        return out;
    }

    /**
     * While a pass sets it, the primal node whose derivative rule made each new node: GradPass gives them its source
     * location, so that a run-time error in a gradient (the unindex of x[i] with i out of range) points at the source.
     */
    static final ThreadLocal<Map<Node, Node>> ORIGIN = new ThreadLocal<>();

    /** Records n as the origin of the nodes its rule made for {@code made}, down to primal and already known nodes. */
    private static void record(List<Node> made, Node n, Set<Node> primal) {
        Map<Node, Node> origin = ORIGIN.get();
        if (origin == null) return;
        var stack = new java.util.ArrayDeque<Node>();
        for (Node m : made) if (m != null) stack.push(m);
        while (!stack.isEmpty()) {
            Node m = stack.pop();
            if (m.op().kind() == Op.Kind.LEAF || primal.contains(m) || origin.containsKey(m)) continue;
            origin.put(m, n);
            for (Node in : m.inputs()) stack.push(in);
        }
    }

    /** sum_k (d y / d x_k) v_k, in one forward sweep. */
    public static Node rop(Node y, List<Node> xs, List<Node> vs, boolean zeroIfDisconnected) {
        List<Node> order = ancestors(List.of(y));
        Set<Node> primal = ORIGIN.get() == null ? Set.of() : new HashSet<>(order);
        Map<Node, Boolean> relevant = relevance(order, new HashSet<>(xs));
        checkConnected(xs, relevant, zeroIfDisconnected, "rop", "y");
        Map<Node, Node> tan = new HashMap<>();
        for (int k = 0; k < xs.size(); k++) accumulate(tan, xs.get(k), vs.get(k));
        Map<Node, Node[]> scanTans = new HashMap<>();
        for (Node n : order) {
            if (tan.containsKey(n) || !relevant.getOrDefault(n, false)) continue;
            if (n.op() == Op.SCAN) {
                var ts = new ArrayList<Node>();
                for (Node in : n.inputs()) ts.add(tan.get(in));
                var caps = new LinkedHashMap<Node, Node>();
                for (Node c : ScanDiff.captures(n, x -> tan.containsKey(x))) caps.put(c, tan.get(c));
                scanTans.put(n, ScanDiff.jvp(n, ts, caps));
                continue;
            }
            if (n.op() == Op.TUPLE_GET && n.input(0).op() == Op.SCAN) {
                Node[] st = scanTans.get(n.input(0));
                Node t = st == null ? null : st[n.attrs().integer("index")];
                if (t != null) tan.put(n, t);
                continue;
            }
            var ts = new ArrayList<Node>();
            boolean any = false;
            for (Node in : n.inputs()) {
                Node t = tan.get(in);
                ts.add(t);
                any |= t != null;
            }
            if (!any) continue;
            Node t = DerivativeRules.jvp(n, ts);
            if (t != null) tan.put(n, t);
            record(java.util.Collections.singletonList(t), n, primal);
        }
        Node t = tan.get(y);
        return t != null ? t : Ir.zerosLike(y);
    }

    /**
     * d y / d x, shaped {@code y.shape + x.shape}. Reverse mode (one sweep per element of y) unless x is known to
     * be smaller than y, then forward mode (one sweep per element of x); the sweeps run in a scan loop so the
     * graph does not grow with the number of elements.
     */
    public static Node jacobian(Node y, Node x, boolean zeroIfDisconnected) {
        checkConnected(y, x, zeroIfDisconnected, "jacobian");
        if (y.tt().isScalar()) return grad(y, List.of(x), zeroIfDisconnected).getFirst();
        if (x.tt().isScalar()) return rop(y, List.of(x), List.of(Ir.scalarLike(1, x)), zeroIfDisconnected);
        long ny = y.tt().staticSize(), nx = x.tt().staticSize();
        boolean forward = nx >= 0 && (ny < 0 ? false : nx < ny);
        return forward ? forwardJacobian(y, x) : reverseJacobian(y, x);
    }

    /** d^2 cost / dx^2 as forward-over-reverse: one forward sweep of the gradient per element of x. */
    public static Node hessian(Node cost, Node x, boolean zeroIfDisconnected) {
        checkConnected(cost, x, zeroIfDisconnected, "hessian");
        Node g = grad(cost, List.of(x), zeroIfDisconnected).getFirst();
        if (x.tt().isScalar()) return rop(g, List.of(x), List.of(Ir.scalarLike(1, x)), true);
        return forwardJacobian(g, x);
    }

    private static Node reverseJacobian(Node y, Node x) {
        // Row i of J is the gradient of y.flat[i]: a reverse sweep seeded with the i-th unit cotangent.
        int level = Region.levelAbove(List.of(y, x));
        Node i = Ir.regionParam(level, 0, TensorType.scalar(DType.I64));
        Node u = unit(i, y);
        Node row = lop(List.of(y), List.of(u), List.of(x), true, "jacobian").getFirst();
        Node rows = loop(level, i, row, size(y));
        return Ir.reshape(rows, concatShapes(y, x));
    }

    private static Node forwardJacobian(Node y, Node x) {
        // Column j of J is J e_j: a forward sweep with the j-th unit tangent; the stacked columns are J^T.
        int level = Region.levelAbove(List.of(y, x));
        Node j = Ir.regionParam(level, 0, TensorType.scalar(DType.I64));
        Node col = rop(y, List.of(x), List.of(unit(j, x)), true);
        Node cols = loop(level, j, col, size(x));
        Node jt = Ir.reshape(cols, Ir.op(Op.CONCAT, List.of(Ir.reshape(size(x), Ir.longs(1)), Ir.reshape(size(y), Ir.longs(1))), "axis", 0L));
        return Ir.reshape(Ir.transpose(jt, 1, 0), concatShapes(y, x));
    }

    /**
     * A scan over i in 0..n whose per-step output is {@code body}. A count known only at run time may be 0, where a scan
     * with no step cannot tell its output's shape (a ? dim): then one step runs (with i = 0, whose unit tensor is
     * empty, so the row is empty or zero) and a slice keeps the first n rows.
     */
    private static Node loop(int level, Node i, Node body, Node n) {
        boolean known = n.isConst();
        Node steps = known ? n : Ir.op(Op.MAXIMUM, n, Ir.scalarLong(1, DType.I64));
        Node seq = Ir.op(Op.ARANGE, Ir.scalarLong(0, DType.I64), steps, Ir.scalarLong(1, DType.I64));
        Region r = new Region(level, List.of(i), List.of(body));
        Node rows = Ir.tupleGet(Ir.scan(r, List.of(seq), List.of()), 0);
        return known ? rows : Node.make(Op.DYN_SLICE, List.of(rows, Ir.scalarLong(0, DType.I64), n), dev.txc.ir.Attrs.of("axis", 0L, "step", 1L));
    }

    /** The unit tensor shaped like {@code like} with a 1 at flat index i (all zeros, or empty, when i is past its end). */
    private static Node unit(Node i, Node like) {
        Node at = Ir.op(Op.EQ, Ir.op(Op.ARANGE, Ir.scalarLong(0, DType.I64), size(like), Ir.scalarLong(1, DType.I64)), i);
        return Ir.reshape(Ir.cast(at, like.dtype()), Ir.shapeOf(like));
    }

    private static Node size(Node x) {
        long s = x.tt().staticSize();
        return s >= 0 ? Ir.scalarLong(s, DType.I64) : Ir.reduce(Op.PROD, Ir.shape(x), Ir.axes(0), false);
    }

    private static Node concatShapes(Node y, Node x) {
        if (y.tt().isStatic() && x.tt().isStatic()) {
            long[] s = new long[y.rank() + x.rank()];
            for (int k = 0; k < y.rank(); k++) s[k] = y.tt().dim(k).size();
            for (int k = 0; k < x.rank(); k++) s[y.rank() + k] = x.tt().dim(k).size();
            return Ir.longs(s);
        }
        return Ir.concat(List.of(Ir.shapeOf(y), Ir.shapeOf(x)), 0);
    }

    // ---- graph helpers ----

    private static void accumulate(Map<Node, Node> acc, Node at, Node v) {
        acc.merge(at, v, Ir::add);
    }

    /** Every node the roots depend on, inputs before users. */
    static List<Node> ancestors(List<Node> roots) {
        // Through inputs and the values region bodies capture: a scan's gradient reaches the outer values its body uses.
        var seen = new HashSet<Node>();
        var schedule = new dev.txc.ir.Schedule();
        return dev.txc.ir.Graphs.postOrder(roots, schedule::deps, seen::add);
    }

    /** For each node in order: does it depend on a target? */
    private static Map<Node, Boolean> relevance(List<Node> order, Set<Node> targets) {
        var rel = new LinkedHashMap<Node, Boolean>();
        for (Node n : order) {
            boolean r = targets.contains(n);
            for (Node in : n.inputs()) r |= rel.getOrDefault(in, false);
            if (n.region() != null) {
                for (Node res : n.region().results()) r |= dependsOn(res, targets);
            }
            rel.put(n, r);
        }
        return rel;
    }

    private static boolean dependsOn(Node n, Set<Node> targets) {
        for (Node a : ancestors(List.of(n))) if (targets.contains(a)) return true;
        return false;
    }

    private static void checkConnected(Node y, Node x, boolean zero, String what) {
        checkConnected(List.of(x), relevance(ancestors(List.of(y)), Set.of(x)), zero, what, "its first argument");
    }

    private static void checkConnected(List<Node> xs, Map<Node, Boolean> relevant, boolean zero, String what, String of) {
        if (zero) return;
        for (Node x : xs)
            if (!relevant.containsKey(x))
                throw new DisconnectedException(what + ": " + of + " does not depend on " + DerivativeRules.describe(x)
                        + (x.op() == Op.PARAM || x.op() == Op.SHARED ? " (pass disconnected=\"zero\" to get zeros instead)"
                                : ": an expression such as x[0] is a new value; differentiate with respect to x and index the result"));
    }
}
