package dev.txc.driver;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A standalone jar runs programs with scan, dynamic slices and gradients through scan (values worked out by hand). */
class ScanJarTest {
    @TempDir
    Path tmp;

    @Test
    void scanProgramsRunFromAJar() throws Exception {
        Path src = tmp.resolve("loops.tx");
        Files.writeString(src, """
                fn cum(xs: f64[N]) {
                    sums, squares = scan x in xs carry s = 0 { t = s + x; (t, t * t) }
                    return sums, squares
                }
                fn jac(x: f64[N]) { y = x ** 2; return scan i in 0..shape(y)[0] { grad(y[i], x) } }
                fn ga(xs: f64[N], a: f64) = grad(sum(scan x in xs carry s = 1.0 { s * a + x }), a)
                fn tail(xs: f64[N], i: i64) = scan(reverse=true) x in xs[i:] carry s = 0 { s + x }
                """);
        Path jar = Jars.compile(src, tmp.resolve("loops.jar"));
        Cli c = Jars.javaJar(tmp, jar, "cum", "--arg", "xs=[1, 2, 3, 4]");
        assertEquals(0, c.status(), c.err());
        assertEquals("sums = [1.0, 3.0, 6.0, 10.0]\nsquares = [1.0, 9.0, 36.0, 100.0]\n", c.out());
        assertEquals("jac = [[8.0, 0.0], [0.0, 8.0]]\n", Jars.javaJar(tmp, jar, "jac", "--arg", "x=[4, 4]").out());
        // sum(s) = a^3 + 2a^2 + 4a + 6 for xs = [1, 2, 3]: the derivative 3a^2 + 4a + 4 is 24 at a = 2.
        assertEquals("ga = 24.0\n", Jars.javaJar(tmp, jar, "ga", "--arg", "xs=[1, 2, 3]", "--arg", "a=2").out());
        assertEquals("tail = [9.0, 7.0, 4.0]\n", Jars.javaJar(tmp, jar, "tail", "--arg", "xs=[1, 2, 3, 4]", "--arg", "i=-3").out());
    }
}
