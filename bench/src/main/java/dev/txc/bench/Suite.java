package dev.txc.bench;

import dev.txc.runtime.Kernels;
import dev.txc.runtime.NDArray;
import dev.txc.runtime.Profile;
import dev.txc.types.DType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * txc's side of {@code bench/run}: every workload of issue 13's table at four sizes, printed as
 * {@code txc<TAB>workload<TAB>size<TAB>dtype<TAB>median_ms<TAB>min_ms} lines that {@code bench/run} pairs with the peers'
 * ({@code bench/peers.py}, the C loop). Functions are compiled the way {@code txc run} compiles them (-O2, JVM backend)
 * and called through the generated class; shared state is updated in place between calls, as {@code --repeat} does.
 *
 * <pre>java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar dev.txc.bench.Suite [--reps R] [--quick] [WORKLOAD...]</pre>
 * Workloads: {@code dlogistic matmul logreg_tiny logreg_large hvp mlp} (default: all), each at its four sizes, or
 * {@code WORKLOAD:SIZE} for one; {@code --quick} keeps the two smallest sizes. {@code bench/run} starts one JVM per
 * workload and size, as JMH forks: in one JVM that has compiled many functions, the runtime's call sites into the
 * generated classes grow megamorphic and the later rows run slower than a process that compiles one model. Each row: warm-up for {@code -Dtxc.warmup.ms} (default 2000) and at least 3 calls, then R samples
 * (default 7), each timing enough back-to-back calls to last about 20 ms; the median and fastest sample per call.
 * With {@code -Dtxc.profile=true} each row also prints the per-kernel profile of its samples (after warm-up) to stderr.
 */
public final class Suite {
    private Suite() {}

    /** Sizes per workload, as {@code bench/peers.py} spells them. */
    static final int[] DLOGISTIC = {500, 1000, 2000, 4000}, MATMUL = {256, 512, 1024, 2048},
            TINY = {10, 100, 1000, 10000}, LARGE = {12500, 25000, 50000, 100000}, HVP = {250, 500, 1000, 2000},
            MLP = {128, 512, 1797, 8192};

    static final String LOGREG = """
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

    static final String HVP_SRC = "fn hvp(W: f64[N, N], x: f64[N], v: f64[N]) = rop(grad(sum(tanh(dot(W, x)) ** 2), x), x, v)\n";

    static final String MLP_SRC = """
            shared W1: f64[64, 32] = zeros()
            shared b1: f64[32] = zeros()
            shared W2: f64[32, 10] = zeros()
            shared b2: f64[10] = zeros()
            fn step(x: f64[B, 64], t: f64[B, 10]) {
                h = tanh(dot(x, W1) + b1)
                logp = log_softmax(dot(h, W2) + b2, axis=-1)
                cost = -sum(t * logp) / shape(x)[0]
                g1, gb1, g2, gb2 = grad(cost, [W1, b1, W2, b2])
                W1 := W1 - 0.1 * g1
                b1 := b1 - 0.1 * gb1
                W2 := W2 - 0.1 * g2
                b2 := b2 - 0.1 * gb2
                return cost
            }
            """;

    public static void main(String[] args) {
        int reps = 7;
        boolean quick = false;
        var work = new ArrayList<String>();
        for (int k = 0; k < args.length; k++) {
            switch (args[k]) {
                case "--reps" -> reps = Integer.parseInt(args[++k]);
                case "--quick" -> quick = true;
                default -> work.add(args[k]);
            }
        }
        if (work.isEmpty()) work.addAll(List.of("dlogistic", "matmul", "logreg_tiny", "logreg_large", "hvp", "mlp"));
        for (String arg : work) {
            String wl = arg.replaceAll(":.*", "");
            int[] sizes = switch (wl) {
                case "dlogistic" -> DLOGISTIC;
                case "matmul" -> MATMUL;
                case "logreg_tiny" -> TINY;
                case "logreg_large" -> LARGE;
                case "hvp" -> HVP;
                case "mlp" -> MLP;
                default -> throw new IllegalArgumentException("unknown workload " + wl
                        + " (dlogistic matmul logreg_tiny logreg_large hvp mlp)");
            };
            if (arg.contains(":")) sizes = new int[] {Integer.parseInt(arg.substring(arg.indexOf(':') + 1))};
            else if (quick) sizes = Arrays.copyOf(sizes, 2);
            for (int s : sizes) run(wl, s, reps);
        }
    }

    static void run(String wl, int s, int reps) {
        Random r = new Random(s);
        switch (wl) {
            case "dlogistic" -> {
                for (DType dt : new DType[] {DType.F64, DType.F32}) {
                    var fn = Workload.compile(2, dt);
                    NDArray x = NDArray.ofDoubles(Workload.input(s * s), s, s).astype(dt);
                    time(wl, s + "x" + s, dt.spelling(), reps, () -> fn.call(x));
                    NDArray[] in = {x}, none = {}, out = {fn.call(x)};
                    time(wl, s + "x" + s, dt.spelling() + " out=", reps, () -> out[0] = fn.fn().callInto(in, none, out)[0]);
                }
            }
            case "matmul" -> {
                for (DType dt : new DType[] {DType.F64, DType.F32}) {
                    NDArray a = randn(r, 1, s, s).astype(dt), b = randn(r, 1, s, s).astype(dt);
                    time(wl, s + "x" + s, dt.spelling(), reps, () -> Kernels.matmul(a, b));
                }
            }
            case "logreg_tiny", "logreg_large" -> {
                int f = wl.equals("logreg_tiny") ? 3 : 100;
                var step = Stepper.of(LOGREG.replace("F]", f + "]"), "train", randn(r, 0.01, f), NDArray.scalar(0.0));
                NDArray x = randn(r, 1, s, f), y = labels(r, s, 2);
                time(wl, "N=" + s + ",F=" + f, "f64", reps, () -> step.call(x, y));
            }
            case "hvp" -> {
                var fn = CallBench.compile(HVP_SRC, "hvp").fn();
                NDArray[] in = {randn(r, 1 / Math.sqrt(s), s, s), randn(r, 1, s), randn(r, 1, s)};
                NDArray[] none = new NDArray[0];
                time(wl, "W " + s + "x" + s, "f64", reps, () -> fn.call(in, none));
            }
            case "mlp" -> {
                var step = Stepper.of(MLP_SRC, "step", randn(r, 0.1, 64, 32), NDArray.ofDoubles(new double[32], 32),
                        randn(r, 0.1, 32, 10), NDArray.ofDoubles(new double[10], 10));
                NDArray x = randn(r, 1, s, 64), t = oneHot(labels(r, s, 10), 10);
                time(wl, "B=" + s + ",64-32-10", "f64", reps, () -> step.call(x, t));
            }
            default -> throw new IllegalArgumentException(wl);
        }
    }

    /** A compiled training step whose shared state is replaced by its updates after each call, as {@code --repeat} does. */
    record Stepper(CallBench.Bare bare, NDArray[] state) {
        static Stepper of(String source, String fn, NDArray... initial) {
            return new Stepper(CallBench.compile(source, fn), initial);
        }

        void call(NDArray... args) {
            NDArray[] out = bare.fn().call(args, state, state);
            var f = bare.lowered();
            int outs = f.outputs().size();
            for (int k = 0; k < f.updates().size(); k++) state[bare.shared().indexOf(f.updates().get(k).shared())] = out[outs + k];
            if (!Double.isFinite(out[0].getDouble())) throw new IllegalStateException("cost is " + out[0]);
        }
    }

    static final long WARMUP_NANOS = Long.getLong("txc.warmup.ms", 5000) * 1_000_000L, WARMUP_MAX_NANOS = 30_000_000_000L;
    static final long SAMPLE_NANOS = 20_000_000L;

    /**
     * Warm-up (at least 3 calls and {@code txc.warmup.ms}, 5 s by default, then windows of at least 1 s and 3 calls until
     * a window's fastest call is no more than 3% faster than the one before, i.e. the JIT has compiled the kernels; 30 s
     * at most: the JIT recompiles vector kernels in steps, and 2 s left some rows 4x slower than their steady state),
     * then {@code reps} samples of back-to-back calls; prints the median and fastest time per call.
     */
    static void time(String wl, String size, String dt, int reps, Runnable body) {
        long start = System.nanoTime();
        long one = window(body, WARMUP_NANOS), before = Long.MAX_VALUE;
        while (one < 0.97 * before && System.nanoTime() - start < WARMUP_MAX_NANOS) {
            before = one;
            one = window(body, 1_000_000_000L);
        }
        double warm = (System.nanoTime() - start) / 1e9;
        int inner = (int) Math.max(1, Math.min(1_000_000, SAMPLE_NANOS / Math.max(one, 1)));
        double[] ms = new double[reps];
        if (Profile.enabled()) Profile.reset();
        for (int k = 0; k < reps; k++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < inner; i++) body.run();
            ms[k] = (System.nanoTime() - t0) / 1e6 / inner;
        }
        Arrays.sort(ms);
        System.err.printf(Locale.ROOT, "  %s %s %s: %.1f s of warm-up%n", wl, size, dt, warm);
        if (Profile.enabled()) Profile.print(System.err);
        System.out.printf(Locale.ROOT, "txc\t%s\t%s\t%s\t%.6f\t%.6f%n", wl, size, dt, ms[reps / 2], ms[0]);
    }

    /** Calls {@code body} for at least {@code nanos} and 3 times; the fastest call in nanoseconds. */
    static long window(Runnable body, long nanos) {
        long start = System.nanoTime(), one = Long.MAX_VALUE;
        for (int k = 0; k < 3 || System.nanoTime() - start < nanos; k++) {
            long t0 = System.nanoTime();
            body.run();
            one = Math.min(one, System.nanoTime() - t0);
        }
        return one;
    }

    static NDArray randn(Random r, double scale, int... shape) {
        double[] d = new double[Arrays.stream(shape).reduce(1, (a, b) -> a * b)];
        for (int i = 0; i < d.length; i++) d[i] = scale * r.nextGaussian();
        return NDArray.ofDoubles(d, shape);
    }

    static NDArray labels(Random r, int n, int classes) {
        double[] d = new double[n];
        for (int i = 0; i < n; i++) d[i] = r.nextInt(classes);
        return NDArray.ofDoubles(d, n);
    }

    static NDArray oneHot(NDArray labels, int classes) {
        int n = labels.dim(0);
        double[] d = new double[n * classes];
        for (int i = 0; i < n; i++) d[i * classes + (int) labels.getDoubleFlat(i)] = 1;
        return NDArray.ofDoubles(d, n, classes);
    }
}
