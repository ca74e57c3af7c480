package dev.txc.frontend.ast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The examples of LANGUAGE.md sections 3, 4 and 10, and the statement forms. */
class ItemsAndStatementsTest {

    @Test
    void topLevelItemsOfSection3() {
        var file = Parse.ok("""
                import "layers.tx"                         # brings another file's fn/const/shared into scope
                const LR = 0.1                             # compile-time constant
                shared w: f64[3] = randn(seed=0)           # state that lives across calls (Theano's shared)
                shared b: f64 = 0.0
                shared m: f64[2, 2] = [[1, 2], [3, 4]]
                shared z: f32[?] = load("file.npy")
                fn name(x: f64) -> f64 { return x }        # a function to compile
                fn name2(x: f64) = x                       # one-expression form
                """);
        List<Item> items = file.items();
        assertEquals(8, items.size());
        assertEquals("t.tx", file.path());

        assertEquals("layers.tx", assertInstanceOf(Item.Import.class, items.get(0)).path());

        var lr = assertInstanceOf(Item.ConstDecl.class, items.get(1));
        assertEquals("LR", lr.name().name());
        assertEquals(0.1, assertInstanceOf(Expr.FloatLit.class, lr.value()).value());

        var w = assertInstanceOf(Item.SharedDecl.class, items.get(2));
        assertEquals("w", w.name().name());
        assertEquals("f64", w.type().dtype());
        assertEquals(List.of(new Dim.IntDim(3, w.type().dims().getFirst().span())), w.type().dims());
        assertEquals("randn(seed=0)", Printer.print(w.init()));

        var b = assertInstanceOf(Item.SharedDecl.class, items.get(3));
        assertTrue(b.type().isScalar());

        var z = assertInstanceOf(Item.SharedDecl.class, items.get(5));
        assertInstanceOf(Dim.AnyDim.class, z.type().dims().getFirst());

        var fn = assertInstanceOf(Item.FnDecl.class, items.get(6));
        assertEquals("f64", fn.results().getFirst().type().dtype());
        assertNull(fn.results().getFirst().name());
        assertInstanceOf(Block.class, fn.body());
        assertInstanceOf(Expr.Name.class, assertInstanceOf(Item.FnDecl.class, items.get(7)).body());
    }

    @Test
    void parametersTypesAndResults() {
        var fn = Parse.fn("""
                fn f(a: f64[M, K], x: f64[K], b: f64[M] = zeros(), s: floatX, r: f64[1, ?], n: i64 = 3,) \
                -> (pred: bool[N], xent: f64[N]) { return a, b }""");
        assertEquals(List.of("a", "x", "b", "s", "r", "n"), fn.params().stream().map(p -> p.name().name()).toList());
        assertEquals("f64[M, K]", Printer.print(fn.params().get(0).type()));
        var dims = fn.params().get(0).type().dims();
        assertEquals("M", assertInstanceOf(Dim.VarDim.class, dims.get(0)).name());
        assertNull(fn.params().get(0).dflt());
        assertEquals("zeros()", Printer.print(fn.params().get(2).dflt()));
        assertEquals("floatX", fn.params().get(3).type().dtype());
        assertEquals(1, assertInstanceOf(Dim.IntDim.class, fn.params().get(4).type().dims().get(0)).size());
        assertInstanceOf(Dim.AnyDim.class, fn.params().get(4).type().dims().get(1));
        assertEquals("(pred: bool[N], xent: f64[N])", "(" + String.join(", ",
                fn.results().stream().map(Printer::print).toList()) + ")");

        var tuple = Parse.fn("fn g() -> (f64, i64[3]) = (1.0, [1, 2, 3])");
        assertEquals(List.of("f64", "i64[3]"), tuple.results().stream().map(Printer::print).toList());
        assertTrue(Parse.fn("fn h() = 1").results().isEmpty());
        assertTrue(Parse.fn("fn h() { }").params().isEmpty());
    }

    @Test
    void statementsOfSection4() {
        Block body = Parse.block("""
                fn inc(x: i64) {
                    name = x + 1
                    a, b = pair(x)
                    _, c = pair(x)
                    w := w + x
                    return w
                }""");
        List<Stmt> stmts = body.stmts();
        assertEquals(5, stmts.size());
        assertNull(body.result());

        var assign = assertInstanceOf(Stmt.Assign.class, stmts.get(0));
        assertEquals(List.of("name"), assign.targets().stream().map(Ident::name).toList());
        assertEquals("(x + 1)", Printer.print(assign.value()));

        var destructure = assertInstanceOf(Stmt.Assign.class, stmts.get(1));
        assertEquals(List.of("a", "b"), destructure.targets().stream().map(Ident::name).toList());
        assertEquals(List.of("_", "c"),
                assertInstanceOf(Stmt.Assign.class, stmts.get(2)).targets().stream().map(Ident::name).toList());

        var update = assertInstanceOf(Stmt.Update.class, stmts.get(3));
        assertEquals("w", update.name().name());
        assertEquals("(w + x)", Printer.print(update.value()));

        var ret = assertInstanceOf(Stmt.Return.class, stmts.get(4));
        assertEquals(List.of("w"), ret.values().stream().map(Printer::print).toList());
    }

    @Test
    void returnForms() {
        var several = assertInstanceOf(Stmt.Return.class, Parse.block("fn f() { return p_1 > 0.5, xent }").stmts().getFirst());
        assertEquals(List.of("(p_1 > 0.5)", "xent"), several.values().stream().map(Printer::print).toList());
        var bare = assertInstanceOf(Stmt.Return.class, Parse.block("fn f() { w := w + 1; return }").stmts().get(1));
        assertTrue(bare.values().isEmpty());
        var none = Parse.block("fn f() {\n    w := w + 1\n}");
        assertEquals(1, none.stmts().size());
    }

    @Test
    void assignmentOfSeveralValuesMakesATuple() {
        var assign = assertInstanceOf(Stmt.Assign.class, Parse.block("fn f() { a, b = b, a }").stmts().getFirst());
        assertEquals("(b, a)", Printer.print(assign.value()));
    }

    @Test
    void examplesOfSection10() {
        var file = Parse.ok("""
                fn gy(x: f64) = grad(x ** 2, x)                                   # gy(4) = 8.0; txc pp --stage optimized: (2.0 * x)
                fn dlogistic(x: f64[?, ?]) = grad(sum(1 / (1 + exp(-x))), x)
                                             # dlogistic([[0, 1], [-1, -2]]) = [[0.25, 0.19661193], [0.19661193, 0.10499359]]
                fn jac(x: f64[N]) { y = x ** 2; return scan i in 0..shape(y)[0] { grad(y[i], x) } }   # [4, 4] -> [[8, 0], [0, 8]]
                fn hess(x: f64[N]) = hessian(sum(x ** 2), x)                      # [4, 4] -> [[2, 0], [0, 2]]
                fn jv(W: f64[?, ?], V: f64[?, ?], x: f64[?]) = rop(dot(x, W), W, V)   # [[1,1],[1,1]], [[2,2],[2,2]], [0,1] -> [2, 2]
                fn vj(W: f64[?, ?], v: f64[?], x: f64[?]) = lop(dot(x, W), W, v)      # W, [2, 2], [0, 1] -> [[0, 0], [2, 2]]
                fn hv(x: f64[N], v: f64[N]) = rop(grad(sum(x ** 2), x), x, v)         # [4, 4], [2, 2] -> [4, 4]
                fn linear_mix(A: f64[M, K], x: f64[K], b: f64[M] = zeros()) = (dot(A, x) + b, sum(A ** 2))

                shared w: f64[3] = randn(seed=0)
                shared b: f64 = 0.0
                fn train(x: f32[N, 3], y: f32[N]) {
                    p_1 = 1 / (1 + exp(-dot(x, w) - b))
                    xent = -y * log(p_1) - (1 - y) * log(1 - p_1)
                    cost = mean(xent) + 0.01 * sum(w ** 2)
                    gw, gb = grad(cost, [w, b])
                    w := w - 0.1 * gw
                    b := b - 0.1 * gb
                    return p_1 > 0.5, xent
                }
                fn predict(x: f32[N, 3]) = 1 / (1 + exp(-dot(x, w) - b)) > 0.5
                """);
        assertEquals("""
                fn gy(x: f64) = grad((x ** 2), x)
                fn dlogistic(x: f64[?, ?]) = grad(sum((1 / (1 + exp((-x))))), x)
                fn jac(x: f64[N]) {
                    y = (x ** 2)
                    return scan i in 0..shape(y)[0] { grad(y[i], x) }
                }
                fn hess(x: f64[N]) = hessian(sum((x ** 2)), x)
                fn jv(W: f64[?, ?], V: f64[?, ?], x: f64[?]) = rop(dot(x, W), W, V)
                fn vj(W: f64[?, ?], v: f64[?], x: f64[?]) = lop(dot(x, W), W, v)
                fn hv(x: f64[N], v: f64[N]) = rop(grad(sum((x ** 2)), x), x, v)
                fn linear_mix(A: f64[M, K], x: f64[K], b: f64[M] = zeros()) = ((dot(A, x) + b), sum((A ** 2)))
                shared w: f64[3] = randn(seed=0)
                shared b: f64 = 0.0
                fn train(x: f32[N, 3], y: f32[N]) {
                    p_1 = (1 / (1 + exp(((-dot(x, w)) - b))))
                    xent = (((-y) * log(p_1)) - ((1 - y) * log((1 - p_1))))
                    cost = (mean(xent) + (0.01 * sum((w ** 2))))
                    gw, gb = grad(cost, [w, b])
                    w := (w - (0.1 * gw))
                    b := (b - (0.1 * gb))
                    return (p_1 > 0.5), xent
                }
                fn predict(x: f32[N, 3]) = ((1 / (1 + exp(((-dot(x, w)) - b)))) > 0.5)
                """, Printer.print(file));
    }

    @Test
    void examplesOfSection8() {
        Block body = Parse.block("""
                fn loops(y: f64[N], x: f64[N], xs: f64[T, 3], h0: f64[3], A: f64[2, 2], K: i64) {
                    J = scan i in 0..shape(y)[0] { grad(y[i], x) }                 # map over a range: result f64[n, ...]
                    hs = scan x_t in xs carry h = h0 { tanh(W @ h + U @ x_t) }    # recurrence over the leading axis of xs
                    powers, _ = scan k in 0..K carry acc = ones_like(A) { next = acc * A; (next, sum(next)) }
                    return J, hs, powers
                }""");
        var powers = assertInstanceOf(Stmt.Assign.class, body.stmts().get(2));
        assertEquals(List.of("powers", "_"), powers.targets().stream().map(Ident::name).toList());
        var scan = assertInstanceOf(Expr.Scan.class, powers.value());
        assertEquals("scan k in 0..K carry acc = ones_like(A) { next = (acc * A); (next, sum(next)) }", Printer.print(scan));
        var hs = assertInstanceOf(Expr.Scan.class, assertInstanceOf(Stmt.Assign.class, body.stmts().get(1)).value());
        assertInstanceOf(Binding.SeqBinding.class, hs.bindings().getFirst());
        assertInstanceOf(Expr.Call.class, hs.body().result());
    }

    @Test
    void printedFilesParseBackToTheSameTree() {
        String source = """
                import "a \\"quoted\\" path.tx"
                const N0 = -3
                shared w: f64[2, 2] = [[1, -2], [3, 4]]
                fn f(x: f64[N], s: f64 = -1.5) -> (a: f64[N], f64) {
                    y, _ = g(x[::-1], axis=-1)
                    z = scan i in 0..N, v in x carry c = 0.0 { c2 = c + v * i; (c2, -c2 ** 2) }
                    w := w @ w.T
                    return (-2) ** 2 + 2 ** -x, z[:, 0]
                }
                """;
        String once = Printer.print(Parse.ok(source));
        assertEquals(once, Printer.print(Parse.ok(once)));
    }
}
