package dev.txc.runtime;

import dev.txc.types.DType;
import java.util.Arrays;

/**
 * An n-dimensional array: element {@code [i0, ..., ik]} lives at position {@code offset + sum(i_d * strides[d])} of
 * its {@link Buffer}, and every such position is inside the buffer. Instances never change after they are handed
 * out; views share the buffer. The buffer may be a heap array ({@link HeapBuffer}), where every operation runs, or
 * native memory ({@link NativeBuffer}), where views, element access, copies, conversion, comparison, printing and
 * {@code .npy} I/O run and anything needing a primitive array fails until {@link #toHeap()} is called.
 */
public final class NDArray {
    private final DType dtype;
    private final Buffer data;
    private final int[] shape;
    private final int[] strides;
    private final int offset;
    private final int size;

    // trusted: callers guarantee the class invariant
    private NDArray(DType dtype, Buffer data, int[] shape, int[] strides, int offset) {
        this.dtype = dtype;
        this.data = data;
        this.shape = shape;
        this.strides = strides;
        this.offset = offset;
        this.size = Shapes.size(shape);
    }

    // ---------------------------------------------------------------- factories

    /** A view over the heap array {@code data} with explicit strides (in elements) and offset. */
    public static NDArray strided(DType dtype, Object data, int[] shape, int[] strides, int offset) {
        return strided(new HeapBuffer(dtype, data), shape, strides, offset);
    }

    /** A view over {@code data} with explicit strides (in elements) and offset; checks every position is in range. */
    public static NDArray strided(Buffer data, int[] shape, int[] strides, int offset) {
        if (shape.length != strides.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " and strides "
                    + Arrays.toString(strides) + " differ in rank");
        }
        int n = Shapes.size(shape);
        if (n > 0) {
            long lo = offset;
            long hi = offset;
            for (int d = 0; d < shape.length; d++) {
                long span = (long) (shape[d] - 1) * strides[d];
                lo += Math.min(0, span);
                hi += Math.max(0, span);
            }
            if (lo < 0 || hi >= data.length()) {
                throw new IllegalArgumentException("view of shape " + Arrays.toString(shape) + ", strides "
                        + Arrays.toString(strides) + ", offset " + offset + " reaches outside data of length "
                        + data.length());
            }
        }
        return new NDArray(data.dtype(), data, shape.clone(), strides.clone(), offset);
    }

    /** A contiguous array owning the heap array {@code data} (not copied: the caller must not change it afterwards). */
    public static NDArray wrap(DType dtype, Object data, int[] shape) {
        return wrap(new HeapBuffer(dtype, data), shape);
    }

    /** A contiguous array owning {@code data} (not copied: the caller must not change it afterwards). */
    public static NDArray wrap(Buffer data, int[] shape) {
        int n = Shapes.size(shape);
        if (data.length() != n) {
            throw new IllegalArgumentException("data of length " + data.length() + " does not match shape "
                    + Shapes.format(shape));
        }
        return new NDArray(data.dtype(), data, dims(shape), rowMajor(shape), 0);
    }

    /** Shape and stride arrays are never changed once an NDArray holds them, so the rank-0 and rank-1 cases share. */
    private static final int[] RANK0 = {}, UNIT = {1};

    private static int[] dims(int[] shape) {
        return shape.length == 0 ? RANK0 : shape.clone();
    }

    private static int[] rowMajor(int[] shape) {
        return shape.length == 0 ? RANK0 : shape.length == 1 ? UNIT : Shapes.contiguousStrides(shape);
    }

    public static NDArray zeros(DType dtype, int... shape) {
        return zeros(Buffer.Allocator.HEAP, dtype, shape);
    }

    /** Zeros of {@code shape} in the memory {@code memory} allocates. */
    public static NDArray zeros(Buffer.Allocator memory, DType dtype, int... shape) {
        return wrap(memory.allocate(dtype, Shapes.size(shape)), shape);
    }

    /** An array of {@code shape} filled with {@code value} converted to {@code dtype} as astype does. */
    public static NDArray full(DType dtype, double value, int... shape) {
        NDArray a = zeros(dtype, shape);
        a.data.fill(value);
        return a;
    }

    /** A copy of {@code data} with {@code shape}; no shape means rank 1. */
    public static NDArray ofDoubles(double[] data, int... shape) {
        return wrap(DType.F64, data.clone(), shapeOr1d(shape, data.length));
    }

    public static NDArray ofFloats(float[] data, int... shape) {
        return wrap(DType.F32, data.clone(), shapeOr1d(shape, data.length));
    }

    public static NDArray ofLongs(long[] data, int... shape) {
        return wrap(DType.I64, data.clone(), shapeOr1d(shape, data.length));
    }

    public static NDArray ofInts(int[] data, int... shape) {
        return wrap(DType.I32, data.clone(), shapeOr1d(shape, data.length));
    }

    public static NDArray ofBooleans(boolean[] data, int... shape) {
        return wrap(DType.BOOL, data.clone(), shapeOr1d(shape, data.length));
    }

    private static int[] shapeOr1d(int[] shape, int length) {
        return shape.length == 0 ? new int[] {length} : shape;
    }

    public static NDArray scalar(double v) {
        return wrap(DType.F64, new double[] {v}, new int[0]);
    }

    public static NDArray scalar(long v) {
        return wrap(DType.I64, new long[] {v}, new int[0]);
    }

    public static NDArray scalar(boolean v) {
        return wrap(DType.BOOL, new boolean[] {v}, new int[0]);
    }

    // ---------------------------------------------------------------- accessors

    public DType dtype() {
        return dtype;
    }

    /** The buffer holding the elements, shared with views; only the code that created a fresh array may write to it. */
    public Buffer buffer() {
        return data;
    }

    /** Whether the elements are in a primitive array on the JVM heap. */
    public boolean isOnHeap() {
        return data instanceof HeapBuffer;
    }

    /**
     * Whether this array is the whole of a heap buffer in C order (no view of a larger one): a kernel may write its
     * result into it as into a fresh array of this dtype and shape.
     */
    boolean isWholeHeapArray() {
        return isContiguous() && offset == 0 && isOnHeap() && data.length() == size;
    }

    /**
     * The backing primitive array ({@code double[]} for f64, ...), shared with views, for code that runs on heap
     * arrays (generated kernels, the runtime's loops); only the code that created a fresh array may write to it.
     *
     * @throws TxRuntimeException when the elements are not on the heap (copy them with {@link #toHeap()})
     */
    public Object heapArray() {
        return switch (data) {
            case HeapBuffer h -> h.array();
            case NativeBuffer n -> throw new TxRuntimeException("array of " + dtype.spelling() + Arrays.toString(shape)
                    + " is in native memory; this operation runs on the JVM heap: copy it there with toHeap()");
        };
    }

    /** This array if its elements are on the heap, otherwise a contiguous copy of them there. */
    public NDArray toHeap() {
        return isOnHeap() ? this : to(Buffer.Allocator.HEAP);
    }

    /** A fresh C-contiguous copy in the memory {@code memory} allocates. */
    public NDArray to(Buffer.Allocator memory) {
        Buffer out = memory.allocate(dtype, size);
        Strided.rows(shape, new int[][] {strides, Shapes.contiguousStrides(shape)}, new int[] {offset, 0},
                (pos, step, n) -> Buffers.copyRun(data, pos[0], step[0], out, pos[1], step[1], n));
        return new NDArray(dtype, out, dims(shape), rowMajor(shape), 0);
    }

    public int offset() {
        return offset;
    }

    /** A copy of the shape; use {@link #dim} in hot code. */
    public int[] shape() {
        return dims(shape);
    }

    /** A copy of the strides in elements; use {@link #stride} in hot code. */
    public int[] strides() {
        return strides.clone();
    }

    public int dim(int axis) {
        return shape[axis];
    }

    public int stride(int axis) {
        return strides[axis];
    }

    public int rank() {
        return shape.length;
    }

    public int size() {
        return size;
    }

    /** Whether the elements are laid out in C order without gaps (the offset may be anywhere). */
    public boolean isContiguous() {
        if (size == 0) {
            return true;
        }
        int expected = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            if (shape[d] != 1 && strides[d] != expected) {
                return false;
            }
            expected *= shape[d];
        }
        return true;
    }

    // ---------------------------------------------------------------- element access

    public double getDouble(int... idx) {
        return data.getDouble(position(idx));
    }

    public long getLong(int... idx) {
        return data.getLong(position(idx));
    }

    public boolean getBoolean(int... idx) {
        return data.getBoolean(position(idx));
    }

    /** The element at C-order index {@code i} of the logical array. */
    public double getDoubleFlat(int i) {
        if (i < 0 || i >= size) {
            throw new TxRuntimeException("index " + i + " is out of bounds for size " + size);
        }
        return data.getDouble(flatPosition(i));
    }

    int flatPosition(int i) {
        int p = offset;
        for (int d = shape.length - 1; d >= 0; d--) {
            p += (i % shape[d]) * strides[d];
            i /= shape[d];
        }
        return p;
    }

    private int position(int[] idx) {
        if (idx.length != shape.length) {
            throw new TxRuntimeException("expected " + shape.length + " indices for array of dimension "
                    + shape.length + ", got " + idx.length);
        }
        int p = offset;
        for (int d = 0; d < idx.length; d++) {
            if (idx[d] < 0 || idx[d] >= shape[d]) {
                throw outOfBounds(idx[d], d, shape[d]);
            }
            p += idx[d] * strides[d];
        }
        return p;
    }

    private static TxRuntimeException outOfBounds(long i, int axis, int size) {
        return new TxRuntimeException("index " + i + " is out of bounds for axis " + axis + " with size " + size);
    }

    /** The elements in C order as doubles. */
    public double[] toDoubleArray() {
        return (double[]) convert(DType.F64, Buffer.Allocator.HEAP).heapArray();
    }

    /** The elements in C order as longs (floats truncate toward zero). */
    public long[] toLongArray() {
        return (long[]) convert(DType.I64, Buffer.Allocator.HEAP).heapArray();
    }

    // ---------------------------------------------------------------- views

    /** The axes permuted: output axis {@code i} is input axis {@code perm[i]}. */
    public NDArray transpose(int... perm) {
        if (perm.length != shape.length) {
            throw new TxRuntimeException("transpose: axes " + Arrays.toString(perm) + " don't match array of dimension " + shape.length);
        }
        boolean[] seen = new boolean[perm.length];
        int[] sh = new int[perm.length];
        int[] st = new int[perm.length];
        for (int i = 0; i < perm.length; i++) {
            int a = Shapes.normalizeAxis(perm[i], shape.length);
            if (seen[a]) {
                throw new TxRuntimeException("transpose: repeated axis " + perm[i] + " in " + Arrays.toString(perm));
            }
            seen[a] = true;
            sh[i] = shape[a];
            st[i] = strides[a];
        }
        return new NDArray(dtype, data, sh, st, offset);
    }

    /** All axes reversed, as NumPy's {@code .T}. */
    public NDArray transpose() {
        int[] perm = new int[shape.length];
        for (int i = 0; i < perm.length; i++) perm[i] = perm.length - 1 - i;
        return transpose(perm);
    }

    /** New axes of size 1 at {@code axes}, which are positions in the output, sorted and unique. */
    public NDArray expandDims(int... axes) {
        int outRank = shape.length + axes.length;
        Shapes.checkAxes(axes, outRank, "expand_dims");
        int[] sh = new int[outRank];
        int[] st = new int[outRank];
        for (int o = 0, a = 0, d = 0; o < outRank; o++) {
            if (a < axes.length && axes[a] == o) {
                sh[o] = 1;
                a++;
            } else {
                sh[o] = shape[d];
                st[o] = strides[d];
                d++;
            }
        }
        return new NDArray(dtype, data, sh, st, offset);
    }

    /** The axes {@code axes} (each of size 1) removed; no axes means none removed. */
    public NDArray squeeze(int... axes) {
        boolean[] drop = new boolean[shape.length];
        for (int a : axes) {
            int ax = Shapes.normalizeAxis(a, shape.length);
            if (shape[ax] != 1) {
                throw new TxRuntimeException("cannot select an axis to squeeze out which has size not equal to one (axis "
                        + a + " of shape " + Shapes.format(shape) + ")");
            }
            drop[ax] = true;
        }
        return dropAxes(drop);
    }

    /** Every axis of size 1 removed, as NumPy's {@code squeeze()} without arguments. */
    public NDArray squeezeAll() {
        boolean[] drop = new boolean[shape.length];
        for (int d = 0; d < shape.length; d++) drop[d] = shape[d] == 1;
        return dropAxes(drop);
    }

    private NDArray dropAxes(boolean[] drop) {
        int kept = 0;
        for (boolean b : drop) kept += b ? 0 : 1;
        int[] sh = new int[kept];
        int[] st = new int[kept];
        for (int d = 0, o = 0; d < shape.length; d++) {
            if (!drop[d]) {
                sh[o] = shape[d];
                st[o++] = strides[d];
            }
        }
        return new NDArray(dtype, data, sh, st, offset);
    }

    /** This array stretched to {@code target} by NumPy's rules; stretched dims get stride 0. */
    public NDArray broadcastTo(int... target) {
        int extra = target.length - shape.length;
        if (extra < 0) {
            throw cannotBroadcast(target);
        }
        int[] st = new int[target.length];
        for (int d = 0; d < shape.length; d++) {
            int t = target[extra + d];
            if (shape[d] == t) {
                st[extra + d] = strides[d];
            } else if (shape[d] != 1 || t < 0) {
                throw cannotBroadcast(target);
            }
        }
        Shapes.size(target);
        return new NDArray(dtype, data, target.clone(), st, offset);
    }

    private TxRuntimeException cannotBroadcast(int[] target) {
        return new TxRuntimeException("cannot broadcast array of shape " + Shapes.format(shape) + " to shape " + Shapes.format(target));
    }

    /**
     * The elements {@code start, start+step, ...} of {@code axis} before {@code stop}, with bounds already
     * normalized as Python's {@code slice.indices} gives them (for a negative step, {@code stop} may be -1).
     */
    public NDArray slice(int axis, int start, int stop, int step) {
        int ax = Shapes.normalizeAxis(axis, shape.length);
        if (step == 0) {
            throw new TxRuntimeException("slice step cannot be zero");
        }
        long span = step > 0 ? (long) stop - start : (long) start - stop;
        int len = (int) Math.max(0, (span + Math.abs((long) step) - 1) / Math.abs((long) step));
        int n = shape[ax];
        long last = start + (long) (len - 1) * step;
        if (len > 0 && (start < 0 || start >= n || last < 0 || last >= n)) {
            throw new TxRuntimeException("slice " + start + ":" + stop + ":" + step + " is out of bounds for axis "
                    + ax + " with size " + n);
        }
        int[] sh = shape.clone();
        int[] st = strides.clone();
        sh[ax] = len;
        st[ax] = len > 1 ? Math.multiplyExact(strides[ax], step) : strides[ax];
        return new NDArray(dtype, data, sh, st, len > 0 ? offset + start * strides[ax] : offset);
    }

    /**
     * Python slicing per dim ({@code x[a:b:c, ...]}); arrays shorter than the rank leave the trailing dims whole.
     * A bound equal to {@code Integer.MIN_VALUE} or {@code Integer.MAX_VALUE} is absent; a step of
     * {@code Integer.MIN_VALUE} is absent (1).
     */
    public NDArray sliceNumpy(int[] starts, int[] stops, int[] steps) {
        if (starts.length != stops.length || starts.length != steps.length || starts.length > shape.length) {
            throw new TxRuntimeException("too many indices for array: array is " + shape.length
                    + "-dimensional, but " + Math.max(starts.length, Math.max(stops.length, steps.length)) + " were indexed");
        }
        NDArray v = this;
        for (int d = 0; d < starts.length; d++) {
            int[] b = normalizeSlice(shape[d], starts[d], stops[d], steps[d]);
            v = v.slice(d, b[0], b[1], b[2]);
        }
        return v;
    }

    /** {@code {start, stop, step}} for a dim of size {@code n}, clamped as Python's {@code slice.indices(n)}. */
    static int[] normalizeSlice(int n, int start, int stop, int step) {
        if (step == Integer.MIN_VALUE) {
            step = 1;
        }
        if (step == 0) {
            throw new TxRuntimeException("slice step cannot be zero");
        }
        int lower = step > 0 ? 0 : -1;
        int upper = step > 0 ? n : n - 1;
        int s = absent(start) ? (step > 0 ? lower : upper) : clamp(start, n, lower, upper);
        int e = absent(stop) ? (step > 0 ? upper : lower) : clamp(stop, n, lower, upper);
        return new int[] {s, e, step};
    }

    private static boolean absent(int bound) {
        return bound == Integer.MIN_VALUE || bound == Integer.MAX_VALUE;
    }

    private static int clamp(int bound, int n, int lower, int upper) {
        int b = bound < 0 ? bound + n : bound;
        return Math.max(lower, Math.min(upper, b));
    }

    /** The sub-array at index {@code i} of {@code axis}, which is dropped; a negative {@code i} counts from the end. */
    public NDArray index(int axis, long i) {
        int ax = Shapes.normalizeAxis(axis, shape.length);
        long j = i < 0 ? i + shape[ax] : i;
        if (j < 0 || j >= shape[ax]) {
            throw outOfBounds(i, ax, shape[ax]);
        }
        boolean[] drop = new boolean[shape.length];
        drop[ax] = true;
        NDArray v = dropAxes(drop);
        return new NDArray(dtype, data, v.shape, v.strides, offset + (int) j * strides[ax]);
    }

    // ---------------------------------------------------------------- copies

    /** A fresh C-contiguous copy with offset 0, in the memory this array is in. */
    public NDArray copy() {
        return to(data.allocator());
    }

    /** This array if it is contiguous, starts at 0 and fills its data exactly; otherwise a copy. */
    public NDArray contiguous() {
        return isContiguous() && offset == 0 && data.length() == size ? this : copy();
    }

    /** The same elements in C order with a new shape (one dim may be -1); a view when this array is contiguous. */
    public NDArray reshape(int... newShape) {
        int[] target = resolveReshape(newShape);
        if (!isContiguous()) {
            return copy().reshape(target);
        }
        return new NDArray(dtype, data, target, Shapes.contiguousStrides(target), offset);
    }

    private int[] resolveReshape(int[] newShape) {
        int[] target = newShape.clone();
        int unknown = -1;
        long known = 1;
        for (int d = 0; d < target.length; d++) {
            if (target[d] == -1 && unknown < 0) {
                unknown = d;
            } else if (target[d] < 0) {
                throw new TxRuntimeException("cannot reshape array of size " + size + " into shape " + Shapes.formatCompact(newShape));
            } else {
                known *= target[d];
            }
        }
        if (unknown >= 0 && known != 0 && size % known == 0) {
            target[unknown] = (int) (size / known);
            known = size;
        }
        if (known != size || (unknown >= 0 && target[unknown] < 0)) {
            throw new TxRuntimeException("cannot reshape array of size " + size + " into shape " + Shapes.formatCompact(newShape));
        }
        return target;
    }

    /**
     * The elements converted to {@code to} as NumPy's astype: float to int truncates, ints wrap, to bool is != 0; in
     * the memory this array is in.
     */
    public NDArray astype(DType to) {
        return to == dtype ? this : convert(to, data.allocator());
    }

    // always a fresh contiguous array
    private NDArray convert(DType to, Buffer.Allocator memory) {
        Buffer out = memory.allocate(to, size);
        Strided.rows(shape, new int[][] {strides, Shapes.contiguousStrides(shape)}, new int[] {offset, 0},
                (pos, step, n) -> Buffers.convertRun(data, pos[0], step[0], out, pos[1], 1, n));
        return new NDArray(to, out, shape.clone(), Shapes.contiguousStrides(shape), 0);
    }

    /** Writes {@code src} (same dtype and shape) into the elements this view selects; only for fresh outputs. */
    void assign(NDArray src) {
        if (src.dtype != dtype || !Arrays.equals(src.shape, shape)) {
            throw new TxRuntimeException("cannot assign array of " + src.dtype.spelling() + Shapes.format(src.shape)
                    + " to a region of " + dtype.spelling() + Shapes.format(shape));
        }
        Strided.rows(shape, new int[][] {src.strides, strides}, new int[] {src.offset, offset},
                (pos, step, n) -> Buffers.copyRun(src.data, pos[0], step[0], data, pos[1], step[1], n));
    }

    // ---------------------------------------------------------------- identity

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof NDArray b) || b.dtype != dtype || !Arrays.equals(b.shape, shape)) {
            return false;
        }
        for (int i = 0; i < size; i++) {
            if (elementBits(i) != b.elementBits(i)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        int h = 31 * dtype.hashCode() + Arrays.hashCode(shape);
        for (int i = 0; i < size; i++) {
            h = 31 * h + Long.hashCode(elementBits(i));
        }
        return h;
    }

    // floats compare by bits (NaN equals NaN), as Arrays.equals does
    private long elementBits(int i) {
        int p = flatPosition(i);
        return dtype.isFloat() ? Double.doubleToLongBits(data.getDouble(p)) : data.getLong(p);
    }

    /** NumPy-style text, see {@link Format#text}. */
    @Override
    public String toString() {
        return Format.text(this);
    }
}
