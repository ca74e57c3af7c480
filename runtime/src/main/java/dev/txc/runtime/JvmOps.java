package dev.txc.runtime;

import dev.txc.types.DType;

/**
 * The entry points generated code calls for every op that is not an elementwise loop: attribute values come
 * as int arrays, shapes and indices as NDArrays, exactly as the IR has them.
 */
public final class JvmOps {
    private JvmOps() {}

    public static NDArray reduce(NDArray x, ReduceOp op, int[] axes, boolean keep) {
        return Kernels.reduce(op, x, axes, keep);
    }

    public static NDArray logsumexp(NDArray x, int[] axes, boolean keep) {
        return Kernels.logsumexp(x, axes, keep);
    }

    public static NDArray softmax(NDArray x, int axis) {
        return Kernels.softmax(x, axis);
    }

    public static NDArray logSoftmax(NDArray x, int axis) {
        return Kernels.logSoftmax(x, axis);
    }

    public static NDArray argMask(NDArray x, int[] axes, boolean max) {
        return Kernels.argMask(x, axes, max);
    }

    public static NDArray matmul(NDArray a, NDArray b) {
        return Kernels.matmul(a, b);
    }

    /**
     * {@link #matmul} for a product no caller sees: into the buffer kept at {@code site} when it fits; the result is kept
     * for the next call when it has at most {@link Loop#KEEP_MAX} elements, as kernels' outputs are.
     */
    public static NDArray matmulAt(NDArray a, NDArray b, Workspace ws, int site) {
        NDArray r = Matmul.matmul(a, b, ws.kept(site));
        ws.keep(site, r.size() <= Loop.KEEP_MAX ? r : null);
        return r;
    }

    public static NDArray concat(NDArray[] xs, int axis) {
        return Kernels.concat(xs, axis);
    }

    public static NDArray diagonal(NDArray x) {
        return Kernels.diagonal(x);
    }

    public static NDArray diagEmbed(NDArray v, NDArray like) {
        return Kernels.diagEmbed(v, like.shape());
    }

    public static NDArray arange(NDArray start, NDArray stop, NDArray step) {
        DType d = start.dtype();
        if (d.isFloat()) return Kernels.arange(start.getDouble(), stop.getDouble(), step.getDouble(), d);
        long a = start.getLong(), b = stop.getLong(), s = step.getLong();
        long[] v = new long[Kernels.arangeLength(a, b, s)];
        for (int k = 0; k < v.length; k++) v[k] = a + k * s;
        return NDArray.wrap(DType.I64, v, new int[] {v.length}).astype(d);
    }

    public static NDArray sumTo(NDArray g, NDArray like) {
        return Kernels.sumTo(g, like.shape());
    }

    public static NDArray unslice(NDArray g, NDArray like, int[] starts, int[] stops, int[] steps) {
        return Kernels.unslice(g, like.shape(), starts, stops, steps);
    }

    public static NDArray unindex(NDArray g, NDArray i, NDArray like, int axis) {
        return Kernels.unindex(g, like.shape(), axis, i.getLong());
    }

    public static NDArray transpose(NDArray x, int[] perm) {
        return x.transpose(perm);
    }

    public static NDArray expandDims(NDArray x, int[] axes) {
        return x.expandDims(axes);
    }

    public static NDArray squeeze(NDArray x, int[] axes) {
        return x.squeeze(axes);
    }

    public static NDArray reshape(NDArray x, NDArray shape) {
        return x.reshape(ints(shape));
    }

    public static NDArray broadcastTo(NDArray x, NDArray shape) {
        return x.broadcastTo(ints(shape));
    }

    public static NDArray slice(NDArray x, int[] starts, int[] stops, int[] steps) {
        return x.sliceNumpy(starts, stops, steps);
    }

    public static NDArray index(NDArray x, NDArray i, int axis) {
        return x.index(axis, i.getLong());
    }

    /** x[start : start + like.dim(axis)] along axis, a view; range-checked. */
    public static NDArray window(NDArray x, NDArray start, NDArray like, int axis) {
        long s = start.getLong();
        int len = like.dim(axis);
        if (s < 0 || s + len > x.dim(axis))
            throw new TxRuntimeException("window [" + s + ", " + (s + len) + ") is out of bounds for axis " + axis + " with size " + x.dim(axis));
        return x.slice(axis, (int) s, (int) s + len, 1);
    }

    /** x[start:stop:step] along axis, a view; run-time bounds clamped as Python's slice.indices (Long.MIN/MAX_VALUE clamp to the ends). */
    public static NDArray dynSlice(NDArray x, NDArray start, NDArray stop, int axis, long step) {
        long n = x.dim(axis), lo = step > 0 ? 0 : -1, hi = step > 0 ? n : n - 1;
        long s = clampBound(start.getLong(), n, lo, hi), e = clampBound(stop.getLong(), n, lo, hi);
        return x.slice(axis, (int) s, (int) e, Math.toIntExact(step));
    }

    private static long clampBound(long v, long n, long lo, long hi) {
        if (v < 0) v += n;
        return Math.max(lo, Math.min(hi, v));
    }

    /** Zeros shaped like {@code like} with g written into dynSlice(zeros, start, stop, axis, step). */
    public static NDArray dynUnslice(NDArray g, NDArray start, NDArray stop, NDArray like, int axis, long step) {
        NDArray out = NDArray.zeros(g.dtype(), like.shape());
        NDArray region = dynSlice(out, start, stop, axis, step);
        if (!java.util.Arrays.equals(region.shape(), g.shape()))
            throw new TxRuntimeException("dyn_unslice: array of shape " + Shapes.format(g.shape()) + " does not fit the sliced region of shape "
                    + Shapes.format(region.shape()));
        region.assign(g);
        return out;
    }

    /** Zeros shaped like {@code like} with g written from {@code start} along axis. */
    public static NDArray unwindow(NDArray g, NDArray start, NDArray like, int axis) {
        NDArray out = NDArray.zeros(g.dtype(), like.shape());
        window(out, start, g, axis).assign(g);
        return out;
    }

    public static NDArray shape(NDArray x) {
        return Kernels.shapeOf(x);
    }

    // ---- rank-0 elementwise kernels computed in registers (no Loop): unbox the operands, box the result

    private static final int[] SCALAR = new int[0];

    public static double scalarD(NDArray x) {
        return x.buffer().getDouble(x.offset());
    }

    public static float scalarF(NDArray x) {
        return (float) x.buffer().getDouble(x.offset());
    }

    public static long scalarJ(NDArray x) {
        return x.buffer().getLong(x.offset());
    }

    public static int scalarI(NDArray x) {
        return (int) x.buffer().getLong(x.offset());
    }

    public static boolean scalarZ(NDArray x) {
        return x.buffer().getBoolean(x.offset());
    }

    public static NDArray boxD(double v, DType t) {
        Object data = Buffers.allocate(t, 1);
        Buffers.setDouble(data, t, 0, v);
        return NDArray.wrap(t, data, SCALAR);
    }

    public static NDArray boxF(float v, DType t) {
        return boxD(v, t);
    }

    public static NDArray boxJ(long v, DType t) {
        Object data = Buffers.allocate(t, 1);
        Buffers.setLong(data, t, 0, v);
        return NDArray.wrap(t, data, SCALAR);
    }

    public static NDArray boxI(int v, DType t) {
        return boxJ(v, t);
    }

    public static NDArray boxZ(boolean v, DType t) {
        return boxJ(v ? 1 : 0, t);
    }

    /** The common leading length of scan sequences. */
    public static int scanLength(NDArray[] seqs) {
        int n = seqs[0].dim(0);
        for (NDArray s : seqs)
            if (s.dim(0) != n) throw new TxRuntimeException("scan: sequences have different lengths (" + n + " and " + s.dim(0) + ")");
        return n;
    }

    /** A scan's carry {@code k} after step {@code t}: {@code next}, when it has the shape the carry started with. */
    public static NDArray carry(NDArray init, NDArray next, int k, int t) {
        if (!java.util.Arrays.equals(init.shape(), next.shape()))
            throw new TxRuntimeException("scan: carry " + k + " starts with shape " + Shapes.format(init.shape()) + " but step " + t
                    + " gives " + Shapes.format(next.shape()));
        return next;
    }

    /** Step {@code t} of a scan sequence. */
    public static NDArray step(NDArray seq, int t) {
        return seq.index(0, t);
    }

    /**
     * Writes step {@code t}'s value into the stacked output of a scan with {@code steps} steps, allocated at the first
     * step with shape [steps, part's shape] (so per-step values are not kept alive until the end); returns it.
     */
    public static NDArray stackPut(NDArray out, NDArray part, int t, int steps, DType dtype) {
        int[] inner = part.shape();
        if (out == null) {
            int[] shape = new int[inner.length + 1];
            shape[0] = steps;
            System.arraycopy(inner, 0, shape, 1, inner.length);
            out = NDArray.zeros(dtype, shape);
        } else if (!sameInner(out, inner)) {
            throw new TxRuntimeException("scan: step " + t + " gives shape " + Shapes.format(inner) + " but step 0 gave "
                    + Shapes.format(java.util.Arrays.copyOfRange(out.shape(), 1, out.rank())));
        }
        int n = part.size();
        if (part.dtype() == dtype && part.isContiguous()) Buffers.copyRun(part.buffer(), part.offset(), 1, out.buffer(), t * n, 1, n);
        else out.index(0, t).assign(part);
        return out;
    }

    private static boolean sameInner(NDArray out, int[] inner) {
        if (out.rank() != inner.length + 1) return false;
        for (int d = 0; d < inner.length; d++) if (out.dim(d + 1) != inner[d]) return false;
        return true;
    }

    /** The stacked output after the loop: {@code out}, or for zero steps an empty stack shaped by {@code emptyInner}. */
    public static NDArray stackDone(NDArray out, DType dtype, int[] emptyInner) {
        if (out != null) return out;
        if (emptyInner == null) throw new TxRuntimeException("scan with zero steps cannot tell the shape of its output");
        int[] shape = new int[emptyInner.length + 1];
        System.arraycopy(emptyInner, 0, shape, 1, emptyInner.length);
        return NDArray.zeros(dtype, shape);
    }

    private static int[] ints(NDArray shape) {
        long[] s = new long[shape.size()];
        boolean fits = true;
        for (int k = 0; k < s.length; k++) {
            s[k] = shape.getLong(k);
            fits &= s[k] >= -1 && s[k] <= Integer.MAX_VALUE;
        }
        if (!fits) Shapes.ofLongs(s); // throws: a size that is negative (-1 is reshape's "infer") or too large
        int[] out = new int[s.length];
        for (int k = 0; k < s.length; k++) out[k] = (int) s[k];
        return out;
    }
}
