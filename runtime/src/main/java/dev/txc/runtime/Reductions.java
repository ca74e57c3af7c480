package dev.txc.runtime;

import dev.txc.types.DType;

/** Reductions over rows of a {@link Rows} block; pure functions returning fresh arrays. */
final class Reductions {
    /** Rows at most this long are summed directly with eight accumulators; longer ones are split in halves. */
    private static final int PAIRWISE_BLOCK = 256;
    /** Rows at least this long are summed in a fixed number of chunks in parallel (fixed, so results are reproducible). */
    private static final int PARALLEL_SUM = 1 << 20;
    private static final int SUM_CHUNKS = 16;
    /** Columns per task when summing over leading axes in parallel. */
    private static final int COLUMN_CHUNK = 512;

    private Reductions() {}

    static NDArray reduce(ReduceOp op, NDArray x, int[] axes, boolean keepdims) {
        Shapes.checkAxes(axes, x.rank(), op.numpyName());
        DType in = x.dtype();
        if (op == ReduceOp.MEAN && !in.isFloat()) {
            throw new TxRuntimeException("mean: expected a float array, got " + in.spelling() + " (cast it first)");
        }
        if (axes.length == x.rank() && !keepdims && x.size() > 0 && x.isContiguous() && isValueReduction(op)) {
            // every axis of a contiguous f64 or i64 array (the size of a shape, the sum of a gradient): the row's
            // reduction without the bookkeeping of the general path, which small training steps paid per call
            if (in == DType.F64 && x.heapArray() instanceof double[] a) return NDArray.scalar(reduceDoubles(op, a, x.offset(), x.size()));
            if (in == DType.I64 && x.heapArray() instanceof long[] a) return NDArray.scalar(reduceLongs(op, a, x.offset(), x.size()));
        }
        DType outType = outputType(op, in);
        int[] outShape = reducedShape(x.shape(), axes, keepdims);
        if (axes.length == 0) {
            return op == ReduceOp.ARGMAX || op == ReduceOp.ARGMIN ? NDArray.zeros(DType.I64, outShape) : x.astype(outType).copy();
        }
        if ((op == ReduceOp.SUM || op == ReduceOp.MEAN) && in.isFloat() && isLeading(axes) && axes.length < x.rank()
                && x.isContiguous()) {
            return leadingSum(x, axes.length, op == ReduceOp.MEAN, outShape);
        }
        Rows rows = Rows.of(x, axes, computeType(op, in));
        if (rows.inner() == 0 && rows.outer() > 0 && !hasIdentity(op)) {
            throw new TxRuntimeException(op == ReduceOp.ARGMAX || op == ReduceOp.ARGMIN
                    ? "attempt to get " + op.numpyName() + " of an empty sequence"
                    : "zero-size array to reduction operation " + op.numpyName() + " which has no identity");
        }
        Object out = Buffers.allocate(outType, rows.outer());
        if (rows.outer() == 1) {
            reduceRow(op, rows, 0, out, outType);
        } else {
            Parallel.forRange(rows.outer(), (long) rows.outer() * rows.inner(), (from, to) -> {
                for (int r = from; r < to; r++) {
                    reduceRow(op, rows, r, out, outType);
                }
            });
        }
        return NDArray.wrap(outType, out, outShape);
    }

    private static boolean isValueReduction(ReduceOp op) {
        return switch (op) {
            case SUM, PROD, MEAN, MAX, MIN -> true;
            case ANY, ALL, ARGMAX, ARGMIN -> false;
        };
    }

    private static boolean isLeading(int[] axes) {
        for (int i = 0; i < axes.length; i++) {
            if (axes[i] != i) {
                return false;
            }
        }
        return true;
    }

    // sum (or mean) over the leading axes of a contiguous float array: whole rows are added into a row of
    // accumulators, so the inner loop is contiguous instead of transposing the data first
    private static NDArray leadingSum(NDArray x, int leading, boolean mean, int[] outShape) {
        int n = dimsProduct(x, 0, leading);
        int cols = dimsProduct(x, leading, x.rank());
        double[] acc = new double[cols];
        int chunks = cols >= 2 * COLUMN_CHUNK ? (cols + COLUMN_CHUNK - 1) / COLUMN_CHUNK : 1;
        Parallel.forRange(chunks, (long) n * cols, (from, to) -> {
            for (int c = from; c < to; c++) {
                int lo = (int) ((long) cols * c / chunks);
                int hi = (int) ((long) cols * (c + 1) / chunks);
                new ColumnSummer(x.heapArray(), x.offset() + lo, cols, hi - lo).sum(0, n, acc, lo, 0);
            }
        });
        Object out = Buffers.allocate(x.dtype(), cols);
        for (int j = 0; j < cols; j++) Buffers.setDouble(out, x.dtype(), j, mean ? acc[j] / n : acc[j]);
        return NDArray.wrap(x.dtype(), out, outShape);
    }

    private static int dimsProduct(NDArray x, int from, int to) {
        int p = 1;
        for (int d = from; d < to; d++) p *= x.dim(d);
        return p;
    }

    /** Sums a band of columns over a range of rows, pairwise over rows so the error grows with log(rows). */
    private static final class ColumnSummer {
        private static final int BLOCK = 32;
        private final Object data;
        private final int start;
        private final int stride;
        private final int width;
        private final double[][] scratch = new double[32][];

        ColumnSummer(Object data, int start, int stride, int width) {
            this.data = data;
            this.start = start;
            this.stride = stride;
            this.width = width;
        }

        // adds the column sums of rows [from, to) into acc[at .. at + width)
        void sum(int from, int to, double[] acc, int at, int depth) {
            if (to - from <= BLOCK) {
                addRows(from, to, acc, at);
                return;
            }
            int mid = (from + to) >>> 1;
            sum(from, mid, acc, at, depth + 1);
            double[] right = scratch[depth] == null ? (scratch[depth] = new double[width]) : scratch[depth];
            java.util.Arrays.fill(right, 0);
            sum(mid, to, right, 0, depth + 1);
            for (int j = 0; j < width; j++) acc[at + j] += right[j];
        }

        // each column's sum over the block's rows, four columns at a time in registers, added to acc once
        private void addRows(int from, int to, double[] acc, int at) {
            int p0 = start + from * stride;
            switch (data) {
                case double[] d -> {
                    int j = 0;
                    for (; j + 4 <= width; j += 4) {
                        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
                        for (int i = from, p = p0 + j; i < to; i++, p += stride) {
                            s0 += d[p];
                            s1 += d[p + 1];
                            s2 += d[p + 2];
                            s3 += d[p + 3];
                        }
                        acc[at + j] += s0;
                        acc[at + j + 1] += s1;
                        acc[at + j + 2] += s2;
                        acc[at + j + 3] += s3;
                    }
                    for (; j < width; j++) {
                        double s = 0;
                        for (int i = from, p = p0 + j; i < to; i++, p += stride) s += d[p];
                        acc[at + j] += s;
                    }
                }
                case float[] f -> {
                    for (int j = 0; j < width; j++) {
                        double s = 0;
                        for (int i = from, p = p0 + j; i < to; i++, p += stride) s += f[p];
                        acc[at + j] += s;
                    }
                }
                default -> throw new IllegalStateException("column sums need float data, got " + data.getClass());
            }
        }
    }

    private static boolean hasIdentity(ReduceOp op) {
        return switch (op) {
            case SUM, PROD, MEAN, ANY, ALL -> true;
            case MAX, MIN, ARGMAX, ARGMIN -> false;
        };
    }

    static DType outputType(ReduceOp op, DType in) {
        return switch (op) {
            case ARGMAX, ARGMIN -> DType.I64;
            case ANY, ALL -> DType.BOOL;
            case SUM, PROD -> in == DType.BOOL ? DType.I64 : in; // NumPy counts bools
            case MAX, MIN, MEAN -> in;
        };
    }

    // floats reduce in double, integers in long (wrapping like NumPy), bools as bools where the result is one
    private static DType computeType(ReduceOp op, DType in) {
        if (op == ReduceOp.ANY || op == ReduceOp.ALL || (in == DType.BOOL && (op == ReduceOp.MAX || op == ReduceOp.MIN))) {
            return DType.BOOL;
        }
        return in.isFloat() ? DType.F64 : DType.I64;
    }

    static int[] reducedShape(int[] shape, int[] axes, boolean keepdims) {
        boolean[] reduced = new boolean[shape.length];
        for (int a : axes) reduced[a] = true;
        int[] out = new int[keepdims ? shape.length : shape.length - axes.length];
        for (int d = 0, o = 0; d < shape.length; d++) if (keepdims || !reduced[d]) out[o++] = reduced[d] ? 1 : shape[d];
        return out;
    }

    private static void reduceRow(ReduceOp op, Rows rows, int r, Object out, DType outType) {
        int n = rows.inner();
        int p = rows.offset() + r * n;
        boolean arg = op == ReduceOp.ARGMAX || op == ReduceOp.ARGMIN;
        switch (rows.data()) {
            case double[] a when arg -> Buffers.setLong(out, outType, r, argExtreme(a, p, n, op == ReduceOp.ARGMAX));
            case double[] a -> Buffers.setDouble(out, outType, r, reduceDoubles(op, a, p, n));
            case long[] a when arg -> Buffers.setLong(out, outType, r, argExtreme(a, p, n, op == ReduceOp.ARGMAX));
            case long[] a -> Buffers.setLong(out, outType, r, reduceLongs(op, a, p, n));
            case boolean[] a -> ((boolean[]) out)[r] = reduceBooleans(op, a, p, n);
            default -> throw new IllegalStateException("no reduction over " + rows.data().getClass());
        }
    }

    private static double reduceDoubles(ReduceOp op, double[] a, int p, int n) {
        return switch (op) {
            case SUM -> sum(a, p, n);
            case MEAN -> sum(a, p, n) / n;
            case PROD -> {
                double s = 1;
                for (int i = 0; i < n; i++) s *= a[p + i];
                yield s;
            }
            case MAX -> extreme(a, p, n, true);
            case MIN -> extreme(a, p, n, false);
            case ANY, ALL, ARGMAX, ARGMIN -> throw new IllegalStateException(op + " is not a value reduction over doubles");
        };
    }

    private static long reduceLongs(ReduceOp op, long[] a, int p, int n) {
        return switch (op) {
            case SUM -> {
                long s = 0;
                for (int i = 0; i < n; i++) s += a[p + i];
                yield s;
            }
            case PROD -> {
                long s = 1;
                for (int i = 0; i < n; i++) s *= a[p + i];
                yield s;
            }
            case MAX -> {
                long s = Long.MIN_VALUE;
                for (int i = 0; i < n; i++) s = Math.max(s, a[p + i]);
                yield s;
            }
            case MIN -> {
                long s = Long.MAX_VALUE;
                for (int i = 0; i < n; i++) s = Math.min(s, a[p + i]);
                yield s;
            }
            case MEAN, ANY, ALL, ARGMAX, ARGMIN -> throw new IllegalStateException(op + " is not a value reduction over longs");
        };
    }

    private static boolean reduceBooleans(ReduceOp op, boolean[] a, int p, int n) {
        boolean any = switch (op) {
            case ANY, MAX -> true;
            case ALL, MIN -> false;
            case SUM, PROD, MEAN, ARGMAX, ARGMIN -> throw new IllegalStateException(op + " is not a bool reduction");
        };
        // any: is some element true; all: is no element false
        for (int i = 0; i < n; i++) {
            if (a[p + i] == any) {
                return any;
            }
        }
        return !any;
    }

    /** The sum of {@code a[p .. p+n)}: pairwise, so the rounding error grows with log n rather than n. */
    static double sum(double[] a, int p, int n) {
        if (n < PARALLEL_SUM) {
            return pairwise(a, p, n);
        }
        double[] parts = new double[SUM_CHUNKS];
        Parallel.forRange(SUM_CHUNKS, Long.MAX_VALUE, (c0, c1) -> {
            for (int c = c0; c < c1; c++) {
                int from = (int) ((long) n * c / SUM_CHUNKS);
                int to = (int) ((long) n * (c + 1) / SUM_CHUNKS);
                parts[c] = pairwise(a, p + from, to - from);
            }
        });
        return pairwise(parts, 0, SUM_CHUNKS);
    }

    private static double pairwise(double[] a, int p, int n) {
        if (n > PAIRWISE_BLOCK) {
            int half = (n >>> 1) & ~7;
            return pairwise(a, p, half) + pairwise(a, p + half, n - half);
        }
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
        int i = 0;
        for (; i + 8 <= n; i += 8) {
            s0 += a[p + i];
            s1 += a[p + i + 1];
            s2 += a[p + i + 2];
            s3 += a[p + i + 3];
            s4 += a[p + i + 4];
            s5 += a[p + i + 5];
            s6 += a[p + i + 6];
            s7 += a[p + i + 7];
        }
        double rest = 0;
        for (; i < n; i++) rest += a[p + i];
        return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7)) + rest;
    }

    // NaN-propagating maximum or minimum of a nonempty row
    private static double extreme(double[] a, int p, int n, boolean max) {
        double m = a[p];
        for (int i = 1; i < n && m == m; i++) {
            double v = a[p + i];
            if (max ? v > m : v < m) {
                m = v;
            } else if (v != v) {
                return v;
            } else if (v == 0 && m == 0) { // IEEE maximum: +0.0 is the larger zero, whatever the order (DECISIONS)
                m = max ? Math.max(m, v) : Math.min(m, v);
            }
        }
        return m;
    }

    /** The index of the first maximal (or minimal) element; a NaN counts as both, so the first NaN wins. */
    static int argExtreme(double[] a, int p, int n, boolean max) {
        int best = 0;
        double m = a[p];
        for (int i = 1; i < n && m == m; i++) {
            double v = a[p + i];
            if (max ? v > m : v < m) {
                m = v;
                best = i;
            } else if (v != v) {
                return i;
            }
        }
        return best;
    }

    static int argExtreme(long[] a, int p, int n, boolean max) {
        int best = 0;
        long m = a[p];
        for (int i = 1; i < n; i++) {
            long v = a[p + i];
            if (max ? v > m : v < m) {
                m = v;
                best = i;
            }
        }
        return best;
    }

    /** A bool mask shaped like {@code x}, true exactly at the first maximal (or minimal) element of each reduced slice. */
    static NDArray argMask(NDArray x, int[] axes, boolean isMax) {
        Shapes.checkAxes(axes, x.rank(), isMax ? "argmax" : "argmin");
        Rows rows = Rows.of(x, axes, x.dtype().isFloat() ? DType.F64 : DType.I64);
        int n = rows.inner();
        boolean[] mask = new boolean[rows.outer() * n];
        if (n > 0) {
            for (int r = 0; r < rows.outer(); r++) {
                int p = rows.offset() + r * n;
                int i = rows.data() instanceof double[] d ? argExtreme(d, p, n, isMax) : argExtreme((long[]) rows.data(), p, n, isMax);
                mask[r * n + i] = true;
            }
        }
        return rows.unpermute(DType.BOOL, mask);
    }
}
