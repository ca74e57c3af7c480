package dev.txc.ir;

import dev.txc.types.DType;
import dev.txc.types.Dim;
import dev.txc.types.TensorType;
import dev.txc.types.TupleType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * The reference interpreter: evaluates IR directly with {@link Tensor} values. Slow and obviously right,
 * it is the oracle every backend is diffed against. Differentiation ops must have been expanded first.
 */
public final class Interpreter {
    /**
     * {@code body}'s result with the interpreter's float sums (and means) on this thread added term by term in index
     * order, each addition rounded, instead of compensated: tests evaluate a program both ways to tell a result that
     * hangs on the order of a sum (a truncating cast of a sum within an ulp of an integer) from a wrong one.
     */
    public static <T> T withSequentialSums(java.util.function.Supplier<T> body) {
        return RefOps.withSequentialSums(body);
    }

    /** Outputs in order, and the new values of updated shared variables (not yet applied). */
    public record Result(List<Tensor> outputs, Map<String, Tensor> updates) {}

    private final java.util.function.Function<String, Tensor> shared;
    private final List<Map<Node, Object>> frames = new ArrayList<>();
    private final Schedule schedule = new Schedule();
    private final Map<Region, List<Node>> bodies = new IdentityHashMap<>();
    /** Dim variables bound by the arguments: they give the inner shape of a zero-step scan's empty stacks. */
    private final Map<String, Long> dims = new HashMap<>();

    private Interpreter(java.util.function.Function<String, Tensor> shared) {
        this.shared = shared;
        frames.add(new HashMap<>());
    }

    /** Calls {@code f} with arguments by parameter name; missing ones take their defaults. */
    public static Result run(Function f, Map<String, Tensor> args, java.util.function.Function<String, Tensor> shared) {
        var it = new Interpreter(shared);
        var dims = it.dims;
        var dimSource = new HashMap<String, String>();
        for (int k = 0; k < f.params().size(); k++) {
            Node p = f.params().get(k);
            String name = f.paramName(k);
            Tensor v = args.get(name);
            if (v == null) {
                Node def = f.defaults().get(name);
                if (def == null) throw new EvalException(f.name() + ": missing argument for parameter " + name);
                v = (Tensor) it.evalRoots(List.of(def)).getFirst();
            }
            bind(f.name(), name, p.tt(), v, dims, dimSource);
            it.frames.getFirst().put(p, v);
        }
        var roots = new ArrayList<Node>();
        for (var o : f.outputs()) roots.add(o.value());
        for (var u : f.updates()) roots.add(u.value());
        List<Object> vals = it.evalRoots(roots);
        var outs = new ArrayList<Tensor>();
        for (int k = 0; k < f.outputs().size(); k++) outs.add((Tensor) vals.get(k));
        var ups = new LinkedHashMap<String, Tensor>();
        for (int k = 0; k < f.updates().size(); k++) ups.put(f.updates().get(k).shared(), (Tensor) vals.get(f.outputs().size() + k));
        return new Result(outs, ups);
    }

    /** Evaluates a closed expression (no parameters, no shared variables), as constant folding does. */
    public static Tensor evaluate(Node n) {
        var it = new Interpreter(name -> {
            throw new IllegalStateException("shared variable in a constant expression");
        });
        return (Tensor) it.evalRoots(List.of(n)).getFirst();
    }

    /** Checks an argument against its parameter type, binding dim variables; errors name the function, parameter and dims. */
    static void bind(String fn, String param, TensorType t, Tensor v, Map<String, Long> dims, Map<String, String> source) {
        String where = fn + ": parameter " + param;
        if (v.dtype() != t.dtype()) throw new EvalException(where + " expects " + t + ", got dtype " + v.dtype().spelling());
        if (v.rank() != t.rank())
            throw new EvalException(where + " expects " + t + " (rank " + t.rank() + "), got shape " + RefOps.shapeText(v.shape()));
        for (int d = 0; d < t.rank(); d++) {
            long n = v.dim(d);
            switch (t.dim(d)) {
                case Dim.Known(long size) -> {
                    if (size != n) throw new EvalException(where + " expects " + t + ", got shape " + RefOps.shapeText(v.shape()));
                }
                case Dim.Sym(String s) -> {
                    Long bound = dims.putIfAbsent(s, n);
                    if (bound == null) source.put(s, param + " (axis " + d + ")");
                    else if (bound != n)
                        throw new EvalException(fn + ": dim " + s + " is " + bound + " from " + source.get(s) + " but " + n + " from " + param + " (axis " + d + ")");
                }
                case Dim.Any() -> { }
            }
        }
    }

    private List<Object> evalRoots(List<Node> roots) {
        List<Node> order = schedule.block(roots, -1, new LinkedHashSet<>());
        for (Node n : order) if (n.op() != Op.PARAM && !frames.getFirst().containsKey(n)) frames.getFirst().put(n, apply(n));
        var out = new ArrayList<Object>();
        for (Node r : roots) out.add(value(r));
        return out;
    }

    private Object value(Node n) {
        Object v = frames.get(n.level() + 1).get(n);
        if (v == null) throw new IllegalStateException("no value for " + n);
        return v;
    }

    private Tensor in(Node n, int k) {
        return (Tensor) value(n.input(k));
    }

    private List<Tensor> ins(Node n) {
        var l = new ArrayList<Tensor>();
        for (int k = 0; k < n.inputs().size(); k++) l.add(in(n, k));
        return l;
    }

    private Object apply(Node n) {
        try {
            return applyOp(n);
        } catch (EvalException e) {
            throw e.at(n);
        }
    }

    private Object applyOp(Node n) {
        Attrs a = n.attrs();
        return switch (n.op()) {
            case PARAM -> throw new IllegalStateException("unbound parameter " + a.str("name"));
            case REGION_PARAM -> throw new IllegalStateException("unbound region parameter");
            case SHARED -> {
                Tensor v = shared.apply(a.str("name"));
                if (v == null) throw new EvalException("no value for shared variable " + a.str("name"));
                yield v;
            }
            case CONST -> n.constValue();
            case NEG, ABS, SIGN, RELU, FLOOR, CEIL, ROUND, EXP, EXP2, EXPM1, LOG, LOG2, LOG10, LOG1P, SQRT, SIN, COS, TAN,
                 ASIN, ACOS, ATAN, SINH, COSH, TANH, ASINH, ACOSH, ATANH, SIGMOID, SOFTPLUS, ERF, ERFC, ISNAN, ISINF, NOT,
                 STOP_GRADIENT, ADD, SUB, MUL, DIV, FLOORDIV, MOD, POW, MAXIMUM, MINIMUM, ATAN2, EQ, NE, LT, LE, GT, GE,
                 AND, OR, XOR, WHERE, CLIP -> RefOps.elementwise(n.op(), ins(n), null);
            case CAST -> RefOps.elementwise(Op.CAST, ins(n), a.dtype("dtype"));
            case SUM, PROD, MAX, MIN, MEAN, ANY, ALL, ARGMAX, ARGMIN, LOGSUMEXP ->
                RefOps.reduce(n.op(), in(n, 0), a.ints("axes"), a.bool("keepdims"));
            case SOFTMAX -> RefOps.softmax(in(n, 0), a.integer("axis"), false);
            case LOG_SOFTMAX -> RefOps.softmax(in(n, 0), a.integer("axis"), true);
            case ARG_MASK -> RefOps.argMask(in(n, 0), a.ints("axes"), a.bool("max"));
            case MATMUL -> RefOps.matmul(in(n, 0), in(n, 1));
            case CONCAT -> RefOps.concat(ins(n), a.integer("axis"));
            case DIAGONAL -> {
                Tensor x = in(n, 0);
                int m = Math.min(x.dim(0), x.dim(1));
                yield RefOps.gather(x, new int[] {m}, RefOps.viewMap(new int[] {m}, 0, new int[] {x.dim(1) + 1}));
            }
            case DIAG_EMBED -> {
                Tensor v = in(n, 0), like = in(n, 1);
                int m = Math.min(like.dim(0), like.dim(1));
                if (v.dim(0) != m) throw new EvalException("diag_embed: diagonal of length " + v.dim(0) + " does not fit a matrix of shape " + RefOps.shapeText(like.shape()));
                yield RefOps.scatter(v, like.shape(), RefOps.viewMap(new int[] {m}, 0, new int[] {like.dim(1) + 1}));
            }
            case ARANGE -> RefOps.arange(in(n, 0), in(n, 1), in(n, 2));
            case SUM_TO -> RefOps.sumTo(in(n, 0), in(n, 1).shape());
            case UNSLICE -> {
                Tensor like = in(n, 1);
                int[][] v = RefOps.sliceView(like.shape(), longs(a, "starts"), longs(a, "stops"), longs(a, "steps"));
                yield RefOps.scatter(checkShape("unslice", in(n, 0), v[0]), like.shape(), RefOps.viewMap(v[0], v[1][0], v[2]));
            }
            case UNINDEX -> {
                Tensor like = in(n, 2);
                int axis = a.integer("axis");
                int i = RefOps.checkIndex(in(n, 1).getLong(0), like.dim(axis), axis);
                int[][] v = RefOps.indexView(like.shape(), axis, i);
                yield RefOps.scatter(checkShape("unindex", in(n, 0), v[0]), like.shape(), RefOps.viewMap(v[0], v[1][0], v[2]));
            }
            case TRANSPOSE -> RefOps.transpose(in(n, 0), a.ints("perm"));
            case EXPAND_DIMS -> {
                Tensor x = in(n, 0);
                int[] shape = new int[x.rank() + a.longs("axes").size()];
                for (int k = 0, src = 0; k < shape.length; k++) shape[k] = a.longs("axes").contains((long) k) ? 1 : x.dim(src++);
                yield x.reshape(shape);
            }
            case SQUEEZE -> {
                Tensor x = in(n, 0);
                var shape = new ArrayList<Integer>();
                for (int k = 0; k < x.rank(); k++) {
                    if (!a.longs("axes").contains((long) k)) shape.add(x.dim(k));
                    else if (x.dim(k) != 1) throw new EvalException("cannot select an axis to squeeze out which has size not equal to one (axis " + k + " has size " + x.dim(k) + ")");
                }
                yield x.reshape(shape.stream().mapToInt(Integer::intValue).toArray());
            }
            case RESHAPE -> reshape(in(n, 0), in(n, 1));
            case BROADCAST_TO -> {
                Tensor x = in(n, 0);
                int[] shape = Math2.toInts(in(n, 1).toLongs());
                int[] b = RefOps.broadcastShapes(List.of(x, Tensor.zeros(DType.BOOL, shape)));
                if (!java.util.Arrays.equals(b, shape))
                    throw new EvalException("cannot broadcast an array of shape " + RefOps.shapeText(x.shape()) + " to shape " + RefOps.shapeText(shape));
                yield RefOps.gather(x, shape, RefOps.broadcastIndex(x, shape));
            }
            case SLICE -> {
                Tensor x = in(n, 0);
                int[][] v = RefOps.sliceView(x.shape(), longs(a, "starts"), longs(a, "stops"), longs(a, "steps"));
                yield RefOps.gather(x, v[0], RefOps.viewMap(v[0], v[1][0], v[2]));
            }
            case INDEX -> {
                Tensor x = in(n, 0);
                int axis = a.integer("axis");
                int i = RefOps.checkIndex(in(n, 1).getLong(0), x.dim(axis), axis);
                int[][] v = RefOps.indexView(x.shape(), axis, i);
                yield RefOps.gather(x, v[0], RefOps.viewMap(v[0], v[1][0], v[2]));
            }
            case WINDOW -> {
                Tensor x = in(n, 0), like = in(n, 2);
                int axis = a.integer("axis");
                int[][] v = windowView(x.shape(), in(n, 1).getLong(0), like.dim(axis), axis);
                yield RefOps.gather(x, v[0], RefOps.viewMap(v[0], v[1][0], v[2]));
            }
            case UNWINDOW -> {
                Tensor g = in(n, 0), like = in(n, 2);
                int axis = a.integer("axis");
                int[][] v = windowView(like.shape(), in(n, 1).getLong(0), g.dim(axis), axis);
                yield RefOps.scatter(checkShape("unwindow", g, v[0]), like.shape(), RefOps.viewMap(v[0], v[1][0], v[2]));
            }
            case DYN_SLICE -> {
                Tensor x = in(n, 0);
                int[][] v = dynSliceView(x.shape(), in(n, 1).getLong(0), in(n, 2).getLong(0), a.integer("axis"), a.lng("step"));
                yield RefOps.gather(x, v[0], RefOps.viewMap(v[0], v[1][0], v[2]));
            }
            case DYN_UNSLICE -> {
                Tensor like = in(n, 3);
                int[][] v = dynSliceView(like.shape(), in(n, 1).getLong(0), in(n, 2).getLong(0), a.integer("axis"), a.lng("step"));
                yield RefOps.scatter(checkShape("dyn_unslice", in(n, 0), v[0]), like.shape(), RefOps.viewMap(v[0], v[1][0], v[2]));
            }
            case SHAPE -> {
                int[] s = in(n, 0).shape();
                long[] l = new long[s.length];
                for (int k = 0; k < s.length; k++) l[k] = s[k];
                yield Tensor.ofLongs(DType.I64, new int[] {s.length}, l);
            }
            case GRAD, LOP, ROP, JACOBIAN, HESSIAN -> throw new IllegalStateException(n.op().spelling() + " must be expanded by the grad pass before evaluation");
            case SCAN -> scan(n);
            case FUSED -> fused(n);
            case TUPLE_GET -> ((List<?>) value(n.input(0))).get(a.integer("index"));
        };
    }

    /** The view [start, start + len) along axis of a C-order array of the given shape. */
    private static int[][] windowView(int[] shape, long start, int len, int axis) {
        if (start < 0 || start + len > shape[axis])
            throw new EvalException("window [" + start + ", " + (start + len) + ") is out of bounds for axis " + axis + " with size " + shape[axis]);
        int[] st = Tensor.strides(shape), out = shape.clone();
        out[axis] = len;
        return new int[][] {out, {(int) start * st[axis]}, st};
    }

    /** The view start:stop:step along axis (clamped as Python's slice.indices) of a C-order array of the given shape. */
    private static int[][] dynSliceView(int[] shape, long start, long stop, int axis, long step) {
        long[] b = TypeRules.clampedSlice(shape[axis], start, stop, step);
        int[] st = Tensor.strides(shape), out = shape.clone(), ost = st.clone();
        out[axis] = (int) b[2];
        ost[axis] = (int) (st[axis] * step);
        return new int[][] {out, {b[2] > 0 ? (int) b[0] * st[axis] : 0}, ost};
    }

    private static long[] longs(Attrs a, String name) {
        return a.longs(name).stream().mapToLong(Long::longValue).toArray();
    }

    private static Tensor checkShape(String what, Tensor g, int[] shape) {
        if (!java.util.Arrays.equals(g.shape(), shape))
            throw new EvalException(what + ": value of shape " + RefOps.shapeText(g.shape()) + " does not fit region " + RefOps.shapeText(shape));
        return g;
    }

    private static Tensor reshape(Tensor x, Tensor shapeT) {
        long[] want = shapeT.toLongs();
        int free = -1;
        long known = 1;
        for (int k = 0; k < want.length; k++) {
            if (want[k] == -1) free = k;
            else known *= want[k];
        }
        if (free >= 0 && known != 0) want[free] = x.size() / known;
        long total = 1;
        for (long w : want) total *= w;
        if (total != x.size() || (free >= 0 && known != 0 && x.size() % known != 0))
            throw new EvalException("cannot reshape array of size " + x.size() + " into shape " + RefOps.shapeText(Math2.toInts(shapeT.toLongs())));
        return x.reshape(Math2.toInts(want));
    }

    private List<Node> body(Region r) {
        return bodies.computeIfAbsent(r, k -> schedule.block(k.results(), k.level(), new LinkedHashSet<>()));
    }

    /** A fused body evaluated on whole tensors: its elementwise ops broadcast as they would unfused. */
    private Object fused(Node n) {
        Region r = n.region();
        while (frames.size() <= r.level() + 1) frames.add(new HashMap<>());
        Map<Node, Object> saved = frames.get(r.level() + 1);
        var frame = new HashMap<Node, Object>();
        frames.set(r.level() + 1, frame);
        for (int k = 0; k < r.params().size(); k++) frame.put(r.params().get(k), value(n.input(k)));
        for (Node b : body(r)) if (b.op() != Op.REGION_PARAM) frame.put(b, apply(b));
        Object out = value(r.results().getFirst());
        frames.set(r.level() + 1, saved);
        return out;
    }

    private Object scan(Node n) {
        Region r = n.region();
        int nseq = n.attrs().integer("nseq"), ncarry = n.inputs().size() - nseq, every = Ir.every(n);
        List<Tensor> seqs = ins(n).subList(0, nseq);
        int steps = seqs.getFirst().dim(0);
        for (Tensor s : seqs)
            if (s.dim(0) != steps) throw new EvalException("scan: sequences have different lengths (" + steps + " and " + s.dim(0) + ")");
        var carries = new ArrayList<>(ins(n).subList(nseq, n.inputs().size()));
        var stacked = new ArrayList<List<Tensor>>();
        for (int k = 0; k < r.results().size(); k++) stacked.add(new ArrayList<>());
        while (frames.size() <= r.level() + 1) frames.add(new HashMap<>());
        for (int t = 0; t < steps; t++) {
            var frame = new HashMap<Node, Object>();
            frames.set(r.level() + 1, frame);
            for (int k = 0; k < nseq; k++) {
                int[][] v = RefOps.indexView(seqs.get(k).shape(), 0, t);
                frame.put(r.params().get(k), RefOps.gather(seqs.get(k), v[0], RefOps.viewMap(v[0], v[1][0], v[2])));
            }
            for (int k = 0; k < ncarry; k++) frame.put(r.params().get(nseq + k), carries.get(k));
            for (Node b : body(r)) if (b.op() != Op.REGION_PARAM) frame.put(b, apply(b));
            boolean keepCarries = (t + 1) % every == 0;
            for (int k = 0; k < r.results().size(); k++) {
                Tensor v = (Tensor) value(r.results().get(k));
                if (k < ncarry && !java.util.Arrays.equals(v.shape(), ins(n).get(nseq + k).shape()))
                    throw new EvalException("scan: carry " + k + " starts with shape " + RefOps.shapeText(ins(n).get(nseq + k).shape())
                            + " but step " + t + " gives " + RefOps.shapeText(v.shape()));
                if (k < ncarry) carries.set(k, v);
                if (k >= ncarry || keepCarries) stacked.get(k).add(v);
            }
        }
        frames.set(r.level() + 1, new HashMap<>());
        var out = new ArrayList<Tensor>();
        var types = ((TupleType) n.type()).elements();
        var last = Ir.lastCarries(n);
        for (int k = 0; k < stacked.size(); k++)
            out.add(last.contains((long) k) ? carries.get(k) : stack(stacked.get(k), types.get(k).tensor(), k < ncarry ? ins(n).get(nseq + k) : null));
        return out;
    }

    /** The sizes of a stacked output's inner dims (known, or dim variables bound by the arguments). */
    private int[] innerShape(TensorType type) {
        int[] inner = new int[type.rank() - 1];
        for (int d = 1; d < type.rank(); d++) {
            Long n = switch (type.dim(d)) {
                case Dim.Known(long size) -> size;
                case Dim.Sym(String name) -> dims.get(name);
                case Dim.Any() -> null;
            };
            if (n == null) throw new EvalException("scan with zero steps cannot tell the shape of its output " + type);
            inner[d - 1] = Math.toIntExact(n);
        }
        return inner;
    }

    private Tensor stack(List<Tensor> parts, TensorType type, Tensor carryInit) {
        int[] inner;
        if (!parts.isEmpty()) inner = parts.getFirst().shape();
        else if (carryInit != null) inner = carryInit.shape();
        else inner = innerShape(type);
        int[] shape = new int[inner.length + 1];
        shape[0] = parts.size();
        System.arraycopy(inner, 0, shape, 1, inner.length);
        int m = Tensor.size(inner);
        double[] d = new double[Tensor.size(shape)];
        long[] l = new long[d.length];
        for (int t = 0; t < parts.size(); t++) {
            Tensor p = parts.get(t);
            if (!java.util.Arrays.equals(p.shape(), inner))
                throw new EvalException("scan: step " + t + " gives shape " + RefOps.shapeText(p.shape()) + " but step 0 gave " + RefOps.shapeText(inner));
            for (int f = 0; f < m; f++) {
                d[t * m + f] = p.getDouble(f);
                l[t * m + f] = p.getLong(f);
            }
        }
        return type.dtype().isFloat() ? Tensor.ofDoubles(type.dtype(), shape, d) : Tensor.ofLongs(type.dtype(), shape, l);
    }
}
