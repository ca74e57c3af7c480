package dev.txc.frontend.ast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.txc.ir.SourceSpan;
import org.junit.jupiter.api.Test;

/** Spans cover exactly the text of their node, so that carets land where users look. */
class SpanTest {
    private static final String SOURCE = """
            fn f(x: f64[N, 3], b: f64 = 0.5) -> f64 {
                y = (x + b) * sum(x, axis=0)
                return y[0, 1:2].T
            }""";

    /** The source text a span covers (spans in these tests stay on one line). */
    private static String text(SourceSpan s) {
        String line = SOURCE.lines().toList().get(s.line() - 1);
        assertEquals(s.line(), s.endLine());
        return line.substring(s.col() - 1, s.endCol() - 1);
    }

    @Test
    void spansCoverTheirText() {
        var fn = Parse.fn(SOURCE);
        assertEquals("f", text(fn.name().span()));
        assertEquals(new SourceSpan("t.tx", 1, 1, 4, 2), fn.span());
        var x = fn.params().getFirst();
        assertEquals("x: f64[N, 3]", text(x.span()));
        assertEquals("x", text(x.name().span()));
        assertEquals("f64[N, 3]", text(x.type().span()));
        assertEquals("3", text(x.type().dims().get(1).span()));
        assertEquals("0.5", text(fn.params().get(1).dflt().span()));
        assertEquals("f64", text(fn.results().getFirst().span()));

        var body = assertInstanceOf(Block.class, fn.body());
        var assign = assertInstanceOf(Stmt.Assign.class, body.stmts().getFirst());
        assertEquals("y = (x + b) * sum(x, axis=0)", text(assign.span()));
        assertEquals("y", text(assign.targets().getFirst().span()));

        var product = assertInstanceOf(Expr.Binary.class, assign.value());
        // From the left operand to the right one; the left operand's parentheses are included.
        assertEquals("(x + b) * sum(x, axis=0)", text(product.span()));
        assertEquals("*", text(product.opSpan()));
        var sum = assertInstanceOf(Expr.Binary.class, product.left());
        assertEquals("x + b", text(sum.span()));
        assertEquals("b", text(sum.right().span()));

        var call = assertInstanceOf(Expr.Call.class, product.right());
        assertEquals("sum(x, axis=0)", text(call.span()));
        assertEquals("sum", text(call.callee().span()));
        assertEquals("x", text(call.args().getFirst().span()));
        assertEquals("axis=0", text(call.kwargs().getFirst().span()));
        assertEquals("axis", text(call.kwargs().getFirst().name().span()));
        assertEquals("0", text(call.kwargs().getFirst().value().span()));

        var ret = assertInstanceOf(Stmt.Return.class, body.stmts().get(1));
        var attr = assertInstanceOf(Expr.Attr.class, ret.values().getFirst());
        assertEquals("y[0, 1:2].T", text(attr.span()));
        assertEquals("T", text(attr.name().span()));
        var index = assertInstanceOf(Expr.Index.class, attr.base());
        assertEquals("y[0, 1:2]", text(index.span()));
        assertEquals("1:2", text(index.items().get(1).span()));
    }

    @Test
    void negativeLiteralSpanIncludesTheSign() {
        var lit = assertInstanceOf(Expr.IntLit.class, Parsing.parseExpression("e", "  -12").orThrow());
        assertEquals(new SourceSpan("e", 1, 3, 1, 6), lit.span());
    }

    @Test
    void multiLineSpans() {
        var scan = assertInstanceOf(Expr.Scan.class, Parsing.parseExpression("e", "scan i in 0..n {\n  a = i\n  a\n}").orThrow());
        assertEquals(new SourceSpan("e", 1, 1, 4, 2), scan.span());
        assertEquals(new SourceSpan("e", 1, 6, 1, 15), scan.bindings().getFirst().span());
        assertEquals(new SourceSpan("e", 1, 16, 4, 2), scan.body().span());
    }
}
