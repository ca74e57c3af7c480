package dev.txc.bench;

import dev.txc.runtime.NDArray;
import dev.txc.types.DType;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@code dlogistic(x) = grad(sum(1 / (1 + exp(-x))), x)} over a 4000x4000 f64 input: the txc-compiled function at
 * {@code --opt-level} 0 (unfused, one loop per op), 1 (simplified, unfused) and 2 (one fused kernel), each call
 * allocating its output as {@code txc run} does, against hand-written Java loops. Average time per call, ms.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 2, jvmArgsAppend = {"-Xms6g", "-Xmx6g", "-XX:+AlwaysPreTouch", "--add-modules=jdk.incubator.vector"})
public class DLogisticBench {
    static final int N = Workload.ROWS * Workload.COLS;

    /** The input, shared by every benchmark. */
    @State(Scope.Benchmark)
    public static class Input {
        double[] x;
        NDArray xa;
        /** The same values rounded to f32, for the f32 variant. */
        NDArray xf;
        /** Preallocated output for the {@code *Into} variants, which measure the loop without allocation. */
        double[] into;

        @Setup(Level.Trial)
        public void setup() {
            x = Workload.input(N);
            xa = NDArray.wrap(DType.F64, x, new int[] {Workload.ROWS, Workload.COLS});
            float[] f = new float[N];
            for (int i = 0; i < N; i++) f[i] = (float) x[i];
            xf = NDArray.wrap(DType.F32, f, new int[] {Workload.ROWS, Workload.COLS});
            into = new double[N];
        }
    }

    /** A compiled dlogistic at one opt-level, checked against the textbook formula before it is timed. */
    @State(Scope.Benchmark)
    public static class Txc {
        @Param({"0", "1", "2"})
        public int optLevel;

        /** The input's dtype: f64 (the peers' C and NumPy loops) or f32 (their float32 rows). */
        @Param({"f64", "f32"})
        public String dtype;

        Workload.Compiled fn;
        NDArray x;
        /** The previous output, handed back by {@code txcInto}. */
        NDArray last;

        @Setup(Level.Trial)
        public void setup(Input in) {
            DType d = DType.fromSpelling(dtype);
            fn = Workload.compile(optLevel, d);
            x = d == DType.F64 ? in.xa : in.xf;
            double err = Workload.maxRelError(in.x, fn.call(x).toDoubleArray());
            double tolerance = d == DType.F64 ? 1e-12 : 1e-5;
            if (!(err < tolerance)) throw new IllegalStateException("opt-level " + optLevel + " " + dtype + ": relative error " + err);
            var c = Traffic.count(fn.lowered(), List.of(new int[] {40, 50}));
            System.out.printf("%n[traffic] opt-level %d: %.1f B/elem in %d passes (minimum 16)%n%s", optLevel,
                    c.bytesPerElement(), c.passes(), Traffic.describe(c));
        }
    }

    @Benchmark
    public NDArray txc(Input in, Txc t) {
        return t.fn.call(t.x);
    }

    /** The same, computing into the previous call's output (CompiledFunction.callInto, NumPy's out=), as the C loop does. */
    @Benchmark
    public NDArray txcInto(Input in, Txc t) {
        NDArray out = t.fn.fn().callInto(new NDArray[] {t.x}, new NDArray[0], new NDArray[] {t.last})[0];
        t.last = out;
        return out;
    }

    /** The textbook loop on the calling thread, as bench-peers' "plain Java". */
    @Benchmark
    public double[] javaNaive1T(Input in) {
        double[] g = new double[N];
        Baselines.naive(in.x, g, 0, N);
        return g;
    }

    @Benchmark
    public double[] javaNaivePar(Input in) {
        double[] g = new double[N];
        Baselines.parallel(Baselines::naive, in.x, g);
        return g;
    }

    /** txc's fused kernel written by hand: two stable sigmoids per element, split like runtime.Loop. */
    @Benchmark
    public double[] javaTwoSigmoidsPar(Input in) {
        double[] g = new double[N];
        Baselines.parallel(Baselines::twoSigmoids, in.x, g);
        return g;
    }

    /** One exp per element, no branch: {@code e/(1+e)^2, e = exp(-|x|)}. */
    @Benchmark
    public double[] javaExpOncePar(Input in) {
        double[] g = new double[N];
        Baselines.parallel(Baselines::expOnce, in.x, g);
        return g;
    }

    @Benchmark
    public double[] vectorExpOncePar(Input in) {
        double[] g = new double[N];
        Baselines.parallel(VectorKernels::expOnce, in.x, g);
        return g;
    }

    /** As vectorExpOncePar into a preallocated output: the cost of allocating (zeroing) 128 MB per call. */
    @Benchmark
    public double[] vectorExpOnceParInto(Input in) {
        Baselines.parallel(VectorKernels::expOnce, in.x, in.into);
        return in.into;
    }
}
