package dev.txc.cuda;

import static org.junit.jupiter.api.Assertions.*;

import dev.txc.cuda.sim.SimCudaApi;
import dev.txc.ir.Function;
import dev.txc.ir.Interpreter;
import dev.txc.ir.Module;
import dev.txc.ir.Op;
import dev.txc.ir.Tensor;
import dev.txc.runtime.NDArray;
import dev.txc.runtime.cuda.CudaDevice;
import dev.txc.runtime.cuda.DeviceArray;
import dev.txc.runtime.cuda.PlanExecutor;
import dev.txc.runtime.cuda.plan.HostPlan;
import dev.txc.types.DType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The ops that once had no CUDA kernel: scan (a host loop over device kernels: recurrences, per-step outputs,
 * reverse scans, checkpointed backpropagation through time, nested scans, the tutorial's Jacobian and Hessian),
 * arange, unindex (the adjoint of x[i]), dynamic slices and their adjoint, and float // and %. Each function's module
 * assembles with ptxas for sm_80 and sm_90 without spills in elementwise kernels, and its plan, run on the PTX
 * interpreter by the test's own plan runner and by the runtime's PlanExecutor over the simulated driver, gives the
 * reference interpreter's values on several argument shapes, including zero steps.
 */
class CudaScanSimTest {
    static final String PROGRAMS = """
        fn rnn(W: f64[H, H], U: f64[H, D], h0: f64[H], xs: f64[T, D]) = scan x in xs carry h = h0 { tanh(W @ h + U @ x) }
        fn bptt(W: f64[H, H], U: f64[H, D], h0: f64[H], xs: f64[T, D]) = grad(sum(scan x in xs carry h = h0 { tanh(W @ h + U @ x) }), W)
        fn jac(x: f64[N]) { y = x ** 2; return scan i in 0..shape(y)[0] { grad(y[i], x) } }
        fn hess(x: f64[N]) { y = x ** 2; gy = grad(sum(y), x); return scan i in 0..shape(gy)[0] { grad(gy[i], x) } }
        fn cumsum(xs: f64[N]) = scan x in xs carry acc = 0.0 { acc + x }
        fn powers(A: f64[N], K: i64) { p, s = scan k in 0..K carry acc = ones_like(A) { next = acc * A; (next, sum(next)) }; return (p, s) }
        fn rev(xs: f64[N]) = scan(reverse=true) x in xs carry acc = 0.0 { acc * 0.5 + x }
        fn ckpt(W: f64[H, H], h0: f64[H], xs: f64[T, H]) = grad(sum(scan(checkpoint=3) x in xs carry h = h0 { tanh(W @ h + x) }), W)
        fn nested(A: f64[N, M]) = scan row in A { scan v in row carry s = 0.0 { s + v * v } }
        fn zipped(a: f64[N], b: f64[M]) = scan x in a, y in b carry s = 1.0 { (s * x + y, x - y) }
        fn grow(u: f64[D]) = scan v in arange(3) carry h = u * ones([2, 1]) { tanh(h * 0.5 + broadcast_to(u, [2])) }
        fn dynamic(x: f64[N], a: i64, b: i64) = (x[a:b], grad(sum(x[a:b] ** 2), x), grad(sum(x[a] * 3.0), x))
        fn ranges(n: i64, x: f64) = (arange(0, n, 1), arange(0.5, x, 0.25), arange(n, 0, -3), cast(arange(1, n, 2), i8))
        fn fd(a: f64[N], b: f64[N]) = (a // b, a % b, cast(a, f32) // cast(b, f32), cast(a, f32) % cast(b, f32), cast(a, i32) // 3, cast(a, i64) % -4)
        """;

    static Module module() {
        return CudaLoweringTest.compile(PROGRAMS);
    }

    /** Argument sets per function: several shapes, zero steps among them, and run-time errors the interpreter raises too. */
    static Map<String, List<Map<String, Tensor>>> cases() {
        var r = new Random(3);
        var c = new LinkedHashMap<String, List<Map<String, Tensor>>>();
        var rnn = new ArrayList<Map<String, Tensor>>();
        for (int[] s : new int[][] {{3, 2, 5}, {1, 1, 1}, {4, 3, 0}, {2, 5, 40}})
            rnn.add(Map.of("W", rnd(r, s[0], s[0]), "U", rnd(r, s[0], s[1]), "h0", rnd(r, s[0]), "xs", rnd(r, s[2], s[1])));
        c.put("rnn", rnn);
        c.put("bptt", rnn);
        var ck = new ArrayList<Map<String, Tensor>>();
        for (int[] s : new int[][] {{3, 7}, {2, 1}, {2, 0}, {4, 9}, {1, 3}})
            ck.add(Map.of("W", rnd(r, s[0], s[0]), "h0", rnd(r, s[0]), "xs", rnd(r, s[1], s[0])));
        c.put("ckpt", ck);
        c.put("jac", List.of(Map.of("x", vec(4, 4)), Map.of("x", rnd(r, 7)), Map.of("x", rnd(r, 0))));
        c.put("hess", List.of(Map.of("x", vec(4, 4)), Map.of("x", rnd(r, 5))));
        c.put("cumsum", List.of(Map.of("xs", rnd(r, 10)), Map.of("xs", rnd(r, 0)), Map.of("xs", rnd(r, 300))));
        c.put("powers", List.of(Map.of("A", rnd(r, 3), "K", i64(5)), Map.of("A", rnd(r, 4), "K", i64(0)), Map.of("A", rnd(r, 2), "K", i64(-2))));
        c.put("rev", List.of(Map.of("xs", rnd(r, 9)), Map.of("xs", rnd(r, 1))));
        c.put("nested", List.of(Map.of("A", rnd(r, 3, 4)), Map.of("A", rnd(r, 0, 4)), Map.of("A", rnd(r, 2, 0))));
        // a u of length 1 makes the carry grow from (2, 1) to (2, 2): an error on every engine
        c.put("grow", List.of(Map.of("u", rnd(r, 2)), Map.of("u", rnd(r, 1))));
        c.put("zipped", List.of(Map.of("a", rnd(r, 6), "b", rnd(r, 6)), Map.of("a", rnd(r, 3), "b", rnd(r, 4))));
        var dyn = new ArrayList<Map<String, Tensor>>();
        for (long[] ab : new long[][] {{1, 4}, {-3, 9}, {5, 2}, {-100, 100}, {0, 0}, {2, -1}})
            dyn.add(Map.of("x", rnd(r, 6), "a", i64(ab[0]), "b", i64(ab[1])));
        dyn.add(Map.of("x", rnd(r, 6), "a", i64(6), "b", i64(1))); // x[6] is out of bounds: an error in both
        c.put("dynamic", dyn);
        c.put("ranges", List.of(Map.of("n", i64(10), "x", f64(3.0)), Map.of("n", i64(0), "x", f64(-1.0)), Map.of("n", i64(7), "x", f64(0.6))));
        double[] a = {7, -7, 7, -7, 0, -0.0, 5.5, 1e300, 3, Double.NaN, Double.POSITIVE_INFINITY, 2, 1e-310, -9};
        double[] b = {2, 2, -2, -2, 3, 3, 0, 1e-300, 0.1, 1, 2, Double.NEGATIVE_INFINITY, 3e-320, 0};
        c.put("fd", List.of(Map.of("a", Tensor.fromDoubles(DType.F64, new int[] {a.length}, a), "b", Tensor.fromDoubles(DType.F64, new int[] {b.length}, b)),
                Map.of("a", scaled(rnd(r, 50), 100), "b", rnd(r, 50))));
        return c;
    }

    @Test
    void everyFunctionAssemblesForSm80AndSm90() {
        Ptxas.assumePresent();
        Module m = module();
        for (String fn : cases().keySet()) CudaLoweringTest.assemblesWithoutSpills(CudaLoweringTest.lower(m, fn, PtxTarget.DEFAULT));
    }

    @Test
    void thePlansRunOnThePtxInterpreterAsTheReferenceInterpreterComputes() {
        Module m = module();
        int n = 0;
        for (var e : cases().entrySet()) {
            Function f = m.function(e.getKey());
            PtxModule pm = CudaLoweringTest.lower(m, e.getKey(), PtxTarget.DEFAULT);
            for (var args : e.getValue()) {
                PtxSimDifferentialTest.check(f, pm, args, e.getKey() + " " + args, 2);
                n++;
            }
        }
        assertTrue(n > 30, n + " cases");
    }

    @Test
    void thePlanExecutorRunsThemOnTheSimulatedDriver() {
        Module m = module();
        var api = new SimCudaApi(3);
        CudaDevice device = CudaDevice.open(api, 0);
        int compared = 0, failed = 0;
        for (var e : cases().entrySet()) {
            Function f = m.function(e.getKey());
            var exec = new PlanExecutor(CudaLoweringTest.lower(m, e.getKey(), PtxTarget.DEFAULT).plan());
            for (var args : e.getValue()) {
                String what = e.getKey() + " " + args;
                List<Tensor> want;
                try {
                    want = Interpreter.run(f, args, x -> null).outputs();
                } catch (RuntimeException ex) {
                    assertThrows(RuntimeException.class, () -> call(device, exec, f, args), what + ": the interpreter fails with " + ex.getMessage());
                    failed++;
                    System.out.println("CudaScanSimTest: an error in both: " + e.getKey() + ": " + ex.getMessage());
                    continue;
                }
                List<Tensor> got = call(device, exec, f, args);
                for (int k = 0; k < want.size(); k++) close(want.get(k), got.get(k), what + " output " + k);
                compared++;
            }
        }
        // the errors: x[6] and x[-100] of 6 elements, sequences of lengths 3 and 4 zipped, and a carry that grows
        assertEquals(4, failed, compared + " compared");
    }

    @Test
    void aLongScanReleasesEachStepsMemory() {
        Module m = module();
        var exec = new PlanExecutor(CudaLoweringTest.lower(m, "rnn", PtxTarget.DEFAULT).plan());
        Function f = m.function("rnn");
        var r = new Random(8);
        long[] live = new long[2];
        int[] steps = {4, 200};
        for (int i = 0; i < 2; i++) {
            var api = new SimCudaApi(2);
            CudaDevice device = CudaDevice.open(api, 0);
            call(device, exec, f, Map.of("W", rnd(r, 3, 3), "U", rnd(r, 3, 2), "h0", rnd(r, 3), "xs", rnd(r, steps[i], 2)));
            live[i] = api.memory().blocks();
        }
        System.out.println("CudaScanSimTest: device blocks after a 4-step and a 200-step scan: " + live[0] + ", " + live[1]);
        // each step's temporaries go back to the pool and are reused: no more blocks for 200 steps than for 4
        assertTrue(live[1] <= live[0] + 1, "device blocks after 4 steps: " + live[0] + ", after 200: " + live[1]);
    }

    @Test
    void scanIsAHostLoopStepOverDeviceValues() {
        var plan = CudaLoweringTest.lower(module(), "rnn", PtxTarget.DEFAULT).plan();
        var scans = plan.steps().stream().filter(s -> s instanceof HostPlan.Scan).map(s -> (HostPlan.Scan) s).toList();
        assertEquals(1, scans.size(), plan.steps().toString());
        HostPlan.Scan s = scans.getFirst();
        // W @ h depends on the carry: its matmul runs in the body, once per step; U @ x reads the step's row
        assertTrue(s.body().stream().anyMatch(b -> b instanceof HostPlan.Launch l && l.entry().startsWith("gemv")), s.body().toString());
        assertEquals(List.of(), s.last());
        assertEquals(s.seqs().size() + s.inits().size(), s.params().size());
        assertEquals(1, s.inits().size());
    }

    private static List<Tensor> call(CudaDevice device, PlanExecutor exec, Function f, Map<String, Tensor> args) {
        var in = new DeviceArray[f.params().size()];
        for (int k = 0; k < in.length; k++) in[k] = DeviceArray.fromHost(device, nd(args.get(f.paramName(k))));
        DeviceArray[] out = exec.call(device, in, new DeviceArray[0]);
        var res = new ArrayList<Tensor>();
        for (int k = 0; k < f.outputs().size(); k++) res.add(tensor(out[k].toHost()));
        return res;
    }

    static NDArray nd(Tensor t) {
        NDArray a = NDArray.zeros(t.dtype(), t.shape());
        for (int i = 0; i < t.size(); i++) {
            if (t.dtype().isFloat()) a.buffer().setDouble(i, t.getDouble(i));
            else a.buffer().setLong(i, t.getLong(i));
        }
        return a;
    }

    static Tensor tensor(NDArray a) {
        NDArray c = a.contiguous();
        int n = c.size();
        if (a.dtype().isFloat()) {
            double[] d = new double[n];
            for (int i = 0; i < n; i++) d[i] = c.buffer().getDouble(c.offset() + i);
            return Tensor.ofDoubles(a.dtype(), a.shape(), d);
        }
        long[] l = new long[n];
        for (int i = 0; i < n; i++) l[i] = c.buffer().getLong(c.offset() + i);
        return Tensor.ofLongs(a.dtype(), a.shape(), l);
    }

    private static void close(Tensor e, Tensor g, String at) {
        assertArrayEquals(e.shape(), g.shape(), at + " shape");
        assertEquals(e.dtype(), g.dtype(), at + " dtype");
        double[] ev = e.toDoubles(), gv = g.toDoubles();
        double rel = e.dtype() == DType.F32 ? 2e-6 : e.dtype() == DType.F64 ? 1e-12 : 0;
        for (int i = 0; i < ev.length; i++) {
            final int j = i;
            if (Double.isNaN(ev[i])) assertTrue(Double.isNaN(gv[i]), () -> at + " element " + j + ": expected NaN, got " + gv[j]);
            else if (ev[i] != gv[i]) assertEquals(ev[i], gv[i], rel * Math.max(1, Math.abs(ev[i])), () -> at + " element " + j);
        }
    }

    private static Tensor rnd(Random r, int... shape) {
        double[] v = new double[Tensor.size(shape)];
        for (int i = 0; i < v.length; i++) v[i] = r.nextGaussian();
        return Tensor.fromDoubles(DType.F64, shape, v);
    }

    private static Tensor scaled(Tensor t, double by) {
        double[] v = t.toDoubles();
        for (int i = 0; i < v.length; i++) v[i] *= by;
        return Tensor.fromDoubles(t.dtype(), t.shape(), v);
    }

    private static Tensor vec(double... v) {
        return Tensor.fromDoubles(DType.F64, new int[] {v.length}, v);
    }

    private static Tensor i64(long v) {
        return Tensor.ofLongs(DType.I64, new int[0], new long[] {v});
    }

    private static Tensor f64(double v) {
        return Tensor.ofDoubles(DType.F64, new int[0], new double[] {v});
    }
}
