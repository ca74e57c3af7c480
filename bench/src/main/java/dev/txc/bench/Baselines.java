package dev.txc.bench;

import dev.txc.runtime.ScalarOps;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveAction;

/**
 * Hand-written dlogistic loops for context: what a programmer would write, what txc's fused kernel computes,
 * and the cheaper forms a better kernel could use. Each kernel fills {@code g[lo, hi)} from {@code x[lo, hi)};
 * {@link #parallel} splits a range the way {@code runtime.Loop} does. Vector API forms are in {@link VectorKernels}.
 */
final class Baselines {
    private Baselines() {}

    /** The textbook loop of bench-peers/DLogistic.java: {@code s = 1/(1+exp(-x)); g = s*(1-s)}, one exp. */
    static void naive(double[] x, double[] g, int lo, int hi) {
        for (int i = lo; i < hi; i++) {
            double s = 1.0 / (1.0 + Math.exp(-x[i]));
            g[i] = s * (1.0 - s);
        }
    }

    /** What txc's fused kernel computes: {@code sigmoid(x) * sigmoid(-x)} with the runtime's stable, branchy sigmoid (two exps). */
    static void twoSigmoids(double[] x, double[] g, int lo, int hi) {
        for (int i = lo; i < hi; i++) {
            double v = x[i];
            g[i] = ScalarOps.sigmoid(v) * ScalarOps.sigmoid(-v);
        }
    }

    /** A stable sigmoid without a data-dependent branch around the exp: one exp of {@code -|x|}, then a select. */
    static double sigmoidSelect(double v) {
        double e = Math.exp(-Math.abs(v));
        double r = 1.0 / (1.0 + e);
        return v >= 0 ? r : e * r;
    }

    /** txc's kernel with {@link #sigmoidSelect} in place of the runtime's sigmoid: still two exps per element. */
    static void twoSigmoidsSelect(double[] x, double[] g, int lo, int hi) {
        for (int i = lo; i < hi; i++) {
            double v = x[i];
            g[i] = sigmoidSelect(v) * sigmoidSelect(-v);
        }
    }

    /**
     * The same value with one exp and no branch: {@code sigmoid(x) * sigmoid(-x) = e / (1 + e)^2} with
     * {@code e = exp(-|x|)}, finite for every x (e is in (0, 1]).
     */
    static void expOnce(double[] x, double[] g, int lo, int hi) {
        for (int i = lo; i < hi; i++) {
            double e = Math.exp(-Math.abs(x[i]));
            double s = 1.0 / (1.0 + e);
            g[i] = e * s * s;
        }
    }

    /** A loop body over {@code [lo, hi)}. */
    interface Kernel {
        void run(double[] x, double[] g, int lo, int hi);
    }

    /** Ranges of this many elements, as runtime.Loop's blocks: enough chunks for the pool to balance. */
    private static final int BLOCK = 1 << 14;

    /** Runs {@code k} over all of x on the common ForkJoin pool, in blocks split recursively as runtime.Loop does. */
    static void parallel(Kernel k, double[] x, double[] g) {
        int blocks = (x.length + BLOCK - 1) / BLOCK;
        int chunks = Math.min(blocks, 4 * ForkJoinPool.getCommonPoolParallelism());
        ForkJoinPool.commonPool().invoke(new Split(k, x, g, 0, blocks, Math.max(1, blocks / chunks)));
    }

    private static final class Split extends RecursiveAction {
        private final Kernel k;
        private final double[] x, g;
        private final int lo, hi, grain;

        Split(Kernel k, double[] x, double[] g, int lo, int hi, int grain) {
            this.k = k;
            this.x = x;
            this.g = g;
            this.lo = lo;
            this.hi = hi;
            this.grain = grain;
        }

        @Override
        protected void compute() {
            if (hi - lo <= grain) {
                k.run(x, g, lo * BLOCK, Math.min(x.length, hi * BLOCK));
                return;
            }
            int mid = (lo + hi) >>> 1;
            invokeAll(new Split(k, x, g, lo, mid, grain), new Split(k, x, g, mid, hi, grain));
        }
    }
}
