package dev.txc.runtime;

import dev.txc.types.DType;
import java.util.Arrays;

/** np.matmul over NDArrays: blocked, row-parallel kernels over contiguous rows for f64 and f32, long accumulation for integers. */
final class Matmul {
    /** Columns of B per block: a KB x NB block of B stays in L2 while every row of A streams past it. */
    private static final int NB = 256;
    private static final int KB = 128;
    /** Per-batch flop count below which whole matrices, not rows, are spread across cores. */
    private static final long SMALL_PROBLEM = 1 << 22;
    private static final String SIGNATURE = "gufunc core with signature (n?,k),(k,m?)->(n?,m?)";

    private Matmul() {}

    /** One batch element of an operand: a matrix at {@code offset} with row stride {@code ld} and column stride 1. */
    private record Matrix(Object data, int offset, int ld) {}

    static NDArray matmul(NDArray a, NDArray b) {
        if (a.dtype() != b.dtype()) {
            throw new TxRuntimeException("matmul: operands must have the same dtype, got " + a.dtype().spelling()
                    + " and " + b.dtype().spelling());
        }
        checkRank(a, 0);
        checkRank(b, 1);
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
        Matrix a = rowMajor(ab, aPos, m, k);
        Matrix b = rowMajor(bb, bPos, k, n);
        long work = parallel ? 2L * m * n * k >> 4 : 0;
        if (c instanceof float[] cf) {
            // f32 products accumulate in double and round once, so long inner products keep f32 accuracy.
            double[] acc = new double[m * n];
            Parallel.forRange(m, work, (from, to) -> gemm((float[]) a.data, a.offset, a.ld, (float[]) b.data, b.offset, b.ld, acc, n, k, from, to));
            for (int i = 0; i < acc.length; i++) cf[cOff + i] = (float) acc[i];
            return;
        }
        Parallel.forRange(m, work, (from, to) -> {
            switch (c) {
                case double[] cd -> gemm((double[]) a.data, a.offset, a.ld, (double[]) b.data, b.offset, b.ld, cd, cOff, n, k, from, to);
                case long[] cl -> gemm((long[]) a.data, a.offset, a.ld, (long[]) b.data, b.offset, b.ld, cl, cOff, n, k, from, to);
                default -> throw new IllegalStateException("no matmul kernel for " + c.getClass());
            }
        });
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

    // C[i, :] += A[i, :] B for rows [from, to); B is walked in KB x NB blocks, four rows of B per pass over C
    private static void gemm(double[] a, int aOff, int lda, double[] b, int bOff, int ldb, double[] c, int cOff,
                             int n, int k, int from, int to) {
        for (int jb = 0; jb < n; jb += NB) {
            int nb = Math.min(NB, n - jb);
            for (int kb = 0; kb < k; kb += KB) {
                int kEnd = Math.min(k, kb + KB);
                for (int i = from; i < to; i++) {
                    int ci = cOff + i * n + jb;
                    int ai = aOff + i * lda;
                    int kk = kb;
                    for (; kk + 4 <= kEnd; kk += 4) {
                        double a0 = a[ai + kk], a1 = a[ai + kk + 1], a2 = a[ai + kk + 2], a3 = a[ai + kk + 3];
                        int b0 = bOff + kk * ldb + jb, b1 = b0 + ldb, b2 = b1 + ldb, b3 = b2 + ldb;
                        for (int j = 0; j < nb; j++) {
                            c[ci + j] += a0 * b[b0 + j] + a1 * b[b1 + j] + a2 * b[b2 + j] + a3 * b[b3 + j];
                        }
                    }
                    for (; kk < kEnd; kk++) {
                        double a0 = a[ai + kk];
                        int b0 = bOff + kk * ldb + jb;
                        for (int j = 0; j < nb; j++) c[ci + j] += a0 * b[b0 + j];
                    }
                }
            }
        }
    }

    private static void gemm(float[] a, int aOff, int lda, float[] b, int bOff, int ldb, double[] c,
                             int n, int k, int from, int to) {
        int cOff = 0;
        for (int jb = 0; jb < n; jb += NB) {
            int nb = Math.min(NB, n - jb);
            for (int kb = 0; kb < k; kb += KB) {
                int kEnd = Math.min(k, kb + KB);
                for (int i = from; i < to; i++) {
                    int ci = cOff + i * n + jb;
                    int ai = aOff + i * lda;
                    int kk = kb;
                    for (; kk + 4 <= kEnd; kk += 4) {
                        double a0 = a[ai + kk], a1 = a[ai + kk + 1], a2 = a[ai + kk + 2], a3 = a[ai + kk + 3];
                        int b0 = bOff + kk * ldb + jb, b1 = b0 + ldb, b2 = b1 + ldb, b3 = b2 + ldb;
                        for (int j = 0; j < nb; j++) {
                            c[ci + j] += a0 * b[b0 + j] + a1 * b[b1 + j] + a2 * b[b2 + j] + a3 * b[b3 + j];
                        }
                    }
                    for (; kk < kEnd; kk++) {
                        double a0 = a[ai + kk];
                        int b0 = bOff + kk * ldb + jb;
                        for (int j = 0; j < nb; j++) c[ci + j] += a0 * b[b0 + j];
                    }
                }
            }
        }
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
