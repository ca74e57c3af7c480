package dev.txc.frontend.ast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.txc.ir.Diagnostic;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Randomly damaged programs never crash the parser, and whatever parses prints back to itself. */
class RobustnessTest {
    private static final String PROGRAM = """
            import "layers.tx"
            const LR = 0.1
            shared w: f64[3] = randn(seed=0)
            shared m: f64[2, 2] = [[1, 2], [3, 4]]
            fn jac(x: f64[N]) { y = x ** 2; return scan i in 0..shape(y)[0] { grad(y[i], x) } }
            fn linear_mix(A: f64[M, K], x: f64[K], b: f64[M] = zeros()) = (dot(A, x) + b, sum(A ** 2))
            fn train(x: f32[N, 3], y: f32[N]) -> (pred: bool[N], xent: f64[N]) {
                p_1 = 1 / (1 + exp(-dot(x, w) - b))
                xent = -y * log(p_1) - (1 - y) * log(1 - p_1)
                gw, gb = grad(mean(xent) + 0.01 * sum(w ** 2), [w, b])
                w := w - LR * gw
                hs, _ = scan x_t in x, k in 0..N carry h = w { h2 = tanh(h + x_t[::2, -1]); (h2, k) }
                return p_1 > 0.5, xent
            }
            """;
    private static final String[] INSERTS = {
            "(", ")", "[", "]", "{", "}", ",", ";", ":", "=", ".", "+", "-", "**", "<", "\n", "x", "1", ".5",
            "fn", "scan", "carry", "in", "return", "..", ":=", "->", "not", "and", "shared", "\"", "$", "#"};

    @Test
    void damagedProgramsGiveDiagnosticsNotExceptions() {
        var random = new Random(42);
        int failures = 0;
        for (int i = 0; i < 1500; i++) {
            String source = damage(random);
            ParseResult<SourceFile> result = Parsing.parse("f.tx", source);
            if (result.ok()) {
                String printed = Printer.print(result.ast());
                assertEquals(printed, Printer.print(Parse.ok(printed)), source);
                continue;
            }
            failures++;
            for (Diagnostic d : result.diagnostics()) {
                assertNotNull(d.span(), source);
                assertTrue(d.span().line() >= 1 && d.span().col() >= 1, source);
                assertFalse(d.message().contains("<EOF>") || d.message().contains("NEWLINE"), d.message());
            }
        }
        assertTrue(failures > 500, "the damage should usually break the program");
    }

    @Test
    void absurdNestingIsAnErrorNotACrash() {
        String source = "fn f() = " + "(".repeat(20_000) + "x" + ")".repeat(20_000);
        ParseResult<SourceFile> result = Parsing.parse("f.tx", source);
        assertEquals(1, result.diagnostics().size());
        assertTrue(result.diagnostics().getFirst().message().startsWith("nested too deeply"));
        assertNotNull(result.ast());
    }

    @Test
    void longChainsParseAndPrintWithoutRecursingPerTerm() {
        int n = 20_000;
        String chain = String.join(" - ", java.util.Collections.nCopies(n, "x"));
        var fn = Parse.fn("fn f(x: f64) = " + chain);
        Expr e = (Expr) fn.body();
        int terms = 1;
        for (; e instanceof Expr.Binary b; e = b.left()) {
            assertEquals(Expr.BinaryOp.SUB, b.op());
            assertEquals(new Expr.Name("x", b.right().span()), b.right());
            terms++;
        }
        assertEquals(n, terms, "a left-associative chain of " + n + " operands");
        String printed = Printer.print(fn.body());
        assertEquals("(".repeat(n - 1) + "x" + " - x)".repeat(n - 1), printed);
    }

    @Test
    void longPostfixChainsParseAndPrint() {
        String src = "fn f(x: f64) = x" + ".T[0]".repeat(10_000) + " + 1";
        assertEquals("(x" + ".T[0]".repeat(10_000) + " + 1)", Printer.print(Parse.fn(src).body()));
    }

    @Test
    void deepNestingOfEveryKindIsALocatedError() {
        int deep = 10_000;
        String[][] cases = {
                {"(".repeat(deep) + "x" + ")".repeat(deep), "("},
                {"-(".repeat(deep) + "x" + ")".repeat(deep), "-("},
                {"- ".repeat(deep) + "x", "- "},
                {"not ".repeat(deep) + "x", "not "},
                {"x ** ".repeat(deep) + "x", "x ** "},
                {"[".repeat(deep) + "x" + "]".repeat(deep), "["},
                {"sin(".repeat(deep) + "x" + ")".repeat(deep), "sin("},
                {"x[".repeat(deep) + "0" + "]".repeat(deep), "x["}};
        for (String[] c : cases) {
            String prefix = "fn f(x: f64) = ";
            List<String> errors = Parse.errors(prefix + c[0]);
            assertEquals(1, errors.size(), c[1] + ": " + errors);
            var m = java.util.regex.Pattern.compile("1:(\\d+): nested too deeply.*").matcher(errors.getFirst());
            assertTrue(m.matches(), errors.getFirst());
            int col = Integer.parseInt(m.group(1));
            // Inside the nesting, past a hundred levels of it: the limit is neither tiny nor unbounded.
            assertTrue(col > prefix.length() + 100 * c[1].length() && col < prefix.length() + c[0].length() / 2,
                    c[1] + " at column " + col);
        }
    }

    @Test
    void aSmallStackGivesTheSameErrorNotACrash() throws InterruptedException {
        var result = new java.util.concurrent.atomic.AtomicReference<Object>();
        String source = "fn f() = " + "(".repeat(2_000) + "x" + ")".repeat(2_000);
        var thread = new Thread(null, () -> {
            try {
                result.set(Parsing.parse("f.tx", source));
            } catch (Throwable t) {
                result.set(t);
            }
        }, "small-stack", 96 * 1024);
        thread.start();
        thread.join();
        var parsed = assertInstanceOf(ParseResult.class, result.get());
        assertEquals(1, parsed.diagnostics().size());
        assertEquals(Parsing.TOO_DEEP, ((Diagnostic) parsed.diagnostics().getFirst()).message());
    }

    @Test
    void nestingBelowTheLimitParses() {
        Parse.ok("fn f(x: f64) = " + "(x + ".repeat(150) + "x" + ")".repeat(150));
        Parse.ok("fn f(x: f64) = " + "- ".repeat(1000) + "x");
    }

    private static String damage(Random random) {
        var sb = new StringBuilder(PROGRAM);
        for (int edits = 1 + random.nextInt(3); edits > 0; edits--) {
            int at = random.nextInt(sb.length());
            if (random.nextBoolean()) sb.insert(at, INSERTS[random.nextInt(INSERTS.length)]);
            else sb.delete(at, Math.min(sb.length(), at + 1 + random.nextInt(6)));
        }
        return sb.toString();
    }
}
