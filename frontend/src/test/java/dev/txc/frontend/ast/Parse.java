package dev.txc.frontend.ast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.txc.ir.Diagnostic;
import dev.txc.ir.DiagnosticRenderer;
import java.util.List;
import java.util.stream.Collectors;

/** Test helpers: parse and insist on success, or collect the errors as {@code line:col: message} lines. */
final class Parse {
    static final String FILE = "t.tx";

    private Parse() {}

    static SourceFile ok(String source) {
        ParseResult<SourceFile> r = Parsing.parse(FILE, source);
        assertTrue(r.ok(), () -> "unexpected errors:\n" + render(source, r.diagnostics()));
        return r.ast();
    }

    static Expr expr(String source) {
        ParseResult<Expr> r = Parsing.parseExpression(FILE, source);
        assertTrue(r.ok(), () -> "unexpected errors:\n" + render(source, r.diagnostics()));
        return r.ast();
    }

    /** The expression fully parenthesized. */
    static String shape(String source) {
        return Printer.print(expr(source));
    }

    static Item.FnDecl fn(String source) {
        List<Item> items = ok(source).items();
        assertEquals(1, items.size());
        return assertInstanceOf(Item.FnDecl.class, items.getFirst());
    }

    static Block block(String source) {
        return assertInstanceOf(Block.class, fn(source).body());
    }

    /** Each error as {@code line:col: message}, in order. */
    static List<String> errors(String source) {
        return Parsing.parse(FILE, source).diagnostics().stream()
                .map(d -> d.span().line() + ":" + d.span().col() + ": " + d.message())
                .toList();
    }

    static String render(String source, List<Diagnostic> ds) {
        List<String> lines = source.lines().collect(Collectors.toList());
        return new DiagnosticRenderer(f -> lines).renderAll(ds);
    }
}
