package dev.txc.cuda.sim;

import dev.txc.cuda.CudaLowering;
import dev.txc.cuda.PtxModule;
import dev.txc.cuda.PtxTarget;
import dev.txc.frontend.Frontend;
import dev.txc.ir.Function;
import dev.txc.ir.Interpreter;
import dev.txc.ir.Module;
import dev.txc.ir.SharedVar;
import dev.txc.ir.Tensor;
import dev.txc.opt.PassContext;
import dev.txc.opt.Pipeline;
import dev.txc.runtime.NDArray;
import dev.txc.runtime.cuda.CudaDevice;
import dev.txc.runtime.cuda.DeviceArray;
import dev.txc.runtime.cuda.PlanExecutor;
import dev.txc.types.DType;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Whole functions compiled for CUDA (-O2, CudaLowering) and run by the host plan's executor on the simulated driver
 * agree with the reference interpreter on the -O0 module: within 1e-10 relative in f64 (the optimized module may
 * round differently) and 1e-5 in f32; integers and booleans exactly.
 */
class CudaLoweringSimTest {
    static Module compile(String source, int optLevel, Pipeline.Stage stage) {
        var c = Frontend.compileText("t.tx", source, Frontend.Options.defaults());
        assertTrue(c.ok(), () -> c.diagnostics().toString());
        return Pipeline.run(c.module(), stage, new PassContext(optLevel, DType.F64));
    }

    static Tensor random(Random r, DType d, int... shape) {
        int n = Tensor.size(shape);
        double[] v = new double[n];
        for (int k = 0; k < n; k++) v[k] = d.isFloat() ? r.nextGaussian() : d == DType.BOOL ? r.nextInt(2) : r.nextInt(19) - 9;
        return Tensor.fromDoubles(d, shape, v);
    }

    static NDArray toNd(Tensor t) {
        int n = t.size();
        return switch (t.dtype()) {
            case F64 -> NDArray.ofDoubles(t.toDoubles(), t.shape());
            case F32 -> {
                float[] f = new float[n];
                for (int k = 0; k < n; k++) f[k] = (float) t.getDouble(k);
                yield NDArray.ofFloats(f, t.shape());
            }
            case I64 -> NDArray.ofLongs(t.toLongs(), t.shape());
            case I32 -> {
                int[] v = new int[n];
                for (int k = 0; k < n; k++) v[k] = (int) t.getLong(k);
                yield NDArray.ofInts(v, t.shape());
            }
            case I16 -> {
                short[] v = new short[n];
                for (int k = 0; k < n; k++) v[k] = (short) t.getLong(k);
                yield NDArray.wrap(DType.I16, v, t.shape());
            }
            case I8, U8 -> {
                byte[] v = new byte[n];
                for (int k = 0; k < n; k++) v[k] = (byte) t.getLong(k);
                yield NDArray.wrap(t.dtype(), v, t.shape());
            }
            case BOOL -> {
                boolean[] v = new boolean[n];
                for (int k = 0; k < n; k++) v[k] = t.getLong(k) != 0;
                yield NDArray.ofBooleans(v, t.shape());
            }
        };
    }

    private final SimCudaApi api = new SimCudaApi(4);
    private final CudaDevice device = CudaDevice.open(api, 0);
    private final Map<String, Module[]> modules = new HashMap<>();
    private final Map<String, PtxModule> lowered = new HashMap<>();

    /** Runs {@code fn} both ways on {@code args} and compares every output. */
    void check(String source, String fn, Map<String, Tensor> args) {
        Module[] ms = modules.computeIfAbsent(source,
                s -> new Module[] {compile(s, 0, Pipeline.Stage.AD), compile(s, 2, Pipeline.Stage.LOWERED)});
        Function f0 = ms[0].function(fn), f2 = ms[1].function(fn);
        List<Tensor> expect = Interpreter.run(f0, args, n -> null).outputs();
        PtxModule pm = lowered.computeIfAbsent(source + "\0" + fn,
                k -> CudaLowering.lower(f2, ms[1].shared().stream().map(SharedVar::name).toList(), PtxTarget.DEFAULT));
        long before = api.launches();
        DeviceArray[] in = new DeviceArray[f2.params().size()];
        for (int k = 0; k < in.length; k++) in[k] = DeviceArray.fromHost(device, toNd(args.get(f2.paramName(k))));
        DeviceArray[] out = new PlanExecutor(pm.plan()).call(device, in, new DeviceArray[0]);
        assertTrue(api.launches() > before, fn + " launched no kernel");
        assertEquals(expect.size(), out.length, fn + " outputs");
        for (int k = 0; k < expect.size(); k++) {
            Tensor e = expect.get(k);
            NDArray g = out[k].toHost();
            String what = fn + " output " + k;
            assertArrayEquals(e.shape(), g.shape(), what + " shape");
            assertEquals(e.dtype(), g.dtype(), what + " dtype");
            double tol = e.dtype() == DType.F64 ? 1e-10 : e.dtype() == DType.F32 ? 1e-5 : 0;
            for (int i = 0; i < e.size(); i++) {
                double ev = e.getDouble(i), gv = g.getDoubleFlat(i);
                if (Double.isNaN(ev)) assertTrue(Double.isNaN(gv), what + " element " + i + ": " + gv);
                else assertEquals(ev, gv, tol * Math.max(1, Math.abs(ev)), what + " element " + i);
            }
        }
    }

    static final String PROGRAMS = """
        fn dlogistic(x: f64[?, ?]) = grad(sum(1 / (1 + exp(-x))), x)
        fn f(x: FX[n, m], y: FX[m]) = (sum(exp(-x * x) * y), mean(x * y, axis=1), sum(tanh(x) + 1, axis=-1, keepdims=true), mean(x - y, keepdims=true))
        fn t(x: FX[n, m]) = (sum(x.T * 2, axis=1), mean(abs(x.T)))
        fn v(x: FX[n]) = (sum(x * x), mean(sigmoid(x)))
        fn e(x: FX[n, m], y: FX[m]) = (x * y + 1, sqrt(abs(x)) - y / 3, where(x > 0, log1p(abs(x)), expm1(x)), maximum(x, y))
        fn g(a: i32[n], b: i32[n], c: u8[n]) = (where(a > b, a * b, a - b), c * c + 1, a ** 2, cast(c, i8) > 3 or a == b)
        """;

    @Test
    void elementwiseAndReductionFunctionsMatchTheInterpreter() {
        Random r = new Random(3);
        for (DType d : List.of(DType.F64, DType.F32)) {
            String src = PROGRAMS.replace("FX", d.spelling());
            for (int[] nm : new int[][] {{1, 1}, {3, 5}, {7, 300}, {130, 9}}) {
                int n = nm[0], m = nm[1];
                check(src, "dlogistic", Map.of("x", random(r, DType.F64, n, m)));
                check(src, "f", Map.of("x", random(r, d, n, m), "y", random(r, d, m)));
                check(src, "t", Map.of("x", random(r, d, n, m)));
                check(src, "v", Map.of("x", random(r, d, n * m)));
                check(src, "e", Map.of("x", random(r, d, n, m), "y", random(r, d, m)));
                check(src, "g", Map.of("a", random(r, DType.I32, n * m), "b", random(r, DType.I32, n * m), "c", random(r, DType.U8, n * m)));
            }
        }
    }
}
