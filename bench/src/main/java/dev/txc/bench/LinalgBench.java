package dev.txc.bench;

import dev.txc.frontend.Frontend;
import dev.txc.types.DType;
import dev.txc.ir.Function;
import dev.txc.ir.Module;
import dev.txc.ir.SharedVar;
import dev.txc.jvm.JvmCompiler;
import dev.txc.opt.PassContext;
import dev.txc.opt.Pipeline;
import dev.txc.runtime.CompiledFunction;
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

    static final String SOURCE = """
        shared w: f64[F] = zeros()
        shared b: f64 = 0.0
        fn train(x: f64[N, F], y: f64[N]) {
            p_1 = 1 / (1 + exp(-dot(x, w) - b))
            xent = -y * log(p_1) - (1 - y) * log(1 - p_1)
            cost = mean(xent) + 0.01 * sum(w ** 2)
            gw, gb = grad(cost, [w, b])
            w := w - 0.1 * gw
            b := b - 0.1 * gb
            return cost
        }
        """;

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
                        for (var dt : new dev.txc.types.DType[] {dev.txc.types.DType.F64, dev.txc.types.DType.F32}) {
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

    static void logreg(NDArray x, NDArray y, int reps) {
        var c = Frontend.compileText("logreg.tx", SOURCE.replace("F]", x.dim(1) + "]"), new Frontend.Options(DType.F64));
        if (!c.ok()) throw new IllegalStateException("logreg does not compile: " + c.diagnostics());
        Module m = Pipeline.run(c.module(), Pipeline.Stage.LOWERED, new PassContext(2, DType.F64));
        Function fn = m.function("train");
        List<String> sharedNames = m.shared().stream().map(SharedVar::name).toList();
        CompiledFunction cf = JvmCompiler.load(JvmCompiler.compile(fn, sharedNames));
        Random r = new Random(1);
        double[] w0 = new double[x.dim(1)];
        for (int i = 0; i < w0.length; i++) w0[i] = 0.01 * r.nextGaussian();
        NDArray[] shared = {NDArray.ofDoubles(w0, w0.length), NDArray.scalar(0.0)};
        NDArray[] args = {x, y};
        int outs = fn.outputs().size();
        row("logreg step N=100000,F=100 f64", reps, () -> {
            NDArray[] out = cf.call(args, shared, shared);
            for (int k = 0; k < fn.updates().size(); k++) shared[sharedNames.indexOf(fn.updates().get(k).shared())] = out[outs + k];
            if (!Double.isFinite(out[0].getDouble())) throw new IllegalStateException("cost is " + out[0]);
        });
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
