package dev.txc.driver;

import static dev.txc.driver.api.Tx.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.txc.driver.api.Expr;
import dev.txc.driver.api.Shared;
import dev.txc.driver.api.TxFunction;
import dev.txc.ir.Module;
import dev.txc.runtime.Kernels;
import dev.txc.runtime.NDArray;
import dev.txc.runtime.model.Model;
import dev.txc.runtime.model.ModelState;
import dev.txc.runtime.model.Program;
import dev.txc.types.DType;
import java.lang.reflect.Method;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 8 threads at once: a function without updates gives exactly the serial results; a function with updates applies
 * each update exactly once (a counter called 8 x 1000 times ends at 8000, and the old values it returns are 0..7999,
 * each once). In the embedding API, the standalone jar's facade, and the engines behind {@code txc}.
 */
class ConcurrencyTest {
    static final int THREADS = 8, CALLS = 1000;
    static final String SOURCE = """
            shared n: i64 = 0
            fn inc() {
                n := n + 1
                return n
            }
            fn pure(x: f64[?]) = sum(exp(-x * x)) + x * 2
            """;

    @TempDir
    Path tmp;

    /** Runs {@code call(t)} CALLS times in each of THREADS threads, all released at once; collects what they return. */
    static <T> List<T> hammer(int calls, IntFunction<T> call) throws Exception {
        var out = new ConcurrentLinkedQueue<T>();
        var start = new CountDownLatch(1);
        try (ExecutorService pool = Executors.newFixedThreadPool(THREADS)) {
            var tasks = new ArrayList<Callable<Void>>();
            for (int t = 0; t < THREADS; t++) {
                int k = t;
                tasks.add(() -> {
                    start.await();
                    for (int i = 0; i < calls; i++) out.add(call.apply(k));
                    return null;
                });
            }
            var futures = new ArrayList<Future<Void>>();
            for (var task : tasks) futures.add(pool.submit(task));
            start.countDown();
            for (Future<Void> f : futures) f.get();
        }
        return new ArrayList<>(out);
    }

    /** The old values a counter returned: 0 .. THREADS*CALLS-1, each exactly once. */
    static void assertEachOnce(List<Long> olds) {
        assertEquals(THREADS * CALLS, olds.size());
        boolean[] seen = new boolean[THREADS * CALLS];
        for (long v : olds) {
            assertTrue(v >= 0 && v < seen.length && !seen[(int) v], "value " + v + " returned twice or out of range: an update was lost");
            seen[(int) v] = true;
        }
    }

    static List<NDArray> inputs() {
        var in = new ArrayList<NDArray>();
        // large enough that the elementwise kernels split across the common pool as well
        for (int t = 0; t < THREADS; t++) in.add(Kernels.randn(40 + t, DType.F64, 20_000 + 1000 * t));
        return in;
    }

    /** The reference for {@code pure}, a plain loop: sum(exp(-x*x)) + 2x. */
    static double[] pureReference(NDArray x) {
        double[] v = x.toDoubleArray(), out = new double[v.length];
        double s = 0;
        for (double d : v) s += Math.exp(-d * d);
        for (int i = 0; i < v.length; i++) out[i] = s + 2 * v[i];
        return out;
    }

    static void assertClose(double[] want, double[] got) {
        assertEquals(want.length, got.length);
        for (int i = 0; i < want.length; i++) assertEquals(want[i], got[i], 1e-9 * Math.max(1, Math.abs(want[i])), "element " + i);
    }

    @Test
    void embeddingApi() throws Exception {
        Expr x = dvector("x");
        TxFunction pure = function(List.of(x), sum(exp(x.times(x).unaryMinus())).plus(x.times(2)));
        List<NDArray> in = inputs();
        var serial = new ArrayList<NDArray>();
        for (NDArray a : in) serial.add(pure.invoke(a).get(0));
        for (int t = 0; t < THREADS; t++) assertClose(pureReference(in.get(t)), serial.get(t).toDoubleArray());
        var results = hammer(CALLS / 20, t -> Map.entry(t, pure.invoke(in.get(t)).get(0)));
        for (var r : results) assertEquals(serial.get(r.getKey()), r.getValue(), "thread " + r.getKey());

        Shared n = shared(0, "n");
        TxFunction inc = function(List.of(), n, Map.of(n, n.plus(1)));
        assertEachOnce(hammer(CALLS, t -> inc.invoke().get(0).getLong()));
        assertEquals(THREADS * CALLS, n.get().getLong());
    }

    @Test
    void standaloneJarFacade() throws Exception {
        Path src = Files.writeString(tmp.resolve("counter.tx"), SOURCE);
        Path jar = Jars.compile(src, tmp.resolve("counter.jar"));
        try (var loader = new URLClassLoader(new java.net.URL[] {jar.toUri().toURL()}, ConcurrencyTest.class.getClassLoader())) {
            Model model = (Model) loader.loadClass("txc.model.CounterModel").getConstructor().newInstance();
            Method pure = model.getClass().getMethod("pure", NDArray.class), inc = model.getClass().getMethod("inc");
            List<NDArray> in = inputs();
            var serial = new ArrayList<NDArray>();
            for (NDArray a : in) serial.add(model.call("pure", a).get(0));
            for (int t = 0; t < THREADS; t++) assertClose(pureReference(in.get(t)), serial.get(t).toDoubleArray());
            var results = hammer(CALLS / 20, t -> {
                try {
                    Object rec = pure.invoke(model, in.get(t));
                    return Map.entry(t, (NDArray) rec.getClass().getRecordComponents()[0].getAccessor().invoke(rec));
                } catch (ReflectiveOperationException e) {
                    throw new AssertionError(e);
                }
            });
            for (var r : results) assertEquals(serial.get(r.getKey()), r.getValue(), "thread " + r.getKey());
            assertEachOnce(hammer(CALLS, t -> {
                try {
                    Object rec = inc.invoke(model);
                    return ((NDArray) rec.getClass().getRecordComponents()[0].getAccessor().invoke(rec)).getLong();
                } catch (ReflectiveOperationException e) {
                    throw new AssertionError(e);
                }
            }));
            assertEquals(THREADS * CALLS, model.getShared("n").getLong());
        }
    }

    @Test
    void enginesBehindTxc() throws Exception {
        Path src = Files.writeString(tmp.resolve("counter.tx"), SOURCE);
        for (Supplier<Engine> e : List.<Supplier<Engine>>of(JvmEngine::new, InterpreterEngine::new)) {
            Engine engine = e.get();
            Module m = Compiler.open(src, Compiler.Options.defaults()).upTo(engine.stage());
            Program program = engine.load(m);
            ModelState state = InitialState.of(m);
            assertEachOnce(hammer(CALLS, t -> program.call("inc", List.of(), state).get(0).getLong()));
            assertEquals(THREADS * CALLS, state.get("n").getLong(), engine.getClass().getSimpleName());
        }
    }
}
