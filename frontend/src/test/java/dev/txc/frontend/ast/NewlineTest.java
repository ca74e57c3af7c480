package dev.txc.frontend.ast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Where a newline ends a statement and where it does not (LANGUAGE.md section 1). */
class NewlineTest {

    private static List<String> stmts(String body) {
        Block block = Parse.block("fn f(x: f64) {\n" + body + "\n}");
        var lines = new java.util.ArrayList<>(block.stmts().stream().map(Printer::print).toList());
        if (block.result() != null) lines.add(Printer.print(block.result()));
        return lines;
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "y = x +\n    1", "y = x +\n 0 == 0 or\n  x", "y =\n  x + 1", "y = f(x,\n      2)",
            "y = [1,\n 2]", "y = (x\n+ 1)", "y = x[0:\n 2]", "y = x and\n x", "y = not\n x", "y = x **\n 2",
            "y = x @\n x", "y = x <\n 1", "y = x //\n 2",
    })
    void aStatementContinuesAfterAnOperatorOrInsideBrackets(String body) {
        assertEquals(1, stmts(body).size(), body);
    }

    @Test
    void continuationKeepsTheStructure() {
        assertEquals(List.of("y = (x + 1)", "z = f(x, axis=0)", "return y, z"), stmts("""
                    y = x +
                        1
                    z = f(
                        x,
                        axis=0,
                    )
                    return y,
                           z"""));
        assertEquals(List.of("a, b = g(x)", "w := (w + 1)"), stmts("a,\n b =\n g(x)\nw :=\n w + 1"));
    }

    @Test
    void arrowContinuesTheHeader() {
        var fn = Parse.fn("fn f(x: f64) ->\n    f64 = x");
        assertEquals("f64", fn.results().getFirst().type().dtype());
    }

    @Test
    void openingBraceMayStartTheNextLine() {
        var fn = Parse.fn("fn f(x: f64) -> f64\n{\n    return x\n}");
        assertEquals(1, assertInstanceOf(Block.class, fn.body()).stmts().size());
        var scan = assertInstanceOf(Expr.Scan.class, Parse.expr("scan i in 0..3\n{\n i\n}"));
        assertEquals("i", Printer.print(scan.body().result()));
    }

    @Test
    void semicolonsSeparateStatements() {
        assertEquals(List.of("a = 1", "b = 2", "return a, b"), stmts("a = 1; b = 2; return a, b"));
        assertEquals(List.of("a = 1", "b = 2"), stmts(";; a = 1;\n; b = 2;"));
        assertEquals(2, Parse.ok("const a = 1; const b = 2").items().size());
    }

    @Test
    void blankAndCommentLinesAnywhere() {
        var file = Parse.ok("""
                # leading comment

                const a = 1   # trailing


                fn f(x: f64) {   # after the brace

                    # inside
                    y = f(x,    # inside parentheses
                          # a whole comment line inside parentheses

                          2)
                    # before the closing brace
                }
                # at the end""");
        assertEquals(2, file.items().size());
    }

    @Test
    void windowsLineEndings() {
        assertEquals(2, Parse.ok("const a = 1\r\nconst b = a +\r\n  1\r\n").items().size());
    }

    @Test
    void newlinesInsideAScanBodyInsideParenthesesStillSeparate() {
        var call = assertInstanceOf(Expr.Call.class, Parse.expr("f(scan i in 0..3 {\n  a = i\n  a\n}, 2)"));
        var scan = assertInstanceOf(Expr.Scan.class, call.args().getFirst());
        assertEquals(1, scan.body().stmts().size());
        assertEquals(2, call.args().size());
    }

    @Test
    void emptyFilesAndBodies() {
        assertEquals(0, Parse.ok("").items().size());
        assertEquals(0, Parse.ok("\n\n# nothing\n").items().size());
        assertEquals(0, Parse.block("fn f() {\n\n}").stmts().size());
    }
}
