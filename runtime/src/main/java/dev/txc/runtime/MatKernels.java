package dev.txc.runtime;

/**
 * The floating-point inner loops of matmul, accumulating into double C: GEMV sums f32 products in double (exact
 * products, one rounding when the caller stores the result); the vector GEMM sums blocks of up to 512 f32 terms in
 * f32 lanes and adds the blocks in double. {@link #INSTANCE} uses the Vector API when
 * {@link VectorSupport#available()}, else plain loops; the vector class is linked only in the first case.
 */
interface MatKernels {
    MatKernels INSTANCE = VectorSupport.available() ? VectorMatKernels.create() : new ScalarMatKernels();

    /** The plain-loop kernels. */
    MatKernels SCALAR = INSTANCE instanceof ScalarMatKernels s ? s : new ScalarMatKernels();

    /**
     * Products of fewer multiply-adds than this (2^13) run the plain loops: they gain little from vectors, and until
     * the JIT has compiled the vector kernels the Vector API runs them as boxed Java code, which made a 400 x 5 GEMV
     * take 100 us per call for the first thousand calls. Chosen by shape, so a product's bits never depend on the
     * call. It was 2^16 until the W 250 x 250 Hessian-vector product (62,500 per product) showed the plain loops at
     * 2.5x the vector ones' time once warm.
     */
    long VECTOR_MIN_WORK = 1 << 13;

    /** The kernels for an m x k times k x n product. */
    static MatKernels forWork(long m, long n, long k) {
        return m * n * k < VECTOR_MIN_WORK ? SCALAR : INSTANCE;
    }

    /** {@code y[yo + i] = sum_t a[ao + i*lda + t] * x[xo + t]} for rows i in [from, to): dot products of rows with x. */
    void dotRows(double[] a, int ao, int lda, double[] x, int xo, double[] y, int yo, int k, int from, int to);

    /** As the f64 form, over f32 operands. */
    void dotRows(float[] a, int ao, int lda, float[] x, int xo, double[] y, int yo, int k, int from, int to);

    /** {@code y[yo + j] += sum_{t in [from, to)} x[xo + t*incx] * a[ao + t*lda + j]} for j in [0, m): rows of a scaled by x, summed. */
    void axpyRows(double[] a, int ao, int lda, double[] x, int xo, int incx, double[] y, int yo, int m, int from, int to);

    /** As the f64 form, over f32 operands. */
    void axpyRows(float[] a, int ao, int lda, float[] x, int xo, int incx, double[] y, int yo, int m, int from, int to);

    /**
     * {@code c[co + i*n + j] += sum_t A(i, t) B(t, j)} with {@code A(i, t) = a[ao + i*ars + t*acs]} and
     * {@code B(t, j) = b[bo + t*brs + j*bcs]}; a and b are both double[] or both float[]; strides may be anything
     * (transposed, broadcast, reversed). Uses several cores when {@code parallel} and the problem is large.
     */
    void gemm(Object a, int ao, int ars, int acs, Object b, int bo, int brs, int bcs, double[] c, int co,
              int m, int n, int k, boolean parallel);

    /**
     * {@code cf[co + i*n + j] = (float) sum_t A(i, t) B(t, j)} over f32 operands: {@link #gemm}'s sums, rounded once to
     * f32 and stored (not added). This form sums into a double C and rounds it.
     */
    default void gemmF32(float[] a, int ao, int ars, int acs, float[] b, int bo, int brs, int bcs, float[] cf, int co,
                         int m, int n, int k, boolean parallel) {
        double[] acc = new double[m * n];
        gemm(a, ao, ars, acs, b, bo, brs, bcs, acc, 0, m, n, k, parallel);
        round(acc, cf, co, parallel);
    }

    /** {@code cf[co + i] = (float) acc[i]}, on several cores when {@code parallel} and acc is long. */
    static void round(double[] acc, float[] cf, int co, boolean parallel) {
        Parallel.forRange(acc.length, parallel ? acc.length : 0, (from, to) -> {
            for (int i = from; i < to; i++) cf[co + i] = (float) acc[i];
        });
    }
}
