package dev.txc.bench;

import dev.txc.frontend.Frontend;
import dev.txc.ir.Function;
import dev.txc.ir.Module;
import dev.txc.jvm.JvmCompiler;
import dev.txc.opt.PassContext;
import dev.txc.opt.Pipeline;
import dev.txc.runtime.CompiledFunction;
import dev.txc.runtime.NDArray;
import dev.txc.types.DType;
import java.util.List;

/**
 * The dlogistic workload: its source (as in {@code examples/tutorial.tx}), compiled through the same pipeline
 * {@code txc run} uses, and the input the peer baselines use (the LCG of {@code shared/bench-peers}, uniform in
 * [-6, 6)), so that every number of this module is comparable with theirs.
 */
public final class Workload {
    private Workload() {}

    /** The function under test, spelled as in {@code examples/tutorial.tx}. */
    public static final String SOURCE = "fn dlogistic(x: f64[?, ?]) = grad(sum(1 / (1 + exp(-x))), x)\n";

    public static final int ROWS = 4000, COLS = 4000;

    /** A lowered function and its loaded class. */
    public record Compiled(int optLevel, Function lowered, CompiledFunction fn) {
        public NDArray call(NDArray x) {
            return fn.call(new NDArray[] {x}, new NDArray[0])[0];
        }
    }

    /** Frontend, optimizer up to {@code lowered} at {@code optLevel}, JVM backend: what {@code txc run} does. */
    public static Compiled compile(int optLevel) {
        return compile(optLevel, DType.F64);
    }

    /** As {@link #compile(int)}, for an input of dtype {@code dtype} (f64 or f32). */
    public static Compiled compile(int optLevel, DType dtype) {
        String source = SOURCE.replace("f64", dtype.spelling());
        var c = Frontend.compileText("dlogistic.tx", source, new Frontend.Options(DType.F64));
        if (!c.ok()) throw new IllegalStateException("dlogistic does not compile: " + c.diagnostics());
        var cx = new PassContext(optLevel, DType.F64);
        Module m = Pipeline.run(c.module(), Pipeline.Stage.LOWERED, cx);
        if (!cx.diagnostics().isEmpty()) throw new IllegalStateException("optimizer diagnostics: " + cx.diagnostics());
        Function f = m.function("dlogistic");
        return new Compiled(optLevel, f, JvmCompiler.load(JvmCompiler.compile(f, List.of())));
    }

    /** {@code n} values uniform in [-6, 6), the same sequence as {@code bench-peers/dlogistic.c} and DLogistic.java. */
    public static double[] input(int n) {
        double[] x = new double[n];
        long st = 12345;
        for (int i = 0; i < n; i++) {
            st = st * 6364136223846793005L + 1442695040888963407L;
            x[i] = ((st >>> 11) * (1.0 / 9007199254740992.0)) * 12.0 - 6.0;
        }
        return x;
    }

    /** The largest relative difference from the textbook {@code s * (1 - s)} (StrictMath), sampled. */
    public static double maxRelError(double[] x, double[] g) {
        double worst = 0;
        for (int i = 0; i < x.length; i += 997) {
            double s = 1.0 / (1.0 + StrictMath.exp(-x[i]));
            double ref = s * (1.0 - s);
            worst = Math.max(worst, Math.abs(g[i] - ref) / ref);
        }
        return worst;
    }
}
