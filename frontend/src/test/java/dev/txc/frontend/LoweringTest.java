package dev.txc.frontend;

import static org.junit.jupiter.api.Assertions.*;

import dev.txc.ir.Diagnostic;
import dev.txc.ir.DiagnosticRenderer;
import dev.txc.ir.Function;
import dev.txc.ir.Interpreter;
import dev.txc.ir.IrText;
import dev.txc.ir.Module;
import dev.txc.ir.Tensor;
import dev.txc.types.DType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LoweringTest {
    static Frontend.Compilation compile(String src) {
        return Frontend.compileText("t.tx", src, Frontend.Options.defaults());
    }

    static Module ok(String src) {
        var c = compile(src);
        if (!c.ok()) fail(new DiagnosticRenderer(f -> c.sources().getOrDefault(f, List.of())).renderAll(c.diagnostics()));
        return c.module();
    }

    static String errors(String src) {
        var c = compile(src);
        assertFalse(c.ok(), "expected errors");
        return new DiagnosticRenderer(f -> c.sources().getOrDefault(f, List.of())).renderAll(c.diagnostics());
    }

    static Tensor run1(Module m, String fn, Map<String, Tensor> args) {
        return Interpreter.run(m.function(fn), args, n -> null).outputs().getFirst();
    }

    static Tensor f64(double... v) {
        return Tensor.ofDoubles(DType.F64, new int[] {v.length}, v);
    }

    @Test
    void weakLiteralsTakeTheTensorDtype() {
        Module m = ok("fn f(x: f32[N]) = x * 2 + 1\nfn g(x: i32[N]) = x * 2.5\nfn h(x: i8[N], y: u8[N]) = x + y");
        assertEquals(DType.F32, m.function("f").outputs().getFirst().value().dtype());
        assertEquals(DType.F64, m.function("g").outputs().getFirst().value().dtype());
        assertEquals(DType.I16, m.function("h").outputs().getFirst().value().dtype());
    }

    @Test
    void evaluatesArithmeticAndReductions() {
        Module m = ok("fn f(x: f64[N]) -> f64 { y = x * x\n return sum(y) / size(x) }");
        assertEquals((1 + 4 + 9) / 3.0, run1(m, "f", Map.of("x", f64(1, 2, 3))).getDouble(0), 1e-15);
    }

    @Test
    void inlinesCallsWithDefaults() {
        Module m = ok("""
            fn linear_mix(A: f64[M, K], x: f64[K], b: f64[M] = zeros()) = (dot(A, x) + b, sum(A ** 2))
            fn use(A: f64[M, K], x: f64[K]) = linear_mix(A, x)
            """);
        Function f = m.function("linear_mix");
        var A = Tensor.ofDoubles(DType.F64, new int[] {2, 2}, new double[] {1, 2, 3, 4});
        var r = Interpreter.run(f, Map.of("A", A, "x", f64(1, 1)), n -> null);
        assertArrayEquals(new double[] {3, 7}, r.outputs().get(0).toDoubles());
        assertEquals(30, r.outputs().get(1).getDouble(0));
        var r2 = Interpreter.run(f, Map.of("A", A, "x", f64(1, 1), "b", f64(10, 20)), n -> null);
        assertArrayEquals(new double[] {13, 27}, r2.outputs().get(0).toDoubles());
        assertTrue(IrText.print(m.function("use")).contains("matmul"));
    }

    @Test
    void slicingAndIndexing() {
        Module m = ok("fn f(x: f64[3, 4]) = (x[-1], x[::2, 1], x[1:, ::-1][0, 0], x.T.shape)");
        var x = Tensor.ofDoubles(DType.F64, new int[] {3, 4}, new double[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11});
        var r = Interpreter.run(m.function("f"), Map.of("x", x), n -> null).outputs();
        assertArrayEquals(new double[] {8, 9, 10, 11}, r.get(0).toDoubles());
        assertArrayEquals(new double[] {1, 9}, r.get(1).toDoubles());
        assertEquals(7, r.get(2).getDouble(0));
        assertArrayEquals(new long[] {4, 3}, r.get(3).toLongs());
    }

    @Test
    void reportsEveryErrorWithLocations() {
        String e = errors("""
            fn f(x: f64[3], y: f64[4]) = x + y
            fn g(x: f64) = foo(x)
            fn h(x: f64) = zzz
            fn f(x: f64) = x
            """);
        assertTrue(e.contains("t.tx:1:32: error: shape mismatch: [3] and [4] cannot be broadcast together"), e);
        assertTrue(e.contains("t.tx:2:16: error: unknown function 'foo'"), e);
        assertTrue(e.contains("t.tx:3:16: error: unknown name 'zzz'"), e);
        assertTrue(e.contains("t.tx:4:4: error: 'f' is defined twice"), e);
    }

    @Test
    void gradCostMustBeScalar() {
        String e = errors("fn f(x: f64[N]) = grad(x ** 2, x)");
        assertTrue(e.contains("error: grad: cost must be a scalar, got f64[N]"), e);
    }

    @Test
    void lowersAChainOfTenThousandTermsWithoutRecursingPerTerm() {
        // x * 1 + x * 2 - x * 3 + ...: a left-deep tree 10,000 binary operators deep, evaluated in source order.
        var src = new StringBuilder("fn f(x: f64) = x * 1");
        double x = 0.37, expected = x * 1;
        for (int k = 2; k <= 10_000; k++) {
            boolean plus = k % 3 != 0;
            src.append(plus ? " + " : " - ").append("x * ").append(k);
            expected = plus ? expected + x * k : expected - x * k;
        }
        Module m = ok(src.toString());
        double got = Interpreter.run(m.function("f"), Map.of("x", Tensor.scalar(DType.F64, x)), n -> null)
                .outputs().getFirst().getDouble(0);
        assertEquals(expected, got, 0.0);
    }

    @Test
    void aLoneCarriageReturnSeparatesItemsButNotLinesOfDiagnostics() {
        // The lexer counts only \n as a new line, so the echoed line must be the same "line" (shown with a space).
        String out = errors("fn f(x: f64) = x\rfn g(x: f64) = y\nfn h(x: f64) = z");
        assertEquals("""
                t.tx:1:33: error: unknown name 'y'
                fn f(x: f64) = x fn g(x: f64) = y
                                                ^
                t.tx:2:16: error: unknown name 'z'
                fn h(x: f64) = z
                               ^
                """, out);
    }

    @Test
    void lowersLongChainsOfAttributesAndSubscripts() {
        // x.T.T... (10,000 transposes of a matrix) and x[::-1][::-1]... (10,001 reversals): chains, not nesting.
        Module m = ok("fn t(x: f64[2, 3]) = x" + ".T".repeat(10_000) + "\nfn r(x: f64[3]) = x" + "[::-1]".repeat(10_001));
        var x = Tensor.ofDoubles(DType.F64, new int[] {2, 3}, new double[] {1, 2, 3, 4, 5, 6});
        Tensor t = run1(m, "t", Map.of("x", x));
        assertArrayEquals(new int[] {2, 3}, t.shape());
        for (int k = 0; k < 6; k++) assertEquals(k + 1, t.getDouble(k));
        Tensor r = run1(m, "r", Map.of("x", f64(1, 2, 3)));
        assertEquals(List.of(3.0, 2.0, 1.0), List.of(r.getDouble(0), r.getDouble(1), r.getDouble(2)));
    }

    @Test
    void aChainOfInlinedCallsIsBounded() {
        // f_k calls f_(k-1): 200 nested inlined calls compile (and compute x + 1), 2,000 are a located error.
        var ok = new StringBuilder("fn f0(x: f64) = x + 1\n");
        for (int k = 1; k <= 200; k++) ok.append("fn f").append(k).append("(x: f64) = f").append(k - 1).append("(x)\n");
        Module m = ok(ok.toString());
        assertEquals(3.5, run1(m, "f200", Map.of("x", Tensor.scalar(DType.F64, 2.5))).getDouble(0));
        var deep = new StringBuilder("fn f0(x: f64) = x + 1\n");
        for (int k = 1; k < 2000; k++) deep.append("fn f").append(k).append("(x: f64) = f").append(k - 1).append("(x)\n");
        var c = compile(deep.toString());
        assertFalse(c.ok());
        Diagnostic first = c.diagnostics().getFirst();
        assertEquals("calls nested too deeply: this call of 'f0' is inside 201 function bodies (at most 200; calls are inlined, so a chain of calls nests)", first.message());
        assertEquals(2, first.span().line());
        assertTrue(c.functionErrors().get("f200").isEmpty(), "f200 is within the limit");
        assertFalse(c.functionErrors().get("f201").isEmpty());
    }

    @Test
    void aNegatedConstantShapeIsCheckedAtCompileTime() {
        // Found by mutation fuzzing (seed 11, mutant 13351): - - - 3 is as constant as -3, so both are located errors.
        for (String dim : List.of("-3", "- - - 3", "-(-(-3))"))
            assertTrue(errors("fn b(x: f64) = zeros([2, " + dim + "])").contains("t.tx:1:16: error: negative dimensions are not allowed, got shape [2, -3]"), dim);
        Module m = ok("fn b(x: f64) = zeros([2, - - 3])");
        assertArrayEquals(new int[] {2, 3}, run1(m, "b", Map.of("x", Tensor.scalar(DType.F64, 1))).shape());
    }
}
