package dev.txc.ir;

import dev.txc.types.DType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Tensor-level reference implementations of every non-control op: plain loops over C-order data, obviously right. */
final class RefOps {
    private RefOps() {}

    static String shapeText(int[] s) {
        if (s.length == 1) return "(" + s[0] + ",)";
        var sb = new StringBuilder("(");
        for (int k = 0; k < s.length; k++) sb.append(k > 0 ? ", " : "").append(s[k]);
        return sb.append(')').toString();
    }

    static int[] broadcastShapes(List<Tensor> ts) {
        int r = 0;
        for (Tensor t : ts) r = Math.max(r, t.rank());
        int[] out = new int[r];
        Arrays.fill(out, 1);
        for (Tensor t : ts) {
            for (int k = 0; k < t.rank(); k++) {
                int d = k + r - t.rank(), n = t.dim(k);
                if (out[d] == 1) out[d] = n;
                else if (n != 1 && n != out[d]) {
                    var sb = new StringBuilder("operands could not be broadcast together with shapes");
                    for (Tensor u : ts) sb.append(' ').append(shapeText(u.shape()));
                    throw new EvalException(sb.toString());
                }
            }
        }
        return out;
    }

    /** For each output element of {@code outShape}, the flat index into {@code t} under broadcasting. */
    static int[] broadcastIndex(Tensor t, int[] outShape) {
        int n = Tensor.size(outShape), r = outShape.length;
        int[] st = Tensor.strides(t.shape());
        int[] bst = new int[r];
        for (int k = 0; k < t.rank(); k++) bst[k + r - t.rank()] = t.dim(k) == 1 ? 0 : st[k];
        int[] idx = new int[n], c = new int[r];
        for (int o = 0; o < n; o++) {
            int f = 0;
            for (int k = 0; k < r; k++) f += c[k] * bst[k];
            idx[o] = f;
            for (int k = r - 1; k >= 0 && ++c[k] == outShape[k]; k--) c[k] = 0;
        }
        return idx;
    }

    static Tensor elementwise(Op op, List<Tensor> in, DType castTo) {
        int[] shape = broadcastShapes(in);
        int n = Tensor.size(shape);
        int[][] idx = new int[in.size()][];
        for (int k = 0; k < in.size(); k++) idx[k] = broadcastIndex(in.get(k), shape);
        Tensor a = in.get(0);
        if (op == Op.CAST) return a.cast(castTo).reshape(a.shape());
        if (op == Op.WHERE) return where(in, shape, idx);
        DType d = a.dtype();
        DType outD = op.result() == Op.Result.BOOL ? DType.BOOL : d;
        if (d.isFloat() && outD.isFloat()) {
            double[] out = new double[n];
            for (int o = 0; o < n; o++) out[o] = d.round(floatOp(op, in, idx, o));
            return Tensor.ofDoubles(outD, shape, out);
        }
        long[] out = new long[n];
        for (int o = 0; o < n; o++) out[o] = d.isFloat() ? (long) floatOp(op, in, idx, o) : outD.wrap(intOp(op, in, idx, o));
        return Tensor.ofLongs(outD, shape, out);
    }

    private static double floatOp(Op op, List<Tensor> in, int[][] idx, int o) {
        double x = in.get(0).getDouble(idx[0][o]);
        return switch (in.size()) {
            case 1 -> RefScalar.unary(op, x);
            case 2 -> RefScalar.binary(op, x, in.get(1).getDouble(idx[1][o]));
            default -> clipF(x, in.get(1).getDouble(idx[1][o]), in.get(2).getDouble(idx[2][o]));
        };
    }

    private static double clipF(double x, double lo, double hi) {
        return RefScalar.binary(Op.MINIMUM, RefScalar.binary(Op.MAXIMUM, x, lo), hi);
    }

    private static long intOp(Op op, List<Tensor> in, int[][] idx, int o) {
        long x = in.get(0).getLong(idx[0][o]);
        return switch (in.size()) {
            case 1 -> RefScalar.unary(op, x);
            case 2 -> RefScalar.binary(op, x, in.get(1).getLong(idx[1][o]));
            default -> Math.min(Math.max(x, in.get(1).getLong(idx[1][o])), in.get(2).getLong(idx[2][o]));
        };
    }

    private static Tensor where(List<Tensor> in, int[] shape, int[][] idx) {
        int n = Tensor.size(shape);
        DType d = in.get(1).dtype();
        double[] out = new double[n];
        for (int o = 0; o < n; o++) {
            Tensor pick = in.get(0).getLong(idx[0][o]) != 0 ? in.get(1) : in.get(2);
            out[o] = pick.getDouble(idx[pick == in.get(1) ? 1 : 2][o]);
        }
        if (d.isFloat()) return Tensor.ofDoubles(d, shape, out);
        long[] l = new long[n];
        for (int o = 0; o < n; o++) {
            Tensor pick = in.get(0).getLong(idx[0][o]) != 0 ? in.get(1) : in.get(2);
            l[o] = pick.getLong(idx[pick == in.get(1) ? 1 : 2][o]);
        }
        return Tensor.ofLongs(d, shape, l);
    }

    // ---- reductions ----

    /** The reduced output shape, and for each input element the output element it folds into. */
    private record Folding(int[] outShape, int[] target, int[] inner) {}

    private static Folding fold(int[] shape, int[] axes, boolean keep) {
        var outDims = new ArrayList<Integer>();
        var keptDims = new ArrayList<Integer>();
        boolean[] red = new boolean[shape.length];
        for (int a : axes) red[a] = true;
        for (int k = 0; k < shape.length; k++) {
            if (!red[k]) {
                outDims.add(shape[k]);
                keptDims.add(shape[k]);
            } else if (keep) outDims.add(1);
        }
        int n = Tensor.size(shape);
        int[] target = new int[n], inner = new int[n], c = new int[shape.length];
        for (int f = 0; f < n; f++) {
            int t = 0, in = 0;
            for (int k = 0; k < shape.length; k++) {
                if (red[k]) in = in * shape[k] + c[k];
                else t = t * shape[k] + c[k];
            }
            target[f] = t;
            inner[f] = in;
            for (int k = shape.length - 1; k >= 0 && ++c[k] == shape[k]; k--) c[k] = 0;
        }
        return new Folding(outDims.stream().mapToInt(Integer::intValue).toArray(), target, inner);
    }

    static Tensor reduce(Op op, Tensor x, int[] axes, boolean keep) {
        Folding fo = fold(x.shape(), axes, keep);
        int m = Tensor.size(fo.outShape);
        int reducedSize = 1;
        for (int a : axes) reducedSize *= x.dim(a);
        if (reducedSize == 0 && m > 0 && (op == Op.MAX || op == Op.MIN || op == Op.ARGMAX || op == Op.ARGMIN))
            throw new EvalException("zero-size array to reduction operation " + (op == Op.MAX || op == Op.ARGMAX ? "maximum" : "minimum") + " which has no identity");
        return switch (op) {
            case SUM, MEAN -> sum(x, fo, m, op == Op.MEAN, reducedSize);
            case PROD -> foldScalar(x, fo, m, 1, (acc, v) -> acc * v, (acc, v) -> acc * v);
            case MAX -> extreme(x, fo, m, true, false);
            case MIN -> extreme(x, fo, m, false, false);
            case ARGMAX -> extreme(x, fo, m, true, true);
            case ARGMIN -> extreme(x, fo, m, false, true);
            case ANY -> foldScalar(x, fo, m, 0, (acc, v) -> acc != 0 || v != 0 ? 1 : 0, (acc, v) -> acc != 0 || v != 0 ? 1 : 0);
            case ALL -> foldScalar(x, fo, m, 1, (acc, v) -> acc != 0 && v != 0 ? 1 : 0, (acc, v) -> acc != 0 && v != 0 ? 1 : 0);
            case LOGSUMEXP -> logsumexp(x, fo, m);
            case PARAM, SHARED, CONST, REGION_PARAM, NEG, ABS, SIGN, RELU, FLOOR, CEIL, ROUND, EXP, EXP2, EXPM1, LOG,
                 LOG2, LOG10, LOG1P, SQRT, SIN, COS, TAN, ASIN, ACOS, ATAN, SINH, COSH, TANH, ASINH, ACOSH, ATANH,
                 SIGMOID, SOFTPLUS, ERF, ERFC, ISNAN, ISINF, NOT, CAST, STOP_GRADIENT, ADD, SUB, MUL, DIV, FLOORDIV,
                 MOD, POW, MAXIMUM, MINIMUM, ATAN2, EQ, NE, LT, LE, GT, GE, AND, OR, XOR, WHERE, CLIP, SOFTMAX,
                 LOG_SOFTMAX, ARG_MASK, MATMUL, CONCAT, DIAGONAL, DIAG_EMBED, ARANGE, SUM_TO, UNSLICE, UNINDEX,
                 TRANSPOSE, EXPAND_DIMS, SQUEEZE, RESHAPE, BROADCAST_TO, SLICE, INDEX, SHAPE, WINDOW, UNWINDOW,
                 DYN_SLICE, DYN_UNSLICE, GRAD, LOP, ROP, JACOBIAN, HESSIAN, SCAN, FUSED, TUPLE_GET -> throw new IllegalArgumentException(op.toString());
        };
    }

    /** Whether float sums on this thread add term by term in index order ({@link #withSequentialSums}). */
    private static final ThreadLocal<Boolean> SEQUENTIAL = ThreadLocal.withInitial(() -> false);

    /** As {@link Interpreter#withSequentialSums}. */
    static <T> T withSequentialSums(java.util.function.Supplier<T> body) {
        boolean before = SEQUENTIAL.get();
        SEQUENTIAL.set(true);
        try {
            return body.get();
        } finally {
            SEQUENTIAL.set(before);
        }
    }

    // Neumaier-compensated summation: accurate enough to serve as the oracle for pairwise or blocked sums.
    private static Tensor sum(Tensor x, Folding fo, int m, boolean mean, int reducedSize) {
        if (!x.dtype().isFloat()) return foldScalar(x, fo, m, 0, Double::sum, Long::sum);
        double[] s = new double[m], c = new double[m];
        boolean sequential = SEQUENTIAL.get();
        for (int f = 0; f < x.size(); f++) {
            int t = fo.target[f];
            double v = x.getDouble(f), u = s[t] + v;
            if (!sequential) c[t] += Math.abs(s[t]) >= Math.abs(v) ? (s[t] - u) + v : (v - u) + s[t];
            s[t] = u;
        }
        for (int t = 0; t < m; t++) {
            // With an infinite term the compensation is NaN (inf - inf); the plain sum is the exact answer then.
            double total = Double.isFinite(s[t]) ? s[t] + c[t] : s[t];
            s[t] = mean ? total / reducedSize : total;
        }
        return Tensor.ofDoubles(x.dtype(), fo.outShape, s);
    }

    private interface FoldD {
        double apply(double acc, double v);
    }

    private interface FoldL {
        long apply(long acc, long v);
    }

    private static Tensor foldScalar(Tensor x, Folding fo, int m, long init, FoldD fd, FoldL fl) {
        if (x.dtype().isFloat()) {
            double[] acc = new double[m];
            Arrays.fill(acc, init);
            for (int f = 0; f < x.size(); f++) acc[fo.target[f]] = fd.apply(acc[fo.target[f]], x.getDouble(f));
            return Tensor.ofDoubles(x.dtype(), fo.outShape, acc);
        }
        long[] acc = new long[m];
        Arrays.fill(acc, init);
        for (int f = 0; f < x.size(); f++) acc[fo.target[f]] = x.dtype().wrap(fl.apply(acc[fo.target[f]], x.getLong(f)));
        return Tensor.ofLongs(x.dtype(), fo.outShape, acc);
    }

    /** max/min/argmax/argmin: the first extreme element, NaN winning for floats; integers compare exactly (as longs). */
    private static Tensor extreme(Tensor x, Folding fo, int m, boolean max, boolean arg) {
        boolean fl = x.dtype().isFloat();
        int[] best = new int[m];
        long[] pos = new long[m];
        boolean[] seen = new boolean[m];
        for (int f = 0; f < x.size(); f++) {
            int t = fo.target[f];
            boolean take = !seen[t] || (fl ? better(x.getDouble(f), x.getDouble(best[t]), max) || !arg && largerZero(x.getDouble(f), x.getDouble(best[t]), max)
                    : max ? x.getLong(f) > x.getLong(best[t]) : x.getLong(f) < x.getLong(best[t]));
            if (take) {
                best[t] = f;
                pos[t] = fo.inner[f];
                seen[t] = true;
            }
        }
        if (arg) return Tensor.ofLongs(DType.I64, fo.outShape, pos);
        if (fl) {
            double[] d = new double[m];
            for (int t = 0; t < m; t++) d[t] = x.getDouble(best[t]);
            return Tensor.ofDoubles(x.dtype(), fo.outShape, d);
        }
        long[] l = new long[m];
        for (int t = 0; t < m; t++) l[t] = x.getLong(best[t]);
        return Tensor.ofLongs(x.dtype(), fo.outShape, l);
    }

    /** max of -0.0 and +0.0 is +0.0 (min: -0.0) whatever the order, as IEEE's maximum; argmax keeps the first. */
    private static boolean largerZero(double v, double best, boolean max) {
        return v == 0 && best == 0 && (max ? Double.compare(v, best) > 0 : Double.compare(v, best) < 0);
    }

    private static boolean better(double v, double best, boolean max) {
        return !Double.isNaN(best) && (Double.isNaN(v) || (max ? v > best : v < best));
    }

    private static Tensor logsumexp(Tensor x, Folding fo, int m) {
        double[] mx = new double[m];
        Arrays.fill(mx, Double.NEGATIVE_INFINITY);
        for (int f = 0; f < x.size(); f++) mx[fo.target[f]] = Math.max(mx[fo.target[f]], x.getDouble(f));
        double[] s = new double[m];
        for (int f = 0; f < x.size(); f++) {
            int t = fo.target[f];
            if (!Double.isInfinite(mx[t])) s[t] += Math.exp(x.getDouble(f) - mx[t]);
        }
        for (int t = 0; t < m; t++) s[t] = Double.isInfinite(mx[t]) || Double.isNaN(mx[t]) ? mx[t] : mx[t] + Math.log(s[t]);
        return Tensor.ofDoubles(x.dtype(), fo.outShape, s);
    }

    static Tensor argMask(Tensor x, int[] axes, boolean max) {
        Folding fo = fold(x.shape(), axes, false);
        int m = Tensor.size(fo.outShape);
        Tensor pos = extreme(x, fo, m, max, true);
        long[] mask = new long[x.size()];
        for (int f = 0; f < x.size(); f++) mask[f] = fo.inner[f] == pos.getLong(fo.target[f]) ? 1 : 0;
        return Tensor.ofLongs(DType.BOOL, x.shape(), mask);
    }

    /**
     * softmax or log_softmax along one axis, in double and rounded once: shifted = x - max, then exp(shifted) / sum
     * or shifted - log(sum). A slice whose max is infinite gives NaN throughout, as SciPy does.
     */
    static Tensor softmax(Tensor x, int axis, boolean log) {
        Folding fo = fold(x.shape(), new int[] {axis}, true);
        int m = Tensor.size(fo.outShape);
        double[] mx = new double[m], sum = new double[m];
        java.util.Arrays.fill(mx, Double.NEGATIVE_INFINITY);
        for (int f = 0; f < x.size(); f++) {
            double v = x.getDouble(f);
            int t = fo.target[f];
            mx[t] = Double.isNaN(v) || Double.isNaN(mx[t]) ? Double.NaN : Math.max(mx[t], v);
        }
        for (int f = 0; f < x.size(); f++) sum[fo.target[f]] += Math.exp(x.getDouble(f) - mx[fo.target[f]]);
        double[] out = new double[x.size()];
        for (int f = 0; f < out.length; f++) {
            int t = fo.target[f];
            double shifted = x.getDouble(f) - mx[t];
            out[f] = log ? shifted - Math.log(sum[t]) : Math.exp(shifted) / sum[t];
        }
        return Tensor.ofDoubles(x.dtype(), x.shape(), out);
    }

    // ---- linear algebra ----

    static Tensor matmul(Tensor a, Tensor b) {
        boolean va = a.rank() == 1, vb = b.rank() == 1;
        int[] sa = va ? new int[] {1, a.dim(0)} : a.shape(), sb = vb ? new int[] {b.dim(0), 1} : b.shape();
        int n = sa[sa.length - 2], k = sa[sa.length - 1], k2 = sb[sb.length - 2], p = sb[sb.length - 1];
        if (k != k2) throw new EvalException("matmul: mismatch in its core dimension: " + shapeText(a.shape()) + " @ " + shapeText(b.shape()) + " (size " + k2 + " is different from " + k + ")");
        Tensor ba = Tensor.zeros(a.dtype(), Arrays.copyOf(sa, sa.length - 2)), bb = Tensor.zeros(b.dtype(), Arrays.copyOf(sb, sb.length - 2));
        int[] batch = broadcastShapes(List.of(ba, bb));
        int[] ia = broadcastIndex(ba, batch), ib = broadcastIndex(bb, batch);
        int nb = Tensor.size(batch);
        double[] out = new double[nb * n * p];
        long[] outL = new long[nb * n * p];
        boolean fl = a.dtype().isFloat();
        for (int q = 0; q < nb; q++)
            for (int i = 0; i < n; i++)
                for (int j = 0; j < p; j++) {
                    double s = 0;
                    long sl = 0;
                    for (int t = 0; t < k; t++) {
                        int fa = ia[q] * n * k + i * k + t, fb = ib[q] * k * p + t * p + j;
                        if (fl) s += a.getDouble(fa) * b.getDouble(fb);
                        else sl += a.getLong(fa) * b.getLong(fb);
                    }
                    out[(q * n + i) * p + j] = s;
                    outL[(q * n + i) * p + j] = sl;
                }
        var shape = new ArrayList<Integer>();
        for (int d : batch) shape.add(d);
        if (!va) shape.add(n);
        if (!vb) shape.add(p);
        int[] os = shape.stream().mapToInt(Integer::intValue).toArray();
        return fl ? Tensor.ofDoubles(a.dtype(), os, out) : Tensor.ofLongs(a.dtype(), os, outL);
    }

    // ---- data movement ----

    /** Gathers {@code src} elements: out[f] = src[map[f]], with the given shape. */
    static Tensor gather(Tensor src, int[] shape, int[] map) {
        if (src.dtype().isFloat()) {
            double[] d = new double[map.length];
            for (int f = 0; f < d.length; f++) d[f] = src.getDouble(map[f]);
            return Tensor.ofDoubles(src.dtype(), shape, d);
        }
        long[] l = new long[map.length];
        for (int f = 0; f < l.length; f++) l[f] = src.getLong(map[f]);
        return Tensor.ofLongs(src.dtype(), shape, l);
    }

    /** Scatters g into zeros of {@code shape}: out[map[f]] = g[f]. */
    static Tensor scatter(Tensor g, int[] shape, int[] map) {
        int n = Tensor.size(shape);
        if (g.dtype().isFloat()) {
            double[] d = new double[n];
            for (int f = 0; f < map.length; f++) d[map[f]] = g.getDouble(f);
            return Tensor.ofDoubles(g.dtype(), shape, d);
        }
        long[] l = new long[n];
        for (int f = 0; f < map.length; f++) l[map[f]] = g.getLong(f);
        return Tensor.ofLongs(g.dtype(), shape, l);
    }

    /** A strided view as an index map: out coordinate c reads base + sum c_k * strides_k. */
    static int[] viewMap(int[] shape, int base, int[] strides) {
        int n = Tensor.size(shape);
        int[] map = new int[n], c = new int[shape.length];
        for (int f = 0; f < n; f++) {
            int s = base;
            for (int k = 0; k < shape.length; k++) s += c[k] * strides[k];
            map[f] = s;
            for (int k = shape.length - 1; k >= 0 && ++c[k] == shape[k]; k--) c[k] = 0;
        }
        return map;
    }

    static Tensor transpose(Tensor x, int[] perm) {
        int[] st = Tensor.strides(x.shape()), shape = new int[perm.length], pst = new int[perm.length];
        for (int k = 0; k < perm.length; k++) {
            shape[k] = x.dim(perm[k]);
            pst[k] = st[perm[k]];
        }
        return gather(x, shape, viewMap(shape, 0, pst));
    }

    /** Slice as in Python: returns {shape, base, strides} of the view. */
    static int[][] sliceView(int[] shape, long[] starts, long[] stops, long[] steps) {
        int[] st = Tensor.strides(shape), out = new int[shape.length], ost = new int[shape.length];
        int base = 0;
        for (int k = 0; k < shape.length; k++) {
            long[] b = TypeRules.sliceBounds(shape[k], starts[k], stops[k], steps[k]);
            out[k] = (int) TypeRules.sliceLength(shape[k], starts[k], stops[k], steps[k]);
            base += (int) b[0] * st[k];
            ost[k] = (int) steps[k] * st[k];
        }
        return new int[][] {out, {base}, ost};
    }

    static int checkIndex(long i, int size, int axis) {
        if (i < -size || i >= size) throw new EvalException("index " + i + " is out of bounds for axis " + axis + " with size " + size);
        return (int) (i < 0 ? i + size : i);
    }

    static int[][] indexView(int[] shape, int axis, int i) {
        int[] st = Tensor.strides(shape);
        int[] out = new int[shape.length - 1], ost = new int[shape.length - 1];
        for (int k = 0, j = 0; k < shape.length; k++) {
            if (k == axis) continue;
            out[j] = shape[k];
            ost[j++] = st[k];
        }
        return new int[][] {out, {i * st[axis]}, ost};
    }

    static Tensor concat(List<Tensor> xs, int axis) {
        Tensor first = xs.getFirst();
        int[] shape = first.shape();
        int total = 0;
        for (Tensor t : xs) {
            if (t.rank() != first.rank()) throw new EvalException("concatenate: all arrays need the same rank");
            for (int k = 0; k < shape.length; k++)
                if (k != axis && t.dim(k) != shape[k])
                    throw new EvalException("concatenate: array dimensions must match except on axis " + axis + ": " + shapeText(first.shape()) + " vs " + shapeText(t.shape()));
            total += t.dim(axis);
        }
        shape[axis] = total;
        int[] st = Tensor.strides(shape);
        Tensor out = Tensor.zeros(first.dtype(), shape);
        double[] d = out.toDoubles();
        long[] l = out.toLongs();
        int off = 0;
        for (Tensor t : xs) {
            int[] map = viewMap(t.shape(), off * st[axis], st);
            for (int f = 0; f < map.length; f++) {
                d[map[f]] = t.getDouble(f);
                l[map[f]] = t.getLong(f);
            }
            off += t.dim(axis);
        }
        return first.dtype().isFloat() ? Tensor.ofDoubles(first.dtype(), shape, d) : Tensor.ofLongs(first.dtype(), shape, l);
    }

    private static EvalException cannotSumTo(Tensor g, int[] shape) {
        return new EvalException("operands could not be broadcast together with shapes " + shapeText(shape) + " " + shapeText(g.shape()));
    }

    static Tensor sumTo(Tensor g, int[] shape) {
        int lead = g.rank() - shape.length;
        if (lead < 0) throw cannotSumTo(g, shape);
        var axes = new ArrayList<Integer>();
        for (int k = 0; k < g.rank(); k++) {
            if (k < lead) axes.add(k);
            else if (shape[k - lead] == 1 && g.dim(k) != 1) axes.add(k);
            else if (shape[k - lead] != g.dim(k)) throw cannotSumTo(g, shape);
        }
        Tensor s = reduce(Op.SUM, g, axes.stream().mapToInt(Integer::intValue).toArray(), true);
        return s.reshape(shape);
    }

    static Tensor arange(Tensor start, Tensor stop, Tensor step) {
        DType d = start.dtype();
        if (d.isFloat()) {
            double a = start.getDouble(0), b = stop.getDouble(0), s = step.getDouble(0);
            if (s == 0) throw new EvalException("arange: step must not be zero");
            double len = Math.ceil((b - a) / s);
            if (Double.isNaN(len)) throw new EvalException("arange: no length from " + a + " to " + b + " by " + s);
            if (len > Integer.MAX_VALUE) throw new EvalException("arange: too many elements (" + (len < 0x1p63 ? String.valueOf((long) len) : String.format(java.util.Locale.ROOT, "%.3e", len)) + ")");
            int n = (int) Math.max(0, len);
            double[] v = new double[n];
            for (int k = 0; k < n; k++) v[k] = a + k * s;
            return Tensor.ofDoubles(d, new int[] {n}, v);
        }
        long a = start.getLong(0), b = stop.getLong(0), s = step.getLong(0);
        if (s == 0) throw new EvalException("arange: step must not be zero");
        // the count in double where b - a overflows a long (then it is too many anyway), as JvmOps.arange
        double len = Math.max(0, s > 0 ? Math.ceil(((double) b - a) / s) : Math.ceil(((double) a - b) / -s));
        if (len > Integer.MAX_VALUE) throw new EvalException("arange: too many elements (" + (len < 0x1p63 ? String.valueOf((long) len) : String.format(java.util.Locale.ROOT, "%.3e", len)) + ")");
        long diff = b - a; // exact where b - a fits a long
        int n = ((b ^ a) & (b ^ diff)) < 0 ? (int) len : (int) Math.max(0, s > 0 ? Math.ceilDiv(diff, s) : Math.ceilDiv(-diff, -s));
        long[] v = new long[n];
        for (int k = 0; k < n; k++) v[k] = a + k * s;
        return Tensor.ofLongs(d, new int[] {n}, v);
    }
}
