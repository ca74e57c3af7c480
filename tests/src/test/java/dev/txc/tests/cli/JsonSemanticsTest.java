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
}
