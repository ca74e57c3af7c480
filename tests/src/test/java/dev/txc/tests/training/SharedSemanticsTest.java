package dev.txc.tests.training;

import static org.junit.jupiter.api.Assertions.*;

import dev.txc.runtime.NDArray;
import dev.txc.runtime.Npy;
import dev.txc.types.DType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Shared variables and updates (LANGUAGE.md sections 3, 4 and 9) through the {@code txc run} command: what a call
 * returns, what state it leaves (read back from {@code --save-state}), and the errors.
 */
class SharedSemanticsTest {
    static final Path DIR = Repo.ROOT.resolve("tests/src/test/resources/training");

    @TempDir
    Path tmp;

    static String src(String name) {
        return DIR.resolve(name).toString();
    }

    static final String SEED = src("seed.tx");

    NDArray saved(Path dir, String name) {
        return Npy.read(dir.resolve(name + ".npy"));
    }

    static NDArray i64(long... v) {
        return NDArray.ofLongs(v, v.length);
    }

    // ---- fn f(x: i64) { w := w + x; return w } ----

    @Test
    void updateReturnsTheOldValueAndLeavesTheNew() {
        Path s = tmp.resolve("s");
        Txc r = Txc.ok("run", SEED, "--fn", "f", "--arg", "x=3", "--save-state", s.toString());
        assertEquals("w = 1\n", r.out());
        assertEquals("", r.err());
        assertEquals(NDArray.scalar(4L), saved(s, "w"));
        assertEquals(DType.I64, saved(s, "w").dtype());
        // the other shared variables are saved untouched
        assertEquals(NDArray.scalar(1.0), saved(s, "a"));
        assertEquals(NDArray.ofDoubles(new double[] {1, 2, 3, 4, 5, 6}, 2, 3), saved(s, "A"));

        // JSON, continuing from the saved state
        Txc j = Txc.ok("run", SEED, "--fn", "f", "--arg", "x=3", "--load-state", s.toString(), "--save-state", s.toString(), "--format", "json");
        assertEquals("{\"outputs\": [{\"name\": \"w\", \"dtype\": \"i64\", \"shape\": [], \"data\": 4}]}\n", j.out());
        assertEquals(NDArray.scalar(7L), saved(s, "w"));
    }

    @Test
    void repeatCarriesStateFromCallToCall() {
        Path s = tmp.resolve("s");
        Txc r = Txc.ok("run", SEED, "--fn", "f", "--arg", "x=3", "--repeat", "4", "--print-every", "1", "--save-state", s.toString());
        // calls see w = 1, 4, 7, 10; the last call's outputs come once, unprefixed
        assertEquals("[step 1] w = 1\n[step 2] w = 4\n[step 3] w = 7\nw = 10\n", r.out());
        assertEquals(NDArray.scalar(13L), saved(s, "w"));
    }

    @Test
    void updateOnlyFunctionReturnsNothing() {
        Path s = tmp.resolve("s");
        Txc r = Txc.ok("run", SEED, "--fn", "bump", "--arg", "x=3", "--save-state", s.toString());
        assertEquals("", r.out());
        assertEquals("", r.err());
        assertEquals(NDArray.scalar(4L), saved(s, "w"));
        Txc j = Txc.ok("run", SEED, "--fn", "bump", "--arg", "x=5", "--load-state", s.toString(), "--save-state", s.toString(), "--format", "json");
        assertEquals("{\"outputs\": []}", j.out().strip());
        assertEquals(NDArray.scalar(9L), saved(s, "w"));
    }

    // ---- all outputs and right-hand sides see the old values, then all updates apply at once ----

    @Test
    void swapInOneCall() {
        Path s = tmp.resolve("s");
        Txc r = Txc.ok("run", SEED, "--fn", "swap", "--save-state", s.toString());
        assertEquals("a = 1.0\nc = 2.0\n", r.out());
        assertEquals(NDArray.scalar(2.0), saved(s, "a"));
        assertEquals(NDArray.scalar(1.0), saved(s, "c"));
        // twice swaps back
        Txc.ok("run", SEED, "--fn", "swap", "--repeat", "2", "--save-state", s.toString());
        assertEquals(NDArray.scalar(1.0), saved(s, "a"));
        assertEquals(NDArray.scalar(2.0), saved(s, "c"));
    }

    @Test
    void valuesWrittenAfterAnUpdateStillSeeTheOldState() {
        Path s = tmp.resolve("s");
        Json.Obj o = Txc.ok("run", SEED, "--fn", "late", "--save-state", s.toString(), "--format", "json").json();
        assertEquals(3.0, o.output("after").get("data").num());     // old a + old c
        assertEquals(NDArray.scalar(3.0), saved(s, "a"));             // 1 + 2
        assertEquals(NDArray.scalar(10.0), saved(s, "c"));            // old a * 10
    }

    @Test
    void threeWayRotation() {
        Path s = tmp.resolve("s");
        Txc r = Txc.ok("run", SEED, "--fn", "rotate", "--save-state", s.toString());
        assertEquals("", r.out());
        assertEquals(i64(2, 20), saved(s, "p"));
        assertEquals(i64(3, 30), saved(s, "q"));
        assertEquals(i64(1, 10), saved(s, "r"));
        Txc.ok("run", SEED, "--fn", "rotate", "--repeat", "2", "--load-state", s.toString(), "--save-state", s.toString());
        // three rotations in all: back where it started
        assertEquals(i64(1, 10), saved(s, "p"));
        assertEquals(i64(2, 20), saved(s, "q"));
        assertEquals(i64(3, 30), saved(s, "r"));
    }

    // ---- functions of a shared matrix with no inputs ----

    @Test
    void noInputFunctionsOfASharedMatrix() {
        assertEquals("colsums = [5.0, 7.0, 9.0]\n", Txc.ok("run", SEED, "--fn", "colsums").out());
        Json.Obj g = Txc.ok("run", SEED, "--fn", "gram", "--format", "json").json();
        // A^T A for A = [[1, 2, 3], [4, 5, 6]], by hand
        assertEquals("[3, 3]", g.output("g").get("shape").arr().items().stream().map(v -> ((Json.Num) v).text()).toList().toString());
        assertArrayEquals(new double[] {17, 22, 27, 22, 29, 36, 27, 36, 45}, g.output("g").get("data").flat(), 0.0);
        assertEquals(21.0, g.output("total").get("data").num());
        // an argument to a function without parameters is an error naming it
        Txc bad = Txc.run("run", SEED, "--fn", "colsums", "--arg", "x=1");
        assertEquals(1, bad.status(), bad.toString());
        assertTrue(bad.err().contains("'colsums' has no parameter 'x'") && bad.err().contains("takes no parameters"), bad.err());
    }

    @Test
    void noInputFunctionSeesUpdatedAndLoadedState() {
        Path s = tmp.resolve("s");
        Txc.ok("run", SEED, "--fn", "scale_rows", "--arg", "s=[2, -1]", "--save-state", s.toString());
        assertEquals(NDArray.ofDoubles(new double[] {2, 4, 6, -4, -5, -6}, 2, 3), saved(s, "A"));
        assertEquals("colsums = [-2.0, -1.0, 0.0]\n", Txc.ok("run", SEED, "--fn", "colsums", "--load-state", s.toString()).out());
        // a state file written by someone else
        Npy.write(s.resolve("A.npy"), NDArray.ofDoubles(new double[] {0.5, 0, 0, 0, 0, 0.25}, 2, 3));
        assertEquals("colsums = [0.5, 0.0, 0.25]\n", Txc.ok("run", SEED, "--fn", "colsums", "--load-state", s.toString()).out());
    }

    // ---- linear_mix, with and without its default ----

    @Test
    void linearMixWithoutB() {
        Txc r = Txc.ok("run", SEED, "--fn", "linear_mix", "--arg", "P=[[1, 2], [3, 4]]", "--arg", "x=[1, 1]");
        assertEquals("out0 = [3.0, 7.0]\nout1 = 30.0\n", r.out());
    }

    @Test
    void linearMixWithB() {
        Json.Obj o = Txc.ok("run", SEED, "--fn", "linear_mix", "--arg", "P=[[1, 2], [3, 4]]", "--arg", "x=[1, 1]", "--arg", "b=[1, -1]", "--format", "json").json();
        assertArrayEquals(new double[] {4, 6}, o.output("out0").get("data").flat(), 0.0);
        assertEquals(30.0, o.output("out1").get("data").num());
        // the default's shape follows M: a b of the wrong length is an error naming M
        Txc bad = Txc.run("run", SEED, "--fn", "linear_mix", "--arg", "P=[[1, 2], [3, 4]]", "--arg", "x=[1, 1]", "--arg", "b=[1, 2, 3]");
        assertEquals(1, bad.status(), bad.toString());
        assertTrue(bad.err().contains("M"), bad.err());
    }

    // ---- LANGUAGE.md section 4 errors: exit 1, located ----

    static void assertLocatedError(String file, String location, String message, String sourceLine) {
        Txc r = Txc.run("run", src(file), "--fn", "f");
        assertEquals(1, r.status(), r.toString());
        assertEquals("", r.out());
        var lines = r.err().lines().toList();
        // the message, or its beginning when it ends with "..."
        String head = src(file) + ":" + location + ": error: " + message;
        if (message.endsWith("...")) assertTrue(lines.get(0).startsWith(head.substring(0, head.length() - 3)), r.err());
        else assertEquals(head, lines.get(0), r.err());
        assertEquals(sourceLine, lines.get(1), r.err());
        int col = Integer.parseInt(location.substring(location.indexOf(':') + 1));
        assertEquals(col - 1, lines.get(2).indexOf('^'), "caret under column " + col + ":\n" + r.err());
        // check reports the same
        Txc c = Txc.run("check", src(file));
        assertEquals(1, c.status(), c.toString());
        assertEquals(r.err(), c.err());
    }

    @Test
    void updateOfAParameter() {
        assertLocatedError("err_update_param.tx", "3:5", "only shared variables can be updated with ':=', but 'x' is ...", "    x := x + 1");
    }

    @Test
    void updateOfALocal() {
        assertLocatedError("err_update_local.tx", "4:5", "only shared variables can be updated with ':=', but 'y' is a local value", "    y := y + 1");
    }

    @Test
    void twoUpdatesOfOneVariable() {
        assertLocatedError("err_update_twice.tx", "4:5", "shared variable 'w' is updated twice in this function", "    w := w * 2");
        Txc r = Txc.run("check", src("err_update_twice.tx"));
        assertTrue(r.err().contains("err_update_twice.tx:3:5: note: first update here"), r.err());
    }

    @Test
    void updateOfTheWrongShape() {
        assertLocatedError("err_update_shape.tx", "3:10", "the update of 'w' must have type f64[3], got f64", "    w := sum(w)");
    }

    @Test
    void updateOfTheWrongDtype() {
        assertLocatedError("err_update_dtype.tx", "3:10", "the update of 'k' must have type i64, got f64 (use cast to change the dtype)", "    k := k + 0.5");
    }

    @Test
    void callingAFunctionWithUpdates() {
        Txc r = Txc.run("run", src("err_call_updating.tx"), "--fn", "twice");
        assertEquals(1, r.status(), r.toString());
        assertTrue(r.err().startsWith(src("err_call_updating.tx") + ":3:14: error: 'inc' updates shared variables, so it cannot be called from another function\n"), r.err());
    }

    // ---- state files ----

    Path savedSeedState() {
        Path s = tmp.resolve("s");
        Txc.ok("run", SEED, "--fn", "f", "--arg", "x=3", "--save-state", s.toString());
        return s;
    }

    static void assertStateError(Path s, String fn, String... mustContain) {
        Txc r = fn.equals("f")
                ? Txc.run("run", SEED, "--fn", fn, "--arg", "x=1", "--load-state", s.toString())
                : Txc.run("run", SEED, "--fn", fn, "--load-state", s.toString());
        assertEquals(1, r.status(), r.toString());
        assertEquals("", r.out());
        assertTrue(r.err().startsWith("error: "), r.err());
        for (String m : mustContain) assertTrue(r.err().contains(m), "'" + m + "' in: " + r.err());
        assertFalse(r.err().contains("internal error"), r.err());
    }

    @Test
    void stateFileOfTheWrongDtype() {
        Path s = savedSeedState();
        Npy.write(s.resolve("w.npy"), NDArray.scalar(4.0));
        assertStateError(s, "f", "shared variable w", "w.npy", "f64", "i64");
        // a narrower integer is not silently widened either
        Npy.write(s.resolve("w.npy"), NDArray.ofInts(new int[] {4}));
        assertStateError(s, "f", "shared variable w", "w.npy");
    }

    @Test
    void stateFileOfTheWrongShape() {
        Path s = savedSeedState();
        Npy.write(s.resolve("w.npy"), i64(4, 4));
        assertStateError(s, "f", "shared variable w", "w.npy", "(2,)", "i64");
        Path t = savedSeedState();
        Npy.write(t.resolve("A.npy"), NDArray.ofDoubles(new double[] {1, 2, 3, 4, 5, 6}, 3, 2));
        assertStateError(t, "colsums", "shared variable A", "A.npy", "(3, 2)", "f64[2, 3]");
    }

    @Test
    void stateFileMissingOrDamaged() throws IOException {
        Path s = savedSeedState();
        Files.delete(s.resolve("c.npy"));
        assertStateError(s, "f", "c.npy", "shared variable c");
        Path t = savedSeedState();
        byte[] whole = Files.readAllBytes(t.resolve("A.npy"));
        Files.write(t.resolve("A.npy"), java.util.Arrays.copyOf(whole, whole.length - 5));
        assertStateError(t, "colsums", "shared variable A");
        assertStateError(tmp.resolve("nowhere"), "f", "nowhere");
    }

    @Test
    void failedRunSavesNothing() {
        Path s = tmp.resolve("walk");
        Txc r = Txc.run("run", src("walk.tx"), "--fn", "walk", "--repeat", "5", "--save-state", s.toString());
        assertEquals(1, r.status(), r.toString());
        assertTrue(r.err().contains("(in call 4 of 5)"), r.err());
        assertFalse(Files.exists(s.resolve("k.npy")), "state was saved after a failed call");
        // three calls succeed and leave k = 3
        Txc.ok("run", src("walk.tx"), "--fn", "walk", "--repeat", "3", "--save-state", s.toString());
        assertEquals(NDArray.scalar(3L), saved(s, "k"));
        // a failing call after loading leaves the saved state as it was
        Txc again = Txc.run("run", src("walk.tx"), "--fn", "walk", "--load-state", s.toString(), "--save-state", s.toString());
        assertEquals(1, again.status(), again.toString());
        assertEquals(NDArray.scalar(3L), saved(s, "k"));
    }
}
