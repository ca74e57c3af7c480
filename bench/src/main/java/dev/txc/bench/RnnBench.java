package dev.txc.bench;

import dev.txc.frontend.Frontend;
import dev.txc.ir.Function;
import dev.txc.jvm.JvmCompiler;
import dev.txc.opt.PassContext;
import dev.txc.opt.Pipeline;
import dev.txc.runtime.CompiledFunction;
import dev.txc.runtime.NDArray;
import dev.txc.types.DType;
import java.util.Arrays;
import java.util.List;

/**
 * An RNN forward plus backward, {@code h_t = tanh(W @ h_{t-1} + U @ x_t)} with loss {@code sum(hs * w)}, gradients
 * with respect to W, U and h0 (backpropagation through time by txc's backward scan), compiled as {@code txc run}
 * compiles it at -O2. Hidden 64, input 64, batch 32, 100 steps by default, f32; the same inputs (the LCG of
 * {@link Workload#input}) as {@code bench/rnn_torch.py}, so the gradient sums printed by both must agree.
 *
 * <pre>java -cp bench/target/benchmarks.jar dev.txc.bench.RnnBench [--dtype f32|f64] [--calls N] [--warmup N] [--checkpoint K]</pre>
 */
public final class RnnBench {
    private RnnBench() {}

    static final String SOURCE = """
        fn loss(W: DT[H, H], U: DT[H, I], xs: DT[T, I, B], h0: DT[H, B], w: DT[T, H, B]) =
            sum((scan x_t in xs carry h = h0 { tanh(W @ h + U @ x_t) }) * w)
        fn g(W: DT[H, H], U: DT[H, I], xs: DT[T, I, B], h0: DT[H, B], w: DT[T, H, B]) = grad(loss(W, U, xs, h0, w), [W, U, h0])
        """;

    public static final int HIDDEN = 64, INPUT = 64, BATCH = 32, STEPS = 100;

    public static void main(String[] args) {
        String dt = "f32";
        int calls = 30, warmup = 20, checkpoint = 1;
        for (int k = 0; k < args.length; k++) {
            switch (args[k]) {
                case "--dtype" -> dt = args[++k];
                case "--calls" -> calls = Integer.parseInt(args[++k]);
                case "--warmup" -> warmup = Integer.parseInt(args[++k]);
                case "--checkpoint" -> checkpoint = Integer.parseInt(args[++k]);
                default -> throw new IllegalArgumentException("unknown option " + args[k]);
            }
        }
        CompiledFunction fn = compile(dt, 2, checkpoint);
        NDArray[] in = inputs(dt.equals("f32") ? dev.txc.types.DType.F32 : dev.txc.types.DType.F64);
        NDArray[] out = null;
        for (int k = 0; k < warmup; k++) out = fn.call(in, new NDArray[0]);
        double[] ms = new double[calls];
        var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        long cpu0 = os.getProcessCpuTime();
        for (int k = 0; k < calls; k++) {
            long t0 = System.nanoTime();
            out = fn.call(in, new NDArray[0]);
            ms[k] = (System.nanoTime() - t0) / 1e6;
        }
        // Process CPU time (all threads, JIT and GC included; counted in ticks, so per call only as a mean over the calls)
        // is less disturbed than wall time on a shared machine.
        double cpu = (os.getProcessCpuTime() - cpu0) / 1e6 / calls;
        Arrays.sort(ms);
        System.out.printf("txc rnn %s%s H=%d I=%d B=%d T=%d forward+backward: median %.2f ms, min %.2f, max %.2f; process CPU time %.2f ms per call (%d calls after %d warm-up)%n",
                dt, checkpoint > 1 ? " checkpoint=" + checkpoint : "", HIDDEN, INPUT, BATCH, STEPS, ms[calls / 2], ms[0], ms[calls - 1], cpu, calls, warmup);
        String[] names = {"dW", "dU", "dh0"};
        for (int k = 0; k < 3; k++) System.out.printf("  sum(%s) = %.6e%n", names[k], sum(out[k]));
    }

    /** The gradient function g, frontend to lowered at {@code optLevel}, JVM backend. */
    static CompiledFunction compile(String dt, int optLevel) {
        return compile(dt, optLevel, 1);
    }

    /** The same with {@code scan(checkpoint=K)} when K > 1. */
    static CompiledFunction compile(String dt, int optLevel, int checkpoint) {
        String src = SOURCE.replace("DT", dt).replace("scan x_t", checkpoint > 1 ? "scan(checkpoint=" + checkpoint + ") x_t" : "scan x_t");
        var c = Frontend.compileText("rnn.tx", src, new Frontend.Options(DType.F64));
        if (!c.ok()) throw new IllegalStateException("rnn does not compile: " + c.diagnostics());
        var cx = new PassContext(optLevel, DType.F64);
        Function f = Pipeline.run(c.module(), Pipeline.Stage.LOWERED, cx).function("g");
        return JvmCompiler.load(JvmCompiler.compile(f, List.of()));
    }

    /** W, U (uniform in [-0.1, 0.1)), xs, h0, w (uniform in [-1, 1)), drawn in that order from one LCG stream. */
    static NDArray[] inputs(DType dtype) {
        int[][] shapes = {{HIDDEN, HIDDEN}, {HIDDEN, INPUT}, {STEPS, INPUT, BATCH}, {HIDDEN, BATCH}, {STEPS, HIDDEN, BATCH}};
        double[] scale = {0.1 / 6, 0.1 / 6, 1.0 / 6, 1.0 / 6, 1.0 / 6};
        int total = 0;
        for (int[] s : shapes) total += Arrays.stream(s).reduce(1, (a, b) -> a * b);
        double[] u = Workload.input(total);
        var out = new NDArray[shapes.length];
        int at = 0;
        for (int k = 0; k < shapes.length; k++) {
            int n = Arrays.stream(shapes[k]).reduce(1, (a, b) -> a * b);
            double[] v = new double[n];
            for (int i = 0; i < n; i++) v[i] = u[at + i] * scale[k];
            at += n;
            out[k] = NDArray.ofDoubles(v, shapes[k]).astype(dtype);
        }
        return out;
    }

    static double sum(NDArray a) {
        double s = 0;
        for (double v : a.toDoubleArray()) s += v;
        return s;
    }
}
