package dev.txc.runtime;

/** The plain-loop matmul kernels, for JVMs without the Vector API: strides hoisted so that C2 can vectorize the inner loops. */
final class ScalarMatKernels implements MatKernels {
    /** Columns of B per block: a KB x NB block of B stays in L2 while every row of A streams past it. */
    private static final int NB = 256;
    private static final int KB = 128;

    @Override
    public void dotRows(double[] a, int ao, int lda, double[] x, int xo, double[] y, int yo, int k, int from, int to) {
        switch (k) { // a constant k, once dots is inlined, unrolls its t loop (x @ w with 3 features; same bits)
            case 1 -> dots(a, ao, lda, x, xo, y, yo, 1, from, to);
            case 2 -> dots(a, ao, lda, x, xo, y, yo, 2, from, to);
            case 3 -> dots(a, ao, lda, x, xo, y, yo, 3, from, to);
            case 4 -> dots(a, ao, lda, x, xo, y, yo, 4, from, to);
            default -> dots(a, ao, lda, x, xo, y, yo, k, from, to);
        }
    }

    private static void dots(double[] a, int ao, int lda, double[] x, int xo, double[] y, int yo, int k, int from, int to) {
        for (int i = from; i < to; i++) {
            int ai = ao + i * lda;
            double s0 = 0, s1 = 0;
            int t = 0;
            for (; t + 2 <= k; t += 2) {
                s0 += a[ai + t] * x[xo + t];
                s1 += a[ai + t + 1] * x[xo + t + 1];
            }
            if (t < k) s0 += a[ai + t] * x[xo + t];
            y[yo + i] = s0 + s1;
        }
    }

    @Override
    public void dotRows(float[] a, int ao, int lda, float[] x, int xo, double[] y, int yo, int k, int from, int to) {
        for (int i = from; i < to; i++) {
            int ai = ao + i * lda;
            double s = 0;
            for (int t = 0; t < k; t++) s += (double) a[ai + t] * x[xo + t];
            y[yo + i] = s;
        }
    }

    @Override
    public void axpyRows(double[] a, int ao, int lda, double[] x, int xo, int incx, double[] y, int yo, int m, int from, int to) {
        switch (m) { // as in dotRows: x.T @ g with 3 features unrolls its j loop
            case 1 -> axpys(a, ao, lda, x, xo, incx, y, yo, 1, from, to);
            case 2 -> axpys(a, ao, lda, x, xo, incx, y, yo, 2, from, to);
            case 3 -> axpys(a, ao, lda, x, xo, incx, y, yo, 3, from, to);
            case 4 -> axpys(a, ao, lda, x, xo, incx, y, yo, 4, from, to);
            default -> axpys(a, ao, lda, x, xo, incx, y, yo, m, from, to);
        }
    }

    private static void axpys(double[] a, int ao, int lda, double[] x, int xo, int incx, double[] y, int yo, int m, int from, int to) {
        for (int t = from; t < to; t++) {
            double s = x[xo + t * incx];
            int at = ao + t * lda;
            for (int j = 0; j < m; j++) y[yo + j] += s * a[at + j];
        }
    }

    @Override
    public void axpyRows(float[] a, int ao, int lda, float[] x, int xo, int incx, double[] y, int yo, int m, int from, int to) {
        for (int t = from; t < to; t++) {
            double s = x[xo + t * incx];
            int at = ao + t * lda;
            for (int j = 0; j < m; j++) y[yo + j] += s * a[at + j];
        }
    }

    @Override
    public void gemm(Object a, int ao, int ars, int acs, Object b, int bo, int brs, int bcs, double[] c, int co,
                     int m, int n, int k, boolean parallel) {
        boolean aDirect = a instanceof double[] && (acs == 1 || k == 1);
        boolean bDirect = b instanceof double[] && (bcs == 1 || n == 1);
        double[] ad = aDirect ? (double[]) a : rowMajor(a, ao, ars, acs, m, k);
        double[] bd = bDirect ? (double[]) b : rowMajor(b, bo, brs, bcs, k, n);
        int aOff = aDirect ? ao : 0, lda = aDirect ? (m == 1 ? k : ars) : k;
        int bOff = bDirect ? bo : 0, ldb = bDirect ? (k == 1 ? n : brs) : n;
        long work = parallel ? 2L * m * n * k >> 4 : 0;
        Parallel.forRange(m, work, (from, to) -> blocked(ad, aOff, lda, bd, bOff, ldb, c, co, n, k, from, to));
    }

    // the rows x cols matrix at off with the given strides, as a fresh contiguous double array
    private static double[] rowMajor(Object src, int off, int rs, int cs, int rows, int cols) {
        double[] out = new double[rows * cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                int p = off + i * rs + j * cs;
                out[i * cols + j] = src instanceof double[] d ? d[p] : ((float[]) src)[p];
            }
        }
        return out;
    }

    // C[i, :] += A[i, :] B for rows [from, to); B is walked in KB x NB blocks, four rows of B per pass over C
    private static void blocked(double[] a, int aOff, int lda, double[] b, int bOff, int ldb, double[] c, int cOff,
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
}
