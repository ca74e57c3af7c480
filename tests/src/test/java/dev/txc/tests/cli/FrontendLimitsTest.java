package dev.txc.tests.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The frontend's resource bounds and diagnostics through the real {@code txc} command: long chains and long
 * functions compile, deep nesting is a located error, long lines and many errors are shown in bounded space, and
 * an error in one function blocks only that function and its callers (docs/DECISIONS.md, "Per-function errors").
 */
class FrontendLimitsTest {
    private static final Pattern LOCATED = Pattern.compile("(?m)^[^:\\n]+\\.tx:\\d+:\\d+: error: .+$");

    @TempDir
    Path dir;

    private String file(String name, String text) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, text);
        return f.toString();
    }

    private static double value(String out, String name) {
        assertTrue(out.startsWith(name + " = "), out);
        return Double.parseDouble(out.substring(name.length() + 3).strip());
    }

    @Test
    void aTenThousandTermExpressionGetsThroughTheFrontend() throws IOException {
        String f = file("chain.tx", "fn f(x: f64) = " + String.join(" + ", Collections.nCopies(10_000, "x")) + "\n");
        Cli.ok("check", f);
        String ir = Cli.ok("ir", f, "--stage", "parsed", "--fn", "f");
        assertEquals(9_999, ir.split(" add ", -1).length - 1, "one add per operator");
        // The interpreter evaluates it; the JVM backend's limits on kernel size are the backend's own concern.
        assertEquals(0.25 * 10_000, value(Cli.ok("run", f, "--fn", "f", "--arg", "x=0.25", "--engine", "interp"), "f"));
    }

    /**
     * The mutation fuzzer's seed 9117, mutant 397: the gradient of 8,503 chained products of a tensor overflowed the
     * stack in the optimizer (the shape-source rule recursed per link). Every stage and engine takes such a chain.
     */
    @Test
    void theGradientOfATenThousandLinkChainCompilesAndRuns() throws IOException {
        String f = file("gradchain.tx", "fn g(x: f64[n]) = grad(sum(x" + " * 1.00001".repeat(10_000) + "), x)\n");
        for (String stage : new String[] {"opt", "fused", "lowered"}) assertTrue(Cli.ok("ir", f, "--stage", stage).contains("func @g"), stage);
        double d = 1;
        for (int i = 0; i < 10_000; i++) d *= 1.00001;  // the derivative, multiplied out as the chain does
        for (String engine : new String[] {"-O0", "-O2", "--engine=interp"}) {
            String out = Cli.ok("run", f, "--fn", "g", "--arg", "x=[1, -2]", engine, "--format", "json");
            String data = out.substring(out.indexOf("\"data\": [") + 9, out.indexOf(']', out.indexOf("\"data\": [")));
            for (String v : data.split(",")) assertEquals(d, Double.parseDouble(v.strip()), 1e-12 * d, engine + ": " + out);
        }
    }

    @Test
    void aTenThousandStatementFunctionGetsThroughTheFrontend() throws IOException {
        var src = new StringBuilder("fn f(x: f64) {\n    a0 = x\n");
        for (int i = 0; i < 10_000; i++) src.append("    a").append(i + 1).append(" = a").append(i).append(" * 0.5 + x\n");
        src.append("    a10000\n}\n");
        String f = file("stmts.tx", src.toString());
        Cli.ok("check", f);
        double a = 3;
        for (int i = 0; i < 10_000; i++) a = a * 0.5 + 3;
        assertEquals(a, value(Cli.ok("run", f, "--fn", "f", "--arg", "x=3", "--engine", "interp"), "a10000"), 1e-12);
    }

    @Test
    void deepNestingIsALocatedErrorWithABoundedSourceLine() throws IOException {
        for (String[] c : List.of(new String[] {"(", ")"}, new String[] {"-(", ")"}, new String[] {"sin(", ")"})) {
            String f = file("deep.tx", "fn f(x: f64) = " + c[0].repeat(10_000) + "x" + c[1].repeat(10_000) + "\n");
            Cli r = Cli.run("check", f);
            assertEquals(1, r.status(), r.err());
            List<String> lines = r.err().lines().toList();
            assertEquals(3, lines.size(), r.err());
            assertTrue(LOCATED.matcher(lines.getFirst()).matches() && lines.getFirst().endsWith("nested too deeply; split this expression into several statements"), lines.getFirst());
            assertTrue(lines.get(1).length() <= 110 && lines.get(1).startsWith("...") && lines.get(1).endsWith("..."), lines.get(1));
            int caret = lines.get(2).indexOf('^');
            assertTrue(caret > 3 && lines.get(2).substring(0, caret).isBlank(), lines.get(2));
            assertEquals(c[0].charAt(0), lines.get(1).charAt(caret), "the caret points into the nesting");
        }
    }

    @Test
    void manyErrorsAreCappedAtTwenty() throws IOException {
        var src = new StringBuilder();
        for (int i = 0; i < 5000; i++) src.append("fn f").append(i).append("(x: f64) = x + y").append(i).append('\n');
        Cli r = Cli.run("check", file("bad.tx", src.toString()));
        assertEquals(1, r.status());
        List<String> lines = r.err().lines().toList();
        assertEquals(20 * 3 + 1, lines.size(), r.err());
        assertTrue(lines.get(57).endsWith("bad.tx:20:22: error: unknown name 'y19'"), lines.get(57));
        assertEquals("4980 more errors not shown", lines.getLast());
    }

    private static final String PER_FUNCTION = """
            fn ok(x: f64) = x * 2
            fn bad(x: f64) = x + nope
            fn caller(x: f64) = bad(x) + 1
            """;

    @Test
    void anErrorInOneFunctionBlocksOnlyItAndItsCallers() throws IOException {
        String f = file("perfn.tx", PER_FUNCTION);
        Cli check = Cli.run("check", f);
        assertEquals(1, check.status());
        assertEquals(f + ":2:22: error: unknown name 'nope'\nfn bad(x: f64) = x + nope\n                     ^~~~\n", check.err(),
                "reported once, at the root, though 'caller' meets it again");
        Cli ok = Cli.run("run", f, "--fn", "ok", "--arg", "x=3");
        assertEquals(0, ok.status(), ok.err());
        assertEquals(6.0, value(ok.out(), "ok"));
        assertEquals("note: " + f + " has 1 error in functions that 'ok' does not use; see txc check " + f + "\n", ok.err());
        for (String blocked : List.of("bad", "caller")) {
            Cli r = Cli.run("run", f, "--fn", blocked, "--arg", "x=3");
            assertEquals(1, r.status());
            assertEquals(check.err(), r.err());
        }
        Cli missing = Cli.run("run", f, "--fn", "nosuch", "--arg", "x=3");
        assertEquals("error: no function 'nosuch' in " + f + " (functions: ok, bad, caller)\n", missing.err());
    }

    @Test
    void runningOneFunctionOptimizesAndCompilesOnlyThatFunction() throws IOException {
        // Issue 9, item 7: whatever the optimizer makes of q at -O2, it must not stop ok from running.
        String f = file("q.tx", "fn q(x: f64[?]) = x + 2 ** -1\nfn ok(x: f64) = x\n");
        for (String level : List.of("0", "2")) {
            Cli r = Cli.run("run", f, "--fn", "ok", "--arg", "x=2", "--opt-level", level);
            assertEquals(0, r.status(), r.err());
            assertEquals(2.0, value(r.out(), "x"));
        }
    }

    @Test
    void languageSection10PastedVerbatimChecksAndRuns() throws IOException {
        String doc = Files.readString(Path.of("../docs/LANGUAGE.md"));
        int start = doc.indexOf("```", doc.indexOf("## 10."));
        String src = doc.substring(doc.indexOf('\n', start) + 1, doc.indexOf("```", start + 3));
        String f = file("section10.tx", src);
        Cli check = Cli.run("check", f);
        assertEquals(0, check.status(), check.err());
        assertEquals(8.0, value(Cli.ok("run", f, "--fn", "gy", "--arg", "x=4"), "gy"));
        assertEquals("hess = [[2.0, 0.0], [0.0, 2.0]]\n", Cli.ok("run", f, "--fn", "hess", "--arg", "x=[4, 4]"));
        assertEquals("jac = [[8.0, 0.0], [0.0, 8.0]]\n", Cli.ok("run", f, "--fn", "jac", "--arg", "x=[4, 4]"));
    }

    @Test
    void aFailedSharedDeclarationIsOneRootErrorAndBlocksTheFile() throws IOException {
        String f = file("shared.tx", "shared w: f64[3] = nosuch(3)\nfn f(x: f64) = x + sum(w)\nfn g(x: f64) = x * 2\n");
        Cli check = Cli.run("check", f);
        assertEquals(1, check.status());
        assertEquals(3, check.err().lines().count(), check.err());
        assertTrue(check.err().contains("unknown function 'nosuch'"), check.err());
        Cli g = Cli.run("run", f, "--fn", "g", "--arg", "x=1");
        assertEquals(1, g.status());
        assertEquals(check.err(), g.err());
        assertFalse(check.err().contains("unknown name"));
    }
}
