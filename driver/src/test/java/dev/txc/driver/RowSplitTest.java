package dev.txc.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.txc.ir.Module;
import dev.txc.opt.RowSplit;
import dev.txc.runtime.NDArray;
import dev.txc.runtime.Npy;
import dev.txc.runtime.model.FunctionSpec;
import dev.txc.runtime.model.ModelState;
import dev.txc.runtime.model.Partials;
import dev.txc.runtime.model.Program;
import dev.txc.types.Combine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The data-parallel split ({@code txc compile --spark FN}): running {@code FN__part} on row blocks (one of them
 * empty), combining the partial results and calling {@code FN__merge} gives {@code FN}'s outputs and updates on all
 * rows, on the reference interpreter and on the JVM, for several steps; functions that cannot be split are located
 * errors.
 */
class RowSplitTest {
    @TempDir
    Path dir;

    private static final String LOGISTIC = """
            shared X: f64[?, 5] = load("x.npy")
            shared y: f64[?] = load("y.npy")
            shared w: f64[5] = randn(seed=0)
            shared b: f64 = 0.0
            fn train() {
                p_1 = 1 / (1 + exp(-dot(X, w) - b))
                xent = -y * log(p_1) - (1 - y) * log(1 - p_1)
                cost = mean(xent) + 0.01 * sum(w ** 2)
                gw, gb = grad(cost, [w, b])
                w := w - 0.1 * gw
                b := b - 0.1 * gb
                return cost
            }
            """;

    /** A tanh layer and a softmax cross-entropy, other reductions over the rows, and the row count in arithmetic. */
    private static final String MLP = """
            shared X: f64[?, 5] = load("x.npy")
            shared T: f64[?, 3] = load("t.npy")
            shared W1: f64[5, 4] = randn(seed=1)
            shared b1: f64[4] = zeros()
            shared W2: f64[4, 3] = randn(seed=2)
            shared b2: f64[3] = zeros()
            fn step() {
                h = tanh(X @ W1 + b1)
                logp = log_softmax(h @ W2 + b2, axis=1)
                loss = -mean(sum(T * logp, axis=1))
                g1, gb1, g2, gb2 = grad(loss, [W1, b1, W2, b2])
                W1 := W1 - 0.5 * g1
                b1 := b1 - 0.5 * gb1
                W2 := W2 - 0.5 * g2
                b2 := b2 - 0.5 * gb2
                n = cast(shape(X)[0], f64)
                return loss, max(abs(h), axis=0), min(logp), sum(h) / n, mean(X), any(logp < -3.0), all(h < 0.99)
            }
            """;

    @ParameterizedTest
    @ValueSource(strings = {"interp", "jvm"})
    void logisticSplitMatchesWholeData(String engine) throws IOException {
        data(37);
        check(LOGISTIC, "train", engine, 37, new int[] {0, 9, 9, 30, 37}, 3);
    }

    @ParameterizedTest
    @ValueSource(strings = {"interp", "jvm"})
    void mlpSplitMatchesWholeData(String engine) throws IOException {
        data(29);
        check(MLP, "step", engine, 29, new int[] {0, 1, 14, 14, 29}, 3);
    }

    @Test
    void whatCannotBeSplitIsALocatedError() throws IOException {
        data(10);
        String head = LOGISTIC.substring(0, LOGISTIC.indexOf("fn train"));
        assertSplitError(head + "fn f() = sum(X - mean(X, axis=0))\n", "needs two passes over the data");
        assertSplitError(head + "fn f() = dot(X, w)\n", "output 'f' has a value per row");
        assertSplitError(head + "fn f() = sum(softmax(y, axis=0) * y)\n", "softmax across the rows");
        assertSplitError(head + "fn f() = sum(w)\n", "reduces over no row data");
        assertSplitError(head + "fn f() = argmax(y)\n", "argmax over the rows cannot be split");
    }

    private void assertSplitError(String source, String expected) throws IOException {
        Path file = Files.writeString(dir.resolve("bad.tx"), source);
        Cli r = Cli.run("compile", file.toString(), "--spark", "f", "-o", dir.resolve("bad.jar").toString());
        assertEquals(1, r.status(), r.toString());
        assertTrue(r.err().contains("bad.tx:") && r.err().contains("error: cannot split 'f' over rows: ") && r.err().contains(expected), r.err());
    }

    /** Writes x.npy (n x 5 normal), y.npy (0/1 labels) and t.npy (one-hot of 3 classes). */
    private void data(int n) {
        var rnd = new Random(n);
        double[] x = new double[n * 5], y = new double[n], t = new double[n * 3];
        for (int k = 0; k < x.length; k++) x[k] = rnd.nextGaussian();
        for (int k = 0; k < n; k++) {
            y[k] = rnd.nextBoolean() ? 1 : 0;
            t[k * 3 + rnd.nextInt(3)] = 1;
        }
        Npy.write(dir.resolve("x.npy"), NDArray.ofDoubles(x, n, 5));
        Npy.write(dir.resolve("y.npy"), NDArray.ofDoubles(y, n));
        Npy.write(dir.resolve("t.npy"), NDArray.ofDoubles(t, n, 3));
    }

    /** {@code steps} calls of {@code fn} on all rows against the same steps split into the blocks {@code cuts}. */
    private void check(String source, String fn, String engineName, int n, int[] cuts, int steps) throws IOException {
        Path file = Files.writeString(dir.resolve("model.tx"), source);
        Engine engine = engineName.equals("jvm") ? new JvmEngine() : new InterpreterEngine();
        Module m = Compiler.open(file, Compiler.Options.defaults()).withRowSplit(fn).upTo(engine.stage());
        Program program = engine.load(m);
        FunctionSpec part = ModelSpecs.function(m.function(fn + RowSplit.PART));
        List<Combine> combines = Partials.combines(part);
        ModelState whole = InitialState.of(m), split = InitialState.of(m);
        List<String> rowVars = List.copyOf(RowSplit.rowVariables(m));
        for (int step = 0; step < steps; step++) {
            List<NDArray> expected = program.call(fn, List.of(), whole);
            List<NDArray> combined = null;
            for (int k = 0; k + 1 < cuts.length; k++) {
                if (cuts[k] == cuts[k + 1]) continue;
                ModelState block = split.copy();
                for (String v : rowVars) block.set(v, whole.get(v).slice(0, cuts[k], cuts[k + 1], 1).contiguous());
                List<NDArray> p = program.call(fn + RowSplit.PART, List.of(NDArray.scalar((long) n)), block);
                combined = combined == null ? p : Partials.combine(combines, combined, p);
            }
            var args = new ArrayList<>(combined);
            args.add(NDArray.scalar((long) n));
            List<NDArray> got = program.call(fn + RowSplit.MERGE, args, split);
            for (int k = 0; k < expected.size(); k++) close(expected.get(k), got.get(k), fn + " output " + k + " at step " + step);
            for (String v : whole.names())
                if (!rowVars.contains(v)) close(whole.get(v), split.get(v), v + " after step " + step);
        }
    }

    private static void close(NDArray expected, NDArray got, String what) {
        assertEquals(expected.dtype(), got.dtype(), what);
        assertTrue(java.util.Arrays.equals(expected.shape(), got.shape()), what);
        double[] e = expected.toDoubleArray(), g = got.toDoubleArray();
        for (int k = 0; k < e.length; k++)
            assertTrue(Math.abs(e[k] - g[k]) <= 1e-12 * Math.max(1, Math.abs(e[k])), what + "[" + k + "]: " + e[k] + " vs " + g[k]);
    }
}
