package dev.txc.frontend.ast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.txc.frontend.ast.Expr.BinaryOp;
import dev.txc.frontend.ast.Expr.UnaryOp;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ExpressionTest {

    @ParameterizedTest(name = "{0}  =>  {1}")
    @CsvSource(delimiter = '|', textBlock = """
            a or b and c                 | (a or (b and c))
            a and b or c and d           | ((a and b) or (c and d))
            a or b or c                  | ((a or b) or c)
            not a and b                  | ((not a) and b)
            not a == b                   | (not (a == b))
            not not a                    | (not (not a))
            a == b + c                   | (a == (b + c))
            a < b and b <= c             | ((a < b) and (b <= c))
            a != b or c >= d             | ((a != b) or (c >= d))
            a + b * c                    | (a + (b * c))
            a - b - c                    | ((a - b) - c)
            a * b / c // d % e @ f       | (((((a * b) / c) // d) % e) @ f)
            a @ b + c                    | ((a @ b) + c)
            -a * b                       | ((-a) * b)
            -x ** 2                      | (-(x ** 2))
            2 ** -1                      | (2 ** (-1))
            a ** b ** c                  | (a ** (b ** c))
            2 ** -x ** 2                 | (2 ** (-(x ** 2)))
            a ** -b * c                  | ((a ** (-b)) * c)
            - - a                        | (-(-a))
            -(a + b)                     | (-(a + b))
            (a + b) * c                  | ((a + b) * c)
            x.T.shape[0]                 | x.T.shape[0]
            -x.T                         | (-x.T)
            x[i] ** 2                    | (x[i] ** 2)
            f(x)[0] + g(y).T             | (f(x)[0] + g(y).T)
            1 / (1 + exp(-x)) > 0.5      | ((1 / (1 + exp((-x)))) > 0.5)
            -y * log(p) - (1 - y) * log(1 - p) | (((-y) * log(p)) - ((1 - y) * log((1 - p))))
            """)
    void precedenceAndAssociativity(String source, String parenthesized) {
        assertEquals(parenthesized, Parse.shape(source));
    }

    @Test
    void negativeNumbersAreLiterals() {
        var i = assertInstanceOf(Expr.IntLit.class, Parse.expr("-2"));
        assertEquals(-2, i.value());
        assertEquals("-2", i.text());
        var f = assertInstanceOf(Expr.FloatLit.class, Parse.expr("-1e-3"));
        assertEquals(-1e-3, f.value());
        var pow = assertInstanceOf(Expr.Binary.class, Parse.expr("2 ** -1"));
        assertEquals(-1, assertInstanceOf(Expr.IntLit.class, pow.right()).value());
        // Negating a power is not negating its base.
        var neg = assertInstanceOf(Expr.Unary.class, Parse.expr("-2 ** 2"));
        assertEquals(UnaryOp.NEG, neg.op());
        assertEquals(BinaryOp.POW, assertInstanceOf(Expr.Binary.class, neg.operand()).op());
    }

    @Test
    void numbers() {
        assertEquals(3, ((Expr.IntLit) Parse.expr("3")).value());
        assertEquals(1.0, ((Expr.FloatLit) Parse.expr("1.0")).value());
        assertEquals(1e-3, ((Expr.FloatLit) Parse.expr("1e-3")).value());
        assertEquals(0.5, ((Expr.FloatLit) Parse.expr(".5")).value());
        assertEquals(2.5e10, ((Expr.FloatLit) Parse.expr("2.5E+10")).value());
        assertEquals("1e-3", ((Expr.FloatLit) Parse.expr("1e-3")).text());
    }

    @Test
    void rangeBoundsLexAsIntegers() {
        var scan = assertInstanceOf(Expr.Scan.class, Parse.expr("scan i in 0..10 { i }"));
        var range = assertInstanceOf(Binding.RangeBinding.class, scan.bindings().getFirst());
        assertEquals(0, assertInstanceOf(Expr.IntLit.class, range.lo()).value());
        assertEquals(10, assertInstanceOf(Expr.IntLit.class, range.hi()).value());
        assertEquals("scan i in 0..n { i }", Parse.shape("scan i in 0..n { i }"));
    }

    @Test
    void literals() {
        assertEquals(true, ((Expr.BoolLit) Parse.expr("true")).value());
        assertEquals(false, ((Expr.BoolLit) Parse.expr("false")).value());
        assertEquals("path.npy", ((Expr.StrLit) Parse.expr("\"path.npy\"")).value());
        assertEquals("a\"b\\c\n", ((Expr.StrLit) Parse.expr("\"a\\\"b\\\\c\\n\"")).value());
        assertEquals("[1, 2]", Parse.shape("[1, 2]"));
        assertEquals("[[1, 2], [3, 4]]", Parse.shape("[[1,2],[3,4]]"));
        assertEquals("[]", Parse.shape("[]"));
        assertEquals("[1, 2]", Parse.shape("[1, 2,]"));
        assertEquals("(a, b)", Parse.shape("(a, b)"));
        assertEquals("(a,)", Parse.shape("(a,)"));
        assertEquals("a", Parse.shape("(a)"));
        var tuple = assertInstanceOf(Expr.TupleLit.class, Parse.expr("(dot(A, x) + b, sum(A ** 2))"));
        assertEquals(2, tuple.elems().size());
    }

    @Test
    void callsWithKeywordArguments() {
        var call = assertInstanceOf(Expr.Call.class, Parse.expr("sum(x, axis=0, keepdims=true)"));
        assertEquals("sum", call.callee().name());
        assertEquals(List.of("x"), call.args().stream().map(Printer::print).toList());
        assertEquals(List.of("axis", "keepdims"), call.kwargs().stream().map(k -> k.name().name()).toList());
        assertEquals("sum(x, axis=0, keepdims=true)", Printer.print(call));
        assertEquals("sum(x, axis=[0, 1])", Parse.shape("sum(x, axis=[0, 1])"));
        assertEquals("softmax(x, axis=(-1))", Parse.shape("softmax(x, axis=-1)"));
        assertEquals("zeros()", Parse.shape("zeros()"));
        assertEquals("grad(cost, [w, b], disconnected=\"zero\")", Parse.shape("grad(cost, [w, b], disconnected=\"zero\",)"));
        assertEquals("dimshuffle(x, [1, \"x\", 0])", Parse.shape("dimshuffle(x, [1, \"x\", 0])"));
    }

    @Test
    void indexingAndSlicing() {
        assertEquals("x[i]", Parse.shape("x[i]"));
        assertEquals("x[(-1)]", Parse.shape("x[-1]"));
        assertEquals("x[a:b]", Parse.shape("x[a:b]"));
        assertEquals("x[::2]", Parse.shape("x[::2]"));
        assertEquals("x[:, 0]", Parse.shape("x[:, 0]"));
        assertEquals("x[i, j]", Parse.shape("x[i, j]"));
        assertEquals("x[1:]", Parse.shape("x[1:]"));
        assertEquals("x[:(-1)]", Parse.shape("x[:-1]"));
        assertEquals("x[::(-1)]", Parse.shape("x[::-1]"));
        assertEquals("x[1:(n - 1):2]", Parse.shape("x[1:n-1:2]"));
        assertEquals("shape(y)[0]", Parse.shape("shape(y)[0]"));

        var index = assertInstanceOf(Expr.Index.class, Parse.expr("x[::2, i]"));
        var slice = assertInstanceOf(Slice.class, index.items().get(0));
        assertNull(slice.start());
        assertNull(slice.stop());
        assertEquals(2, assertInstanceOf(Expr.IntLit.class, slice.step()).value());
        assertInstanceOf(Expr.Name.class, index.items().get(1));
    }

    @Test
    void attributes() {
        var attr = assertInstanceOf(Expr.Attr.class, Parse.expr("x.ndim"));
        assertEquals("ndim", attr.name().name());
        assertEquals("x", assertInstanceOf(Expr.Name.class, attr.base()).name());
        // Any name parses after a dot; the frontend decides which exist.
        assertEquals("x.whatever", Parse.shape("x.whatever"));
    }

    @Test
    void scanForms() {
        assertEquals("scan i in 0..shape(y)[0] { grad(y[i], x) }",
                Parse.shape("scan i in 0..shape(y)[0] { grad(y[i], x) }"));
        assertEquals("scan x_t in xs carry h = h0 { tanh(((W @ h) + (U @ x_t))) }",
                Parse.shape("scan x_t in xs carry h = h0 { tanh(W @ h + U @ x_t) }"));
        assertEquals("scan a in xs, b in ys, i in 0..n carry s = 0, t = ones(3) { s2 = (s + a); (s2, t, (a * b)) }",
                Parse.shape("scan a in xs, b in ys, i in 0..n carry s = 0, t = ones(3) { s2 = s + a; (s2, t, a * b) }"));

        var scan = assertInstanceOf(Expr.Scan.class,
                Parse.expr("scan k in 0..K carry acc = ones_like(A) { next = acc * A; (next, sum(next)) }"));
        var range = assertInstanceOf(Binding.RangeBinding.class, scan.bindings().getFirst());
        assertEquals("k", range.name().name());
        assertEquals("K", Printer.print(range.hi()));
        assertEquals("acc", scan.carries().getFirst().name().name());
        assertEquals("ones_like(A)", Printer.print(scan.carries().getFirst().init()));
        assertEquals(1, scan.body().stmts().size());
        assertInstanceOf(Expr.TupleLit.class, scan.body().result());

        var seq = assertInstanceOf(Expr.Scan.class, Parse.expr("scan v in t { v }"));
        assertEquals("t", Printer.print(assertInstanceOf(Binding.SeqBinding.class, seq.bindings().getFirst()).seq()));
    }

    @Test
    void scanBodyOverSeveralLines() {
        var scan = assertInstanceOf(Expr.Scan.class, Parse.expr("""
                scan x_t in xs carry h = h0, c = c0 {
                    # one LSTM-ish step
                    h2 = tanh(W @ h + U @ x_t)

                    c2 = c + h2
                    h2, c2, sum(h2)
                }"""));
        assertEquals(2, scan.body().stmts().size());
        assertEquals("(h2, c2, sum(h2))", Printer.print(scan.body().result()));
    }
}
