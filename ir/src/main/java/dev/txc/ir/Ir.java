package dev.txc.ir;

import dev.txc.types.DType;
import dev.txc.types.Dim;
import dev.txc.types.TensorType;
import java.util.ArrayList;
import java.util.List;

/** Static constructors for IR nodes, for the frontend, the passes and tests; each returns an interned node. */
public final class Ir {
    private Ir() {}

    public static Node param(String name, TensorType t) {
        return Node.leaf(Op.PARAM, Attrs.of("name", name), t);
    }

    public static Node shared(String name, TensorType t) {
        return Node.leaf(Op.SHARED, Attrs.of("name", name), t);
    }

    public static Node constant(Tensor value) {
        return Node.leaf(Op.CONST, Attrs.of("value", value), value.type());
    }

    /** A scalar constant of dtype {@code d} (integers truncate, bools are v != 0). */
    public static Node scalar(double v, DType d) {
        return constant(Tensor.scalar(d, v));
    }

    public static Node scalarLong(long v, DType d) {
        return constant(Tensor.scalarLong(d, v));
    }

    /** A scalar constant with the dtype of {@code like}. */
    public static Node scalarLike(double v, Node like) {
        return scalar(v, like.dtype());
    }

    /** An i64 vector constant, for shapes. */
    public static Node longs(long... v) {
        return constant(Tensor.ofLongs(DType.I64, new int[] {v.length}, v));
    }

    public static Node regionParam(int level, int index, TensorType t) {
        return Node.leaf(Op.REGION_PARAM, Attrs.of("level", (long) level, "index", (long) index), t);
    }

    public static Node op(Op op, Node... inputs) {
        return Node.make(op, List.of(inputs), Attrs.EMPTY);
    }

    public static Node op(Op op, List<Node> inputs, Object... attrs) {
        return Node.make(op, inputs, Attrs.of(attrs));
    }

    public static Node add(Node a, Node b) {
        return op(Op.ADD, a, b);
    }

    public static Node sub(Node a, Node b) {
        return op(Op.SUB, a, b);
    }

    public static Node mul(Node a, Node b) {
        return op(Op.MUL, a, b);
    }

    public static Node div(Node a, Node b) {
        return op(Op.DIV, a, b);
    }

    public static Node neg(Node a) {
        return op(Op.NEG, a);
    }

    public static Node cast(Node x, DType d) {
        return x.dtype() == d ? x : Node.make(Op.CAST, List.of(x), Attrs.of("dtype", d));
    }

    public static Node where(Node c, Node a, Node b) {
        return op(Op.WHERE, c, a, b);
    }

    public static List<Long> axes(int... axes) {
        var l = new ArrayList<Long>();
        for (int a : axes) l.add((long) a);
        return l;
    }

    public static List<Long> allAxes(int rank) {
        var l = new ArrayList<Long>();
        for (int a = 0; a < rank; a++) l.add((long) a);
        return l;
    }

    public static Node reduce(Op op, Node x, List<Long> axes, boolean keepdims) {
        return Node.make(op, List.of(x), Attrs.of("axes", axes, "keepdims", keepdims));
    }

    /** The sum over every axis, a scalar. */
    public static Node sum(Node x) {
        return reduce(Op.SUM, x, allAxes(x.rank()), false);
    }

    public static Node shape(Node x) {
        return op(Op.SHAPE, x);
    }

    /** x broadcast to the run-time shape of {@code like}, or x itself when the static types already agree. */
    public static Node broadcastLike(Node x, Node like) {
        if (x.tt().dims().equals(like.tt().dims()) && !x.tt().dims().contains(Dim.ANY)) return x;
        return op(Op.BROADCAST_TO, x, shapeOf(like));
    }

    /** The shape of x as an i64 vector: a constant when static, else the shape op. */
    public static Node shapeOf(Node x) {
        if (x.tt().isStatic()) return longs(x.tt().dims().stream().mapToLong(Dim::size).toArray());
        return shape(x);
    }

    /** A tensor like x (same shape and dtype) filled with v. */
    public static Node fillLike(Node x, double v) {
        Node s = scalar(v, x.dtype());
        return x.tt().isScalar() ? s : op(Op.BROADCAST_TO, s, shapeOf(x));
    }

    public static Node zerosLike(Node x) {
        return fillLike(x, 0);
    }

    public static Node transpose(Node x, int... perm) {
        return Node.make(Op.TRANSPOSE, List.of(x), Attrs.of("perm", axes(perm)));
    }

    public static Node expandDims(Node x, List<Long> axes) {
        return axes.isEmpty() ? x : Node.make(Op.EXPAND_DIMS, List.of(x), Attrs.of("axes", axes));
    }

    public static Node squeeze(Node x, List<Long> axes) {
        return axes.isEmpty() ? x : Node.make(Op.SQUEEZE, List.of(x), Attrs.of("axes", axes));
    }

    public static Node reshape(Node x, Node shape) {
        return op(Op.RESHAPE, x, shape);
    }

    /**
     * v checked at run time to have x's shape (same rank): v broadcast to x's shape, which then has v's size, so the
     * shapes are equal. Both are views, free when the check passes; the error is a broadcast or reshape error.
     */
    public static Node checkedShapeOf(Node v, Node x) {
        return reshape(Node.make(Op.BROADCAST_TO, List.of(v, shapeOf(x)), Attrs.EMPTY), shapeOf(v));
    }

    public static Node index(Node x, Node i, int axis) {
        return Node.make(Op.INDEX, List.of(x, i), Attrs.of("axis", (long) axis));
    }

    public static Node slice(Node x, List<Long> starts, List<Long> stops, List<Long> steps) {
        return Node.make(Op.SLICE, List.of(x), Attrs.of("starts", starts, "stops", stops, "steps", steps));
    }

    public static Node matmul(Node a, Node b) {
        return op(Op.MATMUL, a, b);
    }

    public static Node concat(List<Node> xs, int axis) {
        return Node.make(Op.CONCAT, xs, Attrs.of("axis", (long) axis));
    }

    public static Node tupleGet(Node t, int k) {
        return Node.make(Op.TUPLE_GET, List.of(t), Attrs.of("index", (long) k));
    }

    public static Node scan(Region body, List<Node> seqs, List<Node> inits) {
        return scan(body, seqs, inits, List.of());
    }

    /** A scan whose carries listed in {@code last} give their final value instead of their stack. */
    public static Node scan(Region body, List<Node> seqs, List<Node> inits, List<Long> last) {
        var ins = new ArrayList<>(seqs);
        ins.addAll(inits);
        Attrs a = Attrs.of("body", body, "nseq", (long) seqs.size());
        return Node.make(Op.SCAN, ins, last.isEmpty() ? a : a.with("last", last));
    }

    /**
     * How often a scan's stacked carries keep a row (attribute {@code every}, 1 when absent): with K, a carry's stack
     * holds the carry after steps K, 2K, ... (floor(steps / K) rows); per-step outputs and {@code last} carries are
     * unaffected. Reverse mode with checkpoints stores only these rows.
     */
    public static int every(Node scan) {
        return scan.attrs().has("every") ? scan.attrs().integer("every") : 1;
    }

    /** The carries of a scan node that give their final value (attribute {@code last}), as a set of result indices. */
    public static java.util.Set<Long> lastCarries(Node scan) {
        return scan.attrs().has("last") ? java.util.Set.copyOf(scan.attrs().longs("last")) : java.util.Set.of();
    }
}
