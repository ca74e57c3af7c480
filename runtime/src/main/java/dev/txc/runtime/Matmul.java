package dev.txc.runtime;

import dev.txc.types.DType;
import java.util.Arrays;

/** np.matmul over NDArrays: blocked, row-parallel kernels over contiguous rows for f64 and f32, long accumulation for integers. */
final class Matmul {
    /** Per-batch flop count below which whole matrices, not rows, are spread across cores. */
    private static final long SMALL_PROBLEM = 1 << 22;
    private static final String SIGNATURE = "gufunc core with signature (n?,k),(k,m?)->(n?,m?)";

    private Matmul() {}

    /** One batch element of an operand: a matrix at {@code offset} with row stride {@code ld} and column stride 1. */
    private record Matrix(Object data, int offset, int ld) {}

    static NDArray matmul(NDArray a, NDArray b) {
        return matmul(a, b, null);
    }

    /**
     * np.matmul, computed into {@code reuse}'s buffer when it is a whole, contiguous heap array of the result's dtype and
     * shape (an earlier result of the same product that nobody else holds), else into a new one.
     */
    static NDArray matmul(NDArray a, NDArray b, NDArray reuse) {
        if (a.dtype() != b.dtype()) {
            throw new TxRuntimeException("matmul: operands must have the same dtype, got " + a.dtype().spelling()
                    + " and " + b.dtype().spelling());
        }
        checkRank(a, 0);
        checkRank(b, 1);
        if (a.rank() <= 2 && b.rank() <= 2 && a.dtype().isFloat() && b.dim(0) == a.dim(a.rank() - 1)) return unbatched(a, b, reuse);
        NDArray a2 = a.rank() == 1 ? a.expandDims(0) : a;
        NDArray b2 = b.rank() == 1 ? b.expandDims(1) : b;
        int m = a2.dim(a2.rank() - 2);
        int k = a2.dim(a2.rank() - 1);
        int n = b2.dim(b2.rank() - 1);
        if (b2.dim(b2.rank() - 2) != k) {
            throw new TxRuntimeException("matmul: Input operand 1 has a mismatch in its core dimension 0, with "
                    + SIGNATURE + " (size " + b2.dim(b2.rank() - 2) + " is different from " + k + ")");
        }
        int[] batch = batchShape(a2, b2);
        DType dt = a.dtype();
        DType compute = dt.isFloat() ? dt : DType.I64;
        NDArray ab = a2.astype(compute).broadcastTo(concat(batch, m, k));
        NDArray bb = b2.astype(compute).broadcastTo(concat(batch, k, n));
        int batches = Shapes.size(batch);
        Object c = Buffers.allocate(compute, Shapes.size(new int[] {batches, m, n}));
        int[] aOffsets = batchOffsets(ab, batch.length);
        int[] bOffsets = batchOffsets(bb, batch.length);
        long flops = 2L * m * n * k;
        if (batches >= 4 && flops < SMALL_PROBLEM) {
            Parallel.forRange(batches, flops * batches >> 4, (from, to) -> {
                for (int i = from; i < to; i++) multiply(ab, aOffsets[i], bb, bOffsets[i], c, i * m * n, m, n, k, false);
            });
        } else {
            for (int i = 0; i < batches; i++) multiply(ab, aOffsets[i], bb, bOffsets[i], c, i * m * n, m, n, k, true);
        }
        int[] outShape = outputShape(batch, a.rank() == 1 ? -1 : m, b.rank() == 1 ? -1 : n);
        NDArray out = NDArray.wrap(compute, c, outShape);
        return out.astype(dt);
    }

    /**
     * A product of vectors and matrices without batch dims, f64 or f32: the general path's kernels, read through the
     * operands' own strides, without its broadcast views and offset tables (the cost of small products per call).
     */
    private static NDArray unbatched(NDArray a, NDArray b, NDArray reuse) {
        int m = a.rank() == 2 ? a.dim(0) : 1, k = a.dim(a.rank() - 1), n = b.rank() == 2 ? b.dim(1) : 1;
        int ars = a.rank() == 2 ? a.stride(0) : 0, acs = a.stride(a.rank() - 1);
        int brs = b.stride(0), bcs = b.rank() == 2 ? b.stride(1) : 0;
        int[] shape = a.rank() == 2 && b.rank() == 2 ? new int[] {m, n} : a.rank() == 2 ? new int[] {m} : b.rank() == 2 ? new int[] {n} : new int[0];
        boolean reused = fits(reuse, a.dtype(), shape);
        Object c = reused ? reuse.heapArray() : Buffers.allocate(a.dtype(), m * n);
        if (reused) zero(c); // the f64 kernels add to C
        if (m > 0 && n > 0 && k > 0) {
            productInto(MatKernels.forWork(m, n, k), a.heapArray(), a.offset(), ars, acs, b.heapArray(), b.offset(), brs, bcs, c, 0, m, n, k, true);
        }
        return reused ? reuse : NDArray.wrap(a.dtype(), c, shape);
    }

    private static boolean fits(NDArray r, DType dt, int[] shape) {
        return r != null && r.dtype() == dt && Arrays.equals(r.shape(), shape) && r.isWholeHeapArray();
    }

    private static void zero(Object c) {
        if (c instanceof double[] d) Arrays.fill(d, 0);
        else Arrays.fill((float[]) c, 0);
    }

    private static void checkRank(NDArray x, int operand) {
        if (x.rank() == 0) {
            throw new TxRuntimeException("matmul: Input operand " + operand + " does not have enough dimensions (has 0, "
                    + SIGNATURE + " requires 1)");
        }
    }

    private static int[] batchShape(NDArray a2, NDArray b2) {
        int[] sa = Arrays.copyOf(a2.shape(), a2.rank() - 2);
        int[] sb = Arrays.copyOf(b2.shape(), b2.rank() - 2);
        try {
            return Shapes.broadcast(sa, sb);
        } catch (TxRuntimeException e) {
            throw new TxRuntimeException("matmul: batch dimensions could not be broadcast together with shapes "
                    + Shapes.formatCompact(a2.shape()) + " " + Shapes.formatCompact(b2.shape()));
        }
    }

    private static int[] concat(int[] batch, int r, int c) {
        int[] s = Arrays.copyOf(batch, batch.length + 2);
        s[batch.length] = r;
        s[batch.length + 1] = c;
        return s;
    }

    // batch + [m] + [n], leaving out the dims that were promoted from rank 1 (marked -1)
    private static int[] outputShape(int[] batch, int m, int n) {
        int[] s = Arrays.copyOf(batch, batch.length + (m >= 0 ? 1 : 0) + (n >= 0 ? 1 : 0));
        int i = batch.length;
        if (m >= 0) s[i++] = m;
        if (n >= 0) s[i] = n;
        return s;
    }

    // the storage position of matrix i (batch index in C order) of a broadcast view
    private static int[] batchOffsets(NDArray v, int batchRank) {
        int[] batch = Arrays.copyOf(v.shape(), batchRank);
        int[] offsets = new int[Shapes.size(batch)];
        for (int i = 0; i < offsets.length; i++) {
            int p = v.offset();
            int rest = i;
            for (int d = batchRank - 1; d >= 0; d--) {
                p += (rest % batch[d]) * v.stride(d);
                rest /= batch[d];
            }
            offsets[i] = p;
        }
        return offsets;
    }

    private static void multiply(NDArray ab, int aPos, NDArray bb, int bPos, Object c, int cOff, int m, int n, int k, boolean parallel) {
        if (m == 0 || n == 0 || k == 0) {
            return;
        }
        int ra = ab.rank(), rb = bb.rank();
        int ars = ab.stride(ra - 2), acs = ab.stride(ra - 1), brs = bb.stride(rb - 2), bcs = bb.stride(rb - 1);
        if (c instanceof long[] cl) {
            Matrix a = rowMajor(ab, aPos, m, k);
            Matrix b = rowMajor(bb, bPos, k, n);
            Parallel.forRange(m, parallel ? 2L * m * n * k >> 4 : 0,
                    (from, to) -> gemm((long[]) a.data, a.offset, a.ld, (long[]) b.data, b.offset, b.ld, cl, cOff, n, k, from, to));
            return;
        }
        productInto(MatKernels.forWork(m, n, k), ab.heapArray(), aPos, ars, acs, bb.heapArray(), bPos, brs, bcs, c, cOff, m, n, k, parallel);
    }

    /**
     * {@code c[co + i*n + j] = sum_t A(i, t) B(t, j)} into a zeroed double C, or rounded into a float C: f32 products
     * accumulate in double and round once (MatKernels: GEMM sums 1024-term blocks in f32, and rounds the last block's
     * sums into the float C itself). Visible for tests.
     */
    static void productInto(MatKernels kx, Object a, int ao, int ars, int acs, Object b, int bo, int brs, int bcs, Object c, int co,
                            int m, int n, int k, boolean parallel) {
        if (c instanceof double[] cd) {
            product(kx, a, ao, ars, acs, b, bo, brs, bcs, cd, co, m, n, k, parallel);
        } else if (isGemm(m, n, acs)) {
            kx.gemmF32((float[]) a, ao, ars, acs, (float[]) b, bo, brs, bcs, (float[]) c, co, m, n, k, parallel);
        } else {
            double[] acc = new double[m * n];
            product(kx, a, ao, ars, acs, b, bo, brs, bcs, acc, 0, m, n, k, parallel);
            MatKernels.round(acc, (float[]) c, co, parallel);
        }
    }

    /**
     * {@code c[co + i*n + j] += sum_t A(i, t) B(t, j)} over f64 or f32 operands with any strides (the operands of
     * {@link MatKernels#gemm}): a matrix times a vector, or a vector times a matrix, runs as GEMV in whichever form
     * reads the matrix along its rows; everything else as GEMM. Visible for tests, which pass the scalar kernels.
     */
    static void product(MatKernels kx, Object a, int ao, int ars, int acs, Object b, int bo, int brs, int bcs,
                        double[] c, int co, int m, int n, int k, boolean parallel) {
        if (n == 1) {
            gemv(kx, a, ao, ars, acs, b, bo, brs, c, co, m, k, parallel);
        } else if (m == 1) {
            // c^T = B^T a^T: the rows of B^T are the columns of B
            gemv(kx, b, bo, bcs, brs, a, ao, acs, c, co, n, k, parallel);
        } else if (!isGemm(m, n, acs)) {
            columns(kx, a, ao, ars, b, bo, brs, bcs, c, co, m, n, k, parallel);
        } else {
            kx.gemm(a, ao, ars, acs, b, bo, brs, bcs, c, co, m, n, k, parallel);
        }
    }

    /** Whether {@link #product} runs an m x n product whose A has column step acs as GEMM. */
    private static boolean isGemm(int m, int n, int acs) {
        return n != 1 && m != 1 && !(n <= FEW_COLUMNS && acs == 1 && m >= 8);
    }

    /** At most this many columns of B take {@link #columns}; wider products pack their operands for the GEMM kernel. */
    static final int FEW_COLUMNS = 4;
    /** Bytes of A's rows that {@link #columns} dots with every column before it moves on: well inside L2. */
    private static final long BAND_BYTES = 128 << 10;

    /**
     * A matrix with contiguous rows times a few columns: each band of rows, small enough to stay in cache, is dotted
     * with every column in turn, so A comes from memory once, not once per column. Two matrix-vector products with
     * the same matrix (the Hessian-vector product's {@code W @ x} and {@code W @ v}) become one of these.
     */
    private static void columns(MatKernels kx, Object a, int ao, int rs, Object b, int bo, int brs, int bcs,
                                double[] c, int co, int m, int n, int k, boolean parallel) {
        Object[] col = new Object[n];
        int[] colOff = new int[n];
        for (int j = 0; j < n; j++) {
            col[j] = contiguous(b, bo + j * bcs, brs, k);
            colOff[j] = col[j] == b ? bo + j * bcs : 0;
        }
        int band = (int) Math.max(8, Math.min(m, BAND_BYTES / (8L * Math.max(k, 1))));
        Parallel.forRange(m, parallel ? macWork((long) m * n * k) : 0, (from, to) -> {
            double[] y = new double[band];
            for (int i = from; i < to; i += band) {
                int rows = Math.min(to - i, band);
                for (int j = 0; j < n; j++) {
                    if (a instanceof double[] ad) kx.dotRows(ad, ao + i * rs, rs, (double[]) col[j], colOff[j], y, 0, k, 0, rows);
                    else kx.dotRows((float[]) a, ao + i * rs, rs, (float[]) col[j], colOff[j], y, 0, k, 0, rows);
                    for (int r = 0; r < rows; r++) c[co + (i + r) * n + j] += y[r];
                }
            }
        });
    }

    // y[yo + i] += sum_t A(i, t) x(t) for i < rows, A(i, t) = a[ao + i*rs + t*cs], x(t) = x[xo + t*xs]
    private static void gemv(MatKernels kx, Object a, int ao, int rs, int cs, Object x, int xo, int xs,
                             double[] y, int yo, int rows, int k, boolean parallel) {
        long work = parallel ? macWork((long) rows * k) : 0;
        if (cs == 1 || k == 1) {
            // each row of A is contiguous: a dot product per row, rows split across cores
            Object xc = contiguous(x, xo, xs, k);
            int xco = xc == x ? xo : 0;
            if (work < Parallel.THRESHOLD) { // no lambda to allocate: small products are the per-call overhead
                dotRows(kx, a, ao, rs, xc, xco, y, yo, k, 0, rows);
            } else {
                Parallel.forRange(rows, work, (from, to) -> dotRows(kx, a, ao, rs, xc, xco, y, yo, k, from, to));
            }
        } else if (rs == 1 || rows == 1) {
            // A is the transpose of a matrix whose k rows are contiguous: sum those rows scaled by x; each core sums a
            // share of them into its own partial, and the partials are added
            int parts = Parallel.parts(k, work);
            if (parts == 1) {
                axpyRows(kx, a, ao, cs, x, xo, xs, y, yo, rows, 0, k);
                return;
            }
            double[][] partial = new double[parts][];
            Parallel.forRange(parts, parts > 1 ? Long.MAX_VALUE : 0, (from, to) -> {
                for (int p = from; p < to; p++) {
                    double[] part = p == 0 ? y : new double[rows];
                    int po = p == 0 ? yo : 0, t0 = (int) ((long) k * p / parts), t1 = (int) ((long) k * (p + 1) / parts);
                    axpyRows(kx, a, ao, cs, x, xo, xs, part, po, rows, t0, t1);
                    partial[p] = part;
                }
            });
            for (int p = 1; p < parts; p++) {
                for (int i = 0; i < rows; i++) y[yo + i] += partial[p][i];
            }
        } else {
            kx.gemm(a, ao, rs, cs, x, xo, xs, 0, y, yo, rows, 1, k, parallel);
        }
    }

    private static void dotRows(MatKernels kx, Object a, int ao, int rs, Object x, int xo, double[] y, int yo, int k, int from, int to) {
        if (a instanceof double[] ad) kx.dotRows(ad, ao, rs, (double[]) x, xo, y, yo, k, from, to);
        else kx.dotRows((float[]) a, ao, rs, (float[]) x, xo, y, yo, k, from, to);
    }

    private static void axpyRows(MatKernels kx, Object a, int ao, int lda, Object x, int xo, int xs, double[] y, int yo, int m,
                                 int from, int to) {
        if (a instanceof double[] ad) kx.axpyRows(ad, ao, lda, (double[]) x, xo, xs, y, yo, m, from, to);
        else kx.axpyRows((float[]) a, ao, lda, (float[]) x, xo, xs, y, yo, m, from, to);
    }

    /**
     * The work of {@code macs} multiply-adds of a vector GEMV for {@link Parallel}, whose threshold counts elements of
     * elementwise loops: a product splits across cores from 2^17 of them (a 500 x 250 GEMV). With the hand-off to
     * {@link SpinPool}'s awake threads (a microsecond or two) a 500 x 500 HVP runs in 66 us instead of 77 us
     * (single-threaded GEMVs up to 2^18 multiply-adds); a 250 x 250 one (2^16) still gains nothing from a second core.
     */
    private static long macWork(long macs) {
        return macs >> 1;
    }

    // the k elements x[xo + t*xs] as a contiguous array: x itself when xs is 1, else a copy
    private static Object contiguous(Object x, int xo, int xs, int k) {
        if (xs == 1 || k == 1) return x;
        if (x instanceof double[] xd) {
            double[] out = new double[k];
            for (int t = 0; t < k; t++) out[t] = xd[xo + t * xs];
            return out;
        }
        float[] xf = (float[]) x, out = new float[k];
        for (int t = 0; t < k; t++) out[t] = xf[xo + t * xs];
        return out;
    }

    // the matrix at pos as rows with unit column stride, packed into a fresh array when the view has another layout
    private static Matrix rowMajor(NDArray v, int pos, int rows, int cols) {
        int r = v.rank();
        if (v.stride(r - 1) == 1 || cols == 1) {
            return new Matrix(v.heapArray(), pos, rows == 1 ? cols : v.stride(r - 2));
        }
        NDArray packed = NDArray.strided(v.dtype(), v.heapArray(), new int[] {rows, cols},
                new int[] {v.stride(r - 2), v.stride(r - 1)}, pos).copy();
        return new Matrix(packed.heapArray(), 0, cols);
    }

    // integers wrap in long, as NumPy's integer matmul does in its accumulator type
    private static void gemm(long[] a, int aOff, int lda, long[] b, int bOff, int ldb, long[] c, int cOff,
                             int n, int k, int from, int to) {
        for (int i = from; i < to; i++) {
            int ci = cOff + i * n;
            for (int kk = 0; kk < k; kk++) {
                long a0 = a[aOff + i * lda + kk];
                int b0 = bOff + kk * ldb;
                for (int j = 0; j < n; j++) c[ci + j] += a0 * b[b0 + j];
            }
        }
    }
}
