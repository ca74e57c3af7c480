package dev.txc.runtime.model;

import static org.junit.jupiter.api.Assertions.*;

import dev.txc.runtime.NDArray;
import dev.txc.runtime.TxRuntimeException;
import dev.txc.types.DType;
import dev.txc.types.TensorType;
import java.util.List;
import org.junit.jupiter.api.Test;

class ModelBundleTest {
    static final ModelSpec SPEC = new ModelSpec("m.tx",
            List.of(new SharedSpec("w", TensorType.parse("f64[3]")), new SharedSpec("X", TensorType.parse("f32[?, 5]"))),
            List.of(new FunctionSpec("linear_mix", "txc.generated.Fn_linear_mix",
                            List.of(new ParamSpec("A", TensorType.parse("f64[M, K]"), null), new ParamSpec("x", TensorType.parse("f64[K]"), null),
                                    new ParamSpec("b", TensorType.parse("f64[M]"), "txc.generated.Fn_linear_mix$default$b")),
                            List.of(new OutputSpec("out0", TensorType.parse("f64[M]")), new OutputSpec("out1", TensorType.parse("f64"))), List.of()),
                    new FunctionSpec("train", "txc.generated.Fn_train", List.of(), List.of(new OutputSpec("cost", TensorType.parse("f64"))), List.of("w"))));

    @Test
    void specTextRoundTrips() {
        String text = SPEC.write();
        assertTrue(text.startsWith("txc-model 1\nsource m.tx\nshared w f64[3]\nshared X f32[?,5]\nfunction linear_mix txc.generated.Fn_linear_mix\nparam A f64[M,K]\n"), text);
        assertEquals(SPEC, ModelSpec.parse(text));
        assertEquals("linear_mix(A: f64[M, K], x: f64[K], b: f64[M] = default) -> (out0: f64[M], out1: f64)", SPEC.function("linear_mix").signature());
        assertEquals("train() -> (cost: f64)  updates w", SPEC.function("train").signature());
        var e = assertThrows(TxRuntimeException.class, () -> SPEC.function("nope"));
        assertEquals("no function 'nope' in m.tx (functions: linear_mix, train)", e.getMessage());
        var bad = assertThrows(IllegalArgumentException.class, () -> ModelSpec.parse("txc-model 1\nparam x f64\n"));
        assertTrue(bad.getMessage().contains("line 2"), bad.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ModelSpec.parse("something else\n"));
    }

    @Test
    void poolRoundTrips() {
        Object[] pool = {NDArray.ofDoubles(new double[] {1.5, -2}, 2, 1), new int[] {3, -1, 7}, new DType[] {DType.F32, DType.BOOL}, DType.I64,
                NDArray.scalar(true), new int[0], NDArray.zeros(DType.U8, 0, 3)};
        Object[] back = ModelBundle.readPool(ModelBundle.writePool(pool), "p");
        assertEquals(pool.length, back.length);
        assertEquals(pool[0], back[0]);
        assertArrayEquals((int[]) pool[1], (int[]) back[1]);
        assertArrayEquals((DType[]) pool[2], (DType[]) back[2]);
        assertEquals(DType.I64, back[3]);
        assertEquals(pool[4], back[4]);
        assertArrayEquals(new int[0], (int[]) back[5]);
        assertEquals(pool[6], back[6]);
        // A strided view is stored as its values.
        NDArray view = NDArray.ofInts(new int[] {1, 2, 3, 4, 5, 6}, 2, 3).transpose();
        assertEquals(view.copy(), ModelBundle.readPool(ModelBundle.writePool(new Object[] {view}), "p")[0]);
        var e = assertThrows(IllegalArgumentException.class, () -> ModelBundle.writePool(new Object[] {"text"}));
        assertTrue(e.getMessage().contains("java.lang.String"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> ModelBundle.readPool(new byte[] {1, 2}, "p"));
        byte[] ok = ModelBundle.writePool(pool);
        assertThrows(IllegalStateException.class, () -> ModelBundle.readPool(java.util.Arrays.copyOf(ok, ok.length - 3), "p"));
    }

    @Test
    void resourcesAreSortedAndNamedByPrefix() {
        var files = ModelBundle.resources("txc/model/m/", SPEC, List.of(new ModelBundle.ClassFile("txc.generated.Fn_train", new byte[] {1}, new Object[0])),
                List.of(NDArray.zeros(DType.F64, 3), NDArray.zeros(DType.F32, 4, 5)));
        assertEquals(List.of("txc/model/m/classes/txc.generated.Fn_train.bin", "txc/model/m/classes/txc.generated.Fn_train.pool", "txc/model/m/model.txt",
                "txc/model/m/state/X.npy", "txc/model/m/state/w.npy"), List.copyOf(files.keySet()));
    }
}
