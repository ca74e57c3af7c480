package dev.txc.driver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.txc.opt.Pipeline;
import dev.txc.runtime.NDArray;
import dev.txc.runtime.Npy;
import dev.txc.runtime.model.ModelState;
import dev.txc.runtime.model.Program;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The compile cache of {@code txc run}: a second run loads what the first compiled and computes the same; a change to
 * the file, an imported file or a {@code load(...)} file, or a damaged entry, makes it compile again; notes and located
 * run-time errors are the same on a hit; a hit still tiles large row data; entries round-trip and are evicted.
 */
class CompileCacheTest {
    @TempDir
    Path dir;

    private static final String SOURCE = """
            import "lib.tx"
            shared s: f64[3] = load("v.npy")
            shared w: f64[3] = randn(seed=1)
            fn f(a: f64[N], b: f64[N]) = helper(a) + b + sum(s * w)
            fn step(x: f64[N, 3]) {
                w := w - 0.1 * grad(sum(tanh(x @ w)), w)
                return sum(x @ w)
            }
            fn broken(x: f64) = nowhere + 1
            fn at(x: f64[N]) = helper(x)[5]
            """;

    private CompileCache cache() {
        return new CompileCache(dir.resolve("cache"), "test-build");
    }

    private Path sources() throws IOException {
        Files.writeString(dir.resolve("lib.tx"), "fn helper(a: f64[N]) = a * 2\n");
        Npy.write(dir.resolve("v.npy"), NDArray.ofDoubles(new double[] {1, 2, 3}, 3));
        return Files.writeString(dir.resolve("m.tx"), SOURCE);
    }

    /** What a run prints to stderr while preparing, and what it computes. */
    private record Run(String err, List<NDArray> out, CachedRun.Ready ready) {}

    private Run run(CompileCache cache, Path file, String fn, NDArray... args) {
        var err = new ByteArrayOutputStream();
        try (var e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            CachedRun.Ready r = CachedRun.prepare(cache, file, file.toString(), fn, Compiler.Options.defaults(), e, false);
            return new Run(err.toString(StandardCharsets.UTF_8), r.program().call(fn, List.of(args), r.state()), r);
        }
    }

    private static NDArray vec(double... v) {
        return NDArray.ofDoubles(v, v.length);
    }

    /** The function compiled without a cache, run on the reference interpreter: what every run must give. */
    private static List<NDArray> reference(Path file, String fn, NDArray... args) {
        Compiler c = Compiler.open(file, Compiler.Options.defaults(), fn);
        Program p = new InterpreterEngine().load(c.upTo(Pipeline.Stage.OPT));
        return p.call(fn, List.of(args), InitialState.of(c.upTo(Pipeline.Stage.OPT)));
    }

    @Test
    void aSecondRunLoadsTheEntryAndComputesTheSame() throws IOException {
        Path file = sources();
        CompileCache cache = cache();
        String key = cache.key(file.toString(), file, "f", Compiler.Options.defaults());
        assertNull(cache.lookup(key));
        NDArray a = vec(1, 2), b = vec(10, 20);
        Run first = run(cache, file, "f", a, b);
        assertNotNull(cache.lookup(key), "the first run stores its entry");
        Run second = run(cache, file, "f", a, b);
        close(reference(file, "f", a, b), first.out());
        close(first.out(), second.out());
        // the note about the broken function is printed on a hit as on the miss that stored it
        assertTrue(first.err().contains("has 1 error in functions that 'f' does not use"), first.err());
        assertEquals(first.err(), second.err());
    }

    @Test
    void aChangedSourceImportOrLoadedFileCompilesAgain() throws IOException {
        Path file = sources();
        CompileCache cache = cache();
        NDArray a = vec(1, 2), b = vec(10, 20);
        run(cache, file, "f", a, b);
        Files.writeString(dir.resolve("lib.tx"), "fn helper(a: f64[N]) = a * 3\n");
        close(reference(file, "f", a, b), run(cache, file, "f", a, b).out());
        Npy.write(dir.resolve("v.npy"), NDArray.ofDoubles(new double[] {1, 2, 4}, 3));
        close(reference(file, "f", a, b), run(cache, file, "f", a, b).out());
        Files.writeString(file, SOURCE.replace("helper(a) + b", "helper(a) - b"));
        List<NDArray> got = run(cache, file, "f", a, b).out();
        close(reference(file, "f", a, b), got);
        // the last value by hand: helper is a * 3, s = (1, 2, 4), w = randn(seed=1)
        NDArray w = InitialState.of(Compiler.open(file, Compiler.Options.defaults(), "f").parsed()).get("w");
        double sw = w.getDoubleFlat(0) + 2 * w.getDoubleFlat(1) + 4 * w.getDoubleFlat(2);
        close(List.of(vec(3 - 10 + sw, 6 - 20 + sw)), got);
    }

    @Test
    void aDamagedEntryIsAMissAndIsReplaced() throws IOException {
        Path file = sources();
        CompileCache cache = cache();
        String key = cache.key(file.toString(), file, "f", Compiler.Options.defaults());
        run(cache, file, "f", vec(1), vec(2));
        Path entry = cache.dir().resolve(key + ".txcc");
        byte[] bytes = Files.readAllBytes(entry);
        Files.write(entry, Arrays.copyOf(bytes, bytes.length / 2));
        assertNull(cache.lookup(key));
        close(reference(file, "f", vec(1), vec(2)), run(cache, file, "f", vec(1), vec(2)).out());
        assertNotNull(cache.lookup(key));
    }

    @Test
    void runTimeErrorsAfterAHitAreLocatedAsAfterAMiss() throws IOException {
        Path file = sources();
        CompileCache cache = cache();
        String[] messages = new String[2];
        for (int k = 0; k < 2; k++) {
            var e = assertThrows(RuntimeException.class, () -> run(cache, file, "at", vec(1, 2)));
            RunErrors.Located at = RunErrors.Located.in(e);
            assertNotNull(at, "run " + k + ": " + e);
            messages[k] = at.render(e.getMessage());
        }
        assertTrue(messages[0].contains("m.tx:10:20: error: at: index 5 is out of bounds for axis 0 with size 2"), messages[0]);
        assertEquals(messages[0], messages[1]);
    }

    @Test
    void updatesOfSharedVariablesStartFromTheInitialValuesOnEveryRun() throws IOException {
        Path file = sources();
        CompileCache cache = cache();
        NDArray x = NDArray.ofDoubles(new double[] {1, 0, -1, 0.5, 2, 0}, 2, 3);
        Run first = run(cache, file, "step", x), second = run(cache, file, "step", x);
        close(reference(file, "step", x), first.out());
        close(first.out(), second.out());
        close(List.of(first.ready().state().get("w")), List.of(second.ready().state().get("w")));
    }

    @Test
    void aHitTilesLargeRowDataAsTheMissDid() throws IOException {
        // 110,000 rows of 10 f64 (8.8 MB) pass RowTiled's default threshold: the split is compiled from the source
        String src = """
                shared w: f64[10] = randn(seed=0)
                fn train(x: f64[N, 10], y: f64[N]) {
                    p = sigmoid(x @ w)
                    cost = mean(-y * log(p) - (1 - y) * log(1 - p))
                    w := w - 0.1 * grad(cost, w)
                    return cost
                }
                """;
        Path file = Files.writeString(dir.resolve("big.tx"), src);
        var rnd = new Random(3);
        int n = 110_000;
        double[] xs = new double[n * 10], ys = new double[n];
        for (int k = 0; k < xs.length; k++) xs[k] = rnd.nextGaussian();
        for (int k = 0; k < n; k++) ys[k] = rnd.nextBoolean() ? 1 : 0;
        NDArray x = NDArray.ofDoubles(xs, n, 10), y = NDArray.ofDoubles(ys, n);
        CompileCache cache = cache();
        List<NDArray> want = reference(file, "train", x, y);
        for (int k = 0; k < 2; k++) {
            Run r = run(cache, file, "train", x, y);
            close(want, r.out());
            assertArrayEquals(new int[] {0, 1}, cache.lookup(cache.key(file.toString(), file, "train", Compiler.Options.defaults())).rowArgs().get("train"));
        }
    }

    @Test
    void anEntryRoundTrips() throws IOException {
        Path file = sources();
        Compiler c = Compiler.open(file, Compiler.Options.defaults(), "step");
        CompileCache.Entry e = CachedRun.compile(c, "m.tx", "step", List.of("a note"));
        CompileCache.Entry back = CompileCache.read(CompileCache.write(e));
        assertEquals(e.spec(), back.spec());
        assertEquals(e.notes(), back.notes());
        assertEquals(e.deps(), back.deps());
        assertEquals(3, e.deps().size(), "m.tx, lib.tx and v.npy: " + e.deps());
        assertEquals(e.units().size(), back.units().size());
        for (int k = 0; k < e.units().size(); k++) {
            assertEquals(e.units().get(k).className(), back.units().get(k).className());
            assertArrayEquals(e.units().get(k).bytes(), back.units().get(k).bytes());
            assertEquals(e.units().get(k).pool().length, back.units().get(k).pool().length);
        }
        assertEquals(e.rowArgs().keySet(), back.rowArgs().keySet());
        close(e.initial(), back.initial());
    }

    @Test
    void theLeastRecentlyUsedEntriesBeyondTheLimitAreDeleted() throws IOException {
        Path file = sources();
        CompileCache.Entry e = CachedRun.compile(Compiler.open(file, Compiler.Options.defaults(), "f"), "m.tx", "f", List.of());
        CompileCache cache = cache();
        for (int k = 0; k < CompileCache.MAX_ENTRIES + 3; k++) {
            assertTrue(cache.store("k" + k, e));
            Files.setLastModifiedTime(cache.dir().resolve("k" + k + ".txcc"), java.nio.file.attribute.FileTime.fromMillis(1_000_000L * (k + 1)));
        }
        assertEquals(CompileCache.MAX_ENTRIES, Files.list(cache.dir()).count());
        assertNull(cache.lookup("k0"));
        assertNotNull(cache.lookup("k" + (CompileCache.MAX_ENTRIES + 2)));
    }

    @Test
    void theEnvironmentTurnsTheCacheOffOrMovesIt() {
        assertNull(CompileCache.fromEnvironment(Map.of("TXC_CACHE", "0")));
        assertNull(CompileCache.folder(Map.of("TXC_CACHE", "0", "TXC_CACHE_DIR", dir.toString())));
        assertNull(CompileCache.folder(Map.of("TXC_CACHE_DIR", "relative/folder")));
        assertEquals(dir, CompileCache.folder(Map.of("TXC_CACHE_DIR", dir.toString(), "XDG_CACHE_HOME", "/elsewhere")));
        assertEquals(dir.resolve("txc"), CompileCache.folder(Map.of("XDG_CACHE_HOME", dir.toString())));
        assertEquals(Path.of(System.getProperty("user.home"), ".cache", "txc"), CompileCache.folder(Map.of()));
        // the test class path holds module folders, not jars: no build to name, so no cache
        if (CompileCache.build() == null) assertNull(CompileCache.fromEnvironment(Map.of("TXC_CACHE_DIR", dir.toString())));
        else assertEquals(dir.resolve("compiled"), CompileCache.fromEnvironment(Map.of("TXC_CACHE_DIR", dir.toString())).dir());
    }

    private static void close(List<NDArray> want, List<NDArray> got) {
        assertEquals(want.size(), got.size());
        for (int k = 0; k < want.size(); k++) {
            NDArray a = want.get(k), b = got.get(k);
            assertInstanceOf(NDArray.class, b);
            assertEquals(Arrays.toString(a.shape()), Arrays.toString(b.shape()), "output " + k);
            for (int i = 0; i < a.size(); i++) {
                double x = a.getDoubleFlat(i), y = b.getDoubleFlat(i);
                assertTrue(x == y || Math.abs(x - y) <= 1e-12 * Math.max(1, Math.abs(x)), "output " + k + " element " + i + ": " + x + " vs " + y);
            }
        }
    }
}
