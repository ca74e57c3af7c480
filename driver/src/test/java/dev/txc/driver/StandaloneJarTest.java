package dev.txc.driver;

import static org.junit.jupiter.api.Assertions.*;

import dev.txc.runtime.model.RunOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code txc compile} and {@code java -jar model.jar}: contents, determinism, and the same results as {@code txc run}. */
class StandaloneJarTest {
    @TempDir
    static Path tmp;
    static Path jar;
    static String source;

    @BeforeAll
    static void compileTheExample() {
        source = Jars.example().toString();
        jar = Jars.compile(Jars.example(), tmp.resolve("logistic.jar"));
    }

    private static Path emptyDir(String name) throws IOException {
        return Files.createDirectories(tmp.resolve("cwd-" + name));
    }

    @Test
    void holdsTheRuntimeAndTheModelAndNothingOfTheCompiler() throws IOException {
        assertTrue(Files.size(jar) < 1 << 20, "jar is " + Files.size(jar) + " bytes");
        var names = new ArrayList<String>();
        try (var j = new JarFile(jar.toFile())) {
            assertEquals("dev.txc.runtime.model.JarMain", j.getManifest().getMainAttributes().getValue("Main-Class"));
            for (var e : Collections.list(j.entries())) {
                names.add(e.getName());
                assertEquals(LocalDateTime.of(1980, 2, 1, 0, 0), e.getTimeLocal(), e.getName());
                assertTrue(e.getName().startsWith("META-INF/") || e.getName().startsWith("dev/txc/runtime/") || e.getName().startsWith("dev/txc/types/") || e.getName().startsWith("txc/model/"), e.getName());
            }
        }
        assertEquals(List.of("META-INF/", "META-INF/MANIFEST.MF"), names.subList(0, 2), "the manifest comes first");
        var rest = names.subList(2, names.size());
        var sorted = new ArrayList<>(rest);
        Collections.sort(sorted);
        assertEquals(sorted, rest, "entries are sorted");
        for (String n : List.of("dev/txc/runtime/NDArray.class", "dev/txc/types/DType.class", "dev/txc/runtime/model/JarMain.class", "META-INF/txc/model", "txc/model/LogisticModel.class",
                "txc/model/LogisticModel.java", "txc/model/LogisticModel$TrainResult.class", "txc/model/logistic/model.txt",
                "txc/model/logistic/classes/txc.generated.Fn_train.bin", "txc/model/logistic/classes/txc.generated.Fn_train.pool",
                "txc/model/logistic/state/X.npy", "txc/model/logistic/state/w.npy"))
            assertTrue(names.contains(n), n);
        // No absolute path of this machine leaks into any entry.
        String root = Jars.repoFile("pom.xml").getParent().toString();
        try (var j = new JarFile(jar.toFile())) {
            for (var e : Collections.list(j.entries())) {
                String text = new String(j.getInputStream(e).readAllBytes(), StandardCharsets.ISO_8859_1);
                assertFalse(text.contains(root) || text.contains(tmp.toString()), e.getName() + " holds an absolute path");
            }
        }
    }

    @Test
    void twoCompilesAreByteIdenticalWhereverTheSourceLives() throws IOException {
        byte[] first = Files.readAllBytes(jar);
        assertArrayEquals(first, Files.readAllBytes(Jars.compile(Jars.example(), tmp.resolve("again.jar"))));
        Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere/deeper"));
        Path copy = elsewhere.resolve("logistic.tx");
        Files.copy(Jars.example(), copy);
        Path data = Jars.example().resolveSibling("data");
        Files.createDirectories(elsewhere.resolve("data"));
        try (Stream<Path> files = Files.list(data)) {
            for (Path f : files.toList()) Files.copy(f, elsewhere.resolve("data").resolve(f.getFileName()));
        }
        assertArrayEquals(first, Files.readAllBytes(Jars.compile(copy, elsewhere.resolve("x.jar"))));
    }

    /** Runs the same function through {@code txc run} and {@code java -jar} and expects the same exit status and output. */
    private static void same(Path cwd, String fn, String... flags) throws IOException, InterruptedException {
        var txc = new ArrayList<>(List.of("run", source, "--fn", fn));
        txc.addAll(List.of(flags));
        Cli expected = Cli.run(txc.toArray(new String[0]));
        var jarArgs = new ArrayList<>(List.of(fn));
        jarArgs.addAll(List.of(flags));
        Cli actual = Jars.javaJar(cwd, jar, jarArgs.toArray(new String[0]));
        assertEquals(expected.status(), actual.status(), () -> "txc run:\n" + expected + "\njava -jar:\n" + actual);
        assertEquals(expected.out(), actual.out(), () -> "txc run:\n" + expected + "\njava -jar:\n" + actual);
        assertEquals(expected.err(), actual.err(), () -> "txc run:\n" + expected + "\njava -jar:\n" + actual);
    }

    @Test
    void runsFromAnEmptyDirectoryWithTheResultsOfTxcRun() throws IOException, InterruptedException {
        Path cwd = emptyDir("run");
        same(cwd, "train");
        same(cwd, "train", "--repeat", "300", "--print-every", "100");
        same(cwd, "train", "--repeat", "300", "--print-every", "100", "--format", "json");
        same(cwd, "accuracy", "--format", "json");
        same(cwd, "predict", "--arg", "x=[[1, -1, 0, 0, 1], [-1, 1, 0, 0, -1]]");
        same(cwd, "prob", "--arg", "x=randn:4x5", "--format=json");
        same(cwd, "prob", "--arg=x=zeros:2x5");
        try (Stream<Path> files = Files.list(cwd)) {
            assertEquals(List.of(), files.toList(), "nothing is written without --save-state");
        }
    }

    @Test
    void runsWithoutTheVectorModuleToWithinRounding() throws IOException, InterruptedException {
        // a JVM without jdk.incubator.vector runs the plain-loop kernels: the same numbers up to the order of additions
        Path cwd = emptyDir("plain");
        String[] args = {"train", "--repeat", "300", "--print-every", "100", "--format", "json"};
        Cli expected = Cli.run(("run " + source + " --fn " + String.join(" ", args)).split(" "));
        Cli plain = Jars.plainChild(cwd, List.of("-jar", jar.toString(), String.join(" ", args)).stream()
                .flatMap(a -> List.of(a.split(" ")).stream()).toList());
        assertEquals(0, plain.status(), plain::toString);
        assertEquals("", plain.err());
        var number = java.util.regex.Pattern.compile("-?[0-9][0-9.eE+-]*");
        List<String> want = number.matcher(expected.out()).results().map(java.util.regex.MatchResult::group).toList();
        List<String> got = number.matcher(plain.out()).results().map(java.util.regex.MatchResult::group).toList();
        assertEquals(expected.out().replaceAll(number.pattern(), "#"), plain.out().replaceAll(number.pattern(), "#"));
        assertFalse(want.isEmpty());
        for (int k = 0; k < want.size(); k++) {
            double e = Double.parseDouble(want.get(k));
            assertEquals(e, Double.parseDouble(got.get(k)), 1e-12 * Math.max(1, Math.abs(e)), expected.out() + "\n" + plain.out());
        }
    }

    @Test
    void stateSavedByTheJarIsTheStateTxcRunSaves() throws IOException, InterruptedException {
        Path cwd = emptyDir("state");
        Path byTxc = tmp.resolve("state-txc");
        Cli t = Cli.run("run", source, "--fn", "train", "--repeat", "200", "--save-state", byTxc.toString());
        Cli j = Jars.javaJar(cwd, jar, "train", "--repeat", "200", "--save-state", "st");
        assertEquals(0, j.status(), j::toString);
        assertEquals(t.out(), j.out());
        for (String v : List.of("X", "y", "w", "b"))
            assertArrayEquals(Files.readAllBytes(byTxc.resolve(v + ".npy")), Files.readAllBytes(cwd.resolve("st").resolve(v + ".npy")), v);
        // Training goes on from the saved state, and the other functions see it.
        same(cwd, "train", "--load-state", cwd.resolve("st").toString(), "--repeat", "3", "--format", "json");
        same(cwd, "accuracy", "--load-state", cwd.resolve("st").toString());
        Cli acc = Jars.javaJar(cwd, jar, "accuracy", "--load-state", "st");
        assertNotEquals(Jars.javaJar(cwd, jar, "accuracy").out(), acc.out(), "the loaded state is used");
    }

    @Test
    void listPrintsEverySignature() throws IOException, InterruptedException {
        Cli r = Jars.javaJar(emptyDir("list"), jar, "--list");
        assertEquals(0, r.status(), r::toString);
        assertEquals("""
                fn train() -> (cost: f64)  updates w, b
                fn prob(x: f64[N, 5]) -> (prob: f64[N])
                fn predict(x: f64[N, 5]) -> (predict: bool[N])
                fn accuracy() -> (accuracy: f64)
                shared X: f64[?, 5]
                shared y: f64[?]
                shared w: f64[5]
                shared b: f64
                target jvm (default device)
                """, r.out());
        assertEquals("", r.err());
    }

    @Test
    void errorsAreTheErrorsOfTxcRun() throws IOException, InterruptedException {
        Path cwd = emptyDir("errors");
        same(cwd, "predict", "--arg", "x=[1, 2]");
        same(cwd, "predict", "--arg", "x=[[1, 2, 3]]");
        same(cwd, "predict");
        same(cwd, "predict", "--arg", "x=zeros:1x5", "--arg", "z=1");
        same(cwd, "predict", "--arg", "x=@absent.npy");
        same(cwd, "accuracy", "--load-state", cwd.resolve("absent").toString());
        Cli r = Jars.javaJar(cwd, jar, "nope");
        assertEquals(1, r.status(), r::toString);
        assertEquals("error: no function 'nope' in logistic.tx (functions: train, prob, predict, accuracy)\n", r.err());
        r = Jars.javaJar(cwd, jar, "predict", "--arg", "x");
        assertEquals(2, r.status(), r::toString);
        assertEquals("logistic.jar: --arg expects NAME=VALUE, got 'x'\nsee java -jar logistic.jar --help\n", r.err());
        r = Jars.javaJar(cwd, jar, "train", "--repeat", "0");
        assertEquals("logistic.jar: --repeat expects an integer >= 1, got '0'\nsee java -jar logistic.jar --help\n", r.err());
        r = Jars.javaJar(cwd, jar, "train", "--floatX", "f32");
        assertEquals(2, r.status(), r::toString);
        assertTrue(r.err().startsWith("logistic.jar: --floatX is fixed when the jar is compiled"), r::toString);
        r = Jars.javaJar(cwd, jar, "train", "-O0");
        assertEquals(2, r.status(), r::toString);
        assertTrue(r.err().startsWith("logistic.jar: -O0: --opt-level is fixed when the jar is compiled"), r::toString);
        r = Jars.javaJar(cwd, jar);
        assertEquals(2, r.status(), r::toString);
        assertTrue(r.err().contains("--list shows the functions"), r::toString);
        r = Jars.javaJar(cwd, jar, "train", "--device", "cuda");
        assertEquals(1, r.status(), r::toString);
        assertEquals("error: --device cuda: this jar holds JVM code only (compiled with txc compile --target jvm); compile it with --target cuda or all to run on a GPU, "
                + "or run on the CPU with --device cpu (Device.CPU in the Java API)\n", r.err(), r::toString);
        r = Jars.javaJar(cwd, jar, "--fn", "train", "--device", "cpu");
        assertEquals(0, r.status(), r::toString);
        assertTrue(r.out().startsWith("cost = "), r::toString);
    }

    @Test
    void helpNamesTheFunctionsAndEveryRunFlag() throws IOException, InterruptedException {
        Cli r = Jars.javaJar(emptyDir("help"), jar, "--help");
        assertEquals(0, r.status(), r::toString);
        assertTrue(r.out().startsWith("usage: java -jar logistic.jar FN [--arg NAME=VALUE]... [flags]\n"), r::toString);
        assertTrue(r.out().contains("  predict(x: f64[N, 5]) -> (predict: bool[N])\n"), r::toString);
        for (RunOptions.Flag f : RunOptions.FLAGS) assertTrue(r.out().contains(f.usage() + " "), f.usage());
        for (String s : List.of("--list", "--device", "--fn", "-h, --help", "--verbose")) assertTrue(r.out().contains(s), s);
    }

    @Test
    void targets() throws IOException, InterruptedException {
        // the Theano tutorial's model compiles for CUDA as well: its jar lists both targets
        Cli r = Cli.run("compile", source, "-o", tmp.resolve("cuda.jar").toString(), "--target", "cuda");
        assertEquals(0, r.status(), r::toString);
        Cli listed = Jars.javaJar(emptyDir("list-logistic"), tmp.resolve("cuda.jar"), "--list");
        assertTrue(listed.out().endsWith("target jvm (--device cpu)\ntarget cuda: PTX for sm_80 (default device)\n"), listed::toString);
        // scan runs on CUDA too (a host loop over device kernels): its jar carries the PTX
        Path scan = Files.writeString(tmp.resolve("s.tx"), "fn cumsum(xs: f64[N]) = scan x in xs carry acc = 0.0 { acc + x }\n");
        r = Cli.run("compile", scan.toString(), "-o", tmp.resolve("scan.jar").toString(), "--target", "all");
        assertEquals(0, r.status(), r::toString);
        Cli scanList = Jars.javaJar(emptyDir("list-scan"), tmp.resolve("scan.jar"), "--list");
        assertTrue(scanList.out().endsWith("target jvm (default device)\ntarget cuda: PTX for sm_80 (--device cuda)\n"), scanList::toString);
        Path d = Files.writeString(tmp.resolve("d.tx"), "fn dlogistic(x: f64[N]) = grad(sum(1 / (1 + exp(-x))), x)\n");
        for (String t : List.of("all", "cuda")) {
            Path out = tmp.resolve("d-" + t + ".jar");
            r = Cli.run("compile", d.toString(), "-o", out.toString(), "--target", t);
            assertEquals(0, r.status(), r::toString);
            Cli list = Jars.javaJar(emptyDir("list-" + t), out, "--list");
            boolean gpuFirst = t.equals("cuda");
            assertEquals("fn dlogistic(x: f64[N]) -> (dlogistic: f64[N])\n"
                    + "target jvm " + (gpuFirst ? "(--device cpu)" : "(default device)") + "\n"
                    + "target cuda: PTX for sm_80 " + (gpuFirst ? "(default device)" : "(--device cuda)") + "\n", list.out(), list::toString);
            try (var z = new java.util.zip.ZipFile(out.toFile())) {
                String ptx = new String(z.getInputStream(z.getEntry("txc/model/d/cuda/txc.generated.Fn_dlogistic.ptx")).readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                assertTrue(ptx.startsWith(".version 8.0\n.target sm_80\n"), ptx);
                assertTrue(ptx.contains(".visible .entry "), ptx);
                assertNotNull(z.getEntry("txc/model/d/cuda/txc.generated.Fn_dlogistic.plan"));
            }
            // the CPU path of the same jar gives d/dx sigmoid(x) = s(1 - s): 1/4 at 0
            Cli cpu = Jars.javaJar(emptyDir("cpu-" + t), out, "dlogistic", "--arg", "x=[0]", "--device", "cpu");
            assertEquals("dlogistic = [0.25]\n", cpu.out(), cpu::toString);
            if (!CudaCliTest.driverPresent()) {
                Cli gpu = Jars.javaJar(emptyDir("gpu-" + t), out, gpuFirst ? new String[] {"dlogistic", "--arg", "x=[0]"} : new String[] {"dlogistic", "--arg", "x=[0]", "--device", "cuda"});
                assertEquals(1, gpu.status(), gpu::toString);
                assertTrue(gpu.err().startsWith("error: --device cuda needs the NVIDIA CUDA driver, but libcuda.so.1 cannot be loaded"), gpu::toString);
            }
        }
        r = Cli.run("compile", d.toString(), "-o", tmp.resolve("x.jar").toString(), "--target", "all", "--cuda-arch", "90");
        assertEquals(2, r.status(), r::toString);
        r = Cli.run("compile", source);
        assertEquals(2, r.status(), r::toString);
        assertEquals("txc compile: missing -o OUT.jar\nsee txc compile --help\n", r.err());
        try (Stream<Path> files = Files.list(tmp)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")), "no temporary files are left behind");
        }
    }
}
