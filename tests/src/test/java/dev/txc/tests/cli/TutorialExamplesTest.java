package dev.txc.tests.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The LANGUAGE.md section 10 examples (without shared) give their documented results through
 * {@code txc run}, on the JVM backend and on the interpreter; and the optimizer's pretty-printed forms.
 */
class TutorialExamplesTest {
    static final String FILE = "../examples/tutorial.tx";

    static String run(String engine, String fn, String... args) {
        var argv = new java.util.ArrayList<>(java.util.List.of("run", FILE, "--fn", fn, "--engine", engine));
        for (String a : args) {
            argv.add("--arg");
            argv.add(a);
        }
        return Cli.ok(argv.toArray(new String[0]));
    }

    @Test
    void documentedResults() {
        for (String engine : new String[] {"jvm", "interp"}) {
            assertEquals("gy = 8.0\n", run(engine, "gy", "x=4"));
            assertEquals("gy = 188.4\n", run(engine, "gy", "x=94.2"));
            assertEquals("dlogistic = [[0.25, 0.19661193], [0.19661193, 0.10499359]]\n", run(engine, "dlogistic", "x=[[0, 1], [-1, -2]]"));
            assertEquals("jac = [[8.0, 0.0], [0.0, 8.0]]\n", run(engine, "jac", "x=[4, 4]"));
            assertEquals("hess = [[2.0, 0.0], [0.0, 2.0]]\n", run(engine, "hess", "x=[4, 4]"));
            assertEquals("jv = [2.0, 2.0]\n", run(engine, "jv", "W=[[1, 1], [1, 1]]", "V=[[2, 2], [2, 2]]", "x=[0, 1]"));
            assertEquals("vj = [[0.0, 0.0], [2.0, 2.0]]\n", run(engine, "vj", "W=[[1, 1], [1, 1]]", "v=[2, 2]", "x=[0, 1]"));
            assertEquals("hv = [4.0, 4.0]\n", run(engine, "hv", "x=[4, 4]", "v=[2, 2]"));
            assertEquals("out0 = [3.0, 7.0]\nout1 = 30.0\n", run(engine, "linear_mix", "A=[[1, 2], [3, 4]]", "x=[1, 1]"));
            assertEquals("out0 = [4.0, 6.0]\nout1 = 30.0\n", run(engine, "linear_mix", "A=[[1, 2], [3, 4]]", "x=[1, 1]", "b=[1, -1]"));
        }
    }

    @Test
    void optimizedPrettyPrints(@TempDir Path dir) throws IOException {
        assertEquals("gy = (2.0 * x)\n", Cli.ok("pp", FILE, "--fn", "gy", "--stage", "optimized"));
        Path f = dir.resolve("k.tx");
        Files.writeString(f, "fn k(x: f64) = x * (2 + 3) * exp(0)\n");
        assertEquals("k = (5.0 * x)\n", Cli.ok("pp", f.toString(), "--fn", "k", "--stage", "optimized"));
        // The source stage is Theano's raw derivative: the seed times the power rule, unsimplified.
        assertEquals("gy = ((1.0 * 2.0) * (x ** (2.0 - 1.0)))\n", Cli.ok("pp", FILE, "--fn", "gy", "--stage", "source"));
    }

    /** Each function's fused-stage IR: how many fused kernels, and how many elementwise ops stay outside them. */
    static int[] kernels(String file, String fn) {
        String ir = Cli.ok("ir", file, "--fn", fn, "--stage", "fused");
        int fused = 0, loose = 0, depth = 0;
        for (String line : ir.split("\n")) {
            String t = line.strip();
            if (t.startsWith("}")) depth--;
            if (depth == 1 && t.matches("%\\d+ = (\\w+).*")) {
                String op = t.replaceAll("%\\d+ = (\\w+).*", "$1");
                if (op.equals("fused")) fused++;
                else if (ELEMENTWISE.contains(op)) loose++;
            }
            if (t.endsWith("{")) depth++;
        }
        return new int[] {fused, loose};
    }

    static final java.util.Set<String> ELEMENTWISE = java.util.Arrays.stream(dev.txc.ir.Op.values())
            .filter(dev.txc.ir.Op::isElementwise).map(dev.txc.ir.Op::spelling).collect(java.util.stream.Collectors.toSet());

    @Test
    void dlogisticIsOneFusedKernel() {
        assertArrayEquals(new int[] {1, 0}, kernels(FILE, "dlogistic"));
    }

    @Test
    void anyChainOfElementwiseOpsIsOneFusedKernel(@TempDir Path dir) throws IOException {
        String[] unary = {"exp", "tanh", "sigmoid", "sin", "abs", "sqrt", "softplus", "log1p", "-"};
        var rnd = new java.util.Random(11);
        for (int trial = 0; trial < 20; trial++) {
            String e = "x";
            int len = 2 + rnd.nextInt(8);
            for (int k = 0; k < len; k++) {
                e = switch (rnd.nextInt(4)) {
                    case 0 -> unary[rnd.nextInt(unary.length)].equals("-") ? "-(" + e + ")" : unary[rnd.nextInt(unary.length - 1)] + "(" + e + ")";
                    case 1 -> "(" + e + " * y)";
                    case 2 -> "(" + e + " + " + (1 + rnd.nextInt(5)) + ".5)";
                    default -> "maximum(" + e + ", y)";
                };
            }
            Path f = dir.resolve("c" + trial + ".tx");
            Files.writeString(f, "fn c(x: f64[N, M], y: f64[N, M]) = " + e + "\n");
            assertArrayEquals(new int[] {1, 0}, kernels(f.toString(), "c"), e);
        }
    }
}
