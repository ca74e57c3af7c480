package dev.txc.driver;

import static org.junit.jupiter.api.Assertions.*;

import dev.txc.runtime.NDArray;
import dev.txc.runtime.Npy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {
    private static final String SOURCE = """
            fn logistic(x: f64[?, ?]) = 1 / (1 + exp(-x))
            fn gy(x: f64) = grad(x ** 2, x)
            fn dlogistic(x: f64[?, ?]) = grad(sum(1 / (1 + exp(-x))), x)
            fn linear_mix(A: f64[M, K], x: f64[K], b: f64[M] = zeros()) = (dot(A, x) + b, sum(A ** 2))
            fn scale(x: f32[?], k: i64) = x * cast(k, f32)
            fn count(n: i32[?]) = sum(n)
            fn at(x: f64[?], i: i64) = x[i]
            fn lg(x: f64[?]) = log(x)
            fn flags(x: f64[?]) = x > 0.0
            """;

    @TempDir
    Path dir;
    String file;

    @BeforeEach
    void writeSource() throws IOException {
        file = write("t.tx", SOURCE);
    }

    private String write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p.toString();
    }

    private String npy(String name, NDArray a) {
        Path p = dir.resolve(name);
        Npy.write(p, a);
        return p.toString();
    }

    private static Cli ok(String... args) {
        Cli r = Cli.run(args);
        assertEquals(0, r.status(), r::toString);
        assertEquals("", r.err(), r::toString);
        return r;
    }

    private static Cli fails(int status, String... args) {
        Cli r = Cli.run(args);
        assertEquals(status, r.status(), r::toString);
        assertFalse(r.err().contains("\tat dev.txc"), () -> "stack trace for a non-internal error:\n" + r);
        return r;
    }

    // ---- --arg forms and output ----

    @Test
    void literalArgumentsAndTextOutput() {
        assertEquals("logistic = [[0.5, 0.73105858], [0.26894142, 0.11920292]]\n",
                ok("run", file, "--fn", "logistic", "--arg", "x=[[0, 1], [-1, -2]]").out());
        assertEquals("gy = 8.0\n", ok("run", file, "--fn", "gy", "--arg", "x=4").out());
        assertEquals("dlogistic = [[0.25, 0.19661193], [0.19661193, 0.10499359]]\n",
                ok("run", file, "--fn", "dlogistic", "--arg", "x=[[0, 1], [-1, -2]]").out());
    }

    @Test
    void equalsFormsOfFlags() {
        assertEquals("gy = 8.0\n", ok("run", file, "--fn=gy", "--arg=x=4").out());
        assertEquals("gy = 8.0\n", ok("run", "--fn=gy", "--arg", "x=4", file).out());
    }

    @Test
    void defaultsMayBeOmittedOrGiven() {
        assertEquals("out0 = [3.0, 7.0]\nout1 = 30.0\n", ok("run", file, "--fn", "linear_mix", "--arg", "A=[[1, 2], [3, 4]]", "--arg", "x=[1, 1]").out());
        assertEquals("out0 = [4.0, 6.0]\nout1 = 30.0\n",
                ok("run", file, "--fn", "linear_mix", "--arg", "A=[[1, 2], [3, 4]]", "--arg", "x=[1, 1]", "--arg", "b=[1, -1]").out());
    }

    @Test
    void jsonOutput() {
        Cli r = ok("run", file, "--fn", "linear_mix", "--arg", "A=[[1, 2], [3, 4]]", "--arg", "x=[1, 1]", "--format", "json");
        assertEquals("{\"outputs\": [{\"name\": \"out0\", \"dtype\": \"f64\", \"shape\": [2], \"data\": [3.0, 7.0]}, "
                + "{\"name\": \"out1\", \"dtype\": \"f64\", \"shape\": [], \"data\": 30.0}]}\n", r.out());
        r = ok("run", file, "--fn", "lg", "--arg", "x=[0, 1, -1, 0.1]", "--format=json");
        assertEquals("{\"outputs\": [{\"name\": \"lg\", \"dtype\": \"f64\", \"shape\": [4], \"data\": [\"-Infinity\", 0.0, \"NaN\", "
                + Double.toString(Math.log(0.1)) + "]}]}\n", r.out());
        r = ok("run", file, "--fn", "flags", "--arg", "x=[1, -1]", "--format", "json");
        assertTrue(r.out().contains("\"dtype\": \"bool\", \"shape\": [2], \"data\": [true, false]"), r::toString);
    }

    @Test
    void literalsConvertToTheParameterDtype() {
        assertEquals("scale = [1.5, 3.0]\n", ok("run", file, "--fn", "scale", "--arg", "x=[0.5, 1]", "--arg", "k=3").out());
        Cli r = fails(1, "run", file, "--fn", "scale", "--arg", "x=[0.5, 1]", "--arg", "k=1.5");
        assertTrue(r.err().startsWith("error: --arg k: "), r::toString);
        assertTrue(r.err().contains("1.5"), r::toString);
    }

    @Test
    void npyArgumentsUpcastSafelyAndDowncastOnlyWhenAllowed() {
        String f64 = npy("x64.npy", NDArray.ofDoubles(new double[] {0.5, 1.0}));
        String f32 = npy("x32.npy", NDArray.ofFloats(new float[] {0.0f, 1.0f}, 1, 2));
        String i32 = npy("n.npy", NDArray.ofInts(new int[] {1, 2, 3}));
        assertEquals("logistic = [[0.5, 0.73105858]]\n", ok("run", file, "--fn", "logistic", "--arg", "x=@" + f32).out());
        Cli r = fails(1, "run", file, "--fn", "scale", "--arg", "x=@" + f64, "--arg", "k=2");
        assertTrue(r.err().contains("--arg x: ") && r.err().contains("f64") && r.err().contains("--allow-downcast"), r::toString);
        assertEquals("scale = [1.0, 2.0]\n", ok("run", file, "--fn", "scale", "--arg", "x=@" + f64, "--arg", "k=2", "--allow-downcast").out());
        // i32 -> f32 is not safe (f32 has 24 mantissa bits) but i32 -> i32 and i32 -> f64 are.
        assertEquals("count = 6\n", ok("run", file, "--fn", "count", "--arg", "n=@" + i32).out());
        assertEquals("lg = [0.0, 0.69314718, 1.09861229]\n", ok("run", file, "--fn", "lg", "--arg", "x=@" + i32).out());
    }

    @Test
    void generatedArguments() {
        assertEquals("logistic = [[0.5, 0.5, 0.5], [0.5, 0.5, 0.5]]\n", ok("run", file, "--fn", "logistic", "--arg", "x=zeros:2x3").out());
        assertEquals("out0 = [2.0, 2.0]\nout1 = 4.0\n", ok("run", file, "--fn", "linear_mix", "--arg", "A=ones:2x2", "--arg", "x=ones:2").out());
        Cli a = ok("run", file, "--fn", "logistic", "--arg", "x=randn:3x4", "--format", "json");
        Cli b = ok("run", file, "--fn", "logistic", "--arg", "x=randn:3x4", "--format", "json");
        assertEquals(a.out(), b.out(), "randn arguments are seeded deterministically");
        assertTrue(a.out().contains("\"shape\": [3, 4]"), a::toString);
        Cli r = fails(1, "run", file, "--fn", "count", "--arg", "n=randn:3");
        assertTrue(r.err().contains("--arg n: randn needs a float parameter"), r::toString);
        r = fails(1, "run", file, "--fn", "logistic", "--arg", "x=zeros:2xq");
        assertTrue(r.err().contains("bad shape '2xq'"), r::toString);
    }

    // ---- argument errors ----

    @Test
    void missingAndUnknownArguments() {
        Cli r = fails(1, "run", file, "--fn", "linear_mix", "--arg", "A=[[1, 2], [3, 4]]");
        assertTrue(r.err().startsWith("error: missing argument for parameter 'x' of 'linear_mix'"), r::toString);
        assertTrue(r.err().contains("(parameters: A: f64[M, K], x: f64[K], b: f64[M] = default)"), r::toString);
        r = fails(1, "run", file, "--fn", "gy", "--arg", "x=1", "--arg", "z=2");
        assertTrue(r.err().startsWith("error: 'gy' has no parameter 'z' (parameters: x: f64)"), r::toString);
        r = fails(1, "run", file, "--fn", "gy", "--arg", "x=1", "--arg", "x=2");
        assertTrue(r.err().contains("--arg x is given more than once"), r::toString);
        r = fails(2, "run", file, "--fn", "gy", "--arg", "x");
        assertTrue(r.err().startsWith("txc run: --arg expects NAME=VALUE, got 'x'\nsee txc run --help\n"), r::toString);
    }

    @Test
    void unknownFunctionListsTheFunctions() {
        Cli r = fails(1, "run", file, "--fn", "nope");
        assertEquals("error: no function 'nope' in " + file + " (functions: logistic, gy, dlogistic, linear_mix, scale, count, at, lg, flags)\n", r.err());
    }

    @Test
    void dimVariableBoundToTwoSizes() {
        Cli r = fails(1, "run", file, "--fn", "linear_mix", "--arg", "A=[[1, 2], [3, 4]]", "--arg", "x=[1, 1, 1]");
        assertEquals("error: linear_mix: dim K is 2 from parameter A (axis 1 of shape (2, 2)) but 3 from parameter x (axis 0 of shape (3,))\n", r.err());
    }

    @Test
    void rankMismatchNamesParameterAndShape() {
        Cli r = fails(1, "run", file, "--fn", "logistic", "--arg", "x=[1, 2]");
        assertEquals("error: logistic: parameter x expects f64[?, ?] (rank 2), got shape (2,) (rank 1)\n", r.err());
    }

    @Test
    void outOfRangeIndexIsARunTimeError() {
        Cli r = fails(1, "run", file, "--fn", "at", "--arg", "x=[1, 2]", "--arg", "i=5");
        assertEquals(file + ":7:28: error: at: index 5 is out of bounds for axis 0 with size 2\nfn at(x: f64[?], i: i64) = x[i]\n                           ^~~~\n", r.err());
        assertEquals("at = 2.0\n", ok("run", file, "--fn", "at", "--arg", "x=[1, 2]", "--arg", "i=-1").out());
    }

    @Test
    void malformedNpyFile() throws IOException {
        Path bad = dir.resolve("bad.npy");
        Files.write(bad, new byte[] {1, 2, 3, 4, 5});
        Cli r = fails(1, "run", file, "--fn", "logistic", "--arg", "x=@" + bad);
        assertTrue(r.err().startsWith("error: --arg x: "), r::toString);
        assertTrue(r.err().contains(bad.toString()), r::toString);
        r = fails(1, "run", file, "--fn", "logistic", "--arg", "x=@" + dir.resolve("absent.npy"));
        assertTrue(r.err().contains("absent.npy"), r::toString);
    }

    // ---- source errors ----

    @Test
    void syntaxErrorIsRenderedWithCaret() throws IOException {
        String bad = write("bad.tx", "fn f(x: f64) = x +* 2\n");
        Cli r = fails(1, "check", bad);
        String[] lines = r.err().split("\n");
        assertTrue(lines[0].matches(java.util.regex.Pattern.quote(bad) + ":1:\\d+: error: .+"), r::toString);
        assertEquals("fn f(x: f64) = x +* 2", lines[1], r::toString);
        assertTrue(lines[2].matches(" *\\^~*"), r::toString);
        int col = Integer.parseInt(lines[0].substring(bad.length() + 3).split(":")[0]);
        assertEquals(col - 1, lines[2].indexOf('^'), r::toString);
        assertEquals("", r.out());
    }

    @Test
    void everySourceErrorIsReported() throws IOException {
        String bad = write("bad2.tx", "fn f(x: f64) = x + y\nfn g(x: f64) = exp(x, x, x) + z\n");
        Cli r = fails(1, "check", bad);
        assertTrue(r.err().contains(bad + ":1:"), r::toString);
        assertTrue(r.err().contains(bad + ":2:"), r::toString);
        // Running one function reports the errors that block it, not those of the others (DECISIONS.md).
        Cli f = fails(1, "run", bad, "--fn", "f", "--arg", "x=1");
        assertTrue(f.err().contains(bad + ":1:") && !f.err().contains(bad + ":2:"), f::toString);
    }

    @Test
    void missingSourceFile() {
        Cli r = fails(1, "check", dir.resolve("absent.tx").toString());
        assertTrue(r.err().startsWith("error: cannot read "), r::toString);
    }

    @Test
    void checkPrintsNothing() {
        Cli r = ok("check", file);
        assertEquals("", r.out());
    }

    // ---- usage errors ----

    @Test
    void usageErrorsExitWith2() {
        Cli r = fails(2, "frobnicate", file);
        assertTrue(r.err().startsWith("txc: unknown command 'frobnicate'"), r::toString);
        assertTrue(r.err().endsWith("see txc --help\n"), r::toString);
        r = fails(2, "run", file, "--fn", "gy", "--frob");
        assertEquals("txc run: unknown flag '--frob'\nsee txc run --help\n", r.err());
        r = fails(2, "run", file, "--arg", "x=1");
        assertEquals("txc run: missing --fn NAME\nsee txc run --help\n", r.err());
        r = fails(2, "run", file, "--fn", "gy", "--format", "xml");
        assertEquals("txc run: --format must be text or json, got 'xml'\nsee txc run --help\n", r.err());
        r = fails(2, "run", file, "--fn", "gy", "--repeat", "zero");
        assertTrue(r.err().startsWith("txc run: --repeat expects an integer >= 1, got 'zero'"), r::toString);
        r = fails(2, "run", file, "--fn");
        assertTrue(r.err().startsWith("txc run: --fn needs a value"), r::toString);
        r = fails(2, "run", "--fn", "gy");
        assertTrue(r.err().startsWith("txc run: missing FILE.tx"), r::toString);
        r = fails(2, "run", file, file, "--fn", "gy");
        assertTrue(r.err().startsWith("txc run: unexpected argument"), r::toString);
        r = fails(2, "check", file, "--locs");
        assertTrue(r.err().startsWith("txc check: unknown flag '--locs'"), r::toString);
        r = fails(2, "ir", file, "--locs=yes");
        assertTrue(r.err().startsWith("txc ir: --locs takes no value"), r::toString);
        r = fails(2, "ir", file, "--print-ir-after=frob");
        assertTrue(r.err().startsWith("txc ir: --print-ir-after: unknown pass 'frob' (passes: "), r::toString);
        r = fails(2, "dot", file, "--fn", "gy", "-o", dir.resolve("g.txt").toString());
        assertTrue(r.err().startsWith("txc dot: -o expects FILE.dot or FILE.svg"), r::toString);
        fails(2);
    }

    @Test
    void cudaWithoutCudaIsAUserError() {
        Cli r = fails(1, "run", file, "--fn", "gy", "--arg", "x=1", "--device", "cuda");
        assertTrue(r.err().startsWith("error: --device cuda"), r::toString);
        assertEquals("gy = 2.0\n", ok("run", file, "--fn", "gy", "--arg", "x=1", "--device", "cpu").out());
    }

    @Test
    void benchTimesCalls() {
        String r = ok("bench", file, "--fn", "gy", "--arg", "x=3", "--calls", "5", "--warmup", "2").out();
        assertTrue(r.matches("gy: 5 calls after 2 warm-up: median [0-9.]+ (ns|us|ms), min [0-9.]+ (ns|us|ms), max [0-9.]+ (ns|us|ms)\\n"), r);
        fails(1, "bench", file, "--fn", "gy");
        String j = ok("bench", file, "--fn", "gy", "--arg", "x=3", "--calls", "5", "--warmup", "2", "--format", "json").out();
        var m = java.util.regex.Pattern.compile("\\{\"fn\": \"gy\", \"calls\": 5, \"median_ms\": ([0-9.]+), \"min_ms\": ([0-9.]+), \"max_ms\": ([0-9.]+)}\n").matcher(j);
        assertTrue(m.matches(), j);
        double med = Double.parseDouble(m.group(1)), min = Double.parseDouble(m.group(2)), max = Double.parseDouble(m.group(3));
        assertTrue(min > 0 && min <= med && med <= max, j);
        fails(2, "bench", file, "--fn", "gy", "--arg", "x=3", "--format", "xml");
        // without --warmup: 10 calls and at least 2 s of them (calls of gy take microseconds: more than 10)
        var w = java.util.regex.Pattern.compile("gy: 3 calls after ([0-9]+) warm-up: .*\n").matcher(ok("bench", file, "--fn", "gy", "--arg", "x=3", "--calls", "3").out());
        assertTrue(w.matches(), w::toString);
        assertTrue(Integer.parseInt(w.group(1)) > 10, w.group(1));
    }

    @Test
    void asmPrintsTheGeneratedClass() {
        String asm = ok("asm", file, "--fn", "gy").out();
        assertTrue(asm.contains("class txc/generated/Fn_gy implements dev/txc/runtime/CompiledFunction"), asm);
        assertTrue(asm.contains("public call([Ldev/txc/runtime/NDArray;[Ldev/txc/runtime/NDArray;[Ldev/txc/runtime/NDArray;)[Ldev/txc/runtime/NDArray;"), asm);
    }

    // ---- internal errors ----

    @Test
    void internalErrorsExitWith3AndShowTheStackTraceOnlyWhenVerbose() {
        Map<String, Supplier<Engine>> broken = Map.of("interp", () -> m -> (fn, args, state) -> {
            throw new IllegalStateException("kaboom");
        });
        Cli r = Cli.run(broken, "run", file, "--fn", "gy", "--arg", "x=1", "--engine", "interp");
        assertEquals(3, r.status(), r::toString);
        assertEquals("txc: internal error: IllegalStateException: kaboom\n(this is a bug in txc; re-run with --verbose for the stack trace)\n", r.err());
        r = Cli.run(broken, "run", file, "--fn", "gy", "--arg", "x=1", "--verbose", "--engine", "interp");
        assertEquals(3, r.status(), r::toString);
        assertTrue(r.err().startsWith("txc: internal error: IllegalStateException: kaboom\njava.lang.IllegalStateException: kaboom\n\tat "), r::toString);
        r = Cli.run(broken, "run", file, "--fn", "gy", "--arg", "x=1", "--engine", "jvm");
        assertEquals(2, r.status(), r::toString);
    }

    // ---- help ----

    @Test
    void helpMentionsEveryFlag() {
        String overview = ok("--help").out();
        for (CommandLine.Command c : CommandLine.COMMANDS) {
            assertTrue(overview.contains("  " + c.name() + " "), c.name());
            Cli r = ok(c.name(), "--help");
            assertTrue(r.out().startsWith("usage: txc " + c.name()), r::toString);
            assertEquals(r.out(), ok(c.name(), "-h").out());
            for (CommandLine.Flag f : c.flags()) {
                if (f.hidden()) continue;
                assertTrue(r.out().contains(f.spelling() + " ") || r.out().contains(f.spelling() + "\n"), c.name() + " --help lacks " + f.spelling());
                assertTrue(overview.contains(f.spelling()), "txc --help lacks " + f.spelling());
            }
            assertTrue(r.out().contains("--help") && r.out().contains("--verbose"), r::toString);
        }
        for (String flag : new String[] {"--arg", "--format", "--repeat", "--print-every", "--load-state", "--save-state", "--device", "--floatX",
                "--allow-downcast", "--opt-level", "--stage", "--print-ir-after", "--print-ir-after-all", "--locs", "-o", "--target", "--fn"})
            assertTrue(overview.contains(flag + " "), flag);
        assertEquals(ok("run", "--help").out(), ok("help", "run").out());
    }

    // ---- pp, ir, dot ----

    @Test
    void prettyPrint() {
        assertEquals("logistic = (1.0 / (1.0 + exp(-x)))\n", ok("pp", file, "--fn", "logistic").out());
        assertEquals("out0 = ((A @ x) + b)\nout1 = sum((A * A))\n", ok("pp", file, "--fn", "linear_mix", "--stage", "optimized").out());
        assertEquals("gy = (2.0 * x)\n", ok("pp", file, "--fn", "gy", "--stage", "optimized").out());
        String gy = ok("pp", file, "--fn", "gy", "--stage", "source").out();
        assertTrue(gy.startsWith("gy = ") && gy.contains("x") && !gy.contains("grad("), gy);
    }

    @Test
    void irDumps() {
        String all = ok("ir", file).out();
        assertTrue(all.contains("func @logistic(") && all.contains("func @gy("), all);
        String one = ok("ir", file, "--fn", "logistic", "--stage", "parsed").out();
        assertTrue(one.startsWith("func @logistic(%x: f64[?, ?]) -> (logistic) {"), one);
        assertFalse(one.contains("func @gy"), one);
        assertTrue(ok("ir", file, "--fn", "logistic", "--locs").out().contains("loc(\"" + file + "\":1:"));
        String parsed = ok("ir", file, "--fn", "gy", "--stage", "parsed").out();
        assertTrue(parsed.contains(" = grad "), parsed);
        String after = ok("ir", file, "--fn", "gy", "--print-ir-after=grad").out();
        assertTrue(after.startsWith("# ---- IR after grad (@gy) ----\nfunc @gy("), after);
        assertTrue(after.contains("# ---- IR at stage lowered ----\n"), after);
        assertTrue(ok("ir", file, "--fn", "gy", "--print-ir-after-all").out().contains("# ---- IR after grad (@gy) ----"));
    }

    @Test
    void dotGraph() throws IOException {
        String dot = ok("dot", file, "--fn", "logistic", "--stage", "ad").out();
        assertTrue(dot.startsWith("digraph \"logistic\" {"), dot);
        assertTrue(dot.contains("label=\"exp\\nf64[?, ?]\""), dot);
        Path out = dir.resolve("g.dot");
        assertEquals("", ok("dot", file, "--fn", "logistic", "--stage", "ad", "-o", out.toString()).out());
        assertEquals(dot, Files.readString(out));
        Path svg = dir.resolve("g.svg");
        Cli r = Cli.run("dot", file, "--fn", "logistic", "-o", svg.toString());
        if (Host.onPath("dot") == null) {
            assertEquals(1, r.status(), r::toString);
            assertTrue(r.err().contains("apt-get install graphviz"), r::toString);
        } else {
            assertEquals(0, r.status(), r::toString);
            assertTrue(Files.readString(svg).contains("<svg"));
        }
    }

    // ---- state ----

    @Test
    void repeatCarriesStateAndStateRoundTrips() throws IOException {
        String src = write("inc.tx", """
                shared w: f64 = 0.0
                shared v: f64[2] = 1.0
                fn inc(x: f64) {
                    w := w + x
                    v := v * 2.0
                    return w, sum(v)
                }
                """);
        Path state = dir.resolve("state");
        // Outputs use the values from before the call: after 3 calls w is 3 but the last call returns 2.
        Cli r = ok("run", src, "--fn", "inc", "--arg", "x=1", "--repeat", "3", "--save-state", state.toString());
        assertEquals("w = 2.0\nout1 = 8.0\n", r.out());
        assertEquals(NDArray.scalar(3.0), Npy.read(state.resolve("w.npy")));
        assertEquals(NDArray.ofDoubles(new double[] {8, 8}), Npy.read(state.resolve("v.npy")));
        try (var files = Files.list(state)) {
            assertEquals(2, files.count(), "no temporary files are left behind");
        }
        r = ok("run", src, "--fn", "inc", "--arg", "x=1", "--load-state", state.toString(), "--save-state", state.toString());
        assertEquals("w = 3.0\nout1 = 16.0\n", r.out());
        assertEquals(NDArray.scalar(4.0), Npy.read(state.resolve("w.npy")));
    }

    @Test
    void printEvery() throws IOException {
        String src = write("inc.tx", "shared w: f64 = 0.0\nfn inc(x: f64) {\n  w := w + x\n  return w\n}\n");
        Cli r = ok("run", src, "--fn", "inc", "--arg", "x=1", "--repeat", "5", "--print-every", "2");
        assertEquals("[step 2] w = 1.0\n[step 4] w = 3.0\nw = 4.0\n", r.out());
        r = ok("run", src, "--fn", "inc", "--arg", "x=1", "--repeat", "5", "--print-every", "2", "--format", "json");
        assertEquals("{\"outputs\": [{\"name\": \"w\", \"dtype\": \"f64\", \"shape\": [], \"data\": 4.0}], \"steps\": ["
                + "{\"step\": 2, \"outputs\": [{\"name\": \"w\", \"dtype\": \"f64\", \"shape\": [], \"data\": 1.0}]}, "
                + "{\"step\": 4, \"outputs\": [{\"name\": \"w\", \"dtype\": \"f64\", \"shape\": [], \"data\": 3.0}]}]}\n", r.out());
    }

    @Test
    void progressBarOnlyOnATerminalWithTextOutput() throws IOException {
        String src = write("inc.tx", "shared w: f64 = 0.0\nfn inc(x: f64) {\n  w := w + x\n  return w\n}\n");
        var out = new java.io.ByteArrayOutputStream();
        var err = new java.io.ByteArrayOutputStream();
        try (var o = new java.io.PrintStream(out, true); var e = new java.io.PrintStream(err, true)) {
            assertEquals(0, new Main(o, e, Main.defaultEngines(), true).execute(new String[] {"run", src, "--fn", "inc", "--arg", "x=1", "--repeat", "5"}));
        }
        assertEquals("w = 4.0\n", out.toString());
        assertTrue(err.toString().contains("5/5 100%") && err.toString().contains("calls/s"), err::toString);
        assertTrue(err.toString().endsWith("\r"), "the bar is erased at the end");
        out.reset();
        err.reset();
        try (var o = new java.io.PrintStream(out, true); var e = new java.io.PrintStream(err, true)) {
            assertEquals(0, new Main(o, e, Main.defaultEngines(), true).execute(new String[] {"run", src, "--fn", "inc", "--arg", "x=1", "--repeat", "5", "--format", "json"}));
        }
        assertEquals("", err.toString());
        assertEquals("", ok("run", src, "--fn", "inc", "--arg", "x=1", "--repeat", "5").err(), "no bar when stderr is not a terminal");
    }

    @Test
    void runTimeErrorsInALoopSayWhichCall() throws IOException {
        String src = write("grow.tx", "shared n: i64 = 0\nfn step(x: f64[?]) {\n  n := n + 1\n  return x[n]\n}\n");
        Cli r = fails(1, "run", src, "--fn", "step", "--arg", "x=[1, 2, 3]", "--repeat", "5");
        assertEquals(src + ":4:10: error: step: index 3 is out of bounds for axis 0 with size 3 (in call 4 of 5)\n  return x[n]\n         ^~~~\n", r.err());
    }

    @Test
    void loadStateErrorsNameTheVariableAndFile() throws IOException {
        String src = write("inc.tx", "shared w: f64[2] = 0.0\nshared b: f64 = 1.0\nfn f(x: f64) = sum(w) + b + x\n");
        Path state = dir.resolve("st");
        Files.createDirectories(state);
        Npy.write(state.resolve("w.npy"), NDArray.ofDoubles(new double[] {1, 2}));
        Cli r = fails(1, "run", src, "--fn", "f", "--arg", "x=0", "--load-state", state.toString());
        assertTrue(r.err().contains("b.npy") && r.err().contains("shared variable b"), r::toString);
        Npy.write(state.resolve("b.npy"), NDArray.ofFloats(new float[] {1}, new int[0]));
        r = fails(1, "run", src, "--fn", "f", "--arg", "x=0", "--load-state", state.toString());
        assertTrue(r.err().contains("shared variable b") && r.err().contains("f32"), r::toString);
        Npy.write(state.resolve("b.npy"), NDArray.scalar(5.0));
        Npy.write(state.resolve("w.npy"), NDArray.ofDoubles(new double[] {1, 2, 3}));
        r = fails(1, "run", src, "--fn", "f", "--arg", "x=0", "--load-state", state.toString());
        assertTrue(r.err().contains("shared variable w") && r.err().contains("w.npy") && r.err().contains("(3,)"), r::toString);
        Npy.write(state.resolve("w.npy"), NDArray.ofDoubles(new double[] {1, 2}));
        assertEquals("f = 8.0\n", ok("run", src, "--fn", "f", "--arg", "x=0", "--load-state", state.toString()).out());
        Files.write(state.resolve("w.npy"), new byte[] {(byte) 0x93, 'N', 'U', 'M'});
        r = fails(1, "run", src, "--fn", "f", "--arg", "x=0", "--load-state", state.toString());
        assertTrue(r.err().contains("shared variable w") && r.err().contains("w.npy"), r::toString);
    }

    @Test
    void floatXSelectsTheFloatDtype() throws IOException {
        String src = write("fx.tx", "fn half(x: floatX) = x / 2\n");
        Cli r = ok("run", src, "--fn", "half", "--arg", "x=3", "--floatX", "f32", "--format", "json");
        assertTrue(r.out().contains("\"dtype\": \"f32\"") && r.out().contains("1.5"), r::toString);
        r = ok("run", src, "--fn", "half", "--arg", "x=3", "--format", "json");
        assertTrue(r.out().contains("\"dtype\": \"f64\""), r::toString);
    }
}
