package dev.txc.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.txc.driver.api.Expr;
import dev.txc.driver.api.Shared;
import dev.txc.driver.api.Tx;
import dev.txc.driver.api.TxException;
import dev.txc.driver.api.TxFunction;
import dev.txc.ir.Module;
import dev.txc.ir.SharedVar;
import dev.txc.jvm.JvmCompiler;
import dev.txc.opt.Pipeline;
import dev.txc.runtime.CompiledFunction;
import dev.txc.runtime.NDArray;
import dev.txc.runtime.RowTiled;
import dev.txc.runtime.model.ModelState;
import dev.txc.runtime.model.Program;
import dev.txc.types.DType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Row tiling (-O2 on the JVM): a function over large row data runs as its split over row blocks. Several steps of
 * training functions, and functions with every kind of reduction over rows, agree with the reference interpreter on
 * all rows (blocks of 16 rows, a short last block, two runs of blocks); a function that does not split runs whole;
 * and {@code txc run}'s engine tiles at its default sizes.
 */
class RowTilingTest {
    @TempDir
    Path dir;

    private static final String LOGISTIC = """
            shared w: f64[5] = randn(seed=0)
            shared b: f64 = 0.0
            fn train(x: f64[N, 5], y: f64[N]) {
                p_1 = 1 / (1 + exp(-dot(x, w) - b))
                xent = -y * log(p_1) - (1 - y) * log(1 - p_1)
                cost = mean(xent) + 0.01 * sum(w ** 2)
                gw, gb = grad(cost, [w, b])
                w := w - 0.1 * gw
                b := b - 0.1 * gb
                return cost
            }
            """;

    /** A tanh layer, softmax cross-entropy, every combine (sum, mean, max, min, any, all, an integer count, prod). */
    private static final String MLP = """
            shared W1: f64[5, 4] = randn(seed=1)
            shared b1: f64[4] = zeros()
            shared W2: f64[4, 3] = randn(seed=2)
            shared b2: f64[3] = zeros()
            fn step(x: f64[B, 5], t: f64[B, 3], s: f64 = 0.5) {
                h = tanh(x @ W1 + b1)
                logp = log_softmax(h @ W2 + b2, axis=1)
                loss = -sum(t * logp) / shape(x)[0]
                g1, gb1, g2, gb2 = grad(loss, [W1, b1, W2, b2])
                W1 := W1 - s * g1
                b1 := b1 - s * gb1
                W2 := W2 - s * g2
                b2 := b2 - s * gb2
                positive = sum(cast(x > 0.0, i64), axis=0)
                return loss, max(abs(h), axis=0), min(logp), mean(x, axis=0), any(logp < -3.0), all(h < 0.99), positive,
                    prod(1.0 + 0.001 * t, axis=0), x.T @ t
            }
            """;

    @Test
    void logisticStepsMatchTheInterpreter() throws IOException {
        check(LOGISTIC, "train", 3, inputs(103, 5, 1), 16 * 5 * 8 + 16 * 8);
        assertTrue(((RowTiled) tiled(LOGISTIC, "train", 1)).splits());
    }

    @Test
    void reductionsOfEveryKindMatchTheInterpreter() throws IOException {
        check(MLP, "step", 2, inputs(101, 5, 3), 1);
        assertTrue(((RowTiled) tiled(MLP, "step", 1)).splits());
    }

    @Test
    void f32DataMatchesTheInterpreter() throws IOException {
        // 4001 rows in blocks of 16: 251 partial sums, combined in f64 and rounded once
        String src = LOGISTIC.replace("f64", "f32");
        NDArray[] in = inputs(4001, 5, 1);
        check(src, "train", 2, new NDArray[] {in[0].astype(DType.F32), in[1].astype(DType.F32)}, 16 * 6 * 4, 2e-6);
    }

    @Test
    void aFunctionThatDoesNotSplitRunsWhole() throws IOException {
        // standardizing needs the mean over all rows before each row's value: two passes, which a split cannot make
        String src = "fn f(x: f64[N, 3]) = sum((x - mean(x, axis=0)) ** 2)\n";
        check(src, "f", 1, inputs(40, 3, 0), 1);
        var tiled = (RowTiled) tiled(src, "f", 1);
        assertFalse(tiled.splits());
    }

    @Test
    void theEngineOfTxcRunTilesLargeRowData() throws IOException {
        // 110,000 rows of 10 f64 (8.8 MB) pass RowTiled's default threshold of 8 MB
        String src = LOGISTIC.replace("5]", "10]");
        Compiler c = Compiler.open(Files.writeString(dir.resolve("big.tx"), src), Compiler.Options.defaults());
        Module m = c.upTo(Pipeline.Stage.LOWERED);
        CompiledFunction f = RowTiling.wrap(whole(m, "train"), m.function("train"), () -> c.upTo(Pipeline.Stage.OPT).function("train"),
                names(m), 2, DType.F64);
        assertTrue(assertInstanceOf(RowTiled.class, f).splits());
        NDArray[] in = inputs(110_000, 10, 1);
        Program jvm = new JvmEngine().load(m, c), interp = new InterpreterEngine().load(c.upTo(Pipeline.Stage.OPT));
        ModelState a = InitialState.of(m), b = InitialState.of(m);
        for (int step = 0; step < 2; step++) close(interp.call("train", List.of(in), a), jvm.call("train", List.of(in), b), "step " + step, 1e-12);
        for (String v : a.names()) close(List.of(a.get(v)), List.of(b.get(v)), v, 1e-12);
    }

    @Test
    void theEmbeddingApiTilesMatricesOfUnknownSize() {
        // Theano's logistic regression on dmatrix/dvector (first dims ?): 110,000 x 10 f64, 8.8 MB of rows, tiled at -O2,
        // against the same step at -O1 (never tiled); a y of another length runs whole and fails as it does at -O1
        NDArray[] in = inputs(110_000, 10, 1);
        List<List<NDArray>> runs = new ArrayList<>();
        for (int level : new int[] {2, 1}) {
            Expr x = Tx.dmatrix("x"), y = Tx.dvector("y");
            Shared w = Tx.shared(new double[10], "w"), b = Tx.shared(0.0, "b");
            Expr p = Tx.sigmoid(x.dot(w).plus(b));
            Expr cost = Tx.mean(y.unaryMinus().times(Tx.log(p)).minus(y.unaryMinus().plus(1).times(Tx.log(p.unaryMinus().plus(1)))));
            List<Expr> g = Tx.grad(cost, List.of(w, b));
            TxFunction step = Tx.function(List.of(x, y), fn -> {
                fn.optLevel(level);
                fn.update(w, w.minus(g.get(0).times(0.1)));
                fn.update(b, b.minus(g.get(1).times(0.1)));
                return cost;
            });
            var out = new ArrayList<NDArray>();
            for (int k = 0; k < 2; k++) out.add(step.invoke(in[0], in[1]).get(0));
            out.add(w.get());
            out.add(b.get());
            runs.add(out);
            NDArray shortY = in[1].slice(0, 0, 5, 1);
            var e = assertThrows(TxException.class, () -> step.invoke(in[0], shortY));
            assertTrue(e.getMessage().contains("110000") && e.getMessage().contains("5"), e.getMessage());
        }
        close(runs.get(1), runs.get(0), "-O2 tiled against -O1", 1e-12);
    }

    @Test
    void belowOptLevelTwoNothingIsTiled() throws IOException {
        Compiler c = Compiler.open(Files.writeString(dir.resolve("o1.tx"), LOGISTIC), new Compiler.Options(DType.F64, 1));
        Module m = c.upTo(Pipeline.Stage.LOWERED);
        CompiledFunction whole = whole(m, "train");
        assertSame(whole, RowTiling.wrap(whole, m.function("train"), () -> c.upTo(Pipeline.Stage.OPT).function("train"), names(m), 1, DType.F64));
    }

    /** {@code steps} calls of {@code fn} tiled into blocks of about {@code blockBytes} against the interpreter, state updated. */
    private void check(String source, String fn, int steps, NDArray[] in, long blockBytes) throws IOException {
        check(source, fn, steps, in, blockBytes, 1e-12);
    }

    private void check(String source, String fn, int steps, NDArray[] in, long blockBytes, double tol) throws IOException {
        Compiler c = Compiler.open(Files.writeString(dir.resolve(fn + ".tx"), source), Compiler.Options.defaults());
        Module m = c.upTo(Pipeline.Stage.LOWERED);
        CompiledFunction tiled = tiled(source, fn, blockBytes);
        Program interp = new InterpreterEngine().load(c.upTo(Pipeline.Stage.OPT));
        ModelState want = InitialState.of(m);
        NDArray[] state = m.shared().stream().map(v -> want.get(v.name())).toArray(NDArray[]::new);
        var args = new ArrayList<>(List.of(in));
        for (int k = in.length; k < m.function(fn).params().size(); k++) args.add(NDArray.scalar(0.5));
        for (int step = 0; step < steps; step++) {
            List<NDArray> expected = interp.call(fn, args, want);
            NDArray[] got = tiled.call(args.toArray(NDArray[]::new), state);
            int outs = m.function(fn).outputs().size();
            close(expected, Arrays.asList(got).subList(0, outs), fn + " step " + step, tol);
            var f = m.function(fn);
            for (int u = 0; u < f.updates().size(); u++) {
                int k = names(m).indexOf(f.updates().get(u).shared());
                state[k] = got[outs + u];
                close(List.of(want.get(f.updates().get(u).shared())), List.of(state[k]), f.updates().get(u).shared() + " after step " + step, tol);
            }
        }
    }

    /** {@code fn} of {@code source} compiled at -O2 and tiled with no size threshold, blocks of about {@code blockBytes}. */
    private CompiledFunction tiled(String source, String fn, long blockBytes) throws IOException {
        Compiler c = Compiler.open(Files.writeString(dir.resolve(fn + "-tiled.tx"), source), Compiler.Options.defaults());
        Module m = c.upTo(Pipeline.Stage.LOWERED);
        return RowTiling.wrap(whole(m, fn), m.function(fn), () -> c.upTo(Pipeline.Stage.OPT).function(fn), names(m), 2, DType.F64, 0, blockBytes);
    }

    private static CompiledFunction whole(Module m, String fn) {
        return JvmCompiler.load(JvmCompiler.compile(m.function(fn), names(m)));
    }

    private static List<String> names(Module m) {
        return m.shared().stream().map(SharedVar::name).toList();
    }

    /** x (n x cols, normal) and, when {@code tcols} > 0, one-hot targets t (n x tcols), or 0/1 labels y when it is 1. */
    private static NDArray[] inputs(int n, int cols, int tcols) {
        var rnd = new Random(n);
        double[] x = new double[n * cols];
        for (int k = 0; k < x.length; k++) x[k] = rnd.nextGaussian();
        if (tcols == 0) return new NDArray[] {NDArray.ofDoubles(x, n, cols)};
        if (tcols == 1) {
            double[] y = new double[n];
            for (int k = 0; k < n; k++) y[k] = rnd.nextBoolean() ? 1 : 0;
            return new NDArray[] {NDArray.ofDoubles(x, n, cols), NDArray.ofDoubles(y, n)};
        }
        double[] t = new double[n * tcols];
        for (int k = 0; k < n; k++) t[k * tcols + rnd.nextInt(tcols)] = 1;
        return new NDArray[] {NDArray.ofDoubles(x, n, cols), NDArray.ofDoubles(t, n, tcols)};
    }

    /** Same dtypes and shapes, values within {@code tol} relative (sums over rows are added in another order). */
    private static void close(List<NDArray> want, List<NDArray> got, String what, double tol) {
        assertEquals(want.size(), got.size(), what);
        for (int k = 0; k < want.size(); k++) {
            NDArray a = want.get(k), b = got.get(k);
            assertEquals(a.dtype(), b.dtype(), what + " output " + k);
            assertEquals(Arrays.toString(a.shape()), Arrays.toString(b.shape()), what + " output " + k);
            for (int i = 0; i < a.size(); i++) {
                double x = a.getDoubleFlat(i), y = b.getDoubleFlat(i);
                assertTrue(x == y || Math.abs(x - y) <= tol * Math.max(1, Math.abs(x)), what + " output " + k + " element " + i + ": " + x + " vs " + y);
            }
        }
    }
}
