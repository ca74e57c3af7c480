package dev.txc.frontend.ast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.txc.ir.CompileException;
import dev.txc.ir.Diagnostic;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SyntaxErrorTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            fn f(x: f64) = (x + )            | 1:21: expected an expression, found ')'
            fn f(x: f64) = x +               | 1:19: expected an expression, found end of file
            fn f(x f64) = x                  | 1:8: expected ':', found 'f64'
            fn f(x: ) = x                    | 1:9: expected a type, found ')'
            fn f(x: f64[3,) = x              | 1:15: expected a dimension (an integer, a name or '?'), found ')'
            fn (x: f64) = x                  | 1:4: expected a name, found '('
            fn f() = sum(x, axis=)           | 1:22: expected an expression, found ')'
            fn f() = f(a b)                  | 1:14: expected ',' or ')', found 'b'
            fn f() = g((x) foo (x))          | 1:16: expected ',' or ')', found 'foo'
            fn f() = [(x) foo (x)]           | 1:15: expected ',' or ']', found 'foo'
            fn f() = (x) foo (x)             | 1:14: expected end of line, found 'foo'
            fn f() { a = [1, 2 }             | 1:20: expected ',' or ']', found '}'
            fn f() = x[]                     | 1:12: expected an expression or ':', found ']'
            fn f() = x[1:2:3:4]              | 1:17: expected ',' or ']', found ':'
            fn f() { a = b c }               | 1:16: expected '}' or end of line, found 'c'
            fn f() { return x                | 1:18: expected '}', found end of file
            fn f() { ) }                     | 1:10: expected a statement, found ')'
            fn f() = 1 +* 2                  | 1:13: expected an expression, found '*'
            fn f() = scan i of xs { i }      | 1:17: expected 'in', found 'of'
            fn f() { x = 1 } fn g() = 2      | 1:18: expected end of line, found 'fn'
            const a = 1 2                    | 1:13: expected end of line, found '2'
            x = 1                            | 1:1: expected 'fn', 'const', 'shared' or 'import' at the top level, found 'x'
            shared w: f64                    | 1:14: expected '=', found end of file
            fn f() = x.1                     | 1:11: expected end of line, found '.1'
            fn f() = a < b < c               | 1:16: comparisons cannot be chained; write 'a < b and b < c' instead of 'a < b < c'
            fn f() = a == b != c             | 1:17: comparisons cannot be chained; write 'a < b and b < c' instead of 'a < b < c'
            fn f() { a[0] = 1 }              | 1:10: cannot assign to this expression; the left side of '=' must be names
            fn f() { a + 1 = 1 }             | 1:10: cannot assign to this expression; the left side of '=' must be names
            fn f() { a, b := 1 }             | 1:10: ':=' updates one shared variable at a time
            fn f() { a.T := 1 }              | 1:10: only a shared variable can be updated with ':='
            fn f() { g(x); return 1 }        | 1:10: this value is unused; only the last line of a block can be a value
            fn f() = g(x)(1)                 | 1:10: only a function name can be called
            fn f() = (a + b)(1)              | 1:11: only a function name can be called
            fn f() = h(a=1, 2)               | 1:17: positional argument after keyword argument
            fn f() = k(a=1, a=2)             | 1:17: keyword argument 'a' given twice
            fn f() = 99999999999999999999    | 1:10: integer too large for 64 bits: 99999999999999999999
            fn f() = 1e999                   | 1:10: number too large for a 64-bit float: 1e999
            fn f() = x $ 2                   | 1:12: unexpected character '$'
            const s = "abc                   | 1:11: unterminated string: missing closing '"'
            import "a\\q.tx"                 | 1:10: unknown escape '\\q' in string; write \\\\ for a backslash
            """)
    void oneError(String source, String expected) {
        assertEquals(List.of(expected), Parse.errors(source));
    }

    @Test
    void everyBrokenStatementOfAFileIsReported() {
        String source = """
                fn f(x: f64) {
                    a = x $ 2
                    b = f(x
                    return a
                }
                fn g(x: f64) {
                    c = )
                    d = c < c < c
                    return c
                }
                fn h(x: f64 = ) = x
                fn ok(x: f64) = x
                fn k() { return (1, }
                """;
        assertEquals(List.of(
                "2:11: unexpected character '$'",
                "3:12: expected ',' or ')', found end of line",
                "7:9: expected an expression, found ')'",
                "8:15: comparisons cannot be chained; write 'a < b and b < c' instead of 'a < b < c'",
                "11:15: expected an expression, found ')'",
                "13:21: expected an expression or ')', found '}'"), Parse.errors(source));
        // The intact items are still there for tools that want them.
        assertTrue(Parsing.parse(Parse.FILE, source).ast().items().stream()
                .anyMatch(i -> i instanceof Item.FnDecl fn && fn.name().name().equals("ok")));
    }

    @Test
    void invisibleAndLookAlikeCharactersAreNamed() {
        assertEquals(List.of("1:12: unexpected character U+2028 (LINE SEPARATOR)"), Parse.errors("fn f() = x \u2028 2"));
        assertEquals(List.of("1:11: unexpected character U+00A0 (NO-BREAK SPACE)"), Parse.errors("fn f() = x\u00a0+ 2"));
        assertEquals(List.of("1:10: unexpected character '\u03bb' (U+03BB)"), Parse.errors("fn f() = \u03bb"));
        assertEquals(List.of("1:12: unexpected character '\ud83d\ude00' (U+1F600)", "2:1: unexpected character U+0000 (NULL)"),
                Parse.errors("fn f() = x \ud83d\ude00 2\n\u0000"));
    }

    @Test
    void anUnclosedParenthesisDoesNotSwallowTheNextStatement() {
        assertEquals(List.of("2:15: expected ',' or ')', found end of line", "4:9: expected an expression, found ')'"),
                Parse.errors("""
                        fn f() {
                            y = g(1, 2
                            return y
                            z = )
                        }"""));
    }

    @Test
    void linesOfJunkAreEachReportedAndSkipped() {
        assertEquals(List.of(
                "2:5: expected a statement, found ')'",
                "3:5: expected a statement, found ')'",
                "5:5: expected a statement, found ']'",
                "7:1: expected 'fn', 'const', 'shared' or 'import' at the top level, found ')'",
                "8:13: expected an expression, found end of file"), Parse.errors("""
                fn f() {
                    )
                    ) x
                    a = 1
                    ]
                }
                )
                fn g() = 1 +"""));
    }

    @Test
    void strayClosingBraceAtTopLevel() {
        assertEquals(List.of("1:1: expected 'fn', 'const', 'shared' or 'import' at the top level, found '}'",
                "2:13: expected an expression, found end of file"), Parse.errors("}\nfn f() = 1 +"));
    }

    @Test
    void renderedWithLineAndCaret() {
        String source = "fn f(x: f64) {\n    y = (x + )\n    return y\n}\n";
        var result = Parsing.parse("model.tx", source);
        assertEquals("""
                model.tx:2:14: error: expected an expression, found ')'
                    y = (x + )
                             ^
                """, Parse.render(source, result.diagnostics()));
    }

    @Test
    void endOfFileIsShownAfterTheLastToken() {
        String source = "fn f(x: f64) =\n\n";
        var result = Parsing.parse("t.tx", source);
        assertEquals("""
                t.tx:1:15: error: expected an expression, found end of file
                fn f(x: f64) =
                              ^
                """, Parse.render(source, result.diagnostics()));
    }

    @Test
    void errorsAreDiagnosticsWithSpans() {
        List<Diagnostic> ds = Parsing.parse("t.tx", "fn f() = (a + )").diagnostics();
        assertEquals(1, ds.size());
        Diagnostic d = ds.getFirst();
        assertEquals(Diagnostic.Severity.ERROR, d.severity());
        assertEquals("t.tx", d.span().file());
        assertEquals(1, d.span().line());
        assertEquals(15, d.span().col());
        assertEquals(16, d.span().endCol());
    }

    @Test
    void orThrowCarriesAllErrors() {
        var result = Parsing.parse("t.tx", "fn f() = )\nfn g() = )\n");
        assertFalse(result.ok());
        var e = assertThrows(CompileException.class, result::orThrow);
        assertEquals(2, e.diagnostics().size());
    }

    @Test
    void brokenExpression() {
        var result = Parsing.parseExpression("arg", "[1, 2");
        assertFalse(result.ok());
        assertEquals(List.of("expected ',' or ']', found end of file"),
                result.diagnostics().stream().map(Diagnostic::message).toList());
    }
}
