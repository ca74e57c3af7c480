package dev.txc.runtime.cuda;

import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.txc.runtime.NDArray;
import dev.txc.runtime.TxRuntimeException;
import dev.txc.runtime.model.FunctionSpec;
import dev.txc.runtime.model.ModelSpec;
import dev.txc.runtime.model.ModelState;
import dev.txc.runtime.model.OutputSpec;
import dev.txc.runtime.model.ParamSpec;
import dev.txc.runtime.model.RunOptions;
import dev.txc.runtime.model.Runner;
import dev.txc.runtime.model.SharedSpec;
import dev.txc.types.DType;
import dev.txc.types.TensorType;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The host side of GPU execution over the fake driver, with hand-written device functions:
 * {@code fn step(x: f64[N], lr: f64 = 0.5) { w := w - lr * x; return w }} (the output is the old w).
 */
class CudaProgramTest {
    static final ModelSpec SPEC = new ModelSpec("s.tx", List.of(new SharedSpec("w", TensorType.parse("f64[3]"))),
            List.of(new FunctionSpec("step", "Step", List.of(new ParamSpec("x", TensorType.parse("f64[3]"), null),
                    new ParamSpec("lr", TensorType.parse("f64"), "Step$lr")), List.of(new OutputSpec("w", TensorType.parse("f64[3]"))), List.of("w"))));

    private final FakeCudaApi api = new FakeCudaApi();
    private final CudaDevice device = CudaDevice.open(api, 0);
    private final CudaProgram program;

    CudaProgramTest() {
        // axpy(out, w, x, lr, n): out[i] = w[i] - lr * x[i], as a grid-stride kernel would compute it
        api.kernels.put("axpy", (fake, l) -> {
            long n = (Long) l.params()[4];
            double lr = (Double) l.params()[3];
            var out = fake.memory((Long) l.params()[0], 8 * n);
            var w = fake.memory((Long) l.params()[1], 8 * n);
            var x = fake.memory((Long) l.params()[2], 8 * n);
            for (long i = 0; i < n; i++) out.setAtIndex(JAVA_DOUBLE, i, w.getAtIndex(JAVA_DOUBLE, i) - lr * x.getAtIndex(JAVA_DOUBLE, i));
        });
        api.kernels.put("half", (fake, l) -> fake.memory((Long) l.params()[0], 8).set(JAVA_DOUBLE, 0, 0.5));
        CudaModule m = device.module(".entry axpy .entry half");
        DeviceFunction step = (d, args, shared) -> {
            DeviceArray next = d.zeros(DType.F64, 3);
            d.launch(m, "axpy", CudaApi.Dim3.of(1), CudaApi.Dim3.of(128), 0, next.pointer(), shared[0].pointer(), args[0].pointer(),
                    args[1].toHost().getDouble(), 3L);
            return new DeviceArray[] {shared[0], next};
        };
        DeviceFunction lr = (d, args, shared) -> {
            DeviceArray v = d.zeros(DType.F64);
            d.launch(m, "half", CudaApi.Dim3.of(1), CudaApi.Dim3.of(1), 0, v.pointer());
            return new DeviceArray[] {v};
        };
        program = new CudaProgram(SPEC, device, Map.of("Step", step, "Step$lr", lr));
    }

    private static ModelState state(double... w) {
        return new ModelState(SPEC.shared(), List.of(NDArray.ofDoubles(w)));
    }

    private long count(String call) {
        return api.calls.stream().filter(c -> c.equals(call)).count();
    }

    @Test
    void sharedVariablesStayOnTheDeviceAcrossCalls() {
        ModelState state = state(1, 2, 3);
        double[] x = {1, -1, 2}, w = {1, 2, 3};
        for (int step = 0; step < 4; step++) {
            List<NDArray> out = program.call("step", List.of(NDArray.ofDoubles(x), NDArray.scalar(0.25)), state);
            assertEquals(NDArray.ofDoubles(w), out.getFirst());
            for (int i = 0; i < 3; i++) w[i] -= 0.25 * x[i];
        }
        // w went up once; each call moved x and lr up (8 * 3 + 8 bytes) and the output down
        assertEquals(1 + 4, count("HtoD 24"));
        assertEquals(4, count("HtoD 8"));
        assertEquals(4, count("DtoH 24") - 0);
        // the state still holds the first value until it is flushed
        assertEquals(NDArray.ofDoubles(new double[] {1, 2, 3}), state.get("w"));
        program.flush(state);
        assertEquals(NDArray.ofDoubles(w), state.get("w"));
        program.flush(state);
        assertEquals(5, count("DtoH 24"));
    }

    @Test
    void aValueSetOnTheHostIsUploadedAgain() {
        ModelState state = state(1, 1, 1);
        program.call("step", List.of(NDArray.ofDoubles(new double[] {1, 1, 1}), NDArray.scalar(1.0)), state);
        program.flush(state);
        assertEquals(NDArray.ofDoubles(new double[] {0, 0, 0}), state.get("w"));
        state.set("w", NDArray.ofDoubles(new double[] {5, 6, 7}));
        var out = program.call("step", List.of(NDArray.ofDoubles(new double[] {1, 1, 1}), NDArray.scalar(1.0)), state);
        assertEquals(NDArray.ofDoubles(new double[] {5, 6, 7}), out.getFirst());
    }

    @Test
    void defaultsRunOnTheDevice() {
        ModelState state = state(1, 2, 3);
        var args = new java.util.ArrayList<NDArray>(List.of(NDArray.ofDoubles(new double[] {2, 2, 2})));
        args.add(null);
        program.call("step", args, state);
        program.flush(state);
        assertEquals(NDArray.ofDoubles(new double[] {0, 1, 2}), state.get("w"));
        assertTrue(api.calls.contains("launch half"));
    }

    @Test
    void deviceMemoryIsReleasedAfterEachCall() {
        ModelState state = state(1, 2, 3);
        program.call("step", List.of(NDArray.ofDoubles(new double[] {1, 1, 1}), NDArray.scalar(1.0)), state);
        long allocs = api.calls.stream().filter(c -> c.startsWith("alloc")).count();
        for (int k = 0; k < 5; k++) program.call("step", List.of(NDArray.ofDoubles(new double[] {1, 1, 1}), NDArray.scalar(1.0)), state);
        // later calls reuse the blocks the first call freed: no cuMemAlloc
        assertEquals(allocs, api.calls.stream().filter(c -> c.startsWith("alloc")).count());
        device.trim();
        assertEquals(1, api.allocations.size()); // the device copy of w
    }

    @Test
    void argumentsAreCheckedAgainstTheSignature() {
        var e = assertThrows(TxRuntimeException.class,
                () -> program.call("step", List.of(NDArray.ofDoubles(new double[] {1, 1}), NDArray.scalar(1.0)), state(1, 2, 3)));
        assertTrue(e.getMessage().contains("step"), e.getMessage());
    }

    @Test
    void theRunnerFlushesBeforeSavingState(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        ModelState state = state(1, 2, 3);
        var out = new ByteArrayOutputStream();
        var o = RunOptions.of("step", name -> switch (name) {
            case "arg" -> List.of("x=[1, 0, -1]", "lr=0.5");
            case "repeat" -> List.of("4");
            case "save-state" -> List.of(dir.toString());
            default -> List.of();
        });
        Runner.run(SPEC, program, state, o, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(new ByteArrayOutputStream()), false);
        NDArray expected = NDArray.ofDoubles(new double[] {1 - 4 * 0.5, 2, 3 + 4 * 0.5});
        assertEquals(expected, state.get("w"));
        assertEquals(expected, dev.txc.runtime.Npy.read(dir.resolve("w.npy")));
        assertSame(state.get("w"), state.get("w"));
    }
}
