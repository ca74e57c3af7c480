package dev.txc.bench;

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
 * What limits the fused dlogistic kernel, one thread, no allocation (outputs preallocated): the loop body of
 * txc's kernel written by hand against cheaper bodies and a plain copy (the memory floor for one core). The
 * {@code positive} input (|x|) takes the stable sigmoid's branch the same way every time, isolating the cost of
 * mispredicted branches on the {@code uniform} input.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch", "--add-modules=jdk.incubator.vector"})
@State(Scope.Benchmark)
public class KernelBench {
    static final int N = Workload.ROWS * Workload.COLS;

    @Param({"uniform", "positive"})
    public String input;

    double[] x, g;

    @Setup(Level.Trial)
    public void setup() {
        x = Workload.input(N);
        if (input.equals("positive")) for (int i = 0; i < N; i++) x[i] = Math.abs(x[i]);
        g = new double[N];
    }

    /** Read x, write g: what one core can stream. */
    @Benchmark
    public double[] copy() {
        double[] x = this.x, g = this.g;
        for (int i = 0; i < N; i++) g[i] = x[i];
        return g;
    }

    @Benchmark
    public double[] naive() {
        Baselines.naive(x, g, 0, N);
        return g;
    }

    /** The body of txc's fused kernel (runtime ScalarOps.sigmoid twice). */
    @Benchmark
    public double[] twoSigmoids() {
        Baselines.twoSigmoids(x, g, 0, N);
        return g;
    }

    /** Two sigmoids, each without a data-dependent branch. */
    @Benchmark
    public double[] twoSigmoidsSelect() {
        Baselines.twoSigmoidsSelect(x, g, 0, N);
        return g;
    }

    @Benchmark
    public double[] expOnce() {
        Baselines.expOnce(x, g, 0, N);
        return g;
    }

    @Benchmark
    public double[] expOnceVector() {
        VectorKernels.expOnce(x, g, 0, N);
        return g;
    }
}
