package dev.txc.driver.api;

import static dev.txc.driver.api.Tx.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.txc.frontend.api.Lowering;
import dev.txc.runtime.NDArray;
import dev.txc.types.DType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class TxApiTest {
    @Test
    void gradientOfSquare() {
        Expr x = dscalar("x");
        Expr gy = grad(x.pow(2), x);
        TxFunction f = function(List.of(x), gy);
        assertEquals(8.0, f.invoke(4.0).toDouble());
        assertEquals(188.4, f.invoke(94.2).toDouble(), 1e-12);
        assertEquals("(2.0 * x)", f.pp(0));
        assertEquals("f = (2.0 * x)\n", pp(f));
        assertTrue(f.ir("lowered").contains("mul"), f.ir("lowered"));
    }

    @Test
    void everyBuiltinHasAMethod() {
        Set<String> methods = Arrays.stream(Tx.class.getMethods()).filter(m -> Modifier.isStatic(m.getModifiers())).map(Method::getName).collect(Collectors.toSet());
        for (String b : Lowering.builtins()) {
            if (Set.of("randn", "uniform", "load").contains(b)) continue; // initial values of .tx shared variables only
            String camel = Arrays.stream(b.split("_")).map(p -> p.substring(0, 1).toUpperCase() + p.substring(1)).collect(Collectors.joining());
            camel = camel.substring(0, 1).toLowerCase() + camel.substring(1);
            assertTrue(methods.contains(camel), "no Tx." + camel + " for built-in " + b);
        }
    }

    @Test
    void kotlinOperatorNamesExist() throws NoSuchMethodException {
        for (String op : List.of("plus", "minus", "times", "div", "rem"))
            for (Class<?> t : List.of(Object.class, double.class, int.class, long.class)) assertNotNull(Expr.class.getMethod(op, t));
        assertNotNull(Expr.class.getMethod("unaryMinus"));
        assertNotNull(Expr.class.getMethod("not"));
        assertNotNull(Expr.class.getMethod("get", Object[].class));
        assertNotNull(TxFunction.class.getMethod("invoke", Object[].class));
        for (Method m : Tx.class.getDeclaredMethods()) assertEquals(0, m.getExceptionTypes().length, m + " declares checked exceptions");
    }

    @Test
    void builtinsByNameWithKeywords() {
        Expr x = dmatrix("x");
        Object r = call("sum", x, kw("axis", 0), kw("keepdims", true));
        NDArray out = ((Expr) r).eval(Map.of(x, List.of(List.of(1, 2), List.of(3, 4))));
        assertArrayEquals(new int[] {1, 2}, out.shape());
        assertArrayEquals(new double[] {4, 6}, out.toDoubleArray());
        assertArrayEquals(new double[] {1, 3}, x.get(ALL, 0).eval(Map.of(x, List.of(List.of(1, 2), List.of(3, 4)))).toDoubleArray());
        assertEquals(2.5, mean(x).eval(Map.of(x, new double[][] {{1, 2}, {3, 4}})).getDouble());
    }

    @Test
    void sharedValuesAreOwnedAndUpdatesAreAtomic() throws Exception {
        Shared state = shared(0, "state");
        Expr inc = lscalar("inc");
        TxFunction acc = function(List.of(inc), state, Map.of(state, state.plus(inc)));
        NDArray before = state.get();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            var futures = new java.util.ArrayList<Future<?>>();
            for (int t = 0; t < 4; t++) futures.add(pool.submit(() -> { for (int k = 0; k < 500; k++) acc.invoke(1); }));
            for (var f : futures) f.get();
        } finally {
            pool.shutdown();
        }
        assertEquals(2000, state.get().getLong());
        assertEquals(0, before.getLong(), "a value handed out never changes");
    }

    @Test
    void inPlaceTrainingStepLeavesHandedOutValuesAlone() {
        Shared w = shared(new double[] {1, 2, 3}, "w");
        Expr g = dvector("g");
        var updates = new LinkedHashMap<Shared, Object>();
        updates.put(w, w.minus(g.times(0.5)));
        TxFunction step = function(List.of(g), null, updates);
        NDArray before = w.get();
        assertEquals(0, step.invoke(new double[] {2, 2, 2}).size());
        assertArrayEquals(new double[] {0, 1, 2}, w.get().toDoubleArray());
        assertArrayEquals(new double[] {1, 2, 3}, before.toDoubleArray());
    }

    @Test
    void defaultsGivensAndNamedOutputs() {
        Expr a = dvector("a"), b = dvector("b");
        TxFunction f = function("f", List.of(a, in(b, a.times(2))), fn -> {
            fn.outputNames("sum", "diff");
            return List.of(a.plus(b), a.minus(b));
        });
        Outputs out = f.invoke(new double[] {1, 2});
        assertArrayEquals(new double[] {3, 6}, out.get("sum").toDoubleArray());
        assertArrayEquals(new double[] {-1, -2}, out.get("diff").toDoubleArray());
        assertArrayEquals(new double[] {2, 3}, f.invoke(new double[] {1, 2}, new double[] {1, 1}).get(0).toDoubleArray());

        Expr x = dscalar("x"), y = dscalar("y");
        TxFunction g = function(List.of(x), grad(x.times(y), x), Map.of(), Map.of(y, x.plus(1)));
        assertEquals(4.0, g.invoke(3).toDouble(), "d(x*y)/dx with y given as x + 1 after differentiation is y = x + 1");
    }

    @Test
    void errorsNameTheCallersLine() {
        Expr x = dscalar("x"), z = dscalar("z");
        var e = assertThrows(TxException.class, () -> function(List.of(x, z), grad(x.pow(2), z)));
        assertTrue(e.getMessage().startsWith("TxApiTest.java:"), e.getMessage());
        assertTrue(e.getMessage().contains("z"), e.getMessage());

        var v = dvector("v");
        var m = assertThrows(TxException.class, () -> v.plus(dmatrix("m").get(0, 0, 0)));
        assertTrue(m.getMessage().startsWith("TxApiTest.java:"), m.getMessage());

        var missing = assertThrows(TxException.class, () -> function(List.of(x), x.plus(z)));
        assertTrue(missing.getMessage().contains("'z', which is not an input"), missing.getMessage());

        Expr n1 = tensor("p", DType.F64, "N"), n2 = tensor("q", DType.F64, "N");
        TxFunction add = function(List.of(n1, n2), n1.plus(n2));
        var dims = assertThrows(TxException.class, () -> add.invoke(new double[] {1, 2}, new double[] {1, 2, 3}));
        assertTrue(dims.getMessage().contains("dim N is 2"), dims.getMessage());
        assertEquals(4.0, add.invoke(new double[] {1, 2}, NDArray.ofFloats(new float[] {1, 2})).value().getDoubleFlat(1), "f32 upcasts safely");
        Expr f = fvector("f");
        var lossyArray = assertThrows(TxException.class, () -> function(List.of(f), f).invoke(NDArray.ofDoubles(new double[] {1, 2})));
        assertTrue(lossyArray.getMessage().contains("lossy"), lossyArray.getMessage());
        var lossy = assertThrows(TxException.class, () -> function(List.of(iscalar("i")), iscalar("i")).invoke(2.5));
        assertTrue(lossy.getMessage().contains("(not an integer)"), lossy.getMessage());

        Shared s1 = shared(1.0, "s"), s2 = shared(2.0, "s2");
        Shared s3 = shared(3.0, "s");
        assertEquals(3.0, function(List.of(), s1.plus(s2)).invoke().toDouble());
        var twice = assertThrows(TxException.class, () -> function(List.of(), s1.plus(s3.times(2))));
        assertTrue(twice.getMessage().contains("two different shared variables named 's'"), twice.getMessage());
    }

    @Test
    void weakLiteralsAndFloatX() {
        Expr f = fvector("f");
        assertEquals(DType.F32, f.times(2.5).dtype());
        assertEquals(DType.F32, f.plus(1).dtype());
        Expr i = ivector("i");
        assertEquals(DType.F64, i.div(2).dtype());
        assertEquals(DType.I32, i.times(2).dtype());
        assertEquals(DType.F64, i.plus(0.5).dtype());
        assertEquals("(x ** 2.0)", dscalar("x").pow(2).toString());
        assertTrue(ir(dscalar("x").pow(2)).startsWith("func @expr(%x: f64)"), ir(dscalar("x").pow(2)));
    }

    @Test
    void floatLiteralsNextToF64StayExactUnderFloatXF32() {
        DType saved = floatX();
        setFloatX(DType.F32);
        try {
            Expr x = dscalar("x");
            // np.float64(0) + 0.1 == 0.1; an f32-rounded literal would give 0.10000000149011612
            assertEquals(0.1, function(List.of(x), x.plus(0.1)).invoke(0.0).toDouble(), 0.0);
            assertEquals(0.1, function(List.of(x), x.times(List.of(0.1, 0.2)).get(0)).invoke(1.0).toDouble(), 0.0);
            assertEquals(0.1, function(List.of(x), x.plus(constant(0.1))).invoke(0.0).toDouble(), 0.0);
            // standing alone, a literal is floatX
            assertEquals(DType.F32, constant(0.1).dtype());
        } finally {
            setFloatX(saved);
        }
    }
}
