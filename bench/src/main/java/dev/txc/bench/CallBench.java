package dev.txc.bench;

import static dev.txc.driver.api.Tx.*;

import dev.txc.driver.api.Expr;
import dev.txc.driver.api.Outputs;
import dev.txc.driver.api.Shared;
import dev.txc.driver.api.TxFunction;
import dev.txc.frontend.Frontend;
import dev.txc.ir.Function;
import dev.txc.ir.Module;
import dev.txc.ir.SharedVar;
import dev.txc.jvm.JvmCompiler;
import dev.txc.opt.PassContext;
import dev.txc.opt.Pipeline;
import dev.txc.runtime.CompiledFunction;
import dev.txc.runtime.NDArray;
import dev.txc.types.DType;
import java.util.List;
import java.util.Random;
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
 * Issue 13's call overhead: what one call of a small function costs from Java, ns per call. {@code scalar*}: the
 * trivial {@code f(x: f64) = x * 2 + 1}, through the embedding API ({@code TxFunction.invoke} with a {@code double}
 * or a preallocated 0-d NDArray) and through the generated class alone ({@code CompiledFunction.call}).
 * {@code logreg*}: the logistic train step of LANGUAGE.md section 10 (f32 x[N, 3], y[N]; shared f64 w[3], b; outputs
 * the predictions and the cross-entropy, updates w and b), through the API ({@code invoke}, the state in
 * {@link Shared}s) and through the generated class with the state updated in place ({@code call(args, shared, shared)}),
 * at N = 10 and 400. Run with {@code -prof gc} for the bytes allocated per call.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "--add-modules=jdk.incubator.vector"})
public class CallBench {
    /** The trivial scalar function, compiled once through the API and once as a bare class. */
    @State(Scope.Benchmark)
    public static class Scalar {
        TxFunction api;
        CompiledFunction bare;
        NDArray x = NDArray.scalar(1.5);
        NDArray[] args = {x}, none = new NDArray[0];
        double d = 1.5;

        @Setup(Level.Trial)
        public void setup() {
            Expr v = dscalar("x");
            api = function("f", List.of(v), fn -> v.times(2).plus(1));
            bare = compile("fn f(x: f64) = x * 2 + 1\n", "f").fn;
            check(api.invoke(d).toDouble(), 4.0);
            check(bare.call(args, none)[0].getDouble(), 4.0);
        }
    }

    /** The logistic step at one N: the API's function over {@link Shared} state, and the bare class over arrays. */
    @State(Scope.Benchmark)
    public static class Logreg {
        @Param({"10", "400"})
        public int n;

        TxFunction api;
        Shared w, b;
        Bare bare;
        NDArray x, y;
        NDArray[] args, state;

        @Setup(Level.Trial)
        public void setup() {
            Random r = new Random(0);
            float[] xs = new float[n * 3], ys = new float[n];
            for (int i = 0; i < xs.length; i++) xs[i] = (float) r.nextGaussian();
            for (int i = 0; i < n; i++) ys[i] = r.nextInt(2);
            x = NDArray.wrap(DType.F32, xs, new int[] {n, 3});
            y = NDArray.wrap(DType.F32, ys, new int[] {n});
            args = new NDArray[] {x, y};
            double[] w0 = {0.1, -0.2, 0.3};
            w = shared(NDArray.ofDoubles(w0.clone(), 3), "w");
            b = shared(0.0, "b");
            Expr xv = tensor("x", DType.F32, "N", 3), yv = tensor("y", DType.F32, "N");
            api = function("train", List.of(xv, yv), fn -> {
                Expr p1 = constant(1).div(constant(1).plus(exp(dot(xv, w).unaryMinus().minus(b))));
                Expr xent = yv.unaryMinus().times(log(p1)).minus(constant(1).minus(yv).times(log(constant(1).minus(p1))));
                Expr cost = mean(xent).plus(constant(0.01).times(sum(w.pow(2))));
                List<Expr> g = grad(cost, List.of(w, b));
                fn.update(w, w.minus(constant(0.1).times(g.get(0))));
                fn.update(b, b.minus(constant(0.1).times(g.get(1))));
                return List.of(p1.gt(0.5), xent);
            });
            bare = compile(LOGREG, "train");
            state = new NDArray[] {NDArray.ofDoubles(w0.clone(), 3), NDArray.scalar(0.0)};
            Outputs o = api.invoke(x, y);
            NDArray[] p = bare.fn.call(args, state);
            check(o.get(1).getDoubleFlat(n - 1), p[1].getDoubleFlat(n - 1));
        }
    }

    static final String LOGREG = """
            shared w: f64[3] = zeros()
            shared b: f64 = 0.0
            fn train(x: f32[N, 3], y: f32[N]) {
                p_1 = 1 / (1 + exp(-dot(x, w) - b))
                xent = -y * log(p_1) - (1 - y) * log(1 - p_1)
                cost = mean(xent) + 0.01 * sum(w ** 2)
                gw, gb = grad(cost, [w, b])
                w := w - 0.1 * gw
                b := b - 0.1 * gb
                return p_1 > 0.5, xent
            }
            """;

    record Bare(Function lowered, List<String> shared, CompiledFunction fn) {}

    /** {@code fnName} of {@code source} at -O2, as {@code txc run} compiles it (row tiling included). */
    static Bare compile(String source, String fnName) {
        var c = Frontend.compileText("call.tx", source, new Frontend.Options(DType.F64));
        if (!c.ok()) throw new IllegalStateException(c.diagnostics().toString());
        Module m = Pipeline.run(c.module(), Pipeline.Stage.LOWERED, new PassContext(2, DType.F64));
        Function f = m.function(fnName);
        List<String> shared = m.shared().stream().map(SharedVar::name).toList();
        var whole = JvmCompiler.load(JvmCompiler.compile(f, shared));
        return new Bare(f, shared, dev.txc.driver.RowTiling.wrap(whole, f,
                () -> Pipeline.run(c.module(), Pipeline.Stage.OPT, new PassContext(2, DType.F64)).function(fnName), shared, 2, DType.F64));
    }

    static void check(double got, double want) {
        if (Math.abs(got - want) > 1e-9 * Math.max(1, Math.abs(want))) throw new IllegalStateException("got " + got + ", want " + want);
    }

    @Benchmark
    public Outputs scalarInvokeDouble(Scalar s) {
        return s.api.invoke(s.d);
    }

    @Benchmark
    public Outputs scalarInvokeNd(Scalar s) {
        return s.api.invoke(s.x);
    }

    @Benchmark
    public NDArray[] scalarBare(Scalar s) {
        return s.bare.call(s.args, s.none);
    }

    @Benchmark
    public Outputs logregInvoke(Logreg l) {
        return l.api.invoke(l.x, l.y);
    }

    /** The state updated in place, as a training loop over the bare class would. */
    @Benchmark
    public NDArray[] logregBare(Logreg l) {
        NDArray[] out = l.bare.fn.call(l.args, l.state, l.state);
        l.state[0] = out[2];
        l.state[1] = out[3];
        return out;
    }
}
