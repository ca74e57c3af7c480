package dev.txc.runtime;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The matmul kernels on the JDK Vector API (reached only when {@link VectorSupport#available()}): GEMV as row dot
 * products or as sums of scaled rows, and GEMM over packed panels with an MR x (2 vectors) register-blocked
 * microkernel, KC x NC blocks of B and MC x KC blocks of A (BLIS's loop order). GEMV widens f32 operands to double
 * lanes as it reads them, so its sums accumulate in double; f32 GEMM packs f32 panels and sums each KCF block of
 * terms in f32 lanes (twice the lanes of f64), then adds the block's tiles to C in double.
 */
final class VectorMatKernels implements MatKernels {
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    /** The float species with as many lanes as D: one load widens into one double vector. */
    private static final VectorSpecies<Float> FH = VectorSpecies.of(float.class, VectorShape.forBitSize(D.vectorBitSize() / 2));
    private static final int L = D.length();
    /** The float species of D's width: twice D's lanes. */
    private static final VectorSpecies<Float> F = VectorSpecies.of(float.class, VectorShape.forBitSize(D.vectorBitSize()));
    private static final int LF = F.length();
    /**
     * Rows of C per microkernel tile: 2*MR vector accumulators, two vectors of B and a broadcast of A must fit the
     * vector registers. AVX-512 has 32 (8 rows: 16 accumulators); AVX2 has 16, where C2 kept 8 or 6 rows' accumulators
     * partly on the stack: an 8 x 8 or 6 x 8 tile ran at 18-19 GFLOP/s on one Zen 3 core (FMA peak 46), a 5 x 8 tile
     * (10 accumulators) at 30-38 (a microbenchmark of the kernel alone on L1-resident panels, thread CPU time).
     */
    static final int MR = L >= 8 ? 8 : 5;
    /** Columns of C per microkernel tile: two vectors. */
    static final int NR = 2 * L;
    /** Columns of C per f32 microkernel tile: two float vectors. */
    static final int NRF = 2 * LF;
    /**
     * Depth of a packed f64 block. 512, although a 512 x 8 sliver of B (32 KB) no longer stays in L1 beside A's: with the
     * tiles summed into a row buffer, each block is one more pass adding it to C, and halving the passes gained more.
     * One JVM alternating 256 and 512, two cores, medians: 512^3 5.22 -> 4.88 ms, 1024^3 40.2 -> 38.0 and 45.1 -> 42.8,
     * 2048^3 349 -> 322; one core 1024^3 83 -> 77 (1024 gained 2% more at 1024^3; an MC of 64 or 96 rows lost 3-6%).
     */
    private static final int KC = 512;
    /** Terms per part of a long product with a small C ({@link #sumOfParts}), and the least k for taking that path / 2. */
    private static final int PART = 256;
    /**
     * Depth of a packed f32 block, which is also how many terms an f32 tile sums in f32 lanes before it is added to the
     * double C. Twice 256: adding the tiles to C in double (each tile row is two cache lines of a C that misses L2 on large
     * products) cost a third of the 1024 x 1024 product's time at 256 terms; at 512 the product ran at 57-60 GFLOP/s on
     * one Zen 3 core against 44. (f64 at 512 ran slower then, before its tiles went through a row buffer; see KC.) Since
     * the tiles go to C through CHUNKF-column buffers, 256 is still 5-15% slower than 512 on 512^3 to 2048^3, and 1024
     * is 6-11% faster than 512 on 1024^3 and 2048^3 (one JVM alternating the two, two cores, medians: 1024^3 27.5 ->
     * 24.4 ms, 2048^3 206 -> 193; 512^3 the same): the 1024^3 product makes no double C at all, the 2048^3 one adds
     * two blocks to it instead of four, although a 64 KB sliver of B no longer stays in L1.
     */
    static final int KCF = 1024;
    /**
     * Rows of C per f32 tile: 8 with AVX-512; 4 on AVX2, whose 16 registers do not hold 5 or more rows' accumulators
     * (two float vectors a row), two vectors of B and the broadcasts of A that C2 schedules ahead of their FMAs: with 5
     * rows it kept one accumulator on the stack, a store-to-load chain through every step. The 1024 x 1024 f32 product
     * on one Zen 3 core went from 35 GFLOP/s (8 rows) to 50 (4 rows); the kernel alone on L1-resident panels runs at
     * 85-90 with 4 rows.
     */
    static final int MRF = L >= 8 ? 8 : 4;
    /**
     * Columns of the buffer that f32 tiles are summed into before they are added to C in double, row by row. Adding
     * each tile to C as it was computed read C a few cache lines at a time, each row in another page, so that no
     * prefetcher followed: on one Zen 3 core the 1024 x 1024 f32 product spent a third of its time there. 256 columns
     * of MC rows (128 KB) stay in L2 beside the block of A.
     */
    private static final int CHUNKF = 256;
    /**
     * Columns of the buffer that f64 tiles are summed into before they are added to C row by row: MC rows of 128
     * columns (128 KB) stay in L2 beside the 256 KB block of A. Against tiles added to C in place, two cores, one JVM
     * alternating the two, medians: 1024^3 61 -> 52-57 ms, 2048^3 456-497 -> 399-430 ms,
     * one core 1024^3 98 -> 95 ms, 256^3 and 512^3 the same; 256 columns gave less at 2048^3. With a NumPy array copy
     * running on the other core, one core's 1024^3 went from 20 to 22-24 GFLOP/s.
     */
    private static final int CHUNK = 128;
    /** About this many rows of A per packed block (a multiple of the tile's rows): an MC x KC block of A stays in L2. */
    private static final int MC = 128;
    /** Columns of B per packed block (a multiple of NR): a KC x NC block of B stays in L3. */
    private static final int NC = 2048;
    /**
     * Rows of a row-major B that packing takes at a time, handing each row's pieces to every panel: a panel at a time read
     * B a row apart for each 64-byte piece, which at 2048 columns (a row of 8 or 16 KB) packed at 1.2-3 GB/s; 8 rows
     * across all panels packed the same B at 4.4-6 GB/s. Whole products, two cores, one JVM alternating the two orders
     * (medians): f32 1024^3 29.7 -> 26.9 ms, 2048^3 240 -> 218; f64 1024^3 61.9 -> 55.2, 2048^3 461 -> 420.
     */
    private static final int PACK_ROWS = 8;
    /**
     * Elements of packed B (kc x its columns) up to which a block whose A is read in place goes a row of tiles at a time
     * (each tile's rows of A then stay in L1 for every column panel, beside all of B), rather than a column panel at a
     * time (B's sliver in L1, A's rows read again from L2 for each panel). x @ W1 with 64 x 32 weights re-read A's
     * 64 KB block for each of 4 panels. The MLP's products at B = 8192, one JVM alternating the two orders, medians (C's
     * zeroing included): x @ W1 1.49 -> 1.37 ms, g2 @ W2.T (10 x 32 weights) 0.56 -> 0.41, h @ W2 0.42 -> 0.39.
     */
    private static final long ROW_ORDER_B = 2048;
    /** Elements of a block of B from which its packing is split across the cores. */
    private static final long PACK_PARALLEL = 1 << 15;
    /** Below this many multiply-adds a product runs on the calling thread, with no hand-off. */
    private static final long PARALLEL_MIN = 1 << 18;

    private static final ThreadLocal<double[][]> BUFFERS = ThreadLocal.withInitial(() -> new double[3][0]);
    private static final ThreadLocal<float[][]> FLOAT_BUFFERS = ThreadLocal.withInitial(() -> new float[3][0]);

    private VectorMatKernels() {}

    /** The kernels; declared as the interface so that callers link this class only when they run this method. */
    static MatKernels create() {
        return new VectorMatKernels();
    }

    // ---------------------------------------------------------------- GEMV: dot products of rows
    // Eight rows share each load of x and keep eight loads in flight; then four, then one. The eight rows come from
    // eight equal runs of the rows (q, q + seg, ..., q + 7 seg), so that a matrix read from memory is eight long
    // sequential streams, which the hardware prefetches, rather than eight rows side by side, each a short stream
    // (100 doubles is 13 cache lines) that ends about when the prefetcher has found it. One Zen 3 core reading 320 x 100
    // blocks from memory: 6.6 -> 16.7 GB/s; two cores 10.1 -> 19.3 (a plain sum of the same array: 11.3 and 16.6);
    // the same blocks in L2: 48 -> 53. Each row's sum is computed as before, so the bits do not change. Each block is its own
    // method and lane sums go through an array (intoArray is an intrinsic): one method holding all three blocks
    // exceeded C2's inlining budget (NodeCountInliningCutoff), so that a lane-sum call was left out of line, its
    // vector argument boxed, and x @ w ran 3x slower in some JVMs than in others.

    @Override
    public void dotRows(double[] a, int ao, int lda, double[] x, int xo, double[] y, int yo, int k, int from, int to) {
        if (k < L) { // rows shorter than a vector (x @ w with 3 features): the blocks would only add zero lanes
            switch (k) { // a constant k, once shortRows is inlined, unrolls its t loop (1.4x at 10,000 x 3; same bits)
                case 1 -> shortRows(a, ao, lda, x, xo, y, yo, 1, from, to);
                case 2 -> shortRows(a, ao, lda, x, xo, y, yo, 2, from, to);
                case 3 -> shortRows(a, ao, lda, x, xo, y, yo, 3, from, to);
                case 4 -> shortRows(a, ao, lda, x, xo, y, yo, 4, from, to);
                default -> shortRows(a, ao, lda, x, xo, y, yo, k, from, to);
            }
            return;
        }
        double[] buf = new double[8 * L];
        int seg = (to - from) / 8, i = from + 8 * seg;
        for (int q = from; q < from + seg; q++) dot8(a, ao + q * lda, seg * lda, x, xo, y, yo + q, seg, k, buf);
        for (; i + 4 <= to; i += 4) dot4(a, ao + i * lda, lda, x, xo, y, yo + i, k, buf);
        for (; i < to; i++) y[yo + i] = dot1(a, ao + i * lda, x, xo, k, buf);
    }

    /** Dot products of rows shorter than a vector: four rows share each x[t]; each row adds in t order, as one row alone. */
    private static void shortRows(double[] a, int ao, int lda, double[] x, int xo, double[] y, int yo, int k, int from, int to) {
        int i = from;
        for (; i + 4 <= to; i += 4) {
            int r0 = ao + i * lda, r1 = r0 + lda, r2 = r1 + lda, r3 = r2 + lda;
            double d0 = 0, d1 = 0, d2 = 0, d3 = 0;
            for (int t = 0; t < k; t++) {
                double xt = x[xo + t];
                d0 += a[r0 + t] * xt;
                d1 += a[r1 + t] * xt;
                d2 += a[r2 + t] * xt;
                d3 += a[r3 + t] * xt;
            }
            y[yo + i] = d0;
            y[yo + i + 1] = d1;
            y[yo + i + 2] = d2;
            y[yo + i + 3] = d3;
        }
        for (; i < to; i++) {
            double d = 0;
            for (int t = 0, r = ao + i * lda; t < k; t++) d += a[r + t] * x[xo + t];
            y[yo + i] = d;
        }
    }

    private static void dot8(double[] a, int r0, int lda, double[] x, int xo, double[] y, int yo, int ys, int k, double[] buf) {
        int kv = D.loopBound(k);
        int r1 = r0 + lda, r2 = r1 + lda, r3 = r2 + lda, r4 = r3 + lda, r5 = r4 + lda, r6 = r5 + lda, r7 = r6 + lda;
        DoubleVector s0 = DoubleVector.zero(D), s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0, s7 = s0;
        for (int t = 0; t < kv; t += L) {
            DoubleVector xv = DoubleVector.fromArray(D, x, xo + t);
            s0 = DoubleVector.fromArray(D, a, r0 + t).fma(xv, s0);
            s1 = DoubleVector.fromArray(D, a, r1 + t).fma(xv, s1);
            s2 = DoubleVector.fromArray(D, a, r2 + t).fma(xv, s2);
            s3 = DoubleVector.fromArray(D, a, r3 + t).fma(xv, s3);
            s4 = DoubleVector.fromArray(D, a, r4 + t).fma(xv, s4);
            s5 = DoubleVector.fromArray(D, a, r5 + t).fma(xv, s5);
            s6 = DoubleVector.fromArray(D, a, r6 + t).fma(xv, s6);
            s7 = DoubleVector.fromArray(D, a, r7 + t).fma(xv, s7);
        }
        s0.intoArray(buf, 0);
        s1.intoArray(buf, L);
        s2.intoArray(buf, 2 * L);
        s3.intoArray(buf, 3 * L);
        s4.intoArray(buf, 4 * L);
        s5.intoArray(buf, 5 * L);
        s6.intoArray(buf, 6 * L);
        s7.intoArray(buf, 7 * L);
        lanes(buf, 8, y, yo, ys);
        for (int t = kv; t < k; t++) {
            double xt = x[xo + t];
            y[yo] += a[r0 + t] * xt;
            y[yo + ys] += a[r1 + t] * xt;
            y[yo + 2 * ys] += a[r2 + t] * xt;
            y[yo + 3 * ys] += a[r3 + t] * xt;
            y[yo + 4 * ys] += a[r4 + t] * xt;
            y[yo + 5 * ys] += a[r5 + t] * xt;
            y[yo + 6 * ys] += a[r6 + t] * xt;
            y[yo + 7 * ys] += a[r7 + t] * xt;
        }
    }

    private static void dot4(double[] a, int r0, int lda, double[] x, int xo, double[] y, int yo, int k, double[] buf) {
        int kv = D.loopBound(k);
        int r1 = r0 + lda, r2 = r1 + lda, r3 = r2 + lda;
        DoubleVector s0 = DoubleVector.zero(D), s1 = s0, s2 = s0, s3 = s0;
        for (int t = 0; t < kv; t += L) {
            DoubleVector xv = DoubleVector.fromArray(D, x, xo + t);
            s0 = DoubleVector.fromArray(D, a, r0 + t).fma(xv, s0);
            s1 = DoubleVector.fromArray(D, a, r1 + t).fma(xv, s1);
            s2 = DoubleVector.fromArray(D, a, r2 + t).fma(xv, s2);
            s3 = DoubleVector.fromArray(D, a, r3 + t).fma(xv, s3);
        }
        s0.intoArray(buf, 0);
        s1.intoArray(buf, L);
        s2.intoArray(buf, 2 * L);
        s3.intoArray(buf, 3 * L);
        lanes(buf, 4, y, yo, 1);
        for (int t = kv; t < k; t++) {
            double xt = x[xo + t];
            y[yo] += a[r0 + t] * xt;
            y[yo + 1] += a[r1 + t] * xt;
            y[yo + 2] += a[r2 + t] * xt;
            y[yo + 3] += a[r3 + t] * xt;
        }
    }

    private static double dot1(double[] a, int r, double[] x, int xo, int k, double[] buf) {
        int kv = D.loopBound(k);
        DoubleVector s0 = DoubleVector.zero(D), s1 = s0;
        int t = 0;
        for (; t + 2 * L <= kv; t += 2 * L) {
            s0 = DoubleVector.fromArray(D, a, r + t).fma(DoubleVector.fromArray(D, x, xo + t), s0);
            s1 = DoubleVector.fromArray(D, a, r + t + L).fma(DoubleVector.fromArray(D, x, xo + t + L), s1);
        }
        for (; t < kv; t += L) s0 = DoubleVector.fromArray(D, a, r + t).fma(DoubleVector.fromArray(D, x, xo + t), s0);
        s0.add(s1).intoArray(buf, 0);
        double d = lane(buf, 0);
        for (; t < k; t++) d += a[r + t] * x[xo + t];
        return d;
    }

    @Override
    public void dotRows(float[] a, int ao, int lda, float[] x, int xo, double[] y, int yo, int k, int from, int to) {
        if (k < FH.length()) {
            for (int i = from; i < to; i++) {
                double d = 0;
                for (int t = 0, r = ao + i * lda; t < k; t++) d += (double) a[r + t] * x[xo + t];
                y[yo + i] = d;
            }
            return;
        }
        double[] buf = new double[8 * L];
        int seg = (to - from) / 8, i = from + 8 * seg;
        for (int q = from; q < from + seg; q++) dot8(a, ao + q * lda, seg * lda, x, xo, y, yo + q, seg, k, buf);
        for (; i + 4 <= to; i += 4) dot4(a, ao + i * lda, lda, x, xo, y, yo + i, k, buf);
        for (; i < to; i++) y[yo + i] = dot1(a, ao + i * lda, x, xo, k, buf);
    }

    private static void dot8(float[] a, int r0, int lda, float[] x, int xo, double[] y, int yo, int ys, int k, double[] buf) {
        int kv = FH.loopBound(k);
        int r1 = r0 + lda, r2 = r1 + lda, r3 = r2 + lda, r4 = r3 + lda, r5 = r4 + lda, r6 = r5 + lda, r7 = r6 + lda;
        DoubleVector s0 = DoubleVector.zero(D), s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0, s7 = s0;
        for (int t = 0; t < kv; t += L) {
            DoubleVector xv = widen(x, xo + t);
            s0 = widen(a, r0 + t).fma(xv, s0);
            s1 = widen(a, r1 + t).fma(xv, s1);
            s2 = widen(a, r2 + t).fma(xv, s2);
            s3 = widen(a, r3 + t).fma(xv, s3);
            s4 = widen(a, r4 + t).fma(xv, s4);
            s5 = widen(a, r5 + t).fma(xv, s5);
            s6 = widen(a, r6 + t).fma(xv, s6);
            s7 = widen(a, r7 + t).fma(xv, s7);
        }
        s0.intoArray(buf, 0);
        s1.intoArray(buf, L);
        s2.intoArray(buf, 2 * L);
        s3.intoArray(buf, 3 * L);
        s4.intoArray(buf, 4 * L);
        s5.intoArray(buf, 5 * L);
        s6.intoArray(buf, 6 * L);
        s7.intoArray(buf, 7 * L);
        lanes(buf, 8, y, yo, ys);
        for (int t = kv; t < k; t++) {
            double xt = x[xo + t];
            y[yo] += a[r0 + t] * xt;
            y[yo + ys] += a[r1 + t] * xt;
            y[yo + 2 * ys] += a[r2 + t] * xt;
            y[yo + 3 * ys] += a[r3 + t] * xt;
            y[yo + 4 * ys] += a[r4 + t] * xt;
            y[yo + 5 * ys] += a[r5 + t] * xt;
            y[yo + 6 * ys] += a[r6 + t] * xt;
            y[yo + 7 * ys] += a[r7 + t] * xt;
        }
    }

    private static void dot4(float[] a, int r0, int lda, float[] x, int xo, double[] y, int yo, int k, double[] buf) {
        int kv = FH.loopBound(k);
        int r1 = r0 + lda, r2 = r1 + lda, r3 = r2 + lda;
        DoubleVector s0 = DoubleVector.zero(D), s1 = s0, s2 = s0, s3 = s0;
        for (int t = 0; t < kv; t += L) {
            DoubleVector xv = widen(x, xo + t);
            s0 = widen(a, r0 + t).fma(xv, s0);
            s1 = widen(a, r1 + t).fma(xv, s1);
            s2 = widen(a, r2 + t).fma(xv, s2);
            s3 = widen(a, r3 + t).fma(xv, s3);
        }
        s0.intoArray(buf, 0);
        s1.intoArray(buf, L);
        s2.intoArray(buf, 2 * L);
        s3.intoArray(buf, 3 * L);
        lanes(buf, 4, y, yo, 1);
        for (int t = kv; t < k; t++) {
            double xt = x[xo + t];
            y[yo] += a[r0 + t] * xt;
            y[yo + 1] += a[r1 + t] * xt;
            y[yo + 2] += a[r2 + t] * xt;
            y[yo + 3] += a[r3 + t] * xt;
        }
    }

    private static double dot1(float[] a, int r, float[] x, int xo, int k, double[] buf) {
        int kv = FH.loopBound(k);
        DoubleVector s0 = DoubleVector.zero(D), s1 = s0;
        int t = 0;
        for (; t + 2 * L <= kv; t += 2 * L) {
            s0 = widen(a, r + t).fma(widen(x, xo + t), s0);
            s1 = widen(a, r + t + L).fma(widen(x, xo + t + L), s1);
        }
        for (; t < kv; t += L) s0 = widen(a, r + t).fma(widen(x, xo + t), s0);
        s0.add(s1).intoArray(buf, 0);
        double d = lane(buf, 0);
        for (; t < k; t++) d += (double) a[r + t] * x[xo + t];
        return d;
    }

    /** y[yo + j*ys] = the lanes of buf's j-th L-lane group added in lane order, for j < rows. */
    private static void lanes(double[] buf, int rows, double[] y, int yo, int ys) {
        for (int j = 0; j < rows; j++) y[yo + j * ys] = lane(buf, j * L);
    }

    /** The L lanes at buf[o] added in lane order (reduceLanes leaves the order open). */
    private static double lane(double[] buf, int o) {
        double s = buf[o];
        for (int i = 1; i < L; i++) s += buf[o + i];
        return s;
    }

    // L floats from a[i], widened to double lanes
    private static DoubleVector widen(float[] a, int i) {
        return (DoubleVector) FloatVector.fromArray(FH, a, i).convertShape(VectorOperators.F2D, D, 0);
    }

    // ---------------------------------------------------------------- GEMV: sums of scaled rows

    @Override
    public void axpyRows(double[] a, int ao, int lda, double[] x, int xo, int incx, double[] y, int yo, int m, int from, int to) {
        if (m < L) { // x.T @ g with 3 features: a constant m, once shortAxpy is inlined, unrolls its j loop (same bits)
            switch (m) {
                case 1 -> shortAxpy(a, ao, lda, x, xo, incx, y, yo, 1, from, to);
                case 2 -> shortAxpy(a, ao, lda, x, xo, incx, y, yo, 2, from, to);
                case 3 -> shortAxpy(a, ao, lda, x, xo, incx, y, yo, 3, from, to);
                case 4 -> shortAxpy(a, ao, lda, x, xo, incx, y, yo, 4, from, to);
                default -> shortAxpy(a, ao, lda, x, xo, incx, y, yo, m, from, to);
            }
            return;
        }
        int mv = D.loopBound(m);
        int t = from;
        for (; t + 4 <= to; t += 4) {
            int p0 = ao + t * lda, p1 = p0 + lda, p2 = p1 + lda, p3 = p2 + lda;
            double x0 = x[xo + t * incx], x1 = x[xo + (t + 1) * incx], x2 = x[xo + (t + 2) * incx], x3 = x[xo + (t + 3) * incx];
            DoubleVector v0 = DoubleVector.broadcast(D, x0), v1 = DoubleVector.broadcast(D, x1);
            DoubleVector v2 = DoubleVector.broadcast(D, x2), v3 = DoubleVector.broadcast(D, x3);
            for (int j = 0; j < mv; j += L) {
                DoubleVector s = DoubleVector.fromArray(D, y, yo + j);
                s = DoubleVector.fromArray(D, a, p0 + j).fma(v0, s);
                s = DoubleVector.fromArray(D, a, p1 + j).fma(v1, s);
                s = DoubleVector.fromArray(D, a, p2 + j).fma(v2, s);
                s = DoubleVector.fromArray(D, a, p3 + j).fma(v3, s);
                s.intoArray(y, yo + j);
            }
            for (int j = mv; j < m; j++) y[yo + j] += x0 * a[p0 + j] + x1 * a[p1 + j] + x2 * a[p2 + j] + x3 * a[p3 + j];
        }
        for (; t < to; t++) {
            int p = ao + t * lda;
            double xt = x[xo + t * incx];
            DoubleVector v = DoubleVector.broadcast(D, xt);
            for (int j = 0; j < mv; j += L) {
                DoubleVector.fromArray(D, a, p + j).fma(v, DoubleVector.fromArray(D, y, yo + j)).intoArray(y, yo + j);
            }
            for (int j = mv; j < m; j++) y[yo + j] += xt * a[p + j];
        }
    }

    /** Sums of scaled rows shorter than a vector: the scalar part of the general loop (four rows per step, then one). */
    private static void shortAxpy(double[] a, int ao, int lda, double[] x, int xo, int incx, double[] y, int yo, int m, int from, int to) {
        int t = from;
        for (; t + 4 <= to; t += 4) {
            int p0 = ao + t * lda, p1 = p0 + lda, p2 = p1 + lda, p3 = p2 + lda;
            double x0 = x[xo + t * incx], x1 = x[xo + (t + 1) * incx], x2 = x[xo + (t + 2) * incx], x3 = x[xo + (t + 3) * incx];
            for (int j = 0; j < m; j++) y[yo + j] += x0 * a[p0 + j] + x1 * a[p1 + j] + x2 * a[p2 + j] + x3 * a[p3 + j];
        }
        for (; t < to; t++) {
            int p = ao + t * lda;
            double xt = x[xo + t * incx];
            for (int j = 0; j < m; j++) y[yo + j] += xt * a[p + j];
        }
    }

    @Override
    public void axpyRows(float[] a, int ao, int lda, float[] x, int xo, int incx, double[] y, int yo, int m, int from, int to) {
        int mv = FH.loopBound(m);
        int t = from;
        for (; t + 4 <= to; t += 4) {
            int p0 = ao + t * lda, p1 = p0 + lda, p2 = p1 + lda, p3 = p2 + lda;
            double x0 = x[xo + t * incx], x1 = x[xo + (t + 1) * incx], x2 = x[xo + (t + 2) * incx], x3 = x[xo + (t + 3) * incx];
            DoubleVector v0 = DoubleVector.broadcast(D, x0), v1 = DoubleVector.broadcast(D, x1);
            DoubleVector v2 = DoubleVector.broadcast(D, x2), v3 = DoubleVector.broadcast(D, x3);
            for (int j = 0; j < mv; j += L) {
                DoubleVector s = DoubleVector.fromArray(D, y, yo + j);
                s = widen(a, p0 + j).fma(v0, s);
                s = widen(a, p1 + j).fma(v1, s);
                s = widen(a, p2 + j).fma(v2, s);
                s = widen(a, p3 + j).fma(v3, s);
                s.intoArray(y, yo + j);
            }
            for (int j = mv; j < m; j++) y[yo + j] += x0 * a[p0 + j] + x1 * a[p1 + j] + x2 * a[p2 + j] + x3 * a[p3 + j];
        }
        for (; t < to; t++) {
            int p = ao + t * lda;
            double xt = x[xo + t * incx];
            DoubleVector v = DoubleVector.broadcast(D, xt);
            for (int j = 0; j < mv; j += L) widen(a, p + j).fma(v, DoubleVector.fromArray(D, y, yo + j)).intoArray(y, yo + j);
            for (int j = mv; j < m; j++) y[yo + j] += xt * a[p + j];
        }
    }

    // ---------------------------------------------------------------- GEMM

    @Override
    public void gemm(Object a, int ao, int ars, int acs, Object b, int bo, int brs, int bcs, double[] c, int co,
                     int m, int n, int k, boolean parallel) {
        boolean split = split(m, n, k, parallel);
        if (byParts(m, n, k, split)) {
            sumOfParts(a, ao, ars, acs, b, bo, brs, bcs, c, co, m, n, k);
        } else {
            blocked(a, ao, ars, acs, b, bo, brs, bcs, c, co, m, n, k, split, null, 0);
        }
    }

    // f32 results go straight to cf from the last block's tiles; a double C holds the sum of the blocks before it, and
    // is not needed at all when k fits one block (no 8-byte C to allocate, zero, add to and round afterwards)
    @Override
    public void gemmF32(float[] a, int ao, int ars, int acs, float[] b, int bo, int brs, int bcs, float[] cf, int co,
                        int m, int n, int k, boolean parallel) {
        boolean split = split(m, n, k, parallel);
        if (byParts(m, n, k, split)) {
            MatKernels.super.gemmF32(a, ao, ars, acs, b, bo, brs, bcs, cf, co, m, n, k, parallel);
        } else {
            blocked(a, ao, ars, acs, b, bo, brs, bcs, k > KCF ? new double[m * n] : null, 0, m, n, k, split, cf, co);
        }
    }

    private static boolean split(int m, int n, int k, boolean parallel) {
        return parallel && Parallel.CORES >= 2 && (long) m * n * k >= PARALLEL_MIN;
    }

    private static boolean byParts(int m, int n, int k, boolean split) {
        return split && k >= 2 * PART && k >= 4L * Math.max(m, n);
    }

    // a long inner dimension and a small C (x.T @ g): the k terms cut into parts that the cores take one at a time, each
    // summed on one thread into its own C (the first into c itself), then added in order: one fork/join in all, where
    // splitting C would fork once per KC block for a few tiles each
    private static void sumOfParts(Object a, int ao, int ars, int acs, Object b, int bo, int brs, int bcs, double[] c, int co,
                                   int m, int n, int k) {
        int parts = Math.min(4 * Parallel.CORES, k / PART);
        double[][] partial = new double[parts][];
        Parallel.forRange(parts, Long.MAX_VALUE, (from, to) -> {
            for (int p = from; p < to; p++) {
                int t0 = (int) ((long) k * p / parts), t1 = (int) ((long) k * (p + 1) / parts);
                double[] part = p == 0 ? c : new double[m * n];
                blocked(a, ao + t0 * acs, ars, acs, b, bo + t0 * brs, brs, bcs, part, p == 0 ? co : 0, m, n, t1 - t0, false, null, 0);
                partial[p] = part;
            }
        });
        for (int p = 1; p < parts; p++) {
            double[] part = partial[p];
            for (int e = 0; e < m * n; e++) c[co + e] += part[e];
        }
    }

    // C += A B, on several cores when split; or, given cf (f32 operands), cf[i + shift] = (float) (A B)[i] with C the
    // sums of the blocks before the last (null when there is one block), overwritten
    private static void blocked(Object a, int ao, int ars, int acs, Object b, int bo, int brs, int bcs, double[] c, int co,
                                int m, int n, int k, boolean split, float[] cf, int shift) {
        // BLIS's loop order: each KC x NC block of B is packed once (its panels split across the cores) and shared;
        // the MC-row blocks of A (and, when they are few, column groups of the B block) are the parallel tasks, each
        // packing its own block of A into its thread's buffer
        boolean f32 = a instanceof float[];
        int mr = f32 ? MRF : MR, mcMax = MC / mr * mr;
        int mc = split ? Math.min(mcMax, Math.max(4 * mr, roundUp((m + 4 * Parallel.CORES - 1) / (4 * Parallel.CORES), mr))) : mcMax;
        int rowBlocks = (m + mc - 1) / mc;
        int nr = f32 ? NRF : NR;
        for (int jc = 0; jc < n; jc += NC) {
            int nc = Math.min(NC, n - jc), panels = (nc + nr - 1) / nr;
            int groups = split ? Math.min(panels, Math.max(1, 4 * Parallel.CORES / rowBlocks)) : 1;
            int kcMax = f32 ? KCF : KC;
            for (int pc = 0; pc < k; pc += kcMax) {
                int kc = Math.min(kcMax, k - pc);
                int bOff = bo + pc * brs + jc * bcs;
                // B is always packed, even a small one that could be read in place: the kernels' constant B stride
                // lets the JIT drop their bounds checks and a multiply per step (f64 1024^3 on one core ran 15-25%
                // faster; products with k = 64 and 32 columns, whose B is 16 KB, took the same time)
                Object bp = f32 ? floatBuffer(1, kc * panels * nr) : buffer(1, kc * panels * nr);
                Parallel.forRange(panels, split && (long) kc * nc >= PACK_PARALLEL ? Long.MAX_VALUE : 0, (p0, p1) -> {
                    int o = bOff + p0 * nr * bcs, w = Math.min(nc, p1 * nr) - p0 * nr;
                    if (f32) packB((float[]) b, o, brs, bcs, kc, w, (float[]) bp, p0 * nr * kc);
                    else packB((double[]) b, o, brs, bcs, kc, w, (double[]) bp, p0 * nr * kc);
                });
                int aOff = ao + pc * acs, cOff = co + jc;
                int mode = cf == null ? ADD : pc == 0 ? (kc == k ? ROUND : STORE) : pc + kc == k ? ADD_ROUND : ADD;
                Parallel.forRange(rowBlocks * groups, split ? Long.MAX_VALUE : 0, (from, to) -> {
                    for (int q = from; q < to; q++) {
                        int i0 = q / groups * mc, g = q % groups, rows = Math.min(mc, m - i0);
                        int j0 = (int) ((long) panels * g / groups) * nr, j1 = Math.min(nc, (int) ((long) panels * (g + 1) / groups) * nr);
                        if (f32) blockF32((float[]) a, aOff + i0 * ars, ars, acs, rows, kc, (float[]) bp, j0, j1, c, cOff + i0 * n, n, mode, cf, shift);
                        else block((double[]) a, aOff + i0 * ars, ars, acs, rows, kc, (double[]) bp, j0, j1, c, cOff + i0 * n, n);
                    }
                });
            }
        }
    }

    private static int roundUp(int x, int unit) {
        return (x + unit - 1) / unit * unit;
    }

    // this thread's scratch array {@code which} (0: A blocks, 1: B blocks, 2: an edge tile), grown to at least n
    private static double[] buffer(int which, int n) {
        double[][] bufs = BUFFERS.get();
        if (bufs[which].length < n) bufs[which] = new double[n];
        return bufs[which];
    }

    private static float[] floatBuffer(int which, int n) {
        float[][] bufs = FLOAT_BUFFERS.get();
        if (bufs[which].length < n) bufs[which] = new float[n];
        return bufs[which];
    }

    // C[0:mc, jFrom:jTo] += A[0:mc, 0:kc] Bpacked in BLIS order: A packed into MR-row panels when more than four column
    // panels reuse it (packedBlock), else read in place (inPlaceBlock). A transposed A (x.T @ g) read in place takes a
    // cache line per step for MR elements, once per column panel, so it is read in place for at most two panels:
    // x.T @ g at 64 x 8192 x 32 took 1.64 ms in place, 1.41 packed; at 32 x 8192 x 10, 0.41 in place and 0.46 packed
    // (medians, one JVM alternating the two).
    private static void block(double[] a, int aOff, int ars, int acs, int mc, int kc, double[] bp, int jFrom, int jTo,
                              double[] c, int cOff, int ldc) {
        if (jTo - jFrom > (acs == 1 ? 4 : 2) * NR) packedBlock(a, aOff, ars, acs, mc, kc, bp, jFrom, jTo, c, cOff, ldc);
        else inPlaceBlock(a, aOff, ars, acs, mc, kc, bp, jFrom, jTo, c, cOff, ldc);
    }

    // A packed; the tiles are summed from zero and stored into a row-major buffer of CHUNK columns, then added to C row by row (the
    // f32 path's scheme): each tile read and wrote its rows of C in place, a few cache lines in as many pages, which
    // no prefetcher follows, and whose misses the FMAs waited on. Missing rows and columns of partial tiles are zeros
    // of the packed panels, computed into the buffer and not added.
    private static void packedBlock(double[] a, int aOff, int ars, int acs, int mc, int kc, double[] bp, int jFrom, int jTo,
                                    double[] c, int cOff, int ldc) {
        int rows = roundUp(mc, MR);
        double[] ap = buffer(0, rows * kc), out = buffer(2, rows * CHUNK);
        packA(a, aOff, ars, acs, mc, kc, ap);
        for (int jc = jFrom; jc < jTo; jc += CHUNK) {
            int w = Math.min(CHUNK, jTo - jc), ldo = roundUp(w, NR);
            for (int j0 = 0; j0 < w; j0 += NR) {
                for (int i0 = 0; i0 < mc; i0 += MR) {
                    if (MR == 8) kernel8(kc, ap, i0 * kc, bp, (jc + j0) * kc, out, i0 * ldo + j0, ldo, false);
                    else kernel5(kc, ap, i0 * kc, bp, (jc + j0) * kc, out, i0 * ldo + j0, ldo, false);
                }
            }
            addTile(out, ldo, c, cOff + jc, ldc, mc, w);
        }
    }

    // f64 feeding at most four column panels (x @ w with few columns): packing A would cost more than it saves, so the
    // whole MR-row panels are read in place and only the last partial one is packed (at 32 columns on AVX2, in-place
    // gave 3-17% over packing in one JVM alternating the two; at 64, 7% less). Tiles add into C in place: a partial
    // tile goes through a zeroed scratch tile, since masked loads and stores near the end of c are not intrinsified
    private static void inPlaceBlock(double[] a, int aOff, int ars, int acs, int mc, int kc, double[] bp, int jFrom, int jTo,
                                     double[] c, int cOff, int ldc) {
        int packedFrom = mc / MR * MR;
        double[] ap = buffer(0, roundUp(mc - packedFrom, MR) * kc), edge = buffer(2, MR * NR);
        packA(a, aOff + packedFrom * ars, ars, acs, mc - packedFrom, kc, ap);
        if ((long) kc * (jTo - jFrom) <= ROW_ORDER_B) {
            for (int i0 = 0; i0 < mc; i0 += MR) {
                for (int j0 = jFrom; j0 < jTo; j0 += NR) inPlaceTile(a, aOff, ars, acs, mc, kc, ap, packedFrom, bp, edge, c, cOff, ldc, i0, j0, jTo);
            }
        } else {
            for (int j0 = jFrom; j0 < jTo; j0 += NR) {
                for (int i0 = 0; i0 < mc; i0 += MR) inPlaceTile(a, aOff, ars, acs, mc, kc, ap, packedFrom, bp, edge, c, cOff, ldc, i0, j0, jTo);
            }
        }
    }

    // the tile at rows i0, columns j0 of inPlaceBlock
    private static void inPlaceTile(double[] a, int aOff, int ars, int acs, int mc, int kc, double[] ap, int packedFrom,
                                    double[] bp, double[] edge, double[] c, int cOff, int ldc, int i0, int j0, int jTo) {
        int cols = Math.min(NR, jTo - j0), bo = j0 * kc, rows = Math.min(MR, mc - i0), ct = cOff + i0 * ldc + j0;
        boolean whole = rows == MR && cols == NR;
        double[] t = whole ? c : edge;
        int to = whole ? ct : 0, ldt = whole ? ldc : NR;
        if (!whole) java.util.Arrays.fill(edge, 0, MR * NR, 0);
        if (i0 >= packedFrom) {
            if (MR == 8) kernel8(kc, ap, 0, bp, bo, t, to, ldt, true);
            else kernel5(kc, ap, 0, bp, bo, t, to, ldt, true);
        } else if (MR == 8) {
            kernelInPlace8(kc, a, aOff + i0 * ars, ars, acs, bp, bo, t, to, ldt);
        } else if (acs == 1) {
            kernelRows5(kc, a, aOff + i0 * ars, ars, bp, bo, t, to, ldt);
        } else {
            kernelInPlace5(kc, a, aOff + i0 * ars, ars, acs, bp, bo, t, to, ldt);
        }
        if (!whole) addTile(edge, NR, c, ct, ldc, rows, cols);
    }

    // ap[(i0 + r) * kc ... ]: panel p holds rows p*MR..p*MR+MR-1 interleaved, ap[p*MR*kc + t*MR + r]; missing rows are zero
    private static void packA(double[] a, int off, int rs, int cs, int mc, int kc, double[] ap) {
        int whole = mc / MR * MR;
        if (rs == 1 && whole > 0) {
            // a transposed A (x.T): each column of the block is a contiguous run of mc elements, read once, its MR-element
            // pieces going to the whole panels (a panel at a time, System.arraycopy per column, re-read A once per panel)
            for (int t = 0; t < kc; t++) {
                int src = off + t * cs, dst = t * MR;
                for (int i0 = 0; i0 < whole; i0 += MR, dst += MR * kc) {
                    for (int r = 0; r < MR; r++) ap[dst + r] = a[src + i0 + r];
                }
            }
            if (whole == mc) return;
        }
        for (int i0 = rs == 1 ? whole : 0; i0 < mc; i0 += MR) {
            int base = i0 * kc;
            for (int r = 0; r < MR; r++) {
                if (i0 + r < mc) {
                    int src = off + (i0 + r) * rs;
                    for (int t = 0; t < kc; t++) ap[base + t * MR + r] = a[src + t * cs];
                } else {
                    for (int t = 0; t < kc; t++) ap[base + t * MR + r] = 0;
                }
            }
        }
    }

    private static void packA(float[] a, int off, int rs, int cs, int mc, int kc, float[] ap) {
        for (int i0 = 0; i0 < mc; i0 += MRF) {
            int base = i0 * kc;
            if (rs == 1 && i0 + MRF <= mc) {
                int src = off + i0;
                for (int t = 0; t < kc; t++) System.arraycopy(a, src + t * cs, ap, base + t * MRF, MRF);
                continue;
            }
            for (int r = 0; r < MRF; r++) {
                if (i0 + r < mc) {
                    int src = off + (i0 + r) * rs;
                    for (int t = 0; t < kc; t++) ap[base + t * MRF + r] = a[src + t * cs];
                } else {
                    for (int t = 0; t < kc; t++) ap[base + t * MRF + r] = 0;
                }
            }
        }
    }

    // panel q holds columns q*NR..q*NR+NR-1 row after row: bp[bpo + q*NR*kc + t*NR + j]; missing columns are zero. A
    // row-major B goes PACK_ROWS rows at a time, each row's pieces to every whole panel, as two vector loads and stores
    // (System.arraycopy of 64 bytes costs a call: one JVM alternating the two, 256^3 to 512^3 products ran 2-4% faster)
    private static void packB(double[] b, int off, int rs, int cs, int kc, int nc, double[] bp, int bpo) {
        int whole = cs == 1 ? nc / NR * NR : 0;
        for (int t0 = 0; t0 < kc; t0 += PACK_ROWS) {
            int t1 = Math.min(kc, t0 + PACK_ROWS);
            for (int j0 = 0; j0 < whole; j0 += NR) {
                for (int t = t0; t < t1; t++) {
                    int src = off + t * rs + j0, dst = bpo + j0 * kc + t * NR;
                    DoubleVector v0 = DoubleVector.fromArray(D, b, src), v1 = DoubleVector.fromArray(D, b, src + L);
                    v0.intoArray(bp, dst);
                    v1.intoArray(bp, dst + L);
                }
            }
        }
        for (int j0 = whole; j0 < nc; j0 += NR) {
            int w = Math.min(NR, nc - j0), base = bpo + j0 * kc;
            for (int t = 0; t < kc; t++) {
                int src = off + t * rs + j0 * cs, dst = base + t * NR;
                for (int j = 0; j < w; j++) bp[dst + j] = b[src + j * cs];
                for (int j = w; j < NR; j++) bp[dst + j] = 0;
            }
        }
    }

    // as the f64 form, NRF columns per panel: bp[bpo + q*NRF*kc + t*NRF + j]
    private static void packB(float[] b, int off, int rs, int cs, int kc, int nc, float[] bp, int bpo) {
        int whole = cs == 1 ? nc / NRF * NRF : 0;
        for (int t0 = 0; t0 < kc; t0 += PACK_ROWS) {
            int t1 = Math.min(kc, t0 + PACK_ROWS);
            for (int j0 = 0; j0 < whole; j0 += NRF) {
                for (int t = t0; t < t1; t++) {
                    int src = off + t * rs + j0, dst = bpo + j0 * kc + t * NRF;
                    FloatVector v0 = FloatVector.fromArray(F, b, src), v1 = FloatVector.fromArray(F, b, src + LF);
                    v0.intoArray(bp, dst);
                    v1.intoArray(bp, dst + LF);
                }
            }
        }
        for (int j0 = whole; j0 < nc; j0 += NRF) {
            int w = Math.min(NRF, nc - j0), base = bpo + j0 * kc;
            for (int t = 0; t < kc; t++) {
                int src = off + t * rs + j0 * cs, dst = base + t * NRF;
                for (int j = 0; j < w; j++) bp[dst + j] = b[src + j * cs];
                for (int j = w; j < NRF; j++) bp[dst + j] = 0;
            }
        }
    }

    // C[0:mc, jFrom:jTo] += A[0:mc, 0:kc] Bpacked for f32 operands: A packed into MRF-row panels of floats; each tile's
    // kc terms are summed in f32 lanes from zero (kernelF32) into a row-major buffer of CHUNKF columns, which is then
    // added to C in double row by row (addRows)
    private static void blockF32(float[] a, int aOff, int ars, int acs, int mc, int kc, float[] bp, int jFrom, int jTo,
                                 double[] c, int cOff, int ldc, int mode, float[] cf, int shift) {
        int rows = roundUp(mc, MRF);
        float[] ap = floatBuffer(0, rows * kc), out = floatBuffer(2, rows * CHUNKF);
        packA(a, aOff, ars, acs, mc, kc, ap);
        for (int jc = jFrom; jc < jTo; jc += CHUNKF) {
            int w = Math.min(CHUNKF, jTo - jc), ldo = roundUp(w, NRF);
            for (int j0 = 0; j0 < w; j0 += NRF) {
                for (int i0 = 0; i0 < mc; i0 += MRF) {
                    if (MRF == 8) kernelF32(kc, ap, i0 * kc, bp, (jc + j0) * kc, out, i0 * ldo + j0, ldo);
                    else kernelF32x4(kc, ap, i0 * kc, bp, (jc + j0) * kc, out, i0 * ldo + j0, ldo);
                }
            }
            addRows(out, ldo, c, cOff + jc, ldc, mc, w, mode, cf, shift);
        }
    }

    // T[MR x NR tile at to, row stride ldt] = (acc ? T : 0) + Apanel(MR x kc) Bsliver(kc x NR, row t at bp[bo + t*NR]),
    // accumulated in 2*MR = 16 or 10 vector registers (two FMA pipes of 4 cycles' latency need 8 independent sums). T
    // is a packed block's buffer (acc false: zeroing the buffer first took 5% of a 1024^3 product), or C itself for a
    // whole tile of an A read in place, else a zeroed scratch tile that addTile adds to C: masked loads and stores of
    // partial tiles near the end of c are not intrinsified (the Vector API falls back to boxed lanes). This method calls
    // nothing with vector arguments, since one such call left out of line (C2's inlining budget) boxes the vectors: an
    // 8 x 16 kernel that added its rows to C through a helper ran at 7 GFLOP/s instead of 75.
    private static void kernel8(int kc, double[] ap, int ao, double[] bp, int bo, double[] t, int to, int ldt, boolean acc) {
        int r1 = to + ldt, r2 = r1 + ldt, r3 = r2 + ldt, r4 = r3 + ldt, r5 = r4 + ldt, r6 = r5 + ldt, r7 = r6 + ldt;
        DoubleVector c00 = DoubleVector.zero(D), c01 = c00;
        DoubleVector c10 = DoubleVector.zero(D), c11 = c10;
        DoubleVector c20 = DoubleVector.zero(D), c21 = c20;
        DoubleVector c30 = DoubleVector.zero(D), c31 = c30;
        DoubleVector c40 = DoubleVector.zero(D), c41 = c40;
        DoubleVector c50 = DoubleVector.zero(D), c51 = c50;
        DoubleVector c60 = DoubleVector.zero(D), c61 = c60;
        DoubleVector c70 = DoubleVector.zero(D), c71 = c70;
        if (acc) {
            c00 = DoubleVector.fromArray(D, t, to); c01 = DoubleVector.fromArray(D, t, to + L);
            c10 = DoubleVector.fromArray(D, t, r1); c11 = DoubleVector.fromArray(D, t, r1 + L);
            c20 = DoubleVector.fromArray(D, t, r2); c21 = DoubleVector.fromArray(D, t, r2 + L);
            c30 = DoubleVector.fromArray(D, t, r3); c31 = DoubleVector.fromArray(D, t, r3 + L);
            c40 = DoubleVector.fromArray(D, t, r4); c41 = DoubleVector.fromArray(D, t, r4 + L);
            c50 = DoubleVector.fromArray(D, t, r5); c51 = DoubleVector.fromArray(D, t, r5 + L);
            c60 = DoubleVector.fromArray(D, t, r6); c61 = DoubleVector.fromArray(D, t, r6 + L);
            c70 = DoubleVector.fromArray(D, t, r7); c71 = DoubleVector.fromArray(D, t, r7 + L);
        }
        for (int s = 0; s < kc; s++) {
            int pb = bo + s * NR, pa = ao + s * MR;
            DoubleVector b0 = DoubleVector.fromArray(D, bp, pb), b1 = DoubleVector.fromArray(D, bp, pb + L);
            DoubleVector x = DoubleVector.broadcast(D, ap[pa]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = DoubleVector.broadcast(D, ap[pa + 1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = DoubleVector.broadcast(D, ap[pa + 2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = DoubleVector.broadcast(D, ap[pa + 3]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = DoubleVector.broadcast(D, ap[pa + 4]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            x = DoubleVector.broadcast(D, ap[pa + 5]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
            x = DoubleVector.broadcast(D, ap[pa + 6]);
            c60 = x.fma(b0, c60);
            c61 = x.fma(b1, c61);
            x = DoubleVector.broadcast(D, ap[pa + 7]);
            c70 = x.fma(b0, c70);
            c71 = x.fma(b1, c71);
        }
        c00.intoArray(t, to);
        c01.intoArray(t, to + L);
        c10.intoArray(t, r1);
        c11.intoArray(t, r1 + L);
        c20.intoArray(t, r2);
        c21.intoArray(t, r2 + L);
        c30.intoArray(t, r3);
        c31.intoArray(t, r3 + L);
        c40.intoArray(t, r4);
        c41.intoArray(t, r4 + L);
        c50.intoArray(t, r5);
        c51.intoArray(t, r5 + L);
        c60.intoArray(t, r6);
        c61.intoArray(t, r6 + L);
        c70.intoArray(t, r7);
        c71.intoArray(t, r7 + L);
    }

    private static void kernel5(int kc, double[] ap, int ao, double[] bp, int bo, double[] t, int to, int ldt, boolean acc) {
        int r1 = to + ldt, r2 = r1 + ldt, r3 = r2 + ldt, r4 = r3 + ldt;
        DoubleVector c00 = DoubleVector.zero(D), c01 = c00;
        DoubleVector c10 = DoubleVector.zero(D), c11 = c10;
        DoubleVector c20 = DoubleVector.zero(D), c21 = c20;
        DoubleVector c30 = DoubleVector.zero(D), c31 = c30;
        DoubleVector c40 = DoubleVector.zero(D), c41 = c40;
        if (acc) {
            c00 = DoubleVector.fromArray(D, t, to); c01 = DoubleVector.fromArray(D, t, to + L);
            c10 = DoubleVector.fromArray(D, t, r1); c11 = DoubleVector.fromArray(D, t, r1 + L);
            c20 = DoubleVector.fromArray(D, t, r2); c21 = DoubleVector.fromArray(D, t, r2 + L);
            c30 = DoubleVector.fromArray(D, t, r3); c31 = DoubleVector.fromArray(D, t, r3 + L);
            c40 = DoubleVector.fromArray(D, t, r4); c41 = DoubleVector.fromArray(D, t, r4 + L);
        }
        for (int s = 0; s < kc; s++) {
            int pb = bo + s * NR, pa = ao + s * MR;
            DoubleVector b0 = DoubleVector.fromArray(D, bp, pb), b1 = DoubleVector.fromArray(D, bp, pb + L);
            DoubleVector x = DoubleVector.broadcast(D, ap[pa]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = DoubleVector.broadcast(D, ap[pa + 1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = DoubleVector.broadcast(D, ap[pa + 2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = DoubleVector.broadcast(D, ap[pa + 3]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = DoubleVector.broadcast(D, ap[pa + 4]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
        }
        c00.intoArray(t, to);
        c01.intoArray(t, to + L);
        c10.intoArray(t, r1);
        c11.intoArray(t, r1 + L);
        c20.intoArray(t, r2);
        c21.intoArray(t, r2 + L);
        c30.intoArray(t, r3);
        c31.intoArray(t, r3 + L);
        c40.intoArray(t, r4);
        c41.intoArray(t, r4 + L);
    }

    // kernel with A(r, s) = a[ao + r*ars + s*acs] read in place: the same sums in the same order (a separate method: the
    // packed kernel's fixed offsets save an address addition per broadcast, ~10% of its speed)
    private static void kernelInPlace8(int kc, double[] a, int ao, int ars, int acs, double[] bp, int bo, double[] t, int to,
                                       int ldt) {
        int r1 = to + ldt, r2 = r1 + ldt, r3 = r2 + ldt, r4 = r3 + ldt, r5 = r4 + ldt, r6 = r5 + ldt, r7 = r6 + ldt;
        DoubleVector c00 = DoubleVector.fromArray(D, t, to), c01 = DoubleVector.fromArray(D, t, to + L);
        DoubleVector c10 = DoubleVector.fromArray(D, t, r1), c11 = DoubleVector.fromArray(D, t, r1 + L);
        DoubleVector c20 = DoubleVector.fromArray(D, t, r2), c21 = DoubleVector.fromArray(D, t, r2 + L);
        DoubleVector c30 = DoubleVector.fromArray(D, t, r3), c31 = DoubleVector.fromArray(D, t, r3 + L);
        DoubleVector c40 = DoubleVector.fromArray(D, t, r4), c41 = DoubleVector.fromArray(D, t, r4 + L);
        DoubleVector c50 = DoubleVector.fromArray(D, t, r5), c51 = DoubleVector.fromArray(D, t, r5 + L);
        DoubleVector c60 = DoubleVector.fromArray(D, t, r6), c61 = DoubleVector.fromArray(D, t, r6 + L);
        DoubleVector c70 = DoubleVector.fromArray(D, t, r7), c71 = DoubleVector.fromArray(D, t, r7 + L);
        for (int s = 0; s < kc; s++) {
            int pb = bo + s * NR, pa = ao + s * acs;
            DoubleVector b0 = DoubleVector.fromArray(D, bp, pb), b1 = DoubleVector.fromArray(D, bp, pb + L);
            DoubleVector x = DoubleVector.broadcast(D, a[pa]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = DoubleVector.broadcast(D, a[pa + ars]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = DoubleVector.broadcast(D, a[pa + 2 * ars]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = DoubleVector.broadcast(D, a[pa + 3 * ars]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = DoubleVector.broadcast(D, a[pa + 4 * ars]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            x = DoubleVector.broadcast(D, a[pa + 5 * ars]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
            x = DoubleVector.broadcast(D, a[pa + 6 * ars]);
            c60 = x.fma(b0, c60);
            c61 = x.fma(b1, c61);
            x = DoubleVector.broadcast(D, a[pa + 7 * ars]);
            c70 = x.fma(b0, c70);
            c71 = x.fma(b1, c71);
        }
        c00.intoArray(t, to);
        c01.intoArray(t, to + L);
        c10.intoArray(t, r1);
        c11.intoArray(t, r1 + L);
        c20.intoArray(t, r2);
        c21.intoArray(t, r2 + L);
        c30.intoArray(t, r3);
        c31.intoArray(t, r3 + L);
        c40.intoArray(t, r4);
        c41.intoArray(t, r4 + L);
        c50.intoArray(t, r5);
        c51.intoArray(t, r5 + L);
        c60.intoArray(t, r6);
        c61.intoArray(t, r6 + L);
        c70.intoArray(t, r7);
        c71.intoArray(t, r7 + L);
    }

    // kernelInPlace5 for a row-major A (column step 1): each row's element s at a fixed base + s, so that the JIT can
    // take the range checks of A's loads out of the loop, as it cannot for base + s * acs with a variable acs
    // (8192 x 64 x 32 on two cores: 0.94 -> 0.80 ms; 1797 x 64 x 32: 0.24 -> 0.19, medians in one JVM alternating)
    private static void kernelRows5(int kc, double[] a, int ao, int ars, double[] bp, int bo, double[] t, int to,
                                       int ldt) {
        int r1 = to + ldt, r2 = r1 + ldt, r3 = r2 + ldt, r4 = r3 + ldt;
        DoubleVector c00 = DoubleVector.fromArray(D, t, to), c01 = DoubleVector.fromArray(D, t, to + L);
        DoubleVector c10 = DoubleVector.fromArray(D, t, r1), c11 = DoubleVector.fromArray(D, t, r1 + L);
        DoubleVector c20 = DoubleVector.fromArray(D, t, r2), c21 = DoubleVector.fromArray(D, t, r2 + L);
        DoubleVector c30 = DoubleVector.fromArray(D, t, r3), c31 = DoubleVector.fromArray(D, t, r3 + L);
        DoubleVector c40 = DoubleVector.fromArray(D, t, r4), c41 = DoubleVector.fromArray(D, t, r4 + L);
        int a1 = ao + ars, a2 = a1 + ars, a3 = a2 + ars, a4 = a3 + ars;
        for (int s = 0; s < kc; s++) {
            int pb = bo + s * NR;
            DoubleVector b0 = DoubleVector.fromArray(D, bp, pb), b1 = DoubleVector.fromArray(D, bp, pb + L);
            DoubleVector x = DoubleVector.broadcast(D, a[ao + s]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = DoubleVector.broadcast(D, a[a1 + s]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = DoubleVector.broadcast(D, a[a2 + s]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = DoubleVector.broadcast(D, a[a3 + s]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = DoubleVector.broadcast(D, a[a4 + s]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
        }
        c00.intoArray(t, to);
        c01.intoArray(t, to + L);
        c10.intoArray(t, r1);
        c11.intoArray(t, r1 + L);
        c20.intoArray(t, r2);
        c21.intoArray(t, r2 + L);
        c30.intoArray(t, r3);
        c31.intoArray(t, r3 + L);
        c40.intoArray(t, r4);
        c41.intoArray(t, r4 + L);
    }

    private static void kernelInPlace5(int kc, double[] a, int ao, int ars, int acs, double[] bp, int bo, double[] t, int to,
                                       int ldt) {
        int r1 = to + ldt, r2 = r1 + ldt, r3 = r2 + ldt, r4 = r3 + ldt;
        DoubleVector c00 = DoubleVector.fromArray(D, t, to), c01 = DoubleVector.fromArray(D, t, to + L);
        DoubleVector c10 = DoubleVector.fromArray(D, t, r1), c11 = DoubleVector.fromArray(D, t, r1 + L);
        DoubleVector c20 = DoubleVector.fromArray(D, t, r2), c21 = DoubleVector.fromArray(D, t, r2 + L);
        DoubleVector c30 = DoubleVector.fromArray(D, t, r3), c31 = DoubleVector.fromArray(D, t, r3 + L);
        DoubleVector c40 = DoubleVector.fromArray(D, t, r4), c41 = DoubleVector.fromArray(D, t, r4 + L);
        for (int s = 0; s < kc; s++) {
            int pb = bo + s * NR, pa = ao + s * acs;
            DoubleVector b0 = DoubleVector.fromArray(D, bp, pb), b1 = DoubleVector.fromArray(D, bp, pb + L);
            DoubleVector x = DoubleVector.broadcast(D, a[pa]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = DoubleVector.broadcast(D, a[pa + ars]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = DoubleVector.broadcast(D, a[pa + 2 * ars]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = DoubleVector.broadcast(D, a[pa + 3 * ars]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = DoubleVector.broadcast(D, a[pa + 4 * ars]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
        }
        c00.intoArray(t, to);
        c01.intoArray(t, to + L);
        c10.intoArray(t, r1);
        c11.intoArray(t, r1 + L);
        c20.intoArray(t, r2);
        c21.intoArray(t, r2 + L);
        c30.intoArray(t, r3);
        c31.intoArray(t, r3 + L);
        c40.intoArray(t, r4);
        c41.intoArray(t, r4 + L);
    }

    // out[oo + r*ldo + j] = sum_s Apanel(r, s) Bsliver(s, j) in f32 lanes, the kernel's register blocking with floats
    private static void kernelF32(int kc, float[] ap, int ao, float[] bp, int bo, float[] out, int oo, int ldo) {
        FloatVector c00 = FloatVector.zero(F), c01 = FloatVector.zero(F);
        FloatVector c10 = FloatVector.zero(F), c11 = FloatVector.zero(F);
        FloatVector c20 = FloatVector.zero(F), c21 = FloatVector.zero(F);
        FloatVector c30 = FloatVector.zero(F), c31 = FloatVector.zero(F);
        FloatVector c40 = FloatVector.zero(F), c41 = FloatVector.zero(F);
        FloatVector c50 = FloatVector.zero(F), c51 = FloatVector.zero(F);
        FloatVector c60 = FloatVector.zero(F), c61 = FloatVector.zero(F);
        FloatVector c70 = FloatVector.zero(F), c71 = FloatVector.zero(F);
        for (int s = 0; s < kc; s++) {
            int pb = bo + s * NRF, pa = ao + s * MRF;
            FloatVector b0 = FloatVector.fromArray(F, bp, pb), b1 = FloatVector.fromArray(F, bp, pb + LF);
            FloatVector x = FloatVector.broadcast(F, ap[pa]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(F, ap[pa + 1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(F, ap[pa + 2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(F, ap[pa + 3]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(F, ap[pa + 4]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(F, ap[pa + 5]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
            x = FloatVector.broadcast(F, ap[pa + 6]);
            c60 = x.fma(b0, c60);
            c61 = x.fma(b1, c61);
            x = FloatVector.broadcast(F, ap[pa + 7]);
            c70 = x.fma(b0, c70);
            c71 = x.fma(b1, c71);
        }
        c00.intoArray(out, oo);
        c01.intoArray(out, oo + LF);
        c10.intoArray(out, oo + 1 * ldo);
        c11.intoArray(out, oo + 1 * ldo + LF);
        c20.intoArray(out, oo + 2 * ldo);
        c21.intoArray(out, oo + 2 * ldo + LF);
        c30.intoArray(out, oo + 3 * ldo);
        c31.intoArray(out, oo + 3 * ldo + LF);
        c40.intoArray(out, oo + 4 * ldo);
        c41.intoArray(out, oo + 4 * ldo + LF);
        c50.intoArray(out, oo + 5 * ldo);
        c51.intoArray(out, oo + 5 * ldo + LF);
        c60.intoArray(out, oo + 6 * ldo);
        c61.intoArray(out, oo + 6 * ldo + LF);
        c70.intoArray(out, oo + 7 * ldo);
        c71.intoArray(out, oo + 7 * ldo + LF);
    }

    // kernelF32 with 4 rows (AVX2)
    private static void kernelF32x4(int kc, float[] ap, int ao, float[] bp, int bo, float[] out, int oo, int ldo) {
        FloatVector c00 = FloatVector.zero(F), c01 = FloatVector.zero(F);
        FloatVector c10 = FloatVector.zero(F), c11 = FloatVector.zero(F);
        FloatVector c20 = FloatVector.zero(F), c21 = FloatVector.zero(F);
        FloatVector c30 = FloatVector.zero(F), c31 = FloatVector.zero(F);
        for (int s = 0; s < kc; s++) {
            int pb = bo + s * NRF, pa = ao + s * MRF;
            FloatVector b0 = FloatVector.fromArray(F, bp, pb), b1 = FloatVector.fromArray(F, bp, pb + LF);
            FloatVector x = FloatVector.broadcast(F, ap[pa]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(F, ap[pa + 1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(F, ap[pa + 2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(F, ap[pa + 3]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
        }
        c00.intoArray(out, oo);
        c01.intoArray(out, oo + LF);
        c10.intoArray(out, oo + 1 * ldo);
        c11.intoArray(out, oo + 1 * ldo + LF);
        c20.intoArray(out, oo + 2 * ldo);
        c21.intoArray(out, oo + 2 * ldo + LF);
        c30.intoArray(out, oo + 3 * ldo);
        c31.intoArray(out, oo + 3 * ldo + LF);
    }

    /** How {@link #addRows} puts a block's f32 sums into the result. */
    private static final int ADD = 0, STORE = 1, ROUND = 2, ADD_ROUND = 3;

    // C[rows x cols at co] += out[r*ldo + j], widened to double, one row at a time: the rows of C are read in long runs
    // that the hardware prefetches, where adding each tile as it was computed missed the cache on every tile row. With an
    // f32 result cf (at C's positions + shift): STORE writes C (the first of several blocks), ROUND writes cf (the only
    // block), ADD_ROUND writes C + out rounded to cf (the last block)
    private static void addRows(float[] out, int ldo, double[] c, int co, int ldc, int rows, int cols, int mode, float[] cf, int shift) {
        int whole = cols / L * L;
        for (int r = 0; r < rows; r++) {
            int o = co + r * ldc, f = r * ldo;
            switch (mode) {
                case ADD -> {
                    for (int j = 0; j < whole; j += L) {
                        DoubleVector.fromArray(D, c, o + j).add(widen(out, f + j)).intoArray(c, o + j);
                    }
                    for (int j = whole; j < cols; j++) c[o + j] += out[f + j];
                }
                case STORE -> {
                    for (int j = 0; j < whole; j += L) widen(out, f + j).intoArray(c, o + j);
                    for (int j = whole; j < cols; j++) c[o + j] = out[f + j];
                }
                case ROUND -> System.arraycopy(out, f, cf, o + shift, cols);
                default -> {
                    for (int j = 0; j < whole; j += L) {
                        ((FloatVector) DoubleVector.fromArray(D, c, o + j).add(widen(out, f + j))
                                .convertShape(VectorOperators.D2F, FH, 0)).intoArray(cf, o + shift + j);
                    }
                    for (int j = whole; j < cols; j++) cf[o + shift + j] = (float) (c[o + j] + out[f + j]);
                }
            }
        }
    }

    // C[rows x cols at co] += the tile in t (row r at t[r*ldt])
    private static void addTile(double[] t, int ldt, double[] c, int co, int ldc, int rows, int cols) {
        int whole = cols / L * L;
        for (int r = 0; r < rows; r++) {
            int o = co + r * ldc, f = r * ldt;
            for (int j = 0; j < whole; j += L) {
                DoubleVector.fromArray(D, c, o + j).add(DoubleVector.fromArray(D, t, f + j)).intoArray(c, o + j);
            }
            for (int j = whole; j < cols; j++) c[o + j] += t[f + j];
        }
    }

}
