package dev.txc.driver;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Run-time errors name the function, the source location of the failing op and the operand shapes in operand order,
 * identically for the interpreter, -O0 and -O2; errors in a shared variable's initial value point at its initializer.
 */
class RunErrorsTest {
    static final String[][] ENGINES = {{"--engine", "interp"}, {"-O0"}, {"-O2"}};

    @TempDir
    Path dir;

    private Cli fails(String... args) {
        Cli r = Cli.run(args);
        assertEquals(1, r.status(), r::toString);
        return r;
    }

    private static String[] with(String[] a, String... b) {
        String[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void shapeErrorsAreLocatedWithShapesInOperandOrder() throws IOException {
        String f = Files.writeString(dir.resolve("b.tx"), """
                fn f1(a: f64[?], y: f64[?]) = exp(a) + y
                fn f4(a: f64[?], y: f64[?]) {
                    z = y * 2 + 1
                    w = a + z
                    return w * 2
                }
                """).toString();
        for (String[] engine : ENGINES) {
            Cli r = fails(with(new String[] {"run", f, "--fn", "f1", "--arg", "a=[1, 2, 3]", "--arg", "y=[1, 2]"}, engine));
            assertEquals(f + ":1:31: error: f1: operands could not be broadcast together with shapes (3,) (2,)\n"
                    + "fn f1(a: f64[?], y: f64[?]) = exp(a) + y\n"
                    + "                              ^~~~~~~~~~\n", r.err(), Arrays.toString(engine));
            r = fails(with(new String[] {"run", f, "--fn", "f4", "--arg", "a=[1, 2, 3]", "--arg", "y=[1, 2]"}, engine));
            assertEquals(f + ":4:9: error: f4: operands could not be broadcast together with shapes (3,) (2,)\n"
                    + "    w = a + z\n"
                    + "        ^~~~~\n", r.err(), Arrays.toString(engine));
            // with --repeat, the call that failed
            r = fails(with(new String[] {"run", f, "--fn", "f1", "--arg", "a=[1, 2, 3]", "--arg", "y=[1, 2]", "--repeat", "3"}, engine));
            assertTrue(r.err().startsWith(f + ":1:31: error: f1: operands could not be broadcast together with shapes (3,) (2,) (in call 1 of 3)\n"), r::toString);
        }
        Cli r = fails("bench", f, "--fn", "f1", "--arg", "a=[1, 2, 3]", "--arg", "y=[1, 2]");
        assertTrue(r.err().startsWith(f + ":1:31: error: call 1 of 40 failed: f1: operands could not be broadcast together with shapes (3,) (2,)\n"), r::toString);
    }

    @Test
    void indexAndSizeErrorsAreLocatedToo() throws IOException {
        String f = Files.writeString(dir.resolve("i.tx"), """
                fn at(x: f64[?], i: i64) = x[i] * 2
                fn z(n: i64) = zeros([n, n])
                """).toString();
        for (String[] engine : ENGINES) {
            Cli r = fails(with(new String[] {"run", f, "--fn", "at", "--arg", "x=[1, 2]", "--arg", "i=5"}, engine));
            assertTrue(r.err().startsWith(f + ":1:28: error: at: index 5 is out of bounds for axis 0 with size 2\n"), r::toString);
            r = fails(with(new String[] {"run", f, "--fn", "z", "--arg", "n=4294967296"}, engine));
            assertTrue(r.err().startsWith(f + ":2:16: error: z: array of shape (4294967296, 4294967296) is too big (more than 2^31-1 elements)\n"), r::toString);
        }
    }

    @Test
    void initialValueErrorsPointAtTheInitializer() throws IOException {
        dev.txc.runtime.Npy.write(dir.resolve("w2.npy"), dev.txc.runtime.NDArray.ofDoubles(new double[] {1, 2}));
        String f = Files.writeString(dir.resolve("l.tx"), """
                shared w: f64[3] = load("w2.npy")
                fn f() = w
                """).toString();
        Cli r = fails("run", f, "--fn", "f");
        assertEquals(f + ":1:20: error: shared variable w: " + dir.resolve("w2.npy") + " holds shape (2,), but w is declared f64[3] (axis 0 must be 3, not 2)\n"
                + "shared w: f64[3] = load(\"w2.npy\")\n"
                + "                   ^~~~~~~~~~~~~~\n", r.err());
        f = Files.writeString(dir.resolve("m.tx"), "shared v: f64[?] = load(\"none.npy\")\nfn f() = v\n").toString();
        r = fails("run", f, "--fn", "f");
        assertTrue(r.err().startsWith(f + ":1:20: error: shared variable v: cannot read " + dir.resolve("none.npy") + ": no such file\n"), r::toString);
        r = fails("bench", f, "--fn", "f");
        assertTrue(r.err().startsWith(f + ":1:20: error: shared variable v: cannot read "), r::toString);
    }

    @Test
    void embeddingApiErrorsNameTheCallersLine() {
        var a = dev.txc.driver.api.Tx.dvector("a");
        var y = dev.txc.driver.api.Tx.dvector("y");
        int line = new Throwable().getStackTrace()[0].getLineNumber() + 1;
        var sum = dev.txc.driver.api.Tx.exp(a).plus(y);
        var f = dev.txc.driver.api.Tx.function(java.util.List.of(a, y), sum.times(2));
        var e = assertThrows(dev.txc.driver.api.TxException.class, () -> f.invoke(new double[] {1, 2, 3}, new double[] {1, 2}));
        assertEquals("RunErrorsTest.java:" + line + ": f: operands could not be broadcast together with shapes (3,) (2,)", e.getMessage());
    }
}
