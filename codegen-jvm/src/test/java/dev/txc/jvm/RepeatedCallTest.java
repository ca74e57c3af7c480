package dev.txc.jvm;

import static org.junit.jupiter.api.Assertions.*;

import dev.txc.frontend.Frontend;
import dev.txc.ir.Function;
import dev.txc.ir.Interpreter;
import dev.txc.ir.Module;
import dev.txc.ir.SharedVar;
import dev.txc.ir.Tensor;
import dev.txc.opt.PassContext;
import dev.txc.opt.Pipeline;
import dev.txc.runtime.CompiledFunction;
import dev.txc.runtime.NDArray;
import dev.txc.types.DType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A compiled function keeps its loops, and the buffers of intermediate values, from one call to the next (a
 * {@code Workspace}): results must never be overwritten by a later call, never share a buffer with another call's
 * results, and stay equal to the reference interpreter's when the shapes change from call to call.
 */
class RepeatedCallTest {
    static final String SOURCE = """
        shared w: f64[3] = zeros()
        shared b: f64 = 0.0
        fn f(x: f64[N, M], y: f64[M]) {
            t = exp(-x) * y
            u = tanh(x) + 1
            return (t + 1, sum(u * y, axis=1), (u * 2).T, mean(sin(t)), u[:, 0] * 3, t * u)
        }
        fn g(x: f64[N], i: i64) {
            t = exp(x) * 2
            return (t + 1, t[i] * 3)
        }
        fn train(x: f32[N, 3], y: f32[N]) {
            p_1 = 1 / (1 + exp(-dot(x, w) - b))
            xent = -y * log(p_1) - (1 - y) * log(1 - p_1)
            cost = mean(xent) + 0.01 * sum(w ** 2)
            gw, gb = grad(cost, [w, b])
            w := w - 0.1 * gw
            b := b - 0.1 * gb
            return p_1 > 0.5, xent
        }
        """;

    record Compiled(Function ad, Function lowered, CompiledFunction fn) {}

    static Compiled compile(String name) {
        var c = Frontend.compileText("r.tx", SOURCE, Frontend.Options.defaults());
        assertTrue(c.ok(), () -> c.diagnostics().toString());
        Module ad = Pipeline.run(c.module(), Pipeline.Stage.AD, new PassContext(2, DType.F64));
        Module low = Pipeline.run(c.module(), Pipeline.Stage.LOWERED, new PassContext(2, DType.F64));
        // f reads no shared variable and is called with none: its class must count none before its outputs' targets.
        List<String> shared = !name.equals("train") ? List.of() : low.shared().stream().map(SharedVar::name).toList();
        Function f = low.function(name);
        return new Compiled(ad.function(name), f, JvmCompiler.load(JvmCompiler.compile(f, shared)));
    }

    static Tensor random(Random r, DType d, int... shape) {
        int n = Tensor.size(shape);
        double[] v = new double[n];
        for (int k = 0; k < n; k++) v[k] = d == DType.BOOL ? r.nextInt(2) : r.nextGaussian();
        return Tensor.fromDoubles(d, shape, v);
    }

    static Tensor labels(Random r, int n) {
        double[] v = new double[n];
        for (int k = 0; k < n; k++) v[k] = r.nextInt(2);
        return Tensor.fromDoubles(DType.F32, new int[] {n}, v);
    }

    /** The interpreter's outputs followed by its updates (in the function's update order). */
    static List<Tensor> expected(Compiled c, Map<String, Tensor> args, Map<String, Tensor> shared) {
        var r = Interpreter.run(c.ad(), args, shared::get);
        var all = new ArrayList<>(r.outputs());
        for (var u : c.ad().updates()) all.add(r.updates().get(u.shared()));
        return all;
    }

    static void assertMatches(List<Tensor> expect, NDArray[] got, String what) {
        assertEquals(expect.size(), got.length, what);
        for (int k = 0; k < expect.size(); k++) {
            Tensor e = expect.get(k), g = Tensors.fromNd(got[k]);
            assertArrayEquals(e.shape(), g.shape(), what + " result " + k + " shape");
            assertEquals(e.dtype(), g.dtype(), what + " result " + k + " dtype");
            double[] ev = e.toDoubles(), gv = g.toDoubles();
            for (int i = 0; i < ev.length; i++) {
                String at = what + " result " + k + " element " + i;
                if (Double.isNaN(ev[i])) assertTrue(Double.isNaN(gv[i]), at + ": expected NaN, got " + gv[i]);
                else assertEquals(ev[i], gv[i], 1e-5 * Math.max(1, Math.abs(ev[i])), at);
            }
        }
    }

    static NDArray[] args(Compiled c, Map<String, Tensor> args) {
        NDArray[] in = new NDArray[c.lowered().params().size()];
        for (int k = 0; k < in.length; k++) in[k] = Tensors.toNd(args.get(c.lowered().paramName(k)));
        return in;
    }

    @Test
    void aLaterCallNeverOverwritesAnEarlierResult() {
        Compiled c = compile("f");
        var r = new Random(3);
        Map<String, Tensor> a1 = Map.of("x", random(r, DType.F64, 5, 3), "y", random(r, DType.F64, 3));
        Map<String, Tensor> a2 = Map.of("x", random(r, DType.F64, 5, 3), "y", random(r, DType.F64, 3));
        NDArray[] first = c.fn().call(args(c, a1), new NDArray[0]);
        NDArray[] second = c.fn().call(args(c, a2), new NDArray[0]);
        NDArray[] third = c.fn().call(args(c, a1), new NDArray[0]);
        assertMatches(expected(c, a1, Map.of()), first, "first call, read after two more calls");
        assertMatches(expected(c, a2, Map.of()), second, "second call");
        assertMatches(expected(c, a1, Map.of()), third, "third call");
        for (int k = 0; k < first.length; k++) {
            if (first[k].size() == 0) continue;
            assertNotSame(first[k].heapArray(), second[k].heapArray(), "result " + k + " of two calls shares a buffer");
            assertNotSame(second[k].heapArray(), third[k].heapArray(), "result " + k + " of two calls shares a buffer");
        }
    }

    @Test
    void shapesChangingFromCallToCallMatchTheInterpreter() {
        Compiled c = compile("f");
        var r = new Random(5);
        int[][] shapes = {{3, 4}, {1, 1}, {3, 4}, {0, 5}, {7, 3}, {3, 4}, {1, 7}, {4, 1}, {3, 4}, {17, 33}, {17, 33}, {3, 4}, {1025, 1024}, {1025, 1024}, {3, 4}};
        var kept = new ArrayList<NDArray[]>();
        var wanted = new ArrayList<List<Tensor>>();
        for (int[] s : shapes) {
            Map<String, Tensor> a = Map.of("x", random(r, DType.F64, s), "y", random(r, DType.F64, s[1]));
            List<Tensor> e = expected(c, a, Map.of());
            NDArray[] got = c.fn().call(args(c, a), new NDArray[0]);
            assertMatches(e, got, "shape " + s[0] + "x" + s[1]);
            kept.add(got);
            wanted.add(e);
        }
        for (int k = 0; k < kept.size(); k++) assertMatches(wanted.get(k), kept.get(k), "call " + k + ", read after all calls");
    }

    @Test
    void trainingStepWithStateUpdatedInPlaceMatchesTheInterpreter() {
        Compiled c = compile("train");
        var r = new Random(11);
        var state = new HashMap<String, Tensor>(Map.of("w", random(r, DType.F64, 3), "b", random(r, DType.F64)));
        NDArray[] shared = {Tensors.toNd(state.get("w")), Tensors.toNd(state.get("b"))};
        var kept = new ArrayList<NDArray[]>();
        var wanted = new ArrayList<List<Tensor>>();
        for (int n : new int[] {10, 10, 1, 10, 401, 401, 10, 0}) {
            Map<String, Tensor> a = Map.of("x", random(r, DType.F32, n, 3), "y", labels(r, n));
            List<Tensor> e = expected(c, a, state);
            NDArray[] got = c.fn().call(args(c, a), shared, shared);
            assertMatches(e, got, "step with N=" + n);
            kept.add(java.util.Arrays.copyOf(got, 2));
            wanted.add(e.subList(0, 2));
            int outs = c.lowered().outputs().size();
            shared[0] = got[outs];
            shared[1] = got[outs + 1];
            state.put("w", e.get(outs));
            state.put("b", e.get(outs + 1));
        }
        for (int k = 0; k < kept.size(); k++) assertMatches(wanted.get(k), kept.get(k), "step " + k + ", read after all steps");
    }

    @Test
    void anOutputBufferOfferedOnSomeCallsOnly() {
        Compiled c = compile("f");
        var r = new Random(13);
        Map<String, Tensor> a1 = Map.of("x", random(r, DType.F64, 5, 3), "y", random(r, DType.F64, 3));
        Map<String, Tensor> a2 = Map.of("x", random(r, DType.F64, 5, 3), "y", random(r, DType.F64, 3));
        NDArray bufA = NDArray.zeros(DType.F64, 5, 3), wrong = NDArray.zeros(DType.F64, 4, 3);
        NDArray[] none = new NDArray[0];
        NDArray[] r1 = c.fn().callInto(args(c, a1), none, new NDArray[] {bufA});
        assertSame(bufA, r1[0]);
        assertMatches(expected(c, a1, Map.of()), r1, "into a buffer");
        NDArray[] r2 = c.fn().call(args(c, a2), none);
        assertNotSame(bufA, r2[0]);
        assertMatches(expected(c, a1, Map.of()), r1, "the buffer after a call without it");
        NDArray[] r3 = c.fn().callInto(args(c, a1), none, new NDArray[] {wrong});
        assertNotSame(wrong, r3[0]);
        assertArrayEquals(new double[12], wrong.toDoubleArray(), "a buffer of another shape is left alone");
        assertMatches(expected(c, a1, Map.of()), r3, "with a buffer that does not fit");
        NDArray[] r4 = c.fn().callInto(args(c, a2), none, new NDArray[] {bufA});
        assertSame(bufA, r4[0]);
        assertMatches(expected(c, a2, Map.of()), r4, "into the buffer again");
        assertMatches(expected(c, a2, Map.of()), r2, "the fresh result of call 2, read after call 4");
        assertMatches(expected(c, a1, Map.of()), r3, "the fresh result of call 3, read after call 4");
    }

    @Test
    void aCallThatFailsLeavesLaterCallsRight() {
        Compiled c = compile("g");
        var r = new Random(17);
        Map<String, Tensor> good = Map.of("x", random(r, DType.F64, 6), "i", Tensor.fromDoubles(DType.I64, new int[0], new double[] {2}));
        Map<String, Tensor> bad = Map.of("x", random(r, DType.F64, 6), "i", Tensor.fromDoubles(DType.I64, new int[0], new double[] {9}));
        Map<String, Tensor> other = Map.of("x", random(r, DType.F64, 6), "i", Tensor.fromDoubles(DType.I64, new int[0], new double[] {-1}));
        NDArray[] first = c.fn().call(args(c, good), new NDArray[0]);
        var e = assertThrows(dev.txc.runtime.TxRuntimeException.class, () -> c.fn().call(args(c, bad), new NDArray[0]));
        assertTrue(e.getMessage().contains("out of bounds"), e.getMessage());
        NDArray[] after = c.fn().call(args(c, other), new NDArray[0]);
        assertMatches(expected(c, other, Map.of()), after, "the call after a failed one");
        assertMatches(expected(c, good, Map.of()), first, "the call before the failed one, read after");
    }

    @Test
    void concurrentCallsNeverShareBuffers() throws Exception {
        Compiled c = compile("f");
        var r = new Random(9);
        List<Map<String, Tensor>> inputs = new ArrayList<>();
        List<List<Tensor>> wanted = new ArrayList<>();
        for (int k = 0; k < 4; k++) {
            var a = Map.of("x", random(r, DType.F64, 6 + k % 2, 5), "y", random(r, DType.F64, 5));
            inputs.add(a);
            wanted.add(expected(c, a, Map.of()));
        }
        var failure = new java.util.concurrent.atomic.AtomicReference<Throwable>();
        Thread[] threads = new Thread[3];
        for (int t = 0; t < threads.length; t++) {
            int me = t;
            threads[t] = new Thread(() -> {
                try {
                    for (int i = 0; i < 300; i++) {
                        int k = (me + i) % inputs.size();
                        assertMatches(wanted.get(k), c.fn().call(args(c, inputs.get(k)), new NDArray[0]), "thread " + me + " call " + i);
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            });
            threads[t].start();
        }
        for (Thread t : threads) t.join();
        if (failure.get() != null) throw new AssertionError(failure.get());
    }
}
