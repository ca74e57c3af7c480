package dev.txc.tests.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a new user ran into, through the real command at -O0 and -O2: each case's values against PyTorch's (by hand
 * here), and run-time errors located at the source.
 */
class NewUserReportsTest {
    @TempDir
    Path dir;

    private Path file(String src) throws IOException {
        Path f = dir.resolve("t.tx");
        Files.writeString(f, src);
        return f;
    }

    private void same(Path f, String expected, String... args) {
        for (String o : new String[] {"-O0", "-O2"}) {
            var a = new java.util.ArrayList<String>(java.util.List.of("run", o, f.toString()));
            a.addAll(java.util.List.of(args));
            assertEquals(expected, Cli.ok(a.toArray(String[]::new)).strip(), o + " " + String.join(" ", args));
        }
    }

    private void locatedError(Path f, String where, String message, String... args) {
        for (String o : new String[] {"-O0", "-O2"}) {
            var a = new java.util.ArrayList<String>(java.util.List.of("run", o, f.toString()));
            a.addAll(java.util.List.of(args));
            Cli r = Cli.run(a.toArray(String[]::new));
            assertEquals(1, r.status(), r.err());
            assertTrue(r.err().startsWith(f + ":" + where) && r.err().contains(": error: ") && r.err().contains(message), o + ": " + r.err());
        }
    }

    /** txc check of src fails (exit 1) with an error starting at {@code located} (":line:col: error: ..."). */
    private void checkFails(String src, String located) throws IOException {
        Path f = file(src);
        Cli r = Cli.run("check", f.toString());
        assertEquals(1, r.status(), r.err());
        assertTrue(r.err().startsWith(f + located), r.err());
    }

    /** The gradient of a scan whose body takes a step-dependent gradient was an internal error (GradPass order). */
    @Test
    void gradientThroughAScanOfGradients() throws IOException {
        Path f = file("""
                fn a2(x: f64[?]) {
                    J = scan i in 0..3 { grad(sum(x * x * cast(i, f64)), x) }
                    return grad(sum(J), x)
                }
                fn a4(x: f64[?], W: f64[?, ?]) {
                    J = scan w in W { grad(sum(x * x * w), x) }
                    return grad(sum(J), W)
                }
                """);
        // sum_i 2 i x = 6 x summed over x's elements: d/dx = 6; d/dW[i, j] = 2 x_j
        same(f, "a2 = [6.0, 6.0]", "--fn", "a2", "--arg", "x=[1, 2]");
        same(f, "a4 = [[2.0, 4.0], [2.0, 4.0], [2.0, 4.0]]", "--fn", "a4", "--arg", "x=[1, 2]", "--arg", "W=[[1, 2], [3, 4], [5, 6]]");
    }

    /** d x^0/dx was NaN at 0 at -O0 and a compile error at -O2; PyTorch's is 0, and d x^y/dy at x = 0, y >= 0 too. */
    @Test
    void powerAtZero() throws IOException {
        Path f = file("""
                fn d(x: f64) = grad(x ** 0 * 3.0 + 1.0, x)
                fn v(x: f64[?]) = grad(sum(x ** 0), x)
                fn p(x: f64[?], y: f64[?]) = grad(sum(x ** y), [x, y])
                """);
        same(f, "d = 0.0", "--fn", "d", "--arg", "x=0");
        same(f, "v = [0.0, 0.0]", "--fn", "v", "--arg", "x=[0, 1]");
        // y x^(y-1) and x^y log x: [0, 1, 0, 0, 12] and [0, 0, 0, log 2, nan] as torch.autograd gives
        same(f, "out0 = [0.0, 1.0, 0.0, 0.0, 12.0]\nout1 = [0.0, 0.0, 0.0, 0.69314718, nan]", "--fn", "p",
                "--arg", "x=[0, 0, 0, 2, -2]", "--arg", "y=[0, 1, 2, 0, 3]");
    }

    /** An index out of range seen only by a gradient (its unindex) had no location. */
    @Test
    void indexErrorsInGradientsAreLocated() throws IOException {
        Path f = file("fn h(x: f64[?], i: i64) = grad(sum(x) + x[i], x)\n");
        locatedError(f, "1:41:", "index 5 is out of bounds for axis 0 with size 2", "--fn", "h", "--arg", "x=[1, 2]", "--arg", "i=5");
        same(f, "h = [1.0, 2.0]", "--fn", "h", "--arg", "x=[1, 2]", "--arg", "i=1");
    }

    /** rop's tangent and lop's cotangent must have their variable's shape; with ? dims they broadcast silently. */
    @Test
    void tangentShapesAreChecked() throws IOException {
        Path f = file("""
                fn r(x: f64[?], v: f64[?]) = rop(x * 2.0, x, v)
                fn l(x: f64[?, ?], u: f64[?, ?]) = lop(x * 2.0, x, u)
                """);
        // the first failing op of the tangent's computation reports it: the check at rop (1:30) or the product (1:34)
        locatedError(f, "1:", "broadcast", "--fn", "r", "--arg", "x=[1, 2]", "--arg", "v=[1, 2, 3]");
        locatedError(f, "1:30:", "reshape", "--fn", "r", "--arg", "x=[1, 2]", "--arg", "v=[5]");
        locatedError(f, "2:", "broadcast", "--fn", "l", "--arg", "x=[[1, 2]]", "--arg", "u=[[1], [2]]");
        same(f, "r = [10.0, 12.0]", "--fn", "r", "--arg", "x=[1, 2]", "--arg", "v=[5, 6]");
        same(f, "l = [[2.0, 4.0]]", "--fn", "l", "--arg", "x=[[1, 2]]", "--arg", "u=[[1, 2]]");
    }
    /** -9223372036854775808, i64's least value, was a lexer error (its digits alone do not fit in 64 bits). */
    @Test
    void leastInt64Literal() throws IOException {
        Path f = file("fn f(x: i64) = (-9223372036854775808, x == -9223372036854775808, -9223372036854775807 - 1)\n");
        same(f, "out0 = -9223372036854775808\nout1 = True\nout2 = -9223372036854775808", "--fn", "f", "--arg", "x=-9223372036854775808");
        Cli r = Cli.run("check", file("fn g() = 9223372036854775808\n").toString());
        assertEquals(1, r.status());
        assertTrue(r.err().contains("integer too large for 64 bits"), r.err());
    }

    /** x[0, 5] indexes axis 1 first: its bounds error had no location (x[5, 0] had one). */
    @Test
    void multiAxisIndexErrorsAreLocated() throws IOException {
        Path f = file("fn f(x: f64[?, ?]) = x[0, 5]\n");
        locatedError(f, "1:22", "index 5 is out of bounds for axis 1 with size 2", "--fn", "f", "--arg", "x=[[1, 2], [3, 4]]");
    }

    /** txc check passed a missing load(...) file that txc run then reported; it reads the header now, not the data. */
    @Test
    void checkReadsTheInitialValuesFiles() throws IOException {
        Path f = file("shared w: f64[2] = load(\"nope.npy\")\nfn f() = w * 2\n");
        Cli r = Cli.run("check", f.toString());
        assertEquals(1, r.status(), r.err());
        assertTrue(r.err().startsWith(f + ":1:20: error: shared variable w: cannot read") && r.err().contains("no such file"), r.err());
        dev.txc.runtime.Npy.write(dir.resolve("nope.npy"), dev.txc.runtime.NDArray.ofDoubles(new double[3], 3));
        r = Cli.run("check", f.toString());
        assertEquals(1, r.status(), r.err());
        assertTrue(r.err().contains("holds shape (3,), but w is declared f64[2]"), r.err());
        dev.txc.runtime.Npy.write(dir.resolve("nope.npy"), dev.txc.runtime.NDArray.ofDoubles(new double[2], 2));
        assertEquals(0, Cli.run("check", f.toString()).status());
    }

    /** txc compile -o FILE/x.jar, where FILE is a file, said "it already exists". */
    @Test
    void compileIntoAFileNamesTheFile() throws IOException {
        Path f = file("fn f(x: f64) = x * 2\n"), plain = dir.resolve("plain");
        Files.writeString(plain, "not a folder");
        Cli r = Cli.run("compile", f.toString(), "-o", plain.resolve("x.jar").toString());
        assertEquals(1, r.status(), r.err());
        assertTrue(r.err().contains("not a directory") && !r.err().contains("already exists"), r.err());
    }

    /** jacobian's disconnected error said "y does not depend on y" (its own parameter's name, then the user's). */
    @Test
    void jacobianDisconnectedNamesItsArgument() throws IOException {
        checkFails("fn jb(x: f64[2], y: f64[2]) = jacobian(x ** 2, y)\n", ":1:31: error: jacobian: its first argument does not depend on y");
    }

    /** jacobian and hessian with respect to an expression reported themselves as rop and grad. */
    @Test
    void derivativesWithRespectToAnExpressionNameThemselves() throws IOException {
        Path f = file("fn jb(x: f64[3]) = jacobian(x, x[0])\nfn hs(x: f64[3]) = hessian(sum(x), x[1])\n");
        for (String fn : new String[] {"jb", "hs"}) {
            Cli r = Cli.run("run", f.toString(), "--fn", fn, "--arg", "x=[1, 2, 3]");
            assertEquals(1, r.status(), r.err());
            String what = fn.equals("jb") ? ":1:20: error: jacobian: " : ":2:20: error: hessian: ";
            assertTrue(r.err().startsWith(f + what + "its first argument does not depend on an expression of type f64: "
                    + "an expression such as x[0] is a new value; differentiate with respect to x and index the result"), r.err());
        }
    }

    /** lop(y, x, [1.0, 2.0, 3.0]) with one y read the literal as three cotangents, one per output. */
    @Test
    void aListLiteralPairedWithOneValueIsAnArray() throws IOException {
        Path f = file("""
                fn l(x: f64[3]) = lop(x * x, x, [1.0, 2.0, 3.0])
                fn r(x: f64[3]) = rop(x * x, x, [1.0, 0.0, -1.0])
                fn two(x: f64[3]) = lop([x * 2.0, sum(x)], x, [[1.0, 0.0, 1.0], 3.0])
                """);
        // lop: u * 2x; rop: 2x * v; two: 2u0 + 3 (the list pairs one value with each y)
        same(f, "l = [2.0, 8.0, 18.0]", "--fn", "l", "--arg", "x=[1, 2, 3]");
        same(f, "r = [2.0, 0.0, -6.0]", "--fn", "r", "--arg", "x=[1, 2, 3]");
        same(f, "two = [5.0, 3.0, 5.0]", "--fn", "two", "--arg", "x=[1, 2, 3]");
    }

    /** var([-1e308, 1e308, 0]) was NaN (the shift by x[0] overflowed); NumPy gives inf. */
    @Test
    void varianceOverflowsToInfinityAsNumPys() throws IOException {
        Path f = file("fn v(x: f64[?]) = (var(x), std(x), var(x * 0.0 + 7.0))\n");
        same(f, "out0 = inf\nout1 = inf\nout2 = 0.0", "--fn", "v", "--arg", "x=[-1e308, 1e308, 0]");
        // hand: mean 7/3, squared deviations 16/9, 1/9, 25/9 -> 14/9
        same(f, "out0 = 1.55555556\nout1 = 1.24721913\nout2 = 0.0", "--fn", "v", "--arg", "x=[1, 2, 4]");
    }

    /** rop(x * x, x, v) with v of another known size said "cannot broadcast f64[2] to shape [3]". */
    @Test
    void aTangentOfAnotherShapeIsNamed() throws IOException {
        checkFails("fn r(x: f64[3], v: f64[2]) = rop(x * x, x, v)\n", ":1:44: error: rop: v must have the shape of its x, f64[3], got f64[2]");
    }

    /**
     * Gradients whose forward value is not computed lost the forward's shape checks: grad(sum(a @ b), a) with a (2, 1)
     * and b (4, 3) summed a (2, 4) gradient down to (2, 1), and grad through stack([a, b]) gave a gradient of b's size.
     */
    @Test
    void gradientsKeepTheForwardsShapeChecks() throws IOException {
        Path f = file("""
                fn mm(a: f64[2, ?], b: f64[?, 3]) = grad(sum(a @ b), a)
                fn mb(a: f64[2, ?], b: f64[?, 3]) = grad(sum(a @ b), b)
                fn vv(a: f64[?], b: f64[?]) = grad(a @ b, a)
                fn st(a: f64[?], b: f64[3]) = grad(sum(stack([a, b])), a)
                fn bc(a: f64[?], b: f64[3]) = grad(sum(a * b), a)
                """);
        locatedError(f, "1:46", "cannot reshape array of size 8 into shape (2, 1)", "--fn", "mm", "--arg", "a=[[1], [2]]", "--arg", "b=ones:4x3");
        locatedError(f, "2:46", "cannot reshape", "--fn", "mb", "--arg", "a=[[1], [2]]", "--arg", "b=ones:4x3");
        locatedError(f, "3:36", "cannot reshape", "--fn", "vv", "--arg", "a=[2]", "--arg", "b=[1, 2, 3]");
        locatedError(f, "4:40", "could not be broadcast", "--fn", "st", "--arg", "a=[1, 2]", "--arg", "b=[1, 2, 3]");
        locatedError(f, "5:31", "operands could not be broadcast together with shapes (2,) (3,)", "--fn", "bc", "--arg", "a=[1, 2]", "--arg", "b=[1, 2, 3]");
        // where the shapes agree: d/da sum(a @ b) = row sums of b for each row of a; d/db = column sums of a
        same(f, "mm = [[3.0, 3.0], [3.0, 3.0]]", "--fn", "mm", "--arg", "a=[[1, 2], [2, 3]]", "--arg", "b=ones:2x3");
        same(f, "mb = [[3.0, 3.0, 3.0], [5.0, 5.0, 5.0]]", "--fn", "mb", "--arg", "a=[[1, 2], [2, 3]]", "--arg", "b=ones:2x3");
        same(f, "st = [1.0, 1.0, 1.0]", "--fn", "st", "--arg", "a=[1, 2, 3]", "--arg", "b=[1, 2, 3]");
    }

    /** scan-hoist moved U @ x out of a zero-step loop, where it failed at -O2 only; it now hoists only checked products. */
    @Test
    void aZeroStepScanGivesTheSameAtEveryLevel() throws IOException {
        Path f = file("fn f(U: f64[2, ?], xs: f64[T, ?], h0: f64[2]) = scan x in xs carry h = h0 { tanh(U @ x + h) }\n");
        same(f, "f = []", "--fn", "f", "--arg", "U=ones:2x3", "--arg", "xs=zeros:0x4", "--arg", "h0=[1, 2]");
    }

    /** max of signed zeros kept the first; IEEE's maximum (DECISIONS, "Signed zeros") and NumPy's max give +0.0. */
    @Test
    void maxOfSignedZerosIsPositive() throws IOException {
        Path f = file("fn m(x: f64[?]) = (max(x), min(x), argmax(x), max(cast(x, f32)))\n");
        same(f, "out0 = 0.0\nout1 = -0.0\nout2 = 0\nout3 = 0.0", "--fn", "m", "--arg", "x=[-0.0, 0.0, -0.0]");
        same(f, "out0 = 0.0\nout1 = -0.0\nout2 = 0\nout3 = 0.0", "--fn", "m", "--arg", "x=[0.0, -0.0]");
    }

    /**
     * broadcast_to(x, [k]) with k known only at run time was typed like x, so -O2 folded it away (and its check) and
     * grad read its shape as x's: [1, 2, 3] and [2, 2, 2] where NumPy and PyTorch fail.
     */
    @Test
    void aBroadcastToARunTimeShapeIsChecked() throws IOException {
        Path f = file("""
                fn b(x: f64[3], k: i64) = broadcast_to(x, [k])
                fn g(x: f64[3], k: i64) = grad(sum(broadcast_to(x, [k])), x)
                fn ok(x: f64[3], k: i64) = sum(broadcast_to(x, [k, 3]))
                """);
        locatedError(f, "1:27", "operands could not be broadcast together with shapes (3,) (5,)", "--fn", "b", "--arg", "x=[1, 2, 3]", "--arg", "k=5");
        locatedError(f, "2:36", "operands could not be broadcast together with shapes (3,) (5,)", "--fn", "g", "--arg", "x=[1, 2, 3]", "--arg", "k=5");
        same(f, "b = [1.0, 2.0, 3.0]", "--fn", "b", "--arg", "x=[1, 2, 3]", "--arg", "k=3");
        same(f, "g = [1.0, 1.0, 1.0]", "--fn", "g", "--arg", "x=[1, 2, 3]", "--arg", "k=3");
        same(f, "ok = 12.0", "--fn", "ok", "--arg", "x=[1, 2, 3]", "--arg", "k=2");
    }

    /** Which unknown --arg was reported changed from run to run (a Map.copyOf's order); it is the first given. */
    @Test
    void theFirstUnknownArgumentIsReported() throws IOException {
        Path f = file("fn a(x: f64) = x\n");
        for (int k = 0; k < 3; k++) {
            Cli r = Cli.run("run", f.toString(), "--fn", "a", "--arg", "x=1", "--arg", "y=2", "--arg", "i=3", "--arg", "q=4");
            assertEquals(1, r.status(), r.err());
            assertTrue(r.err().contains("'a' has no parameter 'y'"), r.err());
        }
    }
}
