package dev.txc.runtime;

import dev.txc.types.DType;

/**
 * The iteration space of one elementwise kernel: outputs (allocated here, contiguous) and inputs broadcast to a
 * common shape, with adjacent dims merged where every operand allows, seen as rows of a contiguous inner run.
 * Operand k's element (row, j) is {@code data[k][base(k, row) + j * innerStride[k]]}. Large loops run in
 * parallel over rows; one long row is cut into blocks so that it can be split too.
 */
public final class Loop {
    /** Work below this many elements runs on the calling thread. */
    static final int PARALLEL_MIN = 1 << 15;
    private static final int BLOCK = 1 << 14;
    /**
     * The largest intermediate buffer (in elements) a workspace keeps between calls: larger ones are allocated per
     * call, where allocation costs little beside the work, so that a function does not hold big arrays while idle.
     */
    static final int KEEP_MAX = 1 << 20;

    public final Object[] data;
    public final int[] innerStride;
    /**
     * Whether a kernel takes its vector loop on unit-stride rows, set by {@link #run(CompiledFunction, int, int)} for
     * each call: rows at least as long as the kernel's gate, or what the site's {@link VectorWarmup} chose.
     */
    public boolean vector;
    /** The warm-up state of this loop's kernel call site, for a loop kept in a {@link Workspace}; else null. */
    private VectorWarmup warm;
    private final DType[] dtypes;
    /** For a reduction kernel: one accumulated value per row, written by the kernel. */
    public double[] partials;
    /** The broadcast shape of the index space (before dims were dropped or merged). */
    private final int[] space;
    private final NDArray[] outputs;
    /** Whether each row is one element of a reduction's result (the result then wraps {@link #partials}). */
    private final boolean wholeRows;
    /** For a loop cached in a {@link Workspace}: the layout it was built for, and whether it keeps its output buffer. */
    /** For each input: its rank, dims and strides, one after another. */
    private int[] layout;
    private int inputCount;
    private long[][] shapeValues;
    private DType[] outTypes;
    /** Whether the index space has at most KEEP_MAX elements. */
    private boolean small;
    private boolean keepsOutput;
    private final int[] offset;
    private final int[][] outerStrides;
    private final int[] outerDims;
    private final int inner;
    private final int rows;
    private final int lastLength;

    private Loop(NDArray[] operands, int nOut, int[] dims, int[][] strides, int[] space, boolean reduce, boolean wholeRows) {
        int n = operands.length, r = dims.length;
        this.space = space;
        this.wholeRows = wholeRows;
        this.outputs = java.util.Arrays.copyOf(operands, nOut);
        this.data = new Object[n];
        this.offset = new int[n];
        this.dtypes = new DType[n];
        for (int k = 0; k < n; k++) {
            data[k] = operands[k].heapArray();
            offset[k] = operands[k].offset();
            dtypes[k] = operands[k].dtype();
        }
        int innerLen = r == 0 ? 1 : dims[r - 1];
        int[] innerSt = new int[n];
        for (int k = 0; k < n; k++) innerSt[k] = r == 0 ? 0 : strides[k][r - 1];
        int outerRank = Math.max(0, r - 1);
        int[] od = java.util.Arrays.copyOf(dims, outerRank);
        int[][] os = new int[n][];
        for (int k = 0; k < n; k++) os[k] = java.util.Arrays.copyOf(strides[k], outerRank);
        int last = innerLen;
        if (outerRank == 0 && innerLen > BLOCK && !wholeRows) {
            // One long run: cut it into blocks, an outer dim of stride BLOCK * inner stride.
            od = new int[] {(innerLen + BLOCK - 1) / BLOCK};
            for (int k = 0; k < n; k++) os[k] = new int[] {BLOCK * innerSt[k]};
            last = innerLen - (od[0] - 1) * BLOCK;
            innerLen = BLOCK;
        }
        this.innerStride = innerSt;
        this.inner = innerLen;
        this.outerDims = od;
        this.outerStrides = os;
        this.lastLength = last;
        int rw = 1;
        for (int d : od) rw *= d;
        this.rows = Shapes.size(dims) == 0 ? 0 : rw;
        this.partials = reduce ? new double[rows] : null;
    }

    /**
     * Allocates contiguous outputs of the given dtypes over the broadcast shape of the inputs and of the i64 shape
     * vectors in {@code shapes} (may be null), and builds the loop.
     */
    public static Loop prepare(NDArray[] inputs, DType[] outDtypes, NDArray[] shapes) {
        int[] shape = broadcastShape(inputs, shapes);
        var ops = new NDArray[outDtypes.length + inputs.length];
        for (int k = 0; k < outDtypes.length; k++) ops[k] = NDArray.zeros(outDtypes[k], shape);
        System.arraycopy(inputs, 0, ops, outDtypes.length, inputs.length);
        return build(ops, outDtypes.length, shape, false, false);
    }

    /**
     * Like {@link #prepare} with one output written into {@code targets[k]} (when given) if it can hold it: same dtype
     * and shape, contiguous, owning exactly its data; otherwise a fresh output. The caller guarantees that nothing
     * reads the target's old values after this loop, and that the kernel reads it only at the element it writes.
     */
    public static Loop prepareInto(NDArray[] inputs, DType outDtype, NDArray[] shapes, NDArray[] targets, int k) {
        NDArray target = targets == null || k >= targets.length ? null : targets[k];
        if (target == null) return prepare(inputs, new DType[] {outDtype}, shapes);
        int[] shape = broadcastShape(inputs, shapes);
        boolean fits = target.dtype() == outDtype && java.util.Arrays.equals(target.shape(), shape) && target.isWholeHeapArray();
        if (!fits) return prepare(inputs, new DType[] {outDtype}, shapes);
        var ops = new NDArray[inputs.length + 1];
        ops[0] = target;
        System.arraycopy(inputs, 0, ops, 1, inputs.length);
        return build(ops, 1, shape, false, false);
    }

    /**
     * {@link #prepare} for kernel call site {@code site} of a call that owns {@code ws}: the loop built for the same
     * input layout (shapes, strides and shape vectors) at an earlier call is reused, with the new inputs' data and
     * offsets. With {@code keepOutput} (an intermediate value that no result, update or later call can see) the output
     * buffer is reused too, else each call gets a fresh output.
     */
    public static Loop prepareAt(NDArray[] inputs, DType[] outDtypes, NDArray[] shapes, Workspace ws, int site, boolean keepOutput) {
        Loop c = ws.loop(site);
        if (c != null && c.sameLayout(inputs, shapes)) return c.rebind(inputs, keepOutput);
        Loop l = prepare(inputs, outDtypes, shapes);
        l.warm = VectorWarmup.ON ? ws.warm(site) : null;
        return ws.keep(site, l.remember(inputs, shapes, keepOutput));
    }

    /**
     * {@link #prepareInto} for kernel call site {@code site}, reusing the loop as {@link #prepareAt} does: the output
     * goes into the target when it fits, else into a fresh array (never a kept one: the value is a result or update).
     */
    public static Loop prepareIntoAt(NDArray[] inputs, DType outDtype, NDArray[] shapes, NDArray[] targets, int k, Workspace ws, int site) {
        NDArray target = targets == null || k >= targets.length ? null : targets[k];
        Loop c = ws.loop(site);
        if (c != null && c.sameLayout(inputs, shapes)) return target != null && c.fits(target) ? c.rebindInto(inputs, target) : c.rebind(inputs, false);
        Loop l = prepareInto(inputs, outDtype, shapes, targets, k);
        l.warm = VectorWarmup.ON ? ws.warm(site) : null;
        return ws.keep(site, l.remember(inputs, shapes, false));
    }

    /** Whether {@code target} can be this one-output loop's output: the same dtype and shape, contiguous, all its buffer. */
    private boolean fits(NDArray target) {
        if (outputs.length != 1 || target.dtype() != outTypes[0] || target.rank() != space.length) return false;
        for (int d = 0; d < space.length; d++) if (target.dim(d) != space[d]) return false;
        return target.isWholeHeapArray();
    }

    private void bindInputs(NDArray[] inputs) {
        int nOut = outputs.length;
        for (int k = 0; k < inputs.length; k++) {
            data[nOut + k] = inputs[k].heapArray();
            offset[nOut + k] = inputs[k].offset();
        }
        // A per-row reduction's result wraps its partials: each call needs its own.
        if (partials != null && wholeRows) partials = new double[partials.length];
    }

    private Loop rebindInto(NDArray[] inputs, NDArray target) {
        bindInputs(inputs);
        outputs[0] = target;
        data[0] = target.heapArray();
        keepsOutput = false;
        return this;
    }

    /** {@link #prepareReduce} for kernel call site {@code site}, reusing the loop as {@link #prepareAt} does. */
    public static Loop prepareReduceAt(NDArray[] inputs, NDArray[] shapes, boolean all, Workspace ws, int site) {
        Loop c = ws.loop(site);
        if (c != null && c.sameLayout(inputs, shapes)) return c.rebind(inputs, true);
        Loop l = prepareReduce(inputs, shapes, all);
        l.warm = VectorWarmup.ON ? ws.warm(site) : null;
        return ws.keep(site, l.remember(inputs, shapes, true));
    }

    /** Whether this loop was built for inputs of these shapes and strides and for shape vectors of these values. */
    private boolean sameLayout(NDArray[] inputs, NDArray[] shapes) {
        if (inputs.length != inputCount || (shapes == null) != (shapeValues == null)) return false;
        int[] l = layout;
        int p = 0;
        for (NDArray a : inputs) {
            int r = a.rank();
            if (l[p++] != r) return false;
            for (int d = 0; d < r; d++) if (l[p++] != a.dim(d)) return false;
            for (int d = 0; d < r; d++) if (l[p++] != a.stride(d)) return false;
        }
        if (shapes == null) return true;
        if (shapes.length != shapeValues.length) return false;
        for (int k = 0; k < shapes.length; k++) {
            long[] v = shapeValues[k];
            if (shapes[k].size() != v.length) return false;
            for (int i = 0; i < v.length; i++) if (shapes[k].getLong(i) != v[i]) return false;
        }
        return true;
    }

    /** Whether to keep the output: a reduction's (a 0-d placeholder) always, an intermediate's up to KEEP_MAX elements. */
    private boolean keeps(boolean keepOutput) {
        return partials != null || (keepOutput && small);
    }

    private Loop remember(NDArray[] inputs, NDArray[] shapes, boolean keepOutput) {
        int n = 0;
        for (NDArray a : inputs) n += 1 + 2 * a.rank();
        layout = new int[n];
        inputCount = inputs.length;
        int p = 0;
        for (NDArray a : inputs) {
            layout[p++] = a.rank();
            for (int d = 0; d < a.rank(); d++) layout[p++] = a.dim(d);
            for (int d = 0; d < a.rank(); d++) layout[p++] = a.stride(d);
        }
        if (shapes != null) {
            shapeValues = new long[shapes.length][];
            for (int k = 0; k < shapes.length; k++) {
                shapeValues[k] = new long[shapes[k].size()];
                for (int i = 0; i < shapeValues[k].length; i++) shapeValues[k][i] = shapes[k].getLong(i);
            }
        }
        small = Shapes.size(space) <= KEEP_MAX;
        outTypes = new DType[outputs.length];
        for (int k = 0; k < outputs.length; k++) outTypes[k] = outputs[k].dtype();
        this.keepsOutput = keeps(keepOutput);
        return this;
    }

    /** This loop over new inputs of the layout it was built for; a fresh output unless it keeps its buffer. */
    private Loop rebind(NDArray[] inputs, boolean keepOutput) {
        keepOutput = keeps(keepOutput);
        bindInputs(inputs);
        int nOut = outputs.length;
        if (!keepOutput || !keepsOutput) {
            for (int k = 0; k < nOut; k++) {
                outputs[k] = NDArray.zeros(outTypes[k], space);
                data[k] = outputs[k].heapArray();
            }
        }
        keepsOutput = keepOutput;
        return this;
    }

    /**
     * Drops the references to this call's inputs, and to its outputs unless the loop keeps them for the next call,
     * so that a cached loop keeps no caller's array alive.
     */
    void forget() {
        int nOut = outputs.length;
        for (int k = nOut; k < data.length; k++) data[k] = null;
        if (keepsOutput) return;
        for (int k = 0; k < nOut; k++) {
            outputs[k] = null;
            data[k] = null;
        }
        keepsOutput = false;
    }

    /**
     * The loop of a reduction kernel over the broadcast space of {@code inputs} (and {@code shapes}): each row
     * accumulates into {@link #partials}. With {@code all} the rows are whatever the loop makes of the space (long
     * rows cut into blocks) and {@link #reduced} adds the partials; otherwise the last axis is kept as the row
     * (never merged with the others nor cut), so each row is one element of the result. Operand 0 stands for the
     * output and is never read or written.
     */
    public static Loop prepareReduce(NDArray[] inputs, NDArray[] shapes, boolean all) {
        int[] shape = broadcastShape(inputs, shapes);
        var ops = new NDArray[inputs.length + 1];
        ops[0] = NDArray.zeros(DType.F64);
        System.arraycopy(inputs, 0, ops, 1, inputs.length);
        return build(ops, 1, shape, true, !all);
    }

    /**
     * The result of a reduction kernel: the partials added in row order with Neumaier's compensation (all axes) or
     * taken one per row (last axis), divided by the count for a mean, as {@code dtype} with the reduced axes dropped
     * or, with {@code keepdims}, kept as 1.
     */
    public NDArray reduced(DType dtype, boolean all, boolean mean, boolean keepdims) {
        int r = space.length;
        int[] shape = all ? new int[keepdims ? r : 0] : java.util.Arrays.copyOf(space, keepdims ? r : r - 1);
        if (keepdims) {
            if (all) java.util.Arrays.fill(shape, 1);
            else shape[r - 1] = 1;
        }
        double count = all ? Shapes.size(space) : space[r - 1];
        double[] v;
        if (all) {
            double sum = 0, c = 0;
            for (double p : partials) {
                double t = sum + p;
                c += Math.abs(sum) >= Math.abs(p) ? (sum - t) + p : (p - t) + sum;
                sum = t;
            }
            // An infinite or NaN sum is the answer; its compensation would be inf - inf = NaN.
            v = new double[] {Double.isFinite(sum) ? sum + c : sum};
        } else {
            // An empty space has no rows; each of its (possibly many) results is a sum of nothing.
            v = partials.length == Shapes.size(shape) ? partials : new double[Shapes.size(shape)];
        }
        if (mean) for (int i = 0; i < v.length; i++) v[i] /= count;
        if (dtype == DType.F64) return NDArray.wrap(DType.F64, v, shape);
        float[] f = new float[v.length];
        for (int i = 0; i < f.length; i++) f[i] = (float) v[i];
        return NDArray.wrap(DType.F32, f, shape);
    }

    /** The broadcast of every input and shape vector; an error names each of their shapes, not a partial result. */
    private static int[] broadcastShape(NDArray[] inputs, NDArray[] shapes) {
        if (shapes == null && sameShapes(inputs)) return inputs.length == 0 ? new int[0] : inputs[0].shape();
        var all = new java.util.ArrayList<int[]>();
        if (shapes != null) {
            for (NDArray s : shapes) {
                long[] v = new long[s.size()];
                for (int k = 0; k < v.length; k++) v[k] = s.getLong(k);
                all.add(Shapes.ofLongs(v));
            }
        }
        for (NDArray in : inputs) all.add(in.shape());
        return Shapes.broadcastAll(all.toArray(new int[0][]));
    }

    /** Whether every input has the shape of the first (then that is the broadcast shape). */
    private static boolean sameShapes(NDArray[] inputs) {
        for (int k = 1; k < inputs.length; k++) {
            if (inputs[k].rank() != inputs[0].rank()) return false;
            for (int d = 0; d < inputs[0].rank(); d++) if (inputs[k].dim(d) != inputs[0].dim(d)) return false;
        }
        return true;
    }

    private static Loop build(NDArray[] ops, int nOut, int[] fullShape, boolean reduce, boolean keepLast) {
        int n = ops.length;
        int last = fullShape.length - 1;
        // Dims of size 1 do not move any operand: drop them (except a kept last axis, which is the row).
        int r = 0;
        int[] keep = new int[fullShape.length];
        for (int d = 0; d < fullShape.length; d++) if (fullShape[d] != 1 || (keepLast && d == last)) keep[r++] = d;
        int[] shape = new int[r];
        for (int d = 0; d < r; d++) shape[d] = fullShape[keep[d]];
        int[][] st = new int[n][r];
        for (int k = 0; k < n; k++) {
            NDArray a = ops[k];
            int lead = fullShape.length - a.rank();
            for (int d = 0; d < r; d++) {
                int ad = keep[d] - lead;
                st[k][d] = ad < 0 || a.dim(ad) == 1 ? 0 : a.stride(ad);
            }
        }
        // Merge dim d into d+1 when every operand steps across the pair as across one dim.
        int[] dims = shape.clone();
        int m = r;
        for (int d = keepLast ? r - 3 : r - 2; d >= 0; d--) {
            boolean ok = true;
            for (int k = 0; k < n && ok; k++) ok = st[k][d] == st[k][d + 1] * dims[d + 1];
            if (!ok) continue;
            dims[d] *= dims[d + 1];
            for (int k = 0; k < n; k++) st[k][d] = st[k][d + 1];
            for (int e = d + 1; e < m - 1; e++) {
                dims[e] = dims[e + 1];
                for (int k = 0; k < n; k++) st[k][e] = st[k][e + 1];
            }
            m--;
        }
        int[] md = java.util.Arrays.copyOf(dims, m);
        int[][] ms = new int[n][];
        for (int k = 0; k < n; k++) ms[k] = java.util.Arrays.copyOf(st[k], m);
        return new Loop(ops, nOut, md, ms, fullShape, reduce, keepLast);
    }

    /** True when every operand whose bit is set in {@code mask} walks its inner run with stride 1. */
    public boolean allUnit(long mask) {
        for (int k = 0; k < innerStride.length; k++) if ((mask >>> k & 1) != 0 && innerStride[k] != 1) return false;
        return true;
    }

    /** True when every operand whose bit is set in {@code mask} stays put along the inner run (stride 0). */
    public boolean allZero(long mask) {
        for (int k = 0; k < innerStride.length; k++) if ((mask >>> k & 1) != 0 && innerStride[k] != 0) return false;
        return true;
    }

    public int rows() {
        return rows;
    }

    /** The length of every row but the last (a long run cut into blocks ends with a shorter one). */
    public int rowLength() {
        return inner;
    }

    /** The number of elements in row {@code row}. */
    public int length(int row) {
        return row == rows - 1 ? lastLength : inner;
    }

    /** The index in operand k's data of the first element of row {@code row}. */
    public int base(int k, int row) {
        int b = offset[k];
        int[] s = outerStrides[k];
        if (s.length == 1) return b + row * s[0];  // one outer dim (rows < its size): no division
        for (int d = outerDims.length - 1; d >= 0; d--) {
            int n = outerDims[d];
            b += (row % n) * s[d];
            row /= n;
        }
        return b;
    }

    public NDArray output(int k) {
        return outputs[k];
    }

    /**
     * Rows of at least this many elements (8, two f64 vectors on AVX2; {@code -Dtxc.vector.shortrow=N}) take the
     * vector loop from the first call when the call has {@code gate} elements in all: the kernel's vector loop then
     * runs often enough within the call to be compiled at once, as on long rows. An MLP's tanh layer of 32 units over
     * 8192 samples ran its scalar loop for the whole benchmark before (its site's warm-up needs hundreds of calls);
     * rows of 10 (a 10-class softmax's sums) took half the time on the vector loop as on the scalar-lanes loop.
     */
    static final int SHORT_ROW = Integer.getInteger("txc.vector.shortrow", 8);

    /**
     * Runs a kernel whose vector loop takes rows of at least {@code gate} elements, or of {@link #SHORT_ROW} when the
     * call has {@code gate} elements in all (-1: it has no vector loop); on other rows the site's {@link VectorWarmup}
     * chooses the loop.
     */
    public void run(CompiledFunction fn, int kernel, int gate) {
        VectorWarmup w = warm;
        boolean warmEnough = gate >= 0 && (inner >= gate || inner >= SHORT_ROW && (long) rows * inner >= gate);
        if (gate < 0 || warmEnough || w == null || (long) rows * inner < VectorWarmup.MIN_ELEMENTS) {
            vector = warmEnough;
            run(fn, kernel);
        } else {
            w.run(fn, kernel, this);
        }
    }

    /**
     * A loop of one row of {@code length} zeros per operand, of this loop's dtypes, taking its vector loop: operands
     * that step by 0 along this loop's rows (row operands) are one element, broadcast; the others step by 1.
     */
    Loop scratch(int length) {
        var ops = new NDArray[dtypes.length];
        for (int k = 0; k < ops.length; k++) ops[k] = NDArray.zeros(dtypes[k], k >= outputs.length && innerStride[k] == 0 ? 1 : length);
        Loop l = build(ops, outputs.length, new int[] {length}, partials != null, false);
        l.vector = true;
        return l;
    }

    /** Runs the kernel over every row, in parallel when the loop is large. */
    public void run(CompiledFunction fn, int kernel) {
        long total = (long) rows * inner;
        if (total < PARALLEL_MIN || rows < 2) {
            if (rows > 0) fn.kernel(kernel, this, 0, rows);
            return;
        }
        Parallel.forRange(rows, Long.MAX_VALUE, (lo, hi) -> fn.kernel(kernel, this, lo, hi));
    }
}
