package dev.txc.runtime;

import dev.txc.types.DType;
import java.util.Arrays;
import java.util.Random;

/**
 * The non-elementwise ops: each takes arrays of any layout (views included) and returns a fresh contiguous
 * array, never changing its inputs; errors are TxRuntimeExceptions worded like NumPy's.
 */
public final class Kernels {
    private Kernels() {}

    // ---------------------------------------------------------------- reductions

    /**
     * Reduces {@code x} over {@code axes} (normalized, sorted, unique; none = a copy). The result has x's dtype,
     * except: ARGMAX/ARGMIN give i64 (the C-order index within the reduced sub-block, first occurrence, NaN
     * winning), ANY/ALL give bool, and SUM/PROD of bool give i64 as in NumPy. MEAN needs a float input.
     * Floats accumulate in double (so f32 sums round once at the end); f64 sums are pairwise.
     */
    public static NDArray reduce(ReduceOp op, NDArray x, int[] axes, boolean keepdims) {
        return Reductions.reduce(op, x, axes, keepdims);
    }

    /** A bool array shaped like {@code x}, true exactly at the first maximal (or minimal) element of each slice over {@code axes}. */
    public static NDArray argMask(NDArray x, int[] axes, boolean isMax) {
        return Reductions.argMask(x, axes, isMax);
    }

    // ---------------------------------------------------------------- linear algebra

    /** np.matmul: rank-1 operands are promoted and the promoted dims removed, batch dims broadcast; both operands share a dtype. */
    public static NDArray matmul(NDArray a, NDArray b) {
        return Matmul.matmul(a, b);
    }

    /** The main diagonal of a matrix, of length min(rows, cols). */
    public static NDArray diagonal(NDArray m) {
        if (m.rank() != 2) {
            throw new TxRuntimeException("diagonal: expected a matrix (rank 2), got shape " + Shapes.format(m.shape()));
        }
        int n = Math.min(m.dim(0), m.dim(1));
        return NDArray.strided(m.buffer(), new int[] {n}, new int[] {m.stride(0) + m.stride(1)}, m.offset()).copy();
    }

    /** The square matrix with {@code v} on its diagonal and zeros elsewhere. */
    /** Zeros of {@code shape} (a matrix) with v on the diagonal; v's length must be min(rows, cols). */
    public static NDArray diagEmbed(NDArray v, int[] shape) {
        if (v.rank() != 1 || shape.length != 2 || v.dim(0) != Math.min(shape[0], shape[1])) {
            throw new TxRuntimeException("diag: a diagonal of shape " + Shapes.format(v.shape())
                    + " does not fit a matrix of shape " + Shapes.format(shape));
        }
        NDArray out = NDArray.zeros(v.dtype(), shape);
        NDArray.strided(out.buffer(), new int[] {v.dim(0)}, new int[] {shape[1] + 1}, 0).assign(v);
        return out;
    }

    // ---------------------------------------------------------------- softmax family

    /** exp(x - max) / sum(exp(x - max)) along {@code axis}; float inputs, computed in double. */
    public static NDArray softmax(NDArray x, int axis) {
        return Softmax.softmax(x, axis, false);
    }

    /** x - max - log(sum(exp(x - max))) along {@code axis}; float inputs, computed in double. */
    public static NDArray logSoftmax(NDArray x, int axis) {
        return Softmax.softmax(x, axis, true);
    }

    /** log(sum(exp(x))) over {@code axes} (normalized, sorted, unique), without overflow; all -inf gives -inf. */
    public static NDArray logsumexp(NDArray x, int[] axes, boolean keepdims) {
        return Softmax.logsumexp(x, axes, keepdims);
    }

    // ---------------------------------------------------------------- shape ops

    /** The arrays joined along {@code axis}: same dtype and rank, equal dims elsewhere. */
    public static NDArray concat(NDArray[] xs, int axis) {
        if (xs.length == 0) {
            throw new TxRuntimeException("need at least one array to concatenate");
        }
        NDArray first = xs[0];
        if (first.rank() == 0) {
            throw new TxRuntimeException("zero-dimensional arrays cannot be concatenated");
        }
        int ax = Shapes.normalizeAxis(axis, first.rank());
        int[] shape = first.shape();
        shape[ax] = 0;
        for (int i = 0; i < xs.length; i++) {
            checkConcatenable(first, xs[i], i, ax);
            shape[ax] = Math.addExact(shape[ax], xs[i].dim(ax));
        }
        NDArray out = NDArray.zeros(first.dtype(), shape);
        int start = 0;
        for (NDArray x : xs) {
            out.slice(ax, start, start + x.dim(ax), 1).assign(x);
            start += x.dim(ax);
        }
        return out;
    }

    private static void checkConcatenable(NDArray first, NDArray x, int i, int ax) {
        if (x.dtype() != first.dtype()) {
            throw new TxRuntimeException("concatenate: array 0 has dtype " + first.dtype().spelling() + " but array "
                    + i + " has dtype " + x.dtype().spelling());
        }
        if (x.rank() != first.rank()) {
            throw new TxRuntimeException("all the input array dimensions except for the concatenation axis must match exactly,"
                    + " but array 0 has " + first.rank() + " dimension(s) and array " + i + " has " + x.rank() + " dimension(s)");
        }
        for (int d = 0; d < x.rank(); d++) {
            if (d != ax && x.dim(d) != first.dim(d)) {
                throw new TxRuntimeException("all the input array dimensions except for the concatenation axis must match exactly,"
                        + " but along dimension " + d + ", the array at index 0 has size " + first.dim(d)
                        + " and the array at index " + i + " has size " + x.dim(d));
            }
        }
    }

    /** Zeros of {@code shape} (g's dtype) with {@code g} written where {@code sliceNumpy(starts, stops, steps)} selects. */
    public static NDArray unslice(NDArray g, int[] shape, int[] starts, int[] stops, int[] steps) {
        NDArray out = NDArray.zeros(g.dtype(), shape);
        NDArray region = out.sliceNumpy(starts, stops, steps);
        if (!Arrays.equals(region.shape(), g.shape())) {
            throw new TxRuntimeException("unslice: array of shape " + Shapes.format(g.shape())
                    + " does not fit the slice region of shape " + Shapes.format(region.shape()));
        }
        region.assign(g);
        return out;
    }

    /** Zeros of {@code shape} (g's dtype) with {@code g} written at index {@code i} of {@code axis}. */
    public static NDArray unindex(NDArray g, int[] shape, int axis, long i) {
        NDArray out = NDArray.zeros(g.dtype(), shape);
        NDArray region = out.index(axis, i);
        if (!Arrays.equals(region.shape(), g.shape())) {
            throw new TxRuntimeException("unindex: array of shape " + Shapes.format(g.shape())
                    + " does not fit the indexed region of shape " + Shapes.format(region.shape()));
        }
        region.assign(g);
        return out;
    }

    /** {@code g} summed down to {@code shape}, undoing a broadcast from it; {@code g} itself when the shapes agree. */
    public static NDArray sumTo(NDArray g, int[] shape) {
        int[] gs = g.shape();
        if (Arrays.equals(gs, shape)) {
            return g;
        }
        int lead = gs.length - shape.length;
        if (lead < 0) {
            throw cannotSumTo(gs, shape);
        }
        int[] axes = new int[gs.length];
        int count = 0;
        for (int d = 0; d < gs.length; d++) {
            if (d < lead || (shape[d - lead] == 1 && gs[d] != 1)) {
                axes[count++] = d;
            } else if (shape[d - lead] != gs[d]) {
                throw cannotSumTo(gs, shape);
            }
        }
        return Reductions.reduce(ReduceOp.SUM, g, Arrays.copyOf(axes, count), true).reshape(shape);
    }

    private static TxRuntimeException cannotSumTo(int[] from, int[] to) {
        // the gradient of a broadcast whose forward value was not computed: the forward's own words
        return new TxRuntimeException("operands could not be broadcast together with shapes " + Shapes.formatCompact(to) + " "
                + Shapes.formatCompact(from));
    }

    /** The shape of {@code x} as an i64 vector. */
    public static NDArray shapeOf(NDArray x) {
        long[] s = new long[x.rank()];
        for (int d = 0; d < s.length; d++) s[d] = x.dim(d);
        return NDArray.wrap(DType.I64, s, new int[] {s.length});
    }

    // ---------------------------------------------------------------- construction

    /** start, start + step, ... before stop: ceil((stop - start) / step) values converted to {@code dtype}. */
    /** The length of a float arange, as NumPy's ceil((stop - start) / step); errors for a zero step, NaN and > 2^31 - 1. */
    public static int arangeLength(double start, double stop, double step) {
        if (step == 0) throw new TxRuntimeException("arange: step must not be zero");
        double len = Math.ceil((stop - start) / step);
        if (Double.isNaN(len)) throw new TxRuntimeException("arange: no length from " + start + " to " + stop + " by " + step);
        if (len > Integer.MAX_VALUE) throw new TxRuntimeException("arange: too many elements (" + (len < 0x1p63 ? String.valueOf((long) len) : String.format(java.util.Locale.ROOT, "%.3e", len)) + ")");
        return (int) Math.max(0, len);
    }

    /** The length of an integer arange; counted in double where stop - start overflows a long (too many anyway). */
    public static int arangeLength(long start, long stop, long step) {
        if (step == 0) throw new TxRuntimeException("arange: step must not be zero");
        double len = Math.max(0, step > 0 ? Math.ceil(((double) stop - start) / step) : Math.ceil(((double) start - stop) / -step));
        if (len > Integer.MAX_VALUE) throw new TxRuntimeException("arange: too many elements (" + (len < 0x1p63 ? String.valueOf((long) len) : String.format(java.util.Locale.ROOT, "%.3e", len)) + ")");
        // exact where stop - start fits a long: the double quotient could round across an integer
        long d = stop - start;
        if (((stop ^ start) & (stop ^ d)) < 0) return (int) len;
        return (int) Math.max(0, step > 0 ? Math.ceilDiv(d, step) : Math.ceilDiv(-d, -step));
    }

    public static NDArray arange(double start, double stop, double step, DType dtype) {
        int n = arangeLength(start, stop, step);
        Object data = Buffers.allocate(dtype, n);
        for (int i = 0; i < n; i++) Buffers.setDouble(data, dtype, i, start + i * step);
        return NDArray.wrap(dtype, data, new int[] {n});
    }

    /** Standard normal samples from {@code new Random(seed).nextGaussian()}, in C order. */
    public static NDArray randn(long seed, DType dtype, int... shape) {
        checkFloat("randn", dtype);
        Random r = new Random(seed);
        return generate(dtype, shape, r::nextGaussian);
    }

    /** Samples of low + (high - low) * {@code new Random(seed).nextDouble()}, in C order. */
    public static NDArray uniform(double low, double high, long seed, DType dtype, int... shape) {
        checkFloat("uniform", dtype);
        Random r = new Random(seed);
        return generate(dtype, shape, () -> low + (high - low) * r.nextDouble());
    }

    private static void checkFloat(String what, DType dtype) {
        if (!dtype.isFloat()) {
            throw new TxRuntimeException(what + ": dtype must be f32 or f64, got " + dtype.spelling());
        }
    }

    private static NDArray generate(DType dtype, int[] shape, java.util.function.DoubleSupplier next) {
        int n = Shapes.size(shape);
        Object data = Buffers.allocate(dtype, n);
        for (int i = 0; i < n; i++) Buffers.setDouble(data, dtype, i, next.getAsDouble());
        return NDArray.wrap(dtype, data, shape);
    }
}
