package dev.txc.frontend.api;

import static org.junit.jupiter.api.Assertions.*;

import dev.txc.frontend.Frontend;
import dev.txc.ir.Function;
import dev.txc.ir.Ir;
import dev.txc.ir.Module;
import dev.txc.ir.Node;
import dev.txc.ir.Op;
import dev.txc.ir.SourceSpan;
import dev.txc.types.DType;
import dev.txc.types.Dim;
import dev.txc.types.TensorType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Lowering applies the .tx rules to values built in Java: the nodes are the very nodes the source lowers to. */
class LoweringApiTest {
    private static final Lowering L = Lowering.of(DType.F64);
    private static final SourceSpan AT = SourceSpan.point("Caller.java", 12, 0);

    private static Function tx(String src, String fn) {
        var c = Frontend.compileText("t.tx", src, Frontend.Options.defaults());
        assertTrue(c.ok(), () -> c.diagnostics().toString());
        Module m = c.module();
        return m.function(fn);
    }

    private static Operand param(String name, DType d, Object... dims) {
        var ds = new java.util.ArrayList<Dim>();
        for (Object o : dims) ds.add(o instanceof String s ? (s.equals("?") ? Dim.ANY : new Dim.Sym(s)) : Dim.of(((Number) o).longValue()));
        return Operand.of(Ir.param(name, new TensorType(d, ds)));
    }

    @Test
    void weakLiteralsTakeTheTensorsDtype() {
        Operand x = param("x", DType.F32, "N");
        Operand r = L.binary("+", L.binary("*", x, L.literal(2, AT), AT), L.literal(1, AT), AT);
        assertEquals(DType.F32, r.dtype());
        assertFalse(r.weak());
        assertSame(tx("fn f(x: f32[N]) = x * 2 + 1", "f").outputs().getFirst().value(), r.node());
    }

    @Test
    void integerTrueDivisionGivesFloatX() {
        Operand i = param("i", DType.I32, "N");
        Operand r = L.binary("/", i, L.literal(2, AT), AT);
        assertEquals(DType.F64, r.dtype());
        assertEquals(DType.F32, Lowering.of(DType.F32).binary("/", i, Lowering.of(DType.F32).literal(2, AT), AT).dtype());
        assertSame(tx("fn f(i: i32[N]) = i / 2", "f").outputs().getFirst().value(), r.node());
    }

    @Test
    void builtinsAndDifferentiationAreTheSourcesNodes() {
        Operand x = param("x", DType.F64, "?", "?");
        Operand s = L.call1("sum", List.of(L.binary("/", L.literal(1, AT), L.binary("+", L.literal(1, AT),
                L.call1("exp", List.of(L.unary("-", x, AT)), Map.of(), AT), AT), AT)), Map.of(), AT);
        Operand g = L.call1("grad", List.of(s, x), Map.of(), AT);
        assertEquals(Op.GRAD, g.node().op());
        assertSame(tx("fn d(x: f64[?, ?]) = grad(sum(1 / (1 + exp(-x))), x)", "d").outputs().getFirst().value(), g.node());
        Object both = L.call("grad", List.of(s, List.of(x)), Map.of("disconnected", "zero"), AT);
        assertInstanceOf(List.class, both);
        Operand summed = L.call1("sum", List.of(x), Map.of("axis", List.of(0, 1), "keepdims", true), AT);
        assertEquals(2, summed.type().rank());
    }

    @Test
    void indexingAndAttributes() {
        Operand x = param("x", DType.F64, "?", 3);
        Operand r = L.index(x, List.of(new Slice(1L, null, null), 0), AT);
        assertSame(tx("fn f(x: f64[?, 3]) = x[1:, 0]", "f").outputs().getFirst().value(), r.node());
        assertSame(tx("fn f(x: f64[?, 3]) = x.T", "f").outputs().getFirst().value(), L.attr(x, "T", AT).node());
        assertSame(x.node(), L.index(x, List.of(Slice.ALL), AT).node());
    }

    @Test
    void arrayLiteralsAreWeak() {
        Operand a = L.literal(List.of(List.of(1, 2), List.of(3, 4)), AT);
        assertTrue(a.weak());
        assertEquals(DType.I64, a.dtype());
        assertEquals(DType.F64, L.literal(new double[] {1, 2.5}, AT).dtype());
        assertEquals(DType.BOOL, L.literal(true, AT).dtype());
    }

    @Test
    void errorsAreLocatedAtTheCallersSpan() {
        Operand a = param("a", DType.F64, 2), b = param("b", DType.F64, 3);
        var e = assertThrows(LoweringException.class, () -> L.binary("+", a, b, AT));
        assertEquals(AT, e.diagnostic().span());
        assertTrue(e.getMessage().startsWith("Caller.java:12:0: "), e.getMessage());
        var g = assertThrows(LoweringException.class, () -> L.call("grad", List.of(a, a), Map.of(), AT));
        assertTrue(g.getMessage().contains("grad: cost must be a scalar"), g.getMessage());
        assertThrows(LoweringException.class, () -> L.call("no_such_builtin", List.of(), Map.of(), AT));
        assertThrows(LoweringException.class, () -> L.call("sum", List.of(a), Map.of("axes", 0), AT));
    }

    @Test
    void updatesAndArgumentsFollowTheSourceRules() {
        TensorType w = TensorType.of(DType.F64, 3);
        Operand shared = Operand.of(Ir.shared("w", w));
        Node up = L.update("w", w, L.binary("*", shared, L.literal(0.5, AT), AT), AT);
        assertEquals(w, up.tt());
        assertThrows(LoweringException.class, () -> L.update("w", w, L.literal(0.0, AT), AT)); // as 'w := 0.0' in .tx
        var e = assertThrows(LoweringException.class, () -> L.update("w", w, param("i", DType.I64, 3), AT));
        assertTrue(e.getMessage().contains("use cast"), e.getMessage());
        Node arg = L.argument(param("i", DType.I32, 3), TensorType.of(DType.F64, 3), "input x", AT);
        assertEquals(DType.F64, arg.dtype());
        assertThrows(LoweringException.class, () -> L.argument(param("d", DType.F64, 3), TensorType.of(DType.F32, 3), "input x", AT));
    }

    @Test
    void listsEveryBuiltin() {
        assertTrue(Lowering.builtins().containsAll(List.of("exp", "sum", "grad", "rop", "lop", "softmax", "where", "categorical_crossentropy")));
        assertTrue(Lowering.isBuiltin("hessian"));
        assertFalse(Lowering.isBuiltin("scan"));
    }
}
