package dev.txc.ir;

import dev.txc.types.DType;
import dev.txc.types.Dim;
import dev.txc.types.TensorType;
import dev.txc.types.TupleType;
import dev.txc.types.Type;
import java.util.ArrayList;
import java.util.List;

/** The type and shape rule of every op: the result type of an op applied to typed inputs, or a user-facing error. */
public final class TypeRules {
    private TypeRules() {}

    public static Type infer(Op op, List<Node> in, Attrs a) {
        if (op.arity() >= 0 && in.size() != op.arity())
            throw new IllegalArgumentException(op.spelling() + " takes " + op.arity() + " operands, got " + in.size());
        for (String name : op.attrNames())
            if (!a.has(name)) throw new IllegalArgumentException(op.spelling() + " needs attribute " + name);
        return switch (op) {
            case PARAM, SHARED, CONST, REGION_PARAM -> throw new IllegalArgumentException("leaf " + op + " has an explicit type");
            case NEG, ABS, SIGN, RELU, FLOOR, CEIL, ROUND, EXP, EXP2, EXPM1, LOG, LOG2, LOG10, LOG1P, SQRT, SIN, COS, TAN,
                 ASIN, ACOS, ATAN, SINH, COSH, TANH, ASINH, ACOSH, ATANH, SIGMOID, SOFTPLUS, ERF, ERFC, ISNAN, ISINF, NOT,
                 STOP_GRADIENT, ADD, SUB, MUL, DIV, FLOORDIV, MOD, POW, MAXIMUM, MINIMUM, ATAN2, EQ, NE, LT, LE, GT, GE,
                 AND, OR, XOR, CLIP -> elementwise(op, in, 0);
            case WHERE -> {
                expectDtype(op, in.get(0), DType.BOOL, "condition");
                yield elementwise(op, in, 1);
            }
            case CAST -> tt(in, 0).withDtype(a.dtype("dtype"));
            case SUM, PROD, MAX, MIN, MEAN, ANY, ALL, ARGMAX, ARGMIN, LOGSUMEXP -> reduce(op, tt(in, 0), a);
            case SOFTMAX, LOG_SOFTMAX -> {
                accept(op, tt(in, 0));
                axis(op, a.lng("axis"), in.get(0).rank());
                yield tt(in, 0);
            }
            case ARG_MASK -> {
                accept(op, tt(in, 0));
                axes(op, a.longs("axes"), in.get(0).rank());
                yield tt(in, 0).withDtype(DType.BOOL);
            }
            case MATMUL -> matmul(tt(in, 0), tt(in, 1));
            case CONCAT -> concat(in, a.lng("axis"));
            case DIAGONAL -> {
                TensorType x = rankIs(op, tt(in, 0), 2);
                Dim n = x.dim(0), m = x.dim(1);
                Dim d = n.isKnown() && m.isKnown() ? Dim.of(Math.min(n.size(), m.size())) : n.equals(m) ? n : Dim.ANY;
                yield x.withDims(List.of(d));
            }
            case DIAG_EMBED -> {
                TensorType v = rankIs(op, tt(in, 0), 1), like = rankIs(op, tt(in, 1), 2);
                sameDtype(op, v, like);
                yield like;
            }
            case ARANGE -> arange(in);
            case SUM_TO, UNSLICE -> {
                sameDtype(op, tt(in, 0), tt(in, 1));
                yield tt(in, 1);
            }
            case UNINDEX -> {
                sameDtype(op, tt(in, 0), tt(in, 2));
                integerScalar(op, tt(in, 1), "index");
                axis(op, a.lng("axis"), in.get(2).rank());
                yield tt(in, 2);
            }
            case TRANSPOSE -> transpose(tt(in, 0), a.longs("perm"));
            case EXPAND_DIMS -> expandDims(tt(in, 0), a.longs("axes"));
            case SQUEEZE -> squeeze(tt(in, 0), a.longs("axes"));
            case RESHAPE -> reshape(tt(in, 0), in.get(1));
            case BROADCAST_TO -> broadcastTo(tt(in, 0), in.get(1));
            case SLICE -> slice(tt(in, 0), a);
            case INDEX -> index(tt(in, 0), in.get(1), a.lng("axis"));
            case SHAPE -> TensorType.of(DType.I64, in.get(0).rank());
            case WINDOW, UNWINDOW -> window(op, tt(in, 0), tt(in, 1), tt(in, 2), a.lng("axis"));
            case DYN_SLICE, DYN_UNSLICE -> dynSlice(op, in, a.lng("axis"), a.lng("step"));
            case GRAD -> {
                TensorType cost = tt(in, 0);
                if (!cost.isScalar() || !cost.dtype().isFloat())
                    throw new IrTypeException("grad: cost must be a scalar, got " + cost);
                yield differentiable("grad", tt(in, 1));
            }
            case LOP -> lop(in);
            case ROP -> rop(in);
            case JACOBIAN -> {
                TensorType y = differentiable("jacobian", tt(in, 0)), x = differentiable("jacobian", tt(in, 1));
                yield y.withDims(concatDims(y.dims(), x.dims()));
            }
            case HESSIAN -> {
                TensorType cost = tt(in, 0), x = differentiable("hessian", tt(in, 1));
                if (!cost.isScalar() || !cost.dtype().isFloat())
                    throw new IrTypeException("hessian: cost must be a scalar, got " + cost);
                yield x.withDims(concatDims(x.dims(), x.dims()));
            }
            case SCAN -> scan(in, a.region("body"), a.integer("nseq"), a.has("last") ? a.longs("last") : List.of(),
                    a.has("every") ? a.integer("every") : 1);
            case FUSED -> fused(in, a.region("body"));
            case TUPLE_GET -> {
                if (!(in.get(0).type() instanceof TupleType t)) throw new IllegalArgumentException("tuple_get of a non-tuple");
                int k = a.integer("index");
                if (k < 0 || k >= t.elements().size()) throw new IllegalArgumentException("tuple_get index " + k);
                yield t.elements().get(k);
            }
        };
    }

    private static TensorType tt(List<Node> in, int k) {
        if (!(in.get(k).type() instanceof TensorType t)) throw new IrTypeException("expected a tensor, got a tuple");
        return t;
    }

    private static void accept(Op op, TensorType t) {
        boolean ok = switch (op.accepts()) {
            case ANY -> true;
            case NUMERIC -> t.dtype().isNumeric();
            case FLOAT -> t.dtype().isFloat();
            case BOOL -> t.dtype() == DType.BOOL;
        };
        if (!ok) {
            String want = switch (op.accepts()) {
                case ANY -> "any";
                case NUMERIC -> "numeric";
                case FLOAT -> "floating-point";
                case BOOL -> "bool";
            };
            throw new IrTypeException(op.spelling() + " needs " + want + " operands, got " + t.dtype().spelling());
        }
    }

    private static void expectDtype(Op op, Node n, DType d, String what) {
        if (n.dtype() != d) throw new IrTypeException(op.spelling() + ": " + what + " must be " + d.spelling() + ", got " + n.tt());
    }

    private static void sameDtype(Op op, TensorType x, TensorType y) {
        if (x.dtype() != y.dtype())
            throw new IrTypeException(op.spelling() + ": operand dtypes differ: " + x.dtype().spelling() + " and " + y.dtype().spelling());
    }

    private static void integerScalar(Op op, TensorType t, String what) {
        if (!t.isScalar() || !t.dtype().isInteger())
            throw new IrTypeException(op.spelling() + ": " + what + " must be an integer scalar, got " + t);
    }

    private static TensorType rankIs(Op op, TensorType t, int rank) {
        if (t.rank() != rank) throw new IrTypeException(op.spelling() + " needs a rank-" + rank + " operand, got " + t);
        return t;
    }

    private static TensorType differentiable(String what, TensorType t) {
        if (!t.dtype().isFloat())
            throw new IrTypeException(what + ": cannot differentiate with respect to " + t + " (only floating-point values have gradients)");
        return t;
    }

    private static TensorType elementwise(Op op, List<Node> in, int first) {
        TensorType lead = tt(in, first);
        for (int k = first; k < in.size(); k++) {
            TensorType t = tt(in, k);
            accept(op, t);
            sameDtype(op, lead, t);
        }
        List<Dim> dims = tt(in, 0).dims();
        for (int k = 1; k < in.size(); k++) dims = broadcast(dims, tt(in, k).dims(), in.get(0), in.get(k));
        DType d = switch (op.result()) {
            case SAME -> lead.dtype();
            case BOOL -> DType.BOOL;
            case I64 -> DType.I64;
            case ATTR, EXPLICIT, TUPLE -> throw new IllegalStateException(op.toString());
        };
        return new TensorType(d, dims);
    }

    /** NumPy broadcasting of two static shapes; unknown sizes resolve at run time. */
    public static List<Dim> broadcast(List<Dim> a, List<Dim> b) {
        return broadcast(a, b, null, null);
    }

    private static List<Dim> broadcast(List<Dim> a, List<Dim> b, Node na, Node nb) {
        int r = Math.max(a.size(), b.size());
        var out = new ArrayList<Dim>(r);
        for (int k = 0; k < r; k++) {
            int ia = k - (r - a.size()), ib = k - (r - b.size());
            Dim x = ia >= 0 ? a.get(ia) : Dim.ONE, y = ib >= 0 ? b.get(ib) : Dim.ONE;
            out.add(broadcastDim(x, y, a, b));
        }
        return out;
    }

    private static Dim broadcastDim(Dim x, Dim y, List<Dim> a, List<Dim> b) {
        if (x.isOne()) return y;
        if (y.isOne() || x.equals(y)) return x;
        if (x.isKnown() && y.isKnown())
            throw new IrTypeException("shape mismatch: " + shape(a) + " and " + shape(b) + " cannot be broadcast together");
        if (x.isKnown()) return x;
        if (y.isKnown()) return y;
        return Dim.ANY;
    }

    static String shape(List<Dim> dims) {
        var sb = new StringBuilder("[");
        for (int k = 0; k < dims.size(); k++) sb.append(k > 0 ? ", " : "").append(dims.get(k));
        return sb.append(']').toString();
    }

    /** Two dims that must be equal at run time: an error when both are known and differ. */
    static Dim unify(Dim x, Dim y, String context) {
        if (x.isKnown() && y.isKnown() && x.size() != y.size())
            throw new IrTypeException(context + ": size " + x.size() + " does not match " + y.size());
        if (x.isKnown()) return x;
        if (y.isKnown()) return y;
        return x.equals(y) ? x : x instanceof Dim.Sym ? x : y;
    }

    private static long axis(Op op, long axis, int rank) {
        if (axis < 0 || axis >= rank) throw new IrTypeException(op.spelling() + ": axis " + axis + " is out of bounds for rank " + rank);
        return axis;
    }

    private static void axes(Op op, List<Long> axes, int rank) {
        long prev = -1;
        for (long ax : axes) {
            axis(op, ax, rank);
            if (ax <= prev) throw new IllegalArgumentException(op.spelling() + ": axes must be sorted and unique: " + axes);
            prev = ax;
        }
    }

    private static TensorType reduce(Op op, TensorType x, Attrs a) {
        accept(op, x);
        List<Long> axes = a.longs("axes");
        axes(op, axes, x.rank());
        boolean keep = a.bool("keepdims");
        var dims = new ArrayList<Dim>();
        for (int k = 0; k < x.rank(); k++) {
            if (!axes.contains((long) k)) dims.add(x.dim(k));
            else if (keep) dims.add(Dim.ONE);
        }
        DType d = switch (op.result()) {
            case SAME -> x.dtype();
            case BOOL -> DType.BOOL;
            case I64 -> DType.I64;
            case ATTR, EXPLICIT, TUPLE -> throw new IllegalStateException(op.toString());
        };
        return new TensorType(d, dims);
    }

    private static TensorType matmul(TensorType a, TensorType b) {
        accept(Op.MATMUL, a);
        sameDtype(Op.MATMUL, a, b);
        if (a.isScalar() || b.isScalar()) throw new IrTypeException("matmul: operands must have rank >= 1, got " + a + " and " + b);
        List<Dim> da = a.rank() == 1 ? List.of(Dim.ONE, a.dim(0)) : a.dims();
        List<Dim> db = b.rank() == 1 ? List.of(b.dim(0), Dim.ONE) : b.dims();
        Dim ka = da.getLast(), kb = db.get(db.size() - 2);
        if (ka.isKnown() && kb.isKnown() && ka.size() != kb.size())
            throw new IrTypeException("shape mismatch in matmul: " + a + " and " + b + " (inner sizes " + ka.size() + " and " + kb.size() + ")");
        var out = new ArrayList<>(broadcast(da.subList(0, da.size() - 2), db.subList(0, db.size() - 2)));
        if (a.rank() > 1) out.add(da.get(da.size() - 2));
        if (b.rank() > 1) out.add(db.getLast());
        return a.withDims(out);
    }

    private static TensorType concat(List<Node> in, long axis) {
        if (in.isEmpty()) throw new IrTypeException("concatenate needs at least one array");
        TensorType first = tt(in, 0);
        axis(Op.CONCAT, axis, first.rank());
        var dims = new ArrayList<>(first.dims());
        long total = 0;
        boolean known = true;
        for (int k = 0; k < in.size(); k++) {
            TensorType t = tt(in, k);
            sameDtype(Op.CONCAT, first, t);
            if (t.rank() != first.rank()) throw new IrTypeException("concatenate: all arrays need rank " + first.rank() + ", got " + t);
            for (int d = 0; d < t.rank(); d++)
                if (d != axis) dims.set(d, unify(dims.get(d), t.dim(d), "concatenate: dim " + d));
            known &= t.dim((int) axis).isKnown();
            total += Math.max(0, t.dim((int) axis).size());
        }
        dims.set((int) axis, known ? Dim.of(total) : Dim.ANY);
        return first.withDims(dims);
    }

    private static TensorType arange(List<Node> in) {
        TensorType t = tt(in, 0);
        for (int k = 0; k < 3; k++) {
            TensorType s = tt(in, k);
            if (!s.isScalar()) throw new IrTypeException("arange: bounds must be scalars, got " + s);
            sameDtype(Op.ARANGE, t, s);
            accept(Op.ARANGE, s);
        }
        if (in.stream().allMatch(Node::isConst)) {
            double start = in.get(0).constValue().getDouble(0), stop = in.get(1).constValue().getDouble(0);
            double step = in.get(2).constValue().getDouble(0);
            if (step == 0) throw new IrTypeException("arange: step must not be zero");
            return TensorType.of(t.dtype(), Math.max(0, (long) Math.ceil((stop - start) / step)));
        }
        return TensorType.of(t.dtype(), -1);
    }

    private static TensorType transpose(TensorType x, List<Long> perm) {
        if (perm.size() != x.rank()) throw new IrTypeException("transpose: permutation " + perm + " does not match rank " + x.rank());
        var seen = new boolean[x.rank()];
        var dims = new ArrayList<Dim>();
        for (long p : perm) {
            if (p < 0 || p >= x.rank() || seen[(int) p]) throw new IrTypeException("transpose: " + perm + " is not a permutation");
            seen[(int) p] = true;
            dims.add(x.dim((int) p));
        }
        return x.withDims(dims);
    }

    private static TensorType expandDims(TensorType x, List<Long> axes) {
        int r = x.rank() + axes.size();
        axes(Op.EXPAND_DIMS, axes, r);
        var dims = new ArrayList<Dim>();
        int src = 0;
        for (int k = 0; k < r; k++) dims.add(axes.contains((long) k) ? Dim.ONE : x.dim(src++));
        return x.withDims(dims);
    }

    private static TensorType squeeze(TensorType x, List<Long> axes) {
        axes(Op.SQUEEZE, axes, x.rank());
        var dims = new ArrayList<Dim>();
        for (int k = 0; k < x.rank(); k++) {
            if (!axes.contains((long) k)) dims.add(x.dim(k));
            else if (x.dim(k).isKnown() && !x.dim(k).isOne())
                throw new IrTypeException("squeeze: cannot squeeze axis " + k + " of size " + x.dim(k).size() + " in " + x);
        }
        return x.withDims(dims);
    }

    private static int shapeOperandRank(Op op, Node shape) {
        TensorType s = shape.tt();
        if (s.rank() != 1 || s.dtype() != DType.I64 || !s.dim(0).isKnown())
            throw new IrTypeException(op.spelling() + ": shape must be an i64 vector of known length, got " + s);
        return (int) s.dim(0).size();
    }

    private static TensorType reshape(TensorType x, Node shape) {
        int k = shapeOperandRank(Op.RESHAPE, shape);
        if (shape.op() == Op.SHAPE) return x.withDims(shape.input(0).tt().dims());
        Tensor c = shape.constValue();
        if (c == null) return x.withDims(java.util.Collections.nCopies(k, Dim.ANY));
        var dims = new ArrayList<Dim>();
        long known = 1;
        int free = -1;
        for (int d = 0; d < k; d++) {
            long v = c.getLong(d);
            if (v == -1) {
                if (free >= 0) throw new IrTypeException("reshape: can only specify one unknown dimension (-1)");
                free = d;
                dims.add(Dim.ANY);
            } else if (v < 0) throw new IrTypeException("reshape: negative dimension " + v);
            else {
                dims.add(Dim.of(v));
                known *= v;
            }
        }
        long size = x.staticSize();
        if (size >= 0) {
            if (free >= 0) {
                if (known == 0 || size % known != 0) throw new IrTypeException("reshape: cannot reshape " + x + " into " + c);
                dims.set(free, Dim.of(size / known));
            } else if (known != size) throw new IrTypeException("reshape: cannot reshape " + x + " (size " + size + ") into shape " + c);
        }
        return x.withDims(dims);
    }

    private static TensorType broadcastTo(TensorType x, Node shape) {
        int k = shapeOperandRank(Op.BROADCAST_TO, shape);
        if (k < x.rank()) throw new IrTypeException("broadcast_to: cannot broadcast " + x + " to rank " + k);
        if (shape.op() == Op.SHAPE) {
            // broadcast_to(x, shape(z)) has z's dims exactly.
            TensorType z = shape.input(0).tt();
            broadcast(x.dims(), z.dims());
            return x.withDims(z.dims());
        }
        Tensor c = shape.constValue();
        var dims = new ArrayList<Dim>();
        for (int d = 0; d < k; d++) {
            int src = d - (k - x.rank());
            Dim xd = src >= 0 ? x.dim(src) : Dim.ONE;
            if (c != null) {
                long v = c.getLong(d);
                if (v < 0) throw new IrTypeException("negative dimensions are not allowed, got shape " + c);
                if (xd.isKnown() && !xd.isOne() && xd.size() != v)
                    throw new IrTypeException("shape mismatch: cannot broadcast " + x + " to shape " + c);
                dims.add(Dim.of(v));
            } else {
                // a size known only at run time is ?, even where x's dim would force it: a type that took x's dim
                // would let the broadcast (and its check) fold away, or the shape of its result be read as known
                dims.add(Dim.ANY);
            }
        }
        return x.withDims(dims);
    }

    /** The length Python's slice gives for a dim of size n, or -1 when n is unknown. */
    public static long sliceLength(long n, long start, long stop, long step) {
        if (n < 0) return -1;
        long[] b = sliceBounds(n, start, stop, step);
        long len = step > 0 ? (b[1] - b[0] + step - 1) / step : (b[0] - b[1] - step - 1) / -step;
        return Math.max(0, len);
    }

    /** Python's slice.indices: normalized {start, stop} for a dim of size n ({@link Op#NONE} = absent). */
    public static long[] sliceBounds(long n, long start, long stop, long step) {
        long lo = step > 0 ? 0 : -1, hi = step > 0 ? n : n - 1;
        long s = start == Op.NONE ? (step > 0 ? lo : hi) : clampBound(start, n, lo, hi);
        long e = stop == Op.NONE ? (step > 0 ? hi : lo) : clampBound(stop, n, lo, hi);
        return new long[] {s, e};
    }

    private static long clampBound(long v, long n, long lo, long hi) {
        if (v < 0) v += n;
        return Math.max(lo, Math.min(hi, v));
    }

    private static TensorType slice(TensorType x, Attrs a) {
        List<Long> starts = a.longs("starts"), stops = a.longs("stops"), steps = a.longs("steps");
        if (starts.size() != x.rank() || stops.size() != x.rank() || steps.size() != x.rank())
            throw new IllegalArgumentException("slice needs one bound per dim of " + x);
        var dims = new ArrayList<Dim>();
        for (int d = 0; d < x.rank(); d++) {
            long st = steps.get(d);
            if (st == 0) throw new IrTypeException("slice step cannot be zero");
            Dim xd = x.dim(d);
            boolean whole = starts.get(d) == Op.NONE && stops.get(d) == Op.NONE && st == 1;
            if (whole) dims.add(xd);
            else if (xd.isKnown()) dims.add(Dim.of(sliceLength(xd.size(), starts.get(d), stops.get(d), st)));
            else dims.add(Dim.ANY);
        }
        return x.withDims(dims);
    }

    private static TensorType index(TensorType x, Node i, long axis) {
        integerScalar(Op.INDEX, i.tt(), "index");
        if (x.isScalar()) throw new IrTypeException("cannot index a scalar (" + x + ")");
        axis(Op.INDEX, axis, x.rank());
        Dim d = x.dim((int) axis);
        Tensor c = i.constValue();
        if (c != null && d.isKnown()) {
            long v = c.getLong(0);
            if (v < -d.size() || v >= d.size())
                throw new IrTypeException("index " + v + " is out of bounds for axis " + axis + " with size " + d.size());
        }
        var dims = new ArrayList<>(x.dims());
        dims.remove((int) axis);
        return x.withDims(dims);
    }

    /** window takes like's size along the axis from x; unwindow gives like's type, g fitting it off the axis. */
    private static TensorType window(Op op, TensorType x, TensorType start, TensorType like, long axis) {
        sameDtype(op, x, like);
        integerScalar(op, start, "start");
        if (x.rank() != like.rank()) throw new IrTypeException(op.spelling() + ": " + x + " and " + like + " differ in rank");
        axis(op, axis, x.rank());
        var dims = new ArrayList<Dim>();
        for (int d = 0; d < x.rank(); d++)
            dims.add(d == axis ? like.dim(d) : unify(x.dim(d), like.dim(d), op.spelling() + ": dim " + d));
        return op == Op.WINDOW ? x.withDims(dims) : like;
    }

    /** dyn_slice keeps x's dims but the sliced one, whose length is known only at run time; dyn_unslice gives like's type. */
    private static TensorType dynSlice(Op op, List<Node> in, long axis, long step) {
        TensorType x = tt(in, 0);
        integerScalar(op, tt(in, 1), "start");
        integerScalar(op, tt(in, 2), "stop");
        if (step == 0) throw new IrTypeException("slice step cannot be zero");
        axis(op, axis, x.rank());
        if (op == Op.DYN_SLICE) {
            var dims = new ArrayList<>(x.dims());
            dims.set((int) axis, Dim.ANY);
            return x.withDims(dims);
        }
        TensorType like = tt(in, 3);
        sameDtype(op, x, like);
        if (x.rank() != like.rank()) throw new IrTypeException(op.spelling() + ": " + x + " and " + like + " differ in rank");
        for (int d = 0; d < x.rank(); d++) if (d != axis) unify(x.dim(d), like.dim(d), op.spelling() + ": dim " + d);
        return like;
    }

    /**
     * Python's slice.indices for run-time bounds of a dim of size n, with no absent marker: {start, stop, length}.
     * Long.MIN_VALUE and Long.MAX_VALUE clamp to the ends, so they stand for absent bounds.
     */
    public static long[] clampedSlice(long n, long start, long stop, long step) {
        long lo = step > 0 ? 0 : -1, hi = step > 0 ? n : n - 1;
        long s = clampBound(start, n, lo, hi), e = clampBound(stop, n, lo, hi);
        long len = step > 0 ? (e - s + step - 1) / step : (s - e - step - 1) / -step;
        return new long[] {s, e, Math.max(0, len)};
    }

    private static TensorType lop(List<Node> in) {
        if (in.size() < 3 || in.size() % 2 == 0) throw new IllegalArgumentException("lop(wrt, y, u, ...) arity " + in.size());
        TensorType wrt = differentiable("lop", tt(in, 0));
        for (int k = 1; k < in.size(); k += 2) sameShape("lop", tt(in, k), tt(in, k + 1), "u");
        return wrt;
    }

    private static TensorType rop(List<Node> in) {
        if (in.size() < 3 || in.size() % 2 == 0) throw new IllegalArgumentException("rop(y, x, v, ...) arity " + in.size());
        TensorType y = tt(in, 0);
        for (int k = 1; k < in.size(); k += 2) {
            differentiable("rop", tt(in, k));
            sameShape("rop", tt(in, k), tt(in, k + 1), "v");
        }
        return y;
    }

    private static void sameShape(String what, TensorType x, TensorType v, String vname) {
        if (x.rank() != v.rank() || x.dtype() != v.dtype())
            throw new IrTypeException(what + ": " + vname + " must have the type of " + x + ", got " + v);
        for (int d = 0; d < x.rank(); d++) unify(x.dim(d), v.dim(d), what + ": " + vname + " dim " + d);
    }

    private static List<Dim> concatDims(List<Dim> a, List<Dim> b) {
        var out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    private static TensorType fused(List<Node> in, Region body) {
        if (body.params().size() != in.size() || body.results().size() != 1)
            throw new IllegalArgumentException("fused body takes one param per operand and yields one value");
        for (int k = 0; k < in.size(); k++)
            if (!refines(in.get(k).type(), body.params().get(k).type())) throw new IllegalArgumentException("fused param " + k + " type");
        return body.results().getFirst().tt();
    }

    /**
     * Whether a region param typed {@code param} may take an operand typed {@code actual}: the same type, or one that
     * knows a dim the param leaves symbolic. Rewrites make operands more precise (a reverse scan's carries come from a
     * concatenation that unified {@code D2} with 2), and the body, typed for any {@code D2}, holds for 2 too.
     */
    private static boolean refines(Type actual, Type param) {
        if (actual.equals(param)) return true;
        if (!(actual instanceof TensorType a) || !(param instanceof TensorType p) || a.dtype() != p.dtype() || a.rank() != p.rank()) return false;
        for (int d = 0; d < a.rank(); d++) if (!a.dim(d).equals(p.dim(d)) && p.dim(d) instanceof Dim.Known) return false;
        return true;
    }

    private static TupleType scan(List<Node> in, Region body, int nseq, List<Long> last, int every) {
        if (nseq < 1 || nseq > in.size()) throw new IllegalArgumentException("scan needs at least one sequence");
        int ncarry = in.size() - nseq;
        if (body.params().size() != in.size()) throw new IllegalArgumentException("scan body takes " + body.params().size() + " params for " + in.size() + " operands");
        if (body.results().size() < ncarry) throw new IllegalArgumentException("scan body yields fewer values than carries");
        Dim steps = null;
        for (int k = 0; k < nseq; k++) {
            TensorType s = tt(in, k);
            if (s.isScalar()) throw new IrTypeException("scan: cannot iterate over a scalar (" + s + ")");
            steps = steps == null ? s.dim(0) : unify(steps, s.dim(0), "scan: sequences of different lengths");
            TensorType elem = s.withDims(s.dims().subList(1, s.rank()));
            if (!refines(elem, body.params().get(k).type())) throw new IllegalArgumentException("scan param " + k + " type " + body.params().get(k).type() + " != " + elem);
        }
        for (int k = 0; k < ncarry; k++) {
            TensorType init = tt(in, nseq + k), res = body.results().get(k).tt();
            if (!refines(init, body.params().get(nseq + k).type())) throw new IllegalArgumentException("scan carry param type");
            if (init.dtype() != res.dtype() || init.rank() != res.rank())
                throw new IrTypeException("scan: carry " + k + " starts as " + init + " but the body gives " + res);
            for (int d = 0; d < init.rank(); d++) unify(init.dim(d), res.dim(d), "scan: carry " + k + " dim " + d);
        }
        for (long k : last) if (k < 0 || k >= ncarry) throw new IllegalArgumentException("scan: last " + k + " is not a carry");
        if (every < 1) throw new IllegalArgumentException("scan: every " + every + " is not a positive integer");
        Dim kept = every == 1 ? steps : steps instanceof Dim.Known(long size) ? Dim.of(size / every) : Dim.ANY;
        var out = new ArrayList<Type>();
        for (Node r : body.results()) {
            if (last.contains((long) out.size())) {
                out.add(tt(in, nseq + out.size()));
                continue;
            }
            TensorType t = r.tt();
            var dims = new ArrayList<Dim>();
            dims.add(out.size() < ncarry ? kept : steps);
            dims.addAll(t.dims());
            out.add(t.withDims(dims));
        }
        return new TupleType(out);
    }
}
