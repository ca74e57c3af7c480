package dev.txc.driver;

import static org.junit.jupiter.api.Assertions.*;

import dev.txc.ir.Module;
import dev.txc.ir.SharedVar;
import dev.txc.ir.Tensor;
import dev.txc.runtime.Kernels;
import dev.txc.runtime.NDArray;
import dev.txc.runtime.Npy;
import dev.txc.runtime.TxRuntimeException;
import dev.txc.runtime.model.ModelState;
import dev.txc.types.DType;
import dev.txc.types.Dim;
import dev.txc.types.TensorType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateTest {
    @TempDir
    Path dir;

    private static SharedVar var(String name, TensorType t, SharedVar.Init init) {
        return new SharedVar(name, t, init);
    }

    private static Module module(SharedVar... vars) {
        return new Module(List.of(vars), List.of());
    }

    @Test
    void initialValues() {
        TensorType m23 = TensorType.of(DType.F64, 2, 3);
        ModelState s = InitialState.of(module(
                var("c", m23, new SharedVar.Init.Value(Tensor.ofDoubles(DType.F64, new int[] {3}, new double[] {1, 2, 3}))),
                var("r", TensorType.of(DType.F32, 4), new SharedVar.Init.Randn(7)),
                var("u", TensorType.of(DType.F64, 2, 2), new SharedVar.Init.Uniform(-1, 1, 3)),
                var("z", TensorType.scalar(DType.I64), new SharedVar.Init.Value(Tensor.scalarLong(DType.I64, 9)))));
        assertEquals(List.of("c", "r", "u", "z"), s.names());
        assertEquals(NDArray.ofDoubles(new double[] {1, 2, 3, 1, 2, 3}, 2, 3), s.get("c"));
        assertEquals(Kernels.randn(7, DType.F32, 4), s.get("r"));
        assertEquals(Kernels.uniform(-1, 1, 3, DType.F64, 2, 2), s.get("u"));
        assertEquals(NDArray.scalar(9L), s.get("z"));
    }

    @Test
    void loadInitTakesUnknownDimsFromTheFile() {
        Path f = dir.resolve("w.npy");
        Npy.write(f, NDArray.ofFloats(new float[] {1, 2, 3, 4, 5, 6}, 3, 2));
        var t = new TensorType(DType.F64, List.of(Dim.ANY, Dim.of(2)));
        ModelState s = InitialState.of(module(var("w", t, new SharedVar.Init.Load(f.toString()))));
        assertEquals(NDArray.ofDoubles(new double[] {1, 2, 3, 4, 5, 6}, 3, 2), s.get("w"), "f32 upcasts to f64");
        var wrong = new TensorType(DType.F64, List.of(Dim.ANY, Dim.of(3)));
        var e = assertThrows(TxRuntimeException.class, () -> InitialState.of(module(var("w", wrong, new SharedVar.Init.Load(f.toString())))));
        assertTrue(e.getMessage().startsWith("shared variable w: ") && e.getMessage().contains("w.npy") && e.getMessage().contains("(3, 2)"), e.getMessage());
        var narrow = new TensorType(DType.I8, List.of(Dim.ANY, Dim.of(2)));
        e = assertThrows(TxRuntimeException.class, () -> InitialState.of(module(var("w", narrow, new SharedVar.Init.Load(f.toString())))));
        assertTrue(e.getMessage().contains("f32") && e.getMessage().contains("i8"), e.getMessage());
        e = assertThrows(TxRuntimeException.class, () -> InitialState.of(module(var("w", t, new SharedVar.Init.Load(dir.resolve("no.npy").toString())))));
        assertTrue(e.getMessage().startsWith("shared variable w: ") && e.getMessage().contains("no.npy"), e.getMessage());
    }

    @Test
    void setChecksDtypeAndShape() {
        var t = new TensorType(DType.F64, List.of(Dim.ANY, Dim.of(2)));
        ModelState s = InitialState.of(module(var("b", TensorType.of(DType.F64, 2), new SharedVar.Init.Value(Tensor.scalar(DType.F64, 0)))));
        s.set("b", NDArray.ofDoubles(new double[] {1, 2}));
        assertEquals(NDArray.ofDoubles(new double[] {1, 2}), s.get("b"));
        var e = assertThrows(TxRuntimeException.class, () -> s.set("b", NDArray.ofFloats(new float[] {1, 2})));
        assertEquals("shared variable b is f64[2]; it cannot hold a f32 array of shape (2,)", e.getMessage());
        e = assertThrows(TxRuntimeException.class, () -> s.set("b", NDArray.ofDoubles(new double[] {1, 2, 3})));
        assertTrue(e.getMessage().startsWith("shared variable b is f64[2]"), e.getMessage());
        e = assertThrows(TxRuntimeException.class, () -> s.get("q"));
        assertEquals("no shared variable 'q' (shared variables: b)", e.getMessage());
        // setAll checks everything before storing anything.
        assertThrows(TxRuntimeException.class, () -> s.setAll(Map.of("b", NDArray.ofDoubles(new double[] {5, 5}), "q", NDArray.scalar(1.0))));
        assertEquals(NDArray.ofDoubles(new double[] {1, 2}), s.get("b"));
        assertNotNull(t);
    }

    @Test
    void saveAndLoadRoundTrip() throws IOException {
        Module m = module(
                var("w", TensorType.of(DType.F32, 3), new SharedVar.Init.Randn(1)),
                var("n", TensorType.scalar(DType.I64), new SharedVar.Init.Value(Tensor.scalarLong(DType.I64, 4))));
        ModelState a = InitialState.of(m);
        a.set("n", NDArray.scalar(42L));
        Path out = dir.resolve("deep/state");
        a.save(out);
        try (var files = Files.list(out)) {
            assertEquals(List.of("n.npy", "w.npy"), files.map(p -> p.getFileName().toString()).sorted().toList());
        }
        ModelState b = InitialState.of(m);
        b.load(out);
        assertEquals(a.get("w"), b.get("w"));
        assertEquals(NDArray.scalar(42L), b.get("n"));

        Files.delete(out.resolve("n.npy"));
        var e = assertThrows(TxRuntimeException.class, () -> b.load(out));
        assertTrue(e.getMessage().contains("n.npy") && e.getMessage().contains("shared variable n"), e.getMessage());
        Npy.write(out.resolve("n.npy"), NDArray.scalar(1.0));
        e = assertThrows(TxRuntimeException.class, () -> b.load(out));
        assertTrue(e.getMessage().startsWith("cannot load shared variable n from ") && e.getMessage().contains("f64"), e.getMessage());
        Npy.write(out.resolve("n.npy"), NDArray.ofLongs(new long[] {1, 2}));
        e = assertThrows(TxRuntimeException.class, () -> b.load(out));
        assertTrue(e.getMessage().contains("shared variable n") && e.getMessage().contains("(2,)"), e.getMessage());
        assertEquals(NDArray.scalar(42L), b.get("n"), "a failed load changes nothing");
        e = assertThrows(TxRuntimeException.class, () -> b.load(dir.resolve("absent")));
        assertTrue(e.getMessage().contains("absent"), e.getMessage());
    }
}
