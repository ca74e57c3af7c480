package dev.txc.tests.training;

import static org.junit.jupiter.api.Assertions.*;

import dev.txc.runtime.NDArray;
import dev.txc.runtime.Npy;
import dev.txc.types.DType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * examples/logistic.tx, trained for 1000 steps through the {@code txc run} command, against logistic regression written
 * here with plain loops and gradients derived by hand:
 * <pre>
 *   p    = 1 / (1 + exp(-(X w + b)))
 *   cost = mean(-y log p - (1 - y) log(1 - p)) + 0.01 sum(w^2)
 *   d cost / d w = X^T (p - y) / N + 0.02 w        d cost / d b = mean(p - y)
 *   w <- w - 0.1 dw,  b <- b - 0.1 db              (both from the values before the step)
 * </pre>
 */
class TutorialTrainingTest {
    static final double RTOL = 1e-9;
    static final int STEPS = 1000;

    static String example() {
        return Repo.examples().resolve("logistic.tx").toString();
    }

    /** The plain-Java reference: costs of every step (before its update), and the final w and b. */
    record Reference(double[] costs, double[] w, double b) {}

    static double[] X;
    static double[] Y;
    static int N;
    static int F;
    static Reference REF;

    @BeforeAll
    static void reference() {
        NDArray x = Npy.read(Repo.examples().resolve("data/x.npy"));
        NDArray y = Npy.read(Repo.examples().resolve("data/y.npy"));
        N = x.dim(0);
        F = x.dim(1);
        X = x.toDoubleArray();
        Y = y.toDoubleArray();
        REF = train(initialW(), 0.0, STEPS);
    }

    /** randn(seed=0) as LANGUAGE.md defines it: java.util.Random(0).nextGaussian() in C order. */
    static double[] initialW() {
        Random r = new Random(0);
        double[] w = new double[F];
        for (int j = 0; j < F; j++) w[j] = r.nextGaussian();
        return w;
    }

    static double[] probabilities(double[] w, double b) {
        double[] p = new double[N];
        for (int i = 0; i < N; i++) {
            double z = b;
            for (int j = 0; j < F; j++) z += X[i * F + j] * w[j];
            p[i] = 1 / (1 + Math.exp(-z));
        }
        return p;
    }

    static Reference train(double[] w0, double b0, int steps) {
        double[] w = w0.clone();
        double b = b0;
        double[] costs = new double[steps];
        for (int s = 0; s < steps; s++) {
            double[] p = probabilities(w, b);
            double xent = 0;
            for (int i = 0; i < N; i++) xent += -Y[i] * Math.log(p[i]) - (1 - Y[i]) * Math.log(1 - p[i]);
            double reg = 0;
            for (int j = 0; j < F; j++) reg += w[j] * w[j];
            costs[s] = xent / N + 0.01 * reg;
            double[] gw = new double[F];
            double gb = 0;
            for (int i = 0; i < N; i++) {
                double d = p[i] - Y[i];
                for (int j = 0; j < F; j++) gw[j] += X[i * F + j] * d;
                gb += d;
            }
            for (int j = 0; j < F; j++) w[j] -= 0.1 * (gw[j] / N + 0.02 * w[j]);
            b -= 0.1 * (gb / N);
        }
        return new Reference(costs, w, b);
    }

    /** The largest relative difference seen by {@link #assertClose}, reported on stdout. */
    static double worst;

    static void assertClose(double expected, double actual, String what) {
        if (expected != 0) worst = Math.max(worst, Math.abs(expected - actual) / Math.abs(expected));
        double tol = RTOL * Math.abs(expected) + 1e-300;
        if (!(Math.abs(expected - actual) <= tol))
            fail(what + ": expected " + expected + ", got " + actual + " (relative error " + Math.abs(expected - actual) / Math.abs(expected) + ")");
    }

    static void assertClose(double[] expected, double[] actual, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int k = 0; k < expected.length; k++) assertClose(expected[k], actual[k], what + "[" + k + "]");
    }

    @Test
    void referenceLearnsSomething() {
        // guards the reference itself: the cost falls well below log 2 and the weights point the true way
        assertTrue(REF.costs()[0] > REF.costs()[STEPS - 1] + 0.1, Arrays.toString(Arrays.copyOf(REF.costs(), 3)));
        assertTrue(REF.w()[0] > 0.5 && REF.w()[1] < -0.5, Arrays.toString(REF.w()));
    }

    @Test
    void initialStateIsRandnSeed0AndTheBundledData(@TempDir Path dir) {
        // accuracy has no updates, so the saved state is the initial one
        Txc.ok("run", example(), "--fn", "accuracy", "--save-state", dir.toString());
        NDArray w = Npy.read(dir.resolve("w.npy"));
        assertEquals(DType.F64, w.dtype());
        assertArrayEquals(initialW(), w.toDoubleArray(), 0.0);
        assertEquals(0.0, Npy.read(dir.resolve("b.npy")).toDoubleArray()[0], 0.0);
        assertArrayEquals(X, Npy.read(dir.resolve("X.npy")).toDoubleArray(), 0.0);
        assertArrayEquals(Y, Npy.read(dir.resolve("y.npy")).toDoubleArray(), 0.0);
    }

    @Test
    void thousandStepsMatchTheHandWrittenReference(@TempDir Path dir) {
        Txc r = Txc.ok("run", example(), "--fn", "train", "--repeat", String.valueOf(STEPS), "--print-every", "100",
                "--save-state", dir.toString(), "--format", "json");
        Json.Obj o = r.json();
        // the last call's output: the cost before the 1000th update
        Json.Obj cost = o.output("cost");
        assertEquals("f64", cost.get("dtype").str());
        assertEquals(0, cost.get("shape").arr().items().size());
        assertClose(REF.costs()[STEPS - 1], cost.get("data").num(), "cost of step 1000");
        // steps 100, ..., 900 (the last call's outputs are the top-level ones)
        var steps = o.get("steps").arr().items();
        assertEquals(9, steps.size(), r.out());
        for (int k = 0; k < steps.size(); k++) {
            Json.Obj s = steps.get(k).obj();
            assertEquals(100L * (k + 1), s.get("step").integer());
            assertClose(REF.costs()[100 * (k + 1) - 1], s.output("cost").get("data").num(), "cost of step " + 100 * (k + 1));
        }
        // the final state, read from the saved files
        NDArray w = Npy.read(dir.resolve("w.npy"));
        NDArray b = Npy.read(dir.resolve("b.npy"));
        assertArrayEquals(new int[] {F}, w.shape());
        assertArrayEquals(new int[0], b.shape());
        assertEquals(DType.F64, w.dtype());
        assertEquals(DType.F64, b.dtype());
        assertClose(REF.w(), w.toDoubleArray(), "w after 1000 steps");
        assertClose(REF.b(), b.toDoubleArray()[0], "b after 1000 steps");
        // the data is state too, and training leaves it alone
        assertArrayEquals(X, Npy.read(dir.resolve("X.npy")).toDoubleArray(), 0.0);
        assertArrayEquals(Y, Npy.read(dir.resolve("y.npy")).toDoubleArray(), 0.0);

        // the trained model, used through the other functions with --load-state
        double[] p = probabilities(REF.w(), REF.b());
        Json.Obj probs = Txc.ok("run", example(), "--fn", "prob", "--arg", "x=@" + Repo.examples().resolve("data/x.npy"),
                "--load-state", dir.toString(), "--format", "json").json().output("prob");
        assertClose(p, probs.get("data").flat(), "prob(X) after training");
        double[] predicted = Txc.ok("run", example(), "--fn", "predict", "--arg", "x=@" + Repo.examples().resolve("data/x.npy"),
                "--load-state", dir.toString(), "--format", "json").json().output("predict").get("data").flat();
        int correct = 0;
        for (int i = 0; i < N; i++) {
            assertEquals(p[i] > 0.5 ? 1.0 : 0.0, predicted[i], "predict[" + i + "] with p = " + p[i]);
            if ((p[i] > 0.5) == (Y[i] > 0.5)) correct++;
        }
        Json.Obj acc = Txc.ok("run", example(), "--fn", "accuracy", "--load-state", dir.toString(), "--format", "json").json().output("accuracy");
        assertEquals("f64", acc.get("dtype").str());
        assertEquals((double) correct / N, acc.get("data").num(), 1e-15);
        assertTrue(correct > 0.75 * N, "accuracy " + correct + "/" + N);
        System.out.println("TutorialTrainingTest: largest relative difference from the reference " + worst + "; accuracy " + correct + "/" + N
                + "; cost " + REF.costs()[0] + " -> " + REF.costs()[STEPS - 1]);
    }

    @Test
    void readmeCommandOneIsThisTraining() throws java.io.IOException {
        String readme = java.nio.file.Files.readString(Repo.ROOT.resolve("README.md"));
        int at = readme.indexOf("## The two commands");
        assertTrue(at >= 0, "README has no 'The two commands' section");
        int open = readme.indexOf("```\n", at) + 4;
        String command = readme.substring(open, readme.indexOf("\n```", open)).strip();
        assertEquals("bin/txc run examples/logistic.tx --fn train --repeat 1000 --print-every 100", command);
        // run it as written, the example's path made absolute since the test does not run at the repository root
        String[] args = command.substring("bin/txc ".length()).split(" ");
        args[1] = Repo.ROOT.resolve(args[1]).toString();
        Txc r = Txc.ok(args);
        assertEquals(10, r.out().lines().filter(l -> l.contains("cost = ")).count(), r.out());
    }

    @Test
    void printEveryShowsTheCostFallingEveryHundredSteps() {
        // the README's first command, as the text a user sees
        Txc r = Txc.ok("run", example(), "--fn", "train", "--repeat", "1000", "--print-every", "100");
        List<String> lines = r.out().lines().toList();
        assertEquals(10, lines.size(), r.out());
        Pattern line = Pattern.compile("(?:\\[step (\\d+)\\] )?cost = (\\S+)");
        var shown = new ArrayList<Double>();
        for (int k = 0; k < lines.size(); k++) {
            Matcher m = line.matcher(lines.get(k));
            assertTrue(m.matches(), lines.get(k));
            if (k < 9) assertEquals(String.valueOf(100 * (k + 1)), m.group(1), lines.get(k));
            else assertNull(m.group(1), "the last call's outputs are printed unprefixed: " + lines.get(k));
            double c = Double.parseDouble(m.group(2));
            // text output rounds to 8 significant digits
            assertEquals(REF.costs()[100 * (k + 1) - 1], c, 1e-7, lines.get(k));
            shown.add(c);
        }
        for (int k = 1; k < shown.size(); k++) assertTrue(shown.get(k) <= shown.get(k - 1), "cost rose: " + shown);
        assertTrue(shown.get(0) > shown.get(9), "cost did not fall: " + shown);
        // and strictly, at full precision
        Json.Obj o = Txc.ok("run", example(), "--fn", "train", "--repeat", "1000", "--print-every", "100", "--format", "json").json();
        double prev = Double.POSITIVE_INFINITY;
        for (Json.Value s : o.get("steps").arr().items()) {
            double c = s.obj().output("cost").get("data").num();
            assertTrue(c < prev, "cost " + c + " after " + prev);
            prev = c;
        }
        assertTrue(o.output("cost").get("data").num() < prev);
    }
}
