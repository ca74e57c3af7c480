package dev.txc.tests.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Built-ins through the user's whole path: literal --arg values in, {@code txc run --format json} out, compared with
 * what NumPy gives (values worked out by hand in each line's comment), including dtypes and shapes.
 */
class JsonSemanticsTest {
    @TempDir
    Path dir;

    String json(String src, String... args) throws IOException {
        Path f = dir.resolve("j.tx");
        Files.writeString(f, src + "\n");
        var argv = new java.util.ArrayList<>(java.util.List.of("run", f.toString(), "--fn", "f", "--format", "json"));
        for (String a : args) {
            argv.add("--arg");
            argv.add(a);
        }
        return Cli.ok(argv.toArray(new String[0])).strip();
    }

    static String out(String dtype, String shape, String data) {
        return "{\"outputs\": [{\"name\": \"f\", \"dtype\": \"" + dtype + "\", \"shape\": " + shape + ", \"data\": " + data + "}]}";
    }

    @Test
    void elementwiseAndPromotion() throws IOException {
        // np.floor_divide([-7, 7], 2) = [-4, 3]; np.mod([-7, 7], -3) = [-1, -2] (sign of the divisor: -7 = 2 * -3 - 1)
        assertEquals(out("i64", "[2]", "[-4, 3]"), json("fn f(x: i64[2]) = x // 2", "x=[-7, 7]"));
        assertEquals(out("i64", "[2]", "[-1, -2]"), json("fn f(x: i64[2]) = x % -3", "x=[-7, 7]"));
        // np.mod([-7, 7], 3) = [2, 1]
        assertEquals(out("i64", "[2]", "[2, 1]"), json("fn f(x: i64[2]) = x % 3", "x=[-7, 7]"));
        // true division of ints gives float64: [1, 2] / 2 = [0.5, 1.0]
        assertEquals(out("f64", "[2]", "[0.5, 1.0]"), json("fn f(x: i32[2]) = x / 2", "x=[1, 2]"));
        // an f32 tensor times a float literal stays f32; 0.1f * 3 = 0.3 (f32: 0.3 rounds to 0.3f)
        assertEquals(out("f32", "[]", "0.3"), json("fn f(x: f32) = x * 3", "x=0.1"));
        // i8 + u8 promotes to i16: 100 + 200 = 300
        assertEquals(out("i16", "[]", "300"), json("fn f(a: i8, b: u8) = a + b", "a=100", "b=200"));
        // u8 wraps: 250 + 10 = 260 mod 256 = 4
        assertEquals(out("u8", "[]", "4"), json("fn f(a: u8) = a + 10", "a=250"));
        // np.exp(0) = 1.0, np.sqrt(2) = 1.4142135623730951, np.round(2.5) = 2.0 (half to even)
        assertEquals(out("f64", "[3]", "[1.0, 1.4142135623730951, 2.0]"), json("fn f(x: f64[3]) = stack([exp(x[0]), sqrt(x[1]), round(x[2])])", "x=[0, 2, 2.5]"));
        // comparisons give bool
        assertEquals(out("bool", "[3]", "[false, true, false]"), json("fn f(x: f64[3]) = x > 1", "x=[1, 2, -1]"));
        // non-finite values are JSON strings
        assertEquals(out("f64", "[3]", "[\"Infinity\", \"-Infinity\", \"NaN\"]"), json("fn f(x: f64[3]) = log(x)", "x=[inf, 0, -1]"));
    }

    @Test
    void reductionsAndLinearAlgebra() throws IOException {
        // np.sum([[1, 2], [3, 4]], axis=0) = [4, 6]; keepdims gives shape (1, 2)
        assertEquals(out("f64", "[1, 2]", "[[4.0, 6.0]]"), json("fn f(x: f64[2, 2]) = sum(x, axis=0, keepdims=true)", "x=[[1, 2], [3, 4]]"));
        // np.argmax([[1, 5, 5], [7, 0, 7]], axis=1) = [1, 0] (first occurrence), dtype int64
        assertEquals(out("i64", "[2]", "[1, 0]"), json("fn f(x: f64[2, 3]) = argmax(x, axis=1)", "x=[[1, 5, 5], [7, 0, 7]]"));
        // np.var([1, 2, 3, 4]) = 1.25 (ddof 0); sum of bools counts as int64
        assertEquals(out("f64", "[]", "1.25"), json("fn f(x: f64[4]) = var(x)", "x=[1, 2, 3, 4]"));
        assertEquals(out("i64", "[]", "2"), json("fn f(x: bool[3]) = sum(x)", "x=[true, false, true]"));
        // [[1, 2], [3, 4]] @ [5, 6] = [17, 39]; batched matmul keeps the batch axis
        assertEquals(out("f64", "[2]", "[17.0, 39.0]"), json("fn f(a: f64[2, 2], v: f64[2]) = a @ v", "a=[[1, 2], [3, 4]]", "v=[5, 6]"));
        // batched: (2, 1, 2) @ (2, 1) -> (2, 1, 1): [[[1 + 1]], [[3 + 3]]]
        assertEquals(out("f64", "[2, 1, 1]", "[[[2.0]], [[6.0]]]"), json("fn f(a: f64[2, 1, 2], b: f64[2, 1]) = a @ b", "a=[[[1, 1]], [[3, 3]]]", "b=[[1], [1]]"));
        // softmax([1000, 1000]) = [0.5, 0.5] (finite), logsumexp([1000, 1000]) = 1000 + log 2
        assertEquals(out("f64", "[2]", "[0.5, 0.5]"), json("fn f(x: f64[2]) = softmax(x)", "x=[1000, 1000]"));
        assertEquals(out("f64", "[]", Double.toString(1000 + Math.log(2))), json("fn f(x: f64[2]) = logsumexp(x)", "x=[1000, 1000]"));
    }

    @Test
    void shapesAndIndexing() throws IOException {
        // np.arange(6).reshape(2, 3)[:, ::-1][1] = [5, 4, 3]
        assertEquals(out("i64", "[3]", "[5, 4, 3]"), json("fn f(n: i64) = reshape(arange(n), [2, 3])[:, ::-1][1]", "n=6"));
        // x.T of a (2, 3) is (3, 2); stack along a new last axis
        assertEquals(out("f64", "[3, 2]", "[[1.0, 4.0], [2.0, 5.0], [3.0, 6.0]]"), json("fn f(x: f64[2, 3]) = x.T", "x=[[1, 2, 3], [4, 5, 6]]"));
        assertEquals(out("f64", "[2, 2]", "[[1.0, 3.0], [2.0, 4.0]]"), json("fn f(a: f64[2], b: f64[2]) = stack([a, b], axis=-1)", "a=[1, 2]", "b=[3, 4]"));
        // np.eye(2), np.diag([1, 2]) and np.trace
        assertEquals(out("f64", "[2, 2]", "[[1.0, 0.0], [0.0, 1.0]]"), json("fn f(n: i64) = eye(2)", "n=0"));
        assertEquals(out("f64", "[]", "5.0"), json("fn f(x: f64[2, 2]) = trace(x)", "x=[[1, 2], [3, 4]]"));
    }

    /** Runs {@code txc run FILE --fn NAME --format json FLAGS} on the interpreter, the JVM at -O0 and at -O2: the output, which must be the same. */
    String jsonEveryEngine(String src, String fn, String... flags) throws IOException {
        Path f = dir.resolve("e.tx");
        Files.writeString(f, src + "\n");
        String first = null;
        for (String[] engine : new String[][] {{"--engine", "interp", "--opt-level", "0"}, {"--opt-level", "0"}, {"--opt-level", "2"}}) {
            var argv = new java.util.ArrayList<>(java.util.List.of("run", f.toString(), "--fn", fn, "--format", "json"));
            argv.addAll(java.util.List.of(flags));
            argv.addAll(java.util.List.of(engine));
            String got = Cli.ok(argv.toArray(new String[0])).strip();
            if (first == null) first = got;
            else assertEquals(first, got, "txc " + String.join(" ", argv) + " differs from the interpreter");
        }
        return first;
    }

    static String named(String name, String dtype, String shape, String data) {
        return "{\"name\": \"" + name + "\", \"dtype\": \"" + dtype + "\", \"shape\": " + shape + ", \"data\": " + data + "}";
    }

    @Test
    void sharedInitializersTakeTheDeclaredTypeAndNumpyArange() throws IOException {
        String src = """
            shared D: f64[3] = arange(3)
            shared E: f64[4] = arange(1, 9, 2)
            shared G: f64[2, 3] = arange(3)
            shared H: i32[4] = arange(8, 0, -2)
            shared R: f64[2, 2] = reshape(arange(4), [2, 2])
            shared A: f64[3] = arange(0.0, 0.3, 0.1)
            shared Z: f64[3] = zeros()
            shared O: f64[2, 2] = ones()
            shared F: f64[3] = full(7.0)
            shared S: f64 = 0.1
            shared T: f64[2] = [0.1, 0.7]
            shared I: i8[2] = full(-128)
            fn st() = (D, E, G, H, R, A, Z, O, F, S, T, I)
            """;
        String expected = "{\"outputs\": [" + String.join(", ",
                named("D", "f64", "[3]", "[0.0, 1.0, 2.0]"), // np.arange(3)
                named("E", "f64", "[4]", "[1.0, 3.0, 5.0, 7.0]"), // np.arange(1, 9, 2)
                named("G", "f64", "[2, 3]", "[[0.0, 1.0, 2.0], [0.0, 1.0, 2.0]]"), // np.broadcast_to(np.arange(3), (2, 3))
                named("H", "i32", "[4]", "[8, 6, 4, 2]"), // np.arange(8, 0, -2)
                named("R", "f64", "[2, 2]", "[[0.0, 1.0], [2.0, 3.0]]"), // np.arange(4).reshape(2, 2)
                named("A", "f64", "[3]", "[0.0, 0.1, 0.2]"), // np.arange(0.0, 0.3, 0.1): ceil(0.3 / 0.1) = 3 elements, i * 0.1
                named("Z", "f64", "[3]", "[0.0, 0.0, 0.0]"),
                named("O", "f64", "[2, 2]", "[[1.0, 1.0], [1.0, 1.0]]"),
                named("F", "f64", "[3]", "[7.0, 7.0, 7.0]"),
                named("S", "f64", "[]", "0.1"), // an f64 initializer keeps the double 0.1 under any floatX
                named("T", "f64", "[2]", "[0.1, 0.7]"),
                named("I", "i8", "[2]", "[-128, -128]")) + "]}";
        assertEquals(expected, jsonEveryEngine(src, "st"));
        assertEquals(expected, jsonEveryEngine(src, "st", "--floatX", "f32"));
    }

    @Test
    void literalsNextToF64StayExactUnderFloatXF32() throws IOException {
        // np.float64(0.5) + 0.1 = 0.6; an f32-rounded literal would give 0.6000000014901161
        assertEquals("{\"outputs\": [" + named("g", "f64", "[]", "0.6") + "]}",
                jsonEveryEngine("fn g(x: f64) = x + 0.1", "g", "--floatX", "f32", "--arg", "x=0.5"));
        // defaults of f64 parameters keep the double 0.1; zeros()/ones()/full() take the parameter's type
        assertEquals("{\"outputs\": [" + String.join(", ", named("out0", "f64", "[]", "0.6"), named("z", "f64", "[2]", "[0.1, 0.1]"),
                        named("w", "f64", "[3]", "[0.1, 0.1, 0.1]"), named("i", "i8", "[]", "-128"), named("u", "u8", "[]", "255")) + "]}",
                jsonEveryEngine("fn m(x: f64, y: f64 = 0.1, z: f64[2] = ones() * 0.1, w: f64[3] = full(0.1), i: i8 = -128, u: u8 = 255) = (x + y, z, w, i, u)",
                        "m", "--floatX", "f32", "--arg", "x=0.5"));
        // a literal standing alone is floatX: 0.1f printed shortest is 0.1, with dtype f32
        assertEquals("{\"outputs\": [" + named("h", "f32", "[]", "0.1") + "]}",
                jsonEveryEngine("fn h(x: f64) = 0.1", "h", "--floatX", "f32", "--arg", "x=0"));
    }

    @Test
    void boolArraysFollowNumpy2() throws IOException {
        // np.array([True, True, False]) + np.array([True, False, False]) = [True, True, False] (logical or), dtype bool
        assertEquals("{\"outputs\": [" + named("f", "bool", "[3]", "[true, true, false]") + "]}",
                jsonEveryEngine("fn f(a: bool[3], b: bool[3]) = a + b", "f", "--arg", "a=[true, true, false]", "--arg", "b=[true, false, false]"));
    }

    @Test
    void negativeIntegerPowerOfALiteralIsTheSameErrorEverywhere() throws IOException {
        Path f = dir.resolve("p.tx");
        Files.writeString(f, "fn q(x: f64[?]) = x + 2 ** -1\nfn ok(x: f64) = x\n");
        String want = f + ":1:25: error: integers to negative integer powers are not allowed; use a float base, as in 2.0 ** -1";
        for (String[] cmd : new String[][] {{"check", f.toString()}, {"run", f.toString(), "--fn", "q", "--arg", "x=[1]", "--opt-level", "0"},
                {"run", f.toString(), "--fn", "q", "--arg", "x=[1]", "--opt-level", "2"}, {"run", f.toString(), "--fn", "q", "--arg", "x=[1]", "--engine", "interp"}}) {
            Cli r = Cli.run(cmd);
            assertEquals(1, r.status(), () -> "txc " + String.join(" ", cmd) + "\n" + r.err());
            assertEquals(want, r.err().lines().findFirst().orElse(""), "txc " + String.join(" ", cmd));
        }
    }
}
