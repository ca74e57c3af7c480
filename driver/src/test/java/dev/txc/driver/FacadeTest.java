package dev.txc.driver;

import static org.junit.jupiter.api.Assertions.*;

import dev.txc.runtime.Kernels;
import dev.txc.runtime.NDArray;
import dev.txc.runtime.model.Model;
import java.io.IOException;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The jar as a library: the generated facade class, compiled against by plain Java programs, and its thread safety. */
class FacadeTest {
    @TempDir
    static Path tmp;
    static Path jar;

    @BeforeAll
    static void compileTheExample() {
        jar = Jars.compile(Jars.example(), tmp.resolve("logistic.jar"));
    }

    /** Compiles {@code CLASS.java} holding {@code source} against {@code classPath} into {@code out}; fails on errors. */
    static void javac(String className, String source, Path classPath, Path out) throws IOException {
        Path src = Files.createDirectories(out.resolveSibling(out.getFileName() + "-src")).resolve(className + ".java");
        Files.writeString(src, source);
        Files.createDirectories(out);
        var errors = new ByteArrayOutputStream();
        // -implicit:none, as the README says: the facade's source in the jar is newer than its class (entries dated 1980)
        int status = ToolProvider.getSystemJavaCompiler().run(null, errors, errors, "-implicit:none", "-d", out.toString(), "-cp", classPath.toString(),
                "-Xlint:all", "-Werror", "-encoding", "UTF-8", src.toString());
        assertEquals(0, status, () -> "javac " + className + " failed: " + errors.toString(StandardCharsets.UTF_8));
        try (var written = Files.walk(out)) {
            var stray = written.filter(f -> f.toString().endsWith(".class") && !f.getFileName().toString().startsWith(className)).toList();
            assertEquals(List.of(), stray, "javac wrote classes of the jar's own sources");
        }
    }

    /** The first {@code ```java} block of the README's "Standalone jars" section. */
    static String readmeSnippet() throws IOException {
        String readme = Files.readString(Jars.repoFile("README.md"));
        int section = readme.indexOf("\n## Standalone jars");
        assertTrue(section >= 0, "README.md has no '## Standalone jars' section");
        int start = readme.indexOf("```java\n", section);
        int next = readme.indexOf("\n## ", section + 1);
        assertTrue(start >= 0 && (next < 0 || start < next), "the Standalone jars section has no ```java block");
        start += "```java\n".length();
        return readme.substring(start, readme.indexOf("```", start));
    }

    @Test
    void readmeSnippetCompilesAndRunsAgainstTheJar() throws IOException, InterruptedException {
        String snippet = readmeSnippet();
        String cls = snippet.replaceAll("(?s).*public class (\\w+).*", "$1");
        Path classes = tmp.resolve("readme-classes");
        javac(cls, snippet, jar, classes);
        Path cwd = Files.createDirectories(tmp.resolve("readme-cwd"));
        Cli r = Jars.child(cwd, List.of("-cp", jar + java.io.File.pathSeparator + classes, cls));
        assertEquals(0, r.status(), r::toString);
        assertEquals("", r.err(), r::toString);

        // The same training through txc run.
        String source = Jars.example().toString();
        Path state = tmp.resolve("readme-txc-state");
        Cli train = Cli.run("run", source, "--fn", "train", "--repeat", "1000", "--save-state", state.toString());
        assertEquals(0, train.status(), train::toString);
        String accuracy = Cli.run("run", source, "--fn", "accuracy", "--load-state", state.toString()).out();
        String predict = Cli.run("run", source, "--fn", "predict", "--load-state", state.toString(), "--arg", "x=[[1, -1, 0, 0, 1], [-1, 1, 0, 0, -1]]").out();
        assertEquals(accuracy + predict + "w = " + dev.txc.runtime.Npy.read(state.resolve("w.npy")) + "\n", r.out());
        for (String v : List.of("w", "b"))
            assertArrayEquals(Files.readAllBytes(state.resolve(v + ".npy")), Files.readAllBytes(cwd.resolve("trained").resolve(v + ".npy")), v);
    }

    private static final String FEATURES = """
            shared n: i64 = 0
            shared w: f64[2] = 1.0
            fn linear_mix(A: f64[M, K], x: f64[K], b: f64[M] = zeros()) = (dot(A, x) + b, sum(A ** 2))
            fn step(x: f64) {
                n := n + 1
                w := w * x
                return n, sum(w)
            }
            fn call(new: f64, hashCode: f64) = (new * 2.0, hashCode)
            fn weights() = w
            """;

    private static final String PROGRAM = """
            import dev.txc.runtime.NDArray;
            import java.nio.file.Path;
            import txc.model.FeaturesModel;

            public class UseFeatures {
                public static void main(String[] args) {
                    var m = new FeaturesModel();
                    var a = NDArray.ofDoubles(new double[] {1, 2, 3, 4}, 2, 2);
                    var x = NDArray.ofDoubles(new double[] {1, 1});
                    FeaturesModel.LinearMixResult r = m.linear_mix(a, x);
                    System.out.println("mix " + r.out0() + " " + r.out1());
                    System.out.println("mix b " + m.linear_mix(a, x, NDArray.ofDoubles(new double[] {1, -1})).out0());
                    System.out.println("mix null " + m.linear_mix(a, x, null).out0());
                    FeaturesModel.StepResult s = m.step(NDArray.scalar(3.0));
                    s = m.step(NDArray.scalar(3.0));
                    System.out.println("step " + s.n() + " " + s.out1() + " " + m.getShared("n") + " " + m.getShared("w"));
                    FeaturesModel.CallResult c = m.call_(NDArray.scalar(2.0), NDArray.scalar(5.0));
                    System.out.println("call " + c.out0() + " " + c.hashCode_());
                    System.out.println("names " + m.sharedNames() + " " + m.spec().function("step").signature());
                    m.setShared("w", NDArray.ofDoubles(new double[] {7, 8}));
                    System.out.println("weights " + m.weights().w());
                    m.saveState(Path.of("saved"));
                    var other = new FeaturesModel();
                    System.out.println("fresh " + other.weights().w() + " " + other.getShared("n"));
                    other.loadState(Path.of("saved"));
                    System.out.println("loaded " + other.weights().w() + " " + other.getShared("n"));
                    try {
                        m.linear_mix(a, NDArray.ofDoubles(new double[] {1, 1, 1}));
                    } catch (dev.txc.runtime.TxRuntimeException e) {
                        System.out.println("error " + e.getMessage());
                    }
                    try {
                        m.setShared("w", NDArray.ofDoubles(new double[] {1}));
                    } catch (dev.txc.runtime.TxRuntimeException e) {
                        System.out.println("error " + e.getMessage());
                    }
                }
            }
            """;

    @Test
    void facadeMethodsRecordsDefaultsAndState() throws IOException, InterruptedException {
        Path src = Files.writeString(tmp.resolve("features.tx"), FEATURES);
        Path featuresJar = Jars.compile(src, tmp.resolve("features.jar"));
        Path classes = tmp.resolve("features-classes");
        javac("UseFeatures", PROGRAM, featuresJar, classes);
        Path cwd = Files.createDirectories(tmp.resolve("features-cwd"));
        Cli r = Jars.child(cwd, List.of("-cp", featuresJar + java.io.File.pathSeparator + classes, "UseFeatures"));
        assertEquals(0, r.status(), r::toString);
        assertEquals("""
                mix [3.0, 7.0] 30.0
                mix b [4.0, 6.0]
                mix null [3.0, 7.0]
                step 1 6.0 2 [9.0, 9.0]
                call 4.0 5.0
                names [n, w] step(x: f64) -> (n: i64, out1: f64)  updates n, w
                weights [7.0, 8.0]
                fresh [1.0, 1.0] 0
                loaded [7.0, 8.0] 2
                error linear_mix: dim K is 2 from parameter A (axis 1 of shape (2, 2)) but 3 from parameter x (axis 0 of shape (3,))
                error shared variable w is f64[2]; it cannot hold a f64 array of shape (1,)
                """, r.out());
        String facade;
        try (var j = new java.util.jar.JarFile(featuresJar.toFile())) {
            facade = new String(j.getInputStream(j.getEntry("txc/model/FeaturesModel.java")).readAllBytes(), StandardCharsets.UTF_8);
        }
        assertTrue(facade.contains("public CallResult call_(NDArray new_, NDArray hashCode)"), facade);
        assertTrue(facade.contains("public record CallResult(NDArray out0, NDArray hashCode_) {}"), facade);
        assertTrue(facade.contains("public LinearMixResult linear_mix(NDArray A, NDArray x) {"), facade);
    }

    /** The facade class loaded from the jar in this JVM (the runtime classes come from this test's class path). */
    private static Model newModel(URLClassLoader loader) throws ReflectiveOperationException {
        return (Model) loader.loadClass("txc.model.LogisticModel").getConstructor().newInstance();
    }

    private static NDArray only(Object record) throws ReflectiveOperationException {
        RecordComponent[] cs = record.getClass().getRecordComponents();
        assertEquals(1, cs.length);
        return (NDArray) cs[0].getAccessor().invoke(record);
    }

    @Test
    void pureFunctionsRunConcurrentlyAndUpdatesAreSerialized() throws Exception {
        try (var loader = new URLClassLoader(new java.net.URL[] {jar.toUri().toURL()}, FacadeTest.class.getClassLoader());
             ExecutorService pool = Executors.newFixedThreadPool(8)) {
            Model model = newModel(loader);
            Method prob = model.getClass().getMethod("prob", NDArray.class);
            Method train = model.getClass().getMethod("train");
            int threads = 8, calls = 200;
            var inputs = new ArrayList<NDArray>();
            var expected = new ArrayList<NDArray>();
            for (int t = 0; t < threads; t++) {
                // Large enough that the elementwise kernels split across the common pool as well.
                NDArray x = Kernels.randn(100 + t, dev.txc.types.DType.F64, 20_000 + 1000 * t, 5);
                inputs.add(x);
                expected.add(only(prob.invoke(model, x)));
            }
            var tasks = new ArrayList<Callable<Integer>>();
            for (int t = 0; t < threads; t++) {
                int k = t;
                tasks.add(() -> {
                    for (int i = 0; i < calls / 10; i++) assertEquals(expected.get(k), only(prob.invoke(model, inputs.get(k))), "thread " + k + " call " + i);
                    return k;
                });
            }
            for (Future<Integer> f : pool.invokeAll(tasks)) f.get();

            // Pure calls alongside training: training steps are serialized, so the final state is that of plain training.
            Model sequential = newModel(loader);
            for (int i = 0; i < calls; i++) train.invoke(sequential);
            var mixed = new ArrayList<Callable<Integer>>();
            for (int t = 0; t < threads; t++) {
                int k = t;
                mixed.add(() -> {
                    for (int i = 0; i < calls / threads; i++) {
                        train.invoke(model);
                        NDArray p = only(prob.invoke(model, inputs.get(k)));
                        for (double v : p.toDoubleArray()) assertTrue(v >= 0 && v <= 1, "probability " + v);
                    }
                    return k;
                });
            }
            for (Future<Integer> f : pool.invokeAll(mixed)) f.get();
            for (String v : List.of("w", "b")) assertEquals(sequential.getShared(v), model.getShared(v), v);
            assertEquals(newModel(loader).getShared("w"), newModel(loader).getShared("w"), "every instance starts from the stored state");
            assertNotEquals(model.getShared("w"), newModel(loader).getShared("w"), "instances do not share state");
        }
    }
}
