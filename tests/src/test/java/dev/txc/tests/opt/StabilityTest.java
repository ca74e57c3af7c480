package dev.txc.tests.opt;

import static org.junit.jupiter.api.Assertions.*;

import dev.txc.driver.Main;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stabilized forms give finite, accurate values and gradients at +-1000 and for tiny inputs, through the whole
 * pipeline and the JVM backend. Expected values are derived by hand in each test.
 */
class StabilityTest {
    @TempDir
    Path dir;

    static final String SRC = """
        fn logsig(x: f64) = (log(1 / (1 + exp(-x))), grad(log(1 / (1 + exp(-x))), x))
        fn log1msig(x: f64) = (log(1 - 1 / (1 + exp(-x))), grad(log(1 - 1 / (1 + exp(-x))), x))
        fn softplus_(x: f64) = (log(1 + exp(x)), grad(log(1 + exp(x)), x))
        fn tiny(x: f64) = (log(1 + x), exp(x) - 1, grad(log(1 + x), x))
        fn lsm(x: f64[2]) = (log(softmax(x)), grad(sum(log(softmax(x)) * [1, 0]), x))
        fn log1pexp(x: f64) = (log1p(exp(x)), grad(log1p(exp(x)), x))
        fn lse(x: f64[3]) = (log(sum(exp(x))), grad(log(sum(exp(x))), x))
        fn sm(x: f64[1, 3]) = (exp(x) / sum(exp(x), axis=1, keepdims=true), grad(sum(log(exp(x) / sum(exp(x), axis=1, keepdims=true))[:, 0]), x))
        fn bce(z: f64, t: f64) = (binary_crossentropy(1 / (1 + exp(-z)), t), grad(binary_crossentropy(1 / (1 + exp(-z)), t), z))
        """;

    double[] run(String fn, String... args) throws IOException {
        Path f = dir.resolve("s.tx");
        Files.writeString(f, SRC);
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        var argv = new java.util.ArrayList<>(java.util.List.of("run", f.toString(), "--fn", fn, "--format", "json"));
        for (String a : args) {
            argv.add("--arg");
            argv.add(a);
        }
        int code = Main.run(argv.toArray(new String[0]), new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, code, err::toString);
        // Every number in the "data" fields, in output order (JSON floats are shortest round-trip).
        var values = new java.util.ArrayList<Double>();
        var m = java.util.regex.Pattern.compile("\"data\": ([^}]*)}").matcher(out.toString(StandardCharsets.UTF_8));
        while (m.find())
            for (String tok : m.group(1).replaceAll("[\\[\\]]", " ").split("[\\s,]+"))
                if (!tok.isEmpty()) values.add(Double.parseDouble(tok.replace("\"", "").replace("Infinity", "Infinity")));
        return values.stream().mapToDouble(Double::doubleValue).toArray();
    }

    @Test
    void logSigmoidAtPlusMinus1000() throws IOException {
        // log(sigmoid(-1000)) = -1000 - log(1 + e^-1000) = -1000; d/dx = 1 - sigmoid(x) = 1.
        assertArrayEquals(new double[] {-1000, 1}, run("logsig", "x=-1000"), 1e-12);
        // log(sigmoid(1000)) = -log(1 + e^-1000) ~ -e^-1000 = -0.0 in f64; d/dx = sigmoid(-1000) ~ 0.
        assertArrayEquals(new double[] {0, 0}, run("logsig", "x=1000"), 1e-300);
        // log(1 - sigmoid(1000)) = -1000; d/dx = -sigmoid(x) = -1.
        assertArrayEquals(new double[] {-1000, -1}, run("log1msig", "x=1000"), 1e-12);
        assertArrayEquals(new double[] {0, 0}, run("log1msig", "x=-1000"), 1e-300);
    }

    @Test
    void softplusAtPlusMinus1000() throws IOException {
        assertArrayEquals(new double[] {1000, 1}, run("softplus_", "x=1000"), 1e-12);
        assertArrayEquals(new double[] {0, 0}, run("softplus_", "x=-1000"), 1e-300);
    }

    @Test
    void tinyInputsKeepTheirDigits() throws IOException {
        // log1p(1e-20) = 1e-20 - 5e-41, expm1(1e-20) = 1e-20 + 5e-41: both 1e-20 in f64, where the naive forms give 0.
        double[] r = run("tiny", "x=1e-20");
        assertEquals(1e-20, r[0], 1e-35);
        assertEquals(1e-20, r[1], 1e-35);
        assertEquals(1.0, r[2], 1e-15);
    }

    @Test
    void logSoftmaxOfLargeInputs() throws IOException {
        // log_softmax([1000, 0]) = [-log(1 + e^-1000), -1000] = [0, -1000]; grad of the first = [1 - s0, -s1] = [0, 0].
        double[] r = run("lsm", "x=[1000, 0]");
        assertArrayEquals(new double[] {0, -1000, 0, 0}, r, 1e-12);
    }

    @Test
    void binaryCrossentropyOfSigmoidAtPlusMinus1000() throws IOException {
        // bce(sigmoid(z), t) = softplus(z) - t z; at z = -1000, t = 1: 1000; d/dz = sigmoid(z) - t = -1.
        assertArrayEquals(new double[] {1000, -1}, run("bce", "z=-1000", "t=1"), 1e-12);
        // at z = 1000, t = 0: 1000; d/dz = 1.
        assertArrayEquals(new double[] {1000, 1}, run("bce", "z=1000", "t=0"), 1e-12);
    }
    /** A new user's report: these written-out forms overflowed at 1000 (NaN gradients) where log(1 + exp(x)) did not. */
    @Test
    void writtenOutSoftplusLogsumexpAndSoftmax() throws IOException {
        // log1p(e^1000) = 1000 + log1p(e^-1000) = 1000; d/dx = sigmoid(1000) = 1
        assertArrayEquals(new double[] {1000, 1}, run("log1pexp", "x=1000"), 1e-12);
        // log(e^1000 + e^0 + e^-1000) = 1000 + log1p(e^-1000) = 1000; gradient softmax = [1, e^-1000, ~0] = [1, 0, 0]
        assertArrayEquals(new double[] {1000, 1, 0, 0}, run("lse", "x=[1000, 0, -1000]"), 1e-12);
        // softmax([1000, 0, -1000]) = [1, 0, 0]; d log softmax_0 / dx = e_0 - softmax = [0, 0, 0]
        assertArrayEquals(new double[] {1, 0, 0, 0, 0, 0}, run("sm", "x=[[1000, 0, -1000]]"), 1e-12);
    }
}
