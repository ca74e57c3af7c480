package dev.txc.bench;

import dev.txc.types.DType;
import dev.txc.runtime.Kernels;
import dev.txc.runtime.NDArray;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * The linear-algebra rows of issue 13 for txc, printed as {@code name median_ms min_ms} lines that
 * {@code bench/linalg.sh} pairs with {@code bench/linalg_numpy.py}'s: the logistic train step of LANGUAGE.md section 10
 * (N = 100,000, 100 features, f64, compiled at -O2 as {@code txc run} compiles it, state updated in place), its two
 * products alone ({@code x @ w}, {@code x.T @ g}), and square matmul (1024, 2048; f64, f32).
 *
 * <pre>java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar dev.txc.bench.LinalgBench [--reps R] [WORKLOAD...]</pre>
 * Workloads: {@code logreg gemv matmul small} (default: all). Each row: warm-up calls for 4 s (at least 3), then R timed
 * calls (default 7). {@code TXC_SERIES=1} prints each row's timed calls in order on stderr.
 */
public final class LinalgBench {
    private LinalgBench() {}

    public static void main(String[] args) {
        int reps = 7;
        var work = new java.util.ArrayList<String>();
        for (int k = 0; k < args.length; k++) {
            if (args[k].equals("--reps")) reps = Integer.parseInt(args[++k]);
            else work.add(args[k]);
        }
        if (work.isEmpty()) work.addAll(List.of("logreg", "gemv", "matmul", "small"));
        Random r = new Random(0);
        int n = 100_000, f = 100;
        NDArray x = randn(r, n, f), y = labels(r, n);
        for (String wl : work) {
            switch (wl) {
                case "logreg" -> logreg(x, y, reps);
                case "gemv" -> {
                    NDArray w = randn(r, f), g = randn(r, n);
                    row("gemv x@w N=100000,F=100 f64", reps, () -> Kernels.matmul(x, w));
                    row("gemv x.T@g N=100000,F=100 f64", reps, () -> Kernels.matmul(x.transpose(), g));
                }
                case "matmul" -> {
                    for (int s : new int[] {1024, 2048}) {
                        for (var dt : new DType[] {DType.F64, DType.F32}) {
                            NDArray a = randn(r, s, s).astype(dt), bm = randn(r, s, s).astype(dt);
                            row("matmul " + s + "x" + s + " " + dt.spelling(), s > 1024 ? Math.max(3, reps / 2) : reps, () -> Kernels.matmul(a, bm));
                        }
                    }
                }
                case "small" -> {
                    NDArray a = randn(r, 32, 64), bm = randn(r, 64, 64);
                    row("matmul 32x64@64x64 f64 (x1000)", reps, () -> {
                        for (int k = 0; k < 1000; k++) Kernels.matmul(a, bm);
                    });
                }
                default -> throw new IllegalArgumentException("unknown workload " + wl);
            }
        }
    }

    /** The step of {@link Suite}, its shared state updated in place after each call. */
    static void logreg(NDArray x, NDArray y, int reps) {
        var step = Suite.Stepper.of(Suite.LOGREG.replace("F]", x.dim(1) + "]"), "train", Suite.randn(new Random(1), 0.01, x.dim(1)), NDArray.scalar(0.0));
        row("logreg step N=100000,F=100 f64", reps, () -> step.call(x, y));
    }

    /** Warm-up: at least 3 calls and 4 s, so that kernels have switched to their vector loops and the JIT has compiled them. */
    static final long WARMUP_NANOS = Long.getLong("txc.warmup.ms", 4000) * 1_000_000L;

    static void row(String name, int reps, Runnable body) {
        long start = System.nanoTime();
        for (int k = 0; k < 3 || System.nanoTime() - start < WARMUP_NANOS; k++) body.run();
        double[] ms = new double[reps];
        for (int k = 0; k < reps; k++) {
            long t0 = System.nanoTime();
            body.run();
            ms[k] = (System.nanoTime() - t0) / 1e6;
        }
        if (System.getenv("TXC_SERIES") != null) System.err.println(name + " " + Arrays.toString(ms));
        Arrays.sort(ms);
        System.out.printf(java.util.Locale.ROOT, "%s\t%.3f\t%.3f%n", name, ms[reps / 2], ms[0]);
    }

    static NDArray randn(Random r, int... shape) {
        double[] d = new double[Arrays.stream(shape).reduce(1, (a, b) -> a * b)];
        for (int i = 0; i < d.length; i++) d[i] = r.nextGaussian();
        return NDArray.ofDoubles(d, shape);
    }

    static NDArray labels(Random r, int n) {
        double[] d = new double[n];
        for (int i = 0; i < n; i++) d[i] = r.nextInt(2);
        return NDArray.ofDoubles(d, n);
    }
}
