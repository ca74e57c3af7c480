package dev.txc.runtime;

import java.util.stream.IntStream;

/**
 * Splits index ranges across the cores when the work is large enough to pay for it: on {@link SpinPool}'s threads, or
 * the common ForkJoinPool when another loop holds those.
 */
final class Parallel {
    /** Below this many element-operations the fork/join overhead outweighs the gain. */
    static final long THRESHOLD = 1 << 16;
    /**
     * The processors this JVM may use, read once: {@code Runtime.availableProcessors()} reads the container's cgroup
     * files on every call (about a microsecond), which small calls paid several times each (see DECISIONS.md).
     */
    static final int CORES = Runtime.getRuntime().availableProcessors();

    private Parallel() {}

    /** The body of a split loop: handles indices {@code [from, to)}. */
    @FunctionalInterface
    interface Range {
        void run(int from, int to);
    }

    /** Into how many parts to cut {@code n} items of {@code work} element-operations: two per core when it pays, else one. */
    static int parts(int n, long work) {
        return work < THRESHOLD || n < 2 || CORES < 2 ? 1 : Math.min(n, 2 * CORES);
    }

    /** Runs {@code body} over {@code [0, n)}, in chunks on several cores when {@code work} exceeds the threshold. */
    static void forRange(int n, long work, Range body) {
        if (work < THRESHOLD || n < 2 || CORES < 2) {
            body.run(0, n);
            return;
        }
        int chunks = Math.min(n, CORES * 4);
        SpinPool pool = SpinPool.get();
        if (pool != null && pool.run(n, chunks, body)) return;
        // the pool is running another loop (another thread's, or the one this is nested in): the common pool
        IntStream.range(0, chunks).parallel()
                .forEach(c -> body.run((int) ((long) n * c / chunks), (int) ((long) n * (c + 1) / chunks)));
    }
}
