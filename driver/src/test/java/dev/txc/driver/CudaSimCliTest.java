package dev.txc.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.txc.runtime.NDArray;
import dev.txc.runtime.Npy;
import dev.txc.runtime.cuda.Cuda;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * The whole {@code --device cuda} path in CI, on the PTX simulator ({@code SimCudaApi} from codegen-cuda's test
 * classes, named by {@code txc.cuda.api}): {@code txc run}, {@code txc bench} and {@code java -jar --device cuda}
 * give what the CPU gives (the JVM backend; its own agreement with the reference interpreter is tested elsewhere),
 * within the tolerance of txc's math routines, and a training loop keeps its state right across calls.
 */
@ResourceLock("txc.cuda.api")
class CudaSimCliTest {
    /** Where the reactor build leaves codegen-cuda's test classes (the simulator). */
    static final Path SIM_CLASSES = Path.of("..", "codegen-cuda", "target", "test-classes").toAbsolutePath().normalize();
    static final String SIM = "dev.txc.cuda.sim.SimCudaApi";

    @TempDir
    Path dir;
    private String oldApi;
    private ClassLoader oldLoader;

    @BeforeEach
    void useTheSimulator() throws IOException {
        assumeTrue(Files.exists(SIM_CLASSES.resolve("dev/txc/cuda/sim/SimCudaApi.class")),
                "the PTX simulator is not built (" + SIM_CLASSES + "): build codegen-cuda's tests first (mvn verify builds them before the driver's)");
        oldApi = System.getProperty(Cuda.API_PROPERTY);
        oldLoader = Thread.currentThread().getContextClassLoader();
        System.setProperty(Cuda.API_PROPERTY, SIM);
        Thread.currentThread().setContextClassLoader(new URLClassLoader(new URL[] {SIM_CLASSES.toUri().toURL()}, oldLoader));
    }

    @AfterEach
    void restore() {
        if (oldApi == null) System.clearProperty(Cuda.API_PROPERTY);
        else System.setProperty(Cuda.API_PROPERTY, oldApi);
        Thread.currentThread().setContextClassLoader(oldLoader);
    }

    /** The numbers of every "data" array of a --format json output, in order. */
    static List<Double> numbers(String json) {
        var out = new ArrayList<Double>();
        Matcher m = Pattern.compile("\"data\": ([\\[\\]0-9eE.,+\\- ]+)").matcher(json);
        while (m.find()) {
            for (String s : m.group(1).replaceAll("[\\[\\]]", " ").split("[ ,]+")) if (!s.isBlank()) out.add(Double.parseDouble(s));
        }
        return out;
    }

    /** Agreement within the math routines' documented error: a few ulps, here a relative 1e-13 (and 1e-300 absolute). */
    static void close(List<Double> want, List<Double> got, String what) {
        assertEquals(want.size(), got.size(), what + ": sizes");
        for (int i = 0; i < want.size(); i++) {
            double w = want.get(i), g = got.get(i);
            assertTrue(Math.abs(w - g) <= 1e-13 * Math.abs(w) + 1e-300, what + " element " + i + ": cpu " + w + ", cuda " + g);
        }
    }

    private static String vector(int n, long seed) {
        var r = new Random(seed);
        var sb = new StringBuilder("[");
        for (int i = 0; i < n; i++) sb.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.6f", 12 * r.nextDouble() - 6));
        return sb.append(']').toString();
    }

    private Cli ok(String... args) {
        Cli r = Cli.run(args);
        assertEquals(0, r.status(), r::toString);
        return r;
    }

    @Test
    void dlogisticOnTheGpuIsDlogisticOnTheCpu() throws IOException {
        Path f = Files.writeString(dir.resolve("d.tx"), "fn dlogistic(x: f64[N]) = grad(sum(1 / (1 + exp(-x))), x)\n");
        String x = "x=" + vector(300, 1);
        Cli cpu = ok("run", f.toString(), "--fn", "dlogistic", "--arg", x, "--format", "json", "--device", "cpu");
        Cli gpu = ok("run", f.toString(), "--fn", "dlogistic", "--arg", x, "--format", "json", "--device", "cuda");
        close(numbers(cpu.out()), numbers(gpu.out()), "dlogistic");
        // and by a hand-derived value: d/dx sigmoid(x) = s(1 - s), 1/4 at 0
        assertEquals(List.of(0.25), numbers(ok("run", f.toString(), "--fn", "dlogistic", "--arg", "x=[0]", "--format", "json", "--device", "cuda").out()));
        Cli bench = ok("bench", f.toString(), "--fn", "dlogistic", "--arg", x, "--calls", "2", "--warmup", "1", "--device", "cuda");
        assertTrue(bench.out().startsWith("dlogistic: 2 calls after 1 warm-up: median "), bench::toString);
    }

    /** A training loop whose state lives on the device: w moves toward x by gradient descent on a squared error. */
    static final String TRAIN = """
            shared w: f64[16] = zeros()
            shared steps: i64 = 0
            fn train(x: f64[16], lr: f64 = 0.1) {
                cost = mean((w - x) ** 2 + 0.01 * tanh(w) ** 2)
                gw = grad(cost, w)
                w := w - lr * gw
                steps := steps + 1
                return cost, mean(gw * gw)
            }
            """;

    @Test
    void aTrainingLoopKeepsItsStateOnTheDevice() throws IOException {
        Path f = Files.writeString(dir.resolve("t.tx"), TRAIN);
        String x = "x=" + vector(16, 2);
        var outs = new ArrayList<List<Double>>();
        var states = new ArrayList<NDArray>();
        for (String device : List.of("cpu", "cuda")) {
            Path st = dir.resolve("state-" + device);
            Cli r = ok("run", f.toString(), "--fn", "train", "--arg", x, "--repeat", "7", "--print-every", "3", "--format", "json",
                    "--save-state", st.toString(), "--device", device);
            outs.add(numbers(r.out()));
            states.add(Npy.read(st.resolve("w.npy")));
            assertEquals(NDArray.scalar(7L), Npy.read(st.resolve("steps.npy")), device);
        }
        close(outs.get(0), outs.get(1), "train outputs (steps 3, 6 and 7)");
        close(List.of(java.util.Arrays.stream(states.get(0).toDoubleArray()).boxed().toArray(Double[]::new)),
                List.of(java.util.Arrays.stream(states.get(1).toDoubleArray()).boxed().toArray(Double[]::new)), "w after 7 steps");
    }

    @Test
    void logisticRegressionTrainsOnTheGpuAsOnTheCpu() throws IOException {
        // LANGUAGE.md section 10 on the bundled data: 5 steps, then the accuracy of the trained model, from its saved state
        Path example = Path.of("..", "examples", "logistic.tx").toAbsolutePath().normalize();
        var outs = new ArrayList<List<Double>>();
        for (String device : List.of("cpu", "cuda")) {
            Path st = dir.resolve("logistic-" + device);
            var r = new ArrayList<Double>(numbers(ok("run", example.toString(), "--fn", "train", "--repeat", "5", "--print-every", "2", "--format", "json",
                    "--save-state", st.toString(), "--device", device).out()));
            r.addAll(numbers(ok("run", example.toString(), "--fn", "accuracy", "--load-state", st.toString(), "--format", "json", "--device", device).out()));
            for (double v : Npy.read(st.resolve("w.npy")).toDoubleArray()) r.add(v);
            r.add(Npy.read(st.resolve("b.npy")).getDouble());
            outs.add(r);
        }
        close(outs.get(0), outs.get(1), "logistic train (costs at steps 2, 4, 5), accuracy, w and b");
    }

    /** A recurrent net trained by backpropagation through time: scans forward and backward, weights on the device. */
    static final String RNN = """
            shared W: f64[4, 4] = randn(seed=1)
            shared U: f64[4, 4] = randn(seed=2)
            fn train(xs: f64[T, 4], lr: f64 = 0.05) {
                hs = scan x in xs carry h = xs[0] * 0.0 { tanh(W @ h + U @ x) }
                cost = mean((hs - 0.5) ** 2)
                gW, gU = grad(cost, [W, U])
                W := W - lr * gW
                U := U - lr * gU
                return cost, hs[-1]
            }
            """;

    @Test
    void scanRunsOnTheGpuAsOnTheCpu() throws IOException, InterruptedException {
        // the tutorial's Jacobian by scan over arange: d(x^2)/dx at [4, 4] is [[8, 0], [0, 8]] (by hand)
        Path example = Path.of("..", "examples", "tutorial.tx").toAbsolutePath().normalize();
        assertEquals(List.of(8.0, 0.0, 0.0, 8.0), numbers(ok("run", example.toString(), "--fn", "jac", "--arg", "x=[4, 4]", "--format", "json", "--device", "cuda").out()));
        Path f = Files.writeString(dir.resolve("rnn.tx"), RNN);
        var rows = new ArrayList<String>();
        for (int t = 0; t < 9; t++) rows.add(vector(4, 10 + t));
        String xs = "xs=[" + String.join(", ", rows) + "]";
        var outs = new ArrayList<List<Double>>();
        for (String device : List.of("cpu", "cuda")) {
            Path st = dir.resolve("rnn-" + device);
            var r = new ArrayList<Double>(numbers(ok("run", f.toString(), "--fn", "train", "--arg", xs, "--repeat", "4", "--print-every", "2",
                    "--format", "json", "--save-state", st.toString(), "--device", device).out()));
            for (double v : Npy.read(st.resolve("W.npy")).toDoubleArray()) r.add(v);
            outs.add(r);
        }
        close(outs.get(0), outs.get(1), "the RNN's costs, last hidden state and W after 4 steps");
        // the same from a standalone jar: the scan's plan (a loop step holding its body) travels serialized
        Path jar = dir.resolve("rnn.jar");
        ok("compile", f.toString(), "-o", jar.toString(), "--target", "cuda");
        Path cwd = Files.createDirectories(dir.resolve("rnn-cwd"));
        Cli gpu = Jars.child(cwd, List.of("-D" + Cuda.API_PROPERTY + "=" + SIM, "--enable-native-access=ALL-UNNAMED", "-cp", jar + java.io.File.pathSeparator + SIM_CLASSES,
                "dev.txc.runtime.model.JarMain", "train", "--arg", xs, "--repeat", "4", "--print-every", "2", "--format", "json"));
        assertEquals(0, gpu.status(), gpu::toString);
        var cpu = outs.get(0);
        close(cpu.subList(0, cpu.size() - 16), numbers(gpu.out()), "the jar's RNN on the GPU and txc run on the CPU");
    }

    @Test
    void aStandaloneJarRunsOnTheGpu() throws IOException, InterruptedException {
        Path f = Files.writeString(dir.resolve("t.tx"), TRAIN);
        Path jar = dir.resolve("t.jar");
        ok("compile", f.toString(), "-o", jar.toString(), "--target", "cuda");
        String x = "x=" + vector(16, 3);
        Path cwd = Files.createDirectories(dir.resolve("cwd"));
        var common = List.of("-cp", jar + java.io.File.pathSeparator + SIM_CLASSES, "dev.txc.runtime.model.JarMain", "train", "--arg", x, "--repeat", "4", "--format", "json");
        var gpuArgs = new ArrayList<>(List.of("-D" + Cuda.API_PROPERTY + "=" + SIM, "--enable-native-access=ALL-UNNAMED"));
        gpuArgs.addAll(common);
        Cli gpu = Jars.child(cwd, gpuArgs);
        assertEquals(0, gpu.status(), gpu::toString);
        var cpuArgs = new ArrayList<>(common);
        cpuArgs.addAll(List.of("--device", "cpu"));
        Cli cpu = Jars.child(cwd, cpuArgs);
        assertEquals(0, cpu.status(), cpu::toString);
        close(numbers(cpu.out()), numbers(gpu.out()), "the jar's train on the GPU and on the CPU");
        Supplier<String> why = gpu::toString;
        assertTrue(gpu.err().isEmpty(), why);
    }

    @Test
    void theEmbeddingApiRunsOnTheGpuAndKeepsSharedVariablesCurrent() {
        // the same training step on the CPU and on the GPU, each with its own shared variable
        var results = new ArrayList<List<Double>>();
        for (dev.txc.runtime.Device device : dev.txc.runtime.Device.values()) {
            var w = dev.txc.driver.api.Tx.shared(new double[] {1, -2, 3, 0.5}, "w");
            var g = dev.txc.driver.api.Tx.dvector("g");
            var updates = new java.util.LinkedHashMap<dev.txc.driver.api.Shared, Object>();
            updates.put(w, w.minus(dev.txc.driver.api.Tx.tanh(w.times(g)).times(0.25)));
            var f = dev.txc.driver.api.Tx.function(List.of(g), dev.txc.driver.api.Tx.exp(w), updates).on(device);
            assertEquals(device, f.device());
            var seen = new ArrayList<Double>();
            for (int k = 0; k < 3; k++) {
                for (double v : f.invoke(new double[] {0.5, 1, -1, 2}).get(0).toDoubleArray()) seen.add(v);
                for (double v : w.get().toDoubleArray()) seen.add(v);
            }
            // a value set on the host between calls is what the next call sees
            w.set(new double[] {0, 0, 0, 0});
            for (double v : f.invoke(new double[] {1, 1, 1, 1}).get(0).toDoubleArray()) seen.add(v);
            results.add(seen);
        }
        close(results.get(0), results.get(1), "the API's step on the CPU and on the GPU");
        assertEquals(List.of(1.0, 1.0, 1.0, 1.0), results.get(1).subList(results.get(1).size() - 4, results.get(1).size()));
    }
}
