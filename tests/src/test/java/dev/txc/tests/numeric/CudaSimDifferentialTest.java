package dev.txc.tests.numeric;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.txc.cuda.CudaLowering;
import dev.txc.cuda.PtxModule;
import dev.txc.cuda.PtxTarget;
import dev.txc.cuda.sim.SimCudaApi;
import dev.txc.frontend.Frontend;
import dev.txc.ir.Function;
import dev.txc.ir.Interpreter;
import dev.txc.ir.Module;
import dev.txc.ir.SharedVar;
import dev.txc.ir.Tensor;
import dev.txc.jvm.Tensors;
import dev.txc.opt.PassContext;
import dev.txc.opt.Pipeline;
import dev.txc.runtime.cuda.CudaDevice;
import dev.txc.runtime.cuda.DeviceArray;
import dev.txc.runtime.cuda.PlanExecutor;
import dev.txc.types.DType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The random programs of {@link DifferentialTest} (elementwise ops, broadcasting, reductions, matmul, slicing, grad and
 * rop) compiled for CUDA (--opt-level 2, CudaLowering) and run on the PTX simulator through the runtime's plan
 * executor (SimCudaApi, grids capped at 4 blocks so grid-stride loops iterate): every function compiles for CUDA and
 * agrees with the reference interpreter on the --opt-level 0 module within DifferentialTest's tolerances (1e-10 f64, 1e-5 f32, relative to the output's largest magnitude; integers
 * exactly). Rerun one program with -Dtxc.diff.seed=SEED -Dtxc.cudasim.count=1.
 */
class CudaSimDifferentialTest {
    static final long BASE_SEED = Long.getLong("txc.diff.seed", 20261122L);
    static final int COUNT = Integer.getInteger("txc.cudasim.count", 60);

    private final SimCudaApi api = new SimCudaApi(4);
    private final CudaDevice device = CudaDevice.open(api, 0);
    private int ran;

    static Module compile(String src, DType floatX, int level, Pipeline.Stage stage) {
        var c = Frontend.compileText("t.tx", src, new Frontend.Options(floatX));
        assertTrue(c.ok(), () -> "compile errors: " + c.diagnostics() + "\nsource:\n" + src);
        return Pipeline.run(c.module(), stage, new PassContext(level, floatX));
    }

    /** The outputs of {@code f} (a lowered function) run on the simulated device. */
    List<Tensor> onDevice(Module m, Function f, Tensor[] args) {
        PtxModule pm = CudaLowering.lower(f, m.shared().stream().map(SharedVar::name).toList(), PtxTarget.DEFAULT);
        DeviceArray[] in = new DeviceArray[args.length];
        for (int k = 0; k < args.length; k++) in[k] = DeviceArray.fromHost(device, Tensors.toNd(args[k]));
        DeviceArray[] out = new PlanExecutor(pm.plan()).call(device, in, new DeviceArray[0]);
        var res = new ArrayList<Tensor>();
        for (int k = 0; k < f.outputs().size(); k++) res.add(Tensors.fromNd(out[k].toHost()));
        for (DeviceArray d : in) d.free();
        return res;
    }

    /** Runs one program; null when every function agrees, otherwise a report. */
    String check(long seed) {
        return check(seed, DifferentialTest.program(seed));
    }

    /**
     * A random scan program: {@code f} scans the rows of xs with a carry whose new value is a random expression
     * (DifferentialTest's grammar) over the carry h, the row v and the other parameters, squashed (tanh for floats,
     * a floor modulo for integers) so that it stays bounded over the steps, sometimes with a per-step output,
     * sometimes reversed or checkpointed, over zero to four steps; {@code g} (floats) differentiates the sum of the stacked carries with respect to every
     * parameter (backpropagation through time: scans again).
     */
    static DifferentialTest.Program scanProgram(long seed) {
        var r = new Random(seed);
        int kind = r.nextInt(10);
        DType dtype = kind < 6 ? DType.F64 : kind < 8 ? DType.F32 : kind < 9 ? DType.I64 : DType.I32;
        var g = new DifferentialTest.Gen(r, dtype);
        int n = g.dim(), m = g.dim(), steps = r.nextInt(5);
        boolean extra = r.nextBoolean();
        var params = List.of(new DifferentialTest.P("s", new int[0]), new DifferentialTest.P("xs", new int[] {steps, n}),
                new DifferentialTest.P("h0", new int[] {n}), new DifferentialTest.P("a", new int[] {n, m}), new DifferentialTest.P("b", new int[] {m}));
        g.params.addAll(List.of(params.get(0), params.get(3), params.get(4), new DifferentialTest.P("h", new int[] {n}), new DifferentialTest.P("v", new int[] {n})));
        g.budget = 10;
        String body = g.gen(new int[] {n}, 2 + r.nextInt(2)).src();
        body = dtype.isFloat() ? "tanh(" + body + ")" : "cast((" + body + ") % 7, " + dtype.spelling() + ")";
        g.budget = 6;
        String out = extra ? g.gen(r.nextBoolean() ? new int[] {m} : new int[0], 2).src() : null;
        String opts = switch (r.nextInt(6)) {
            case 0, 1 -> "(reverse=true)";
            case 2 -> "(checkpoint=" + (1 + r.nextInt(3)) + ")";
            default -> "";
        };
        String ps = String.join(", ", params.stream().map(q -> q.name() + ": " + DifferentialTest.type(dtype, q.shape())).toList());
        String scan = "scan" + opts + " v in xs carry h = h0 { " + body + " }";
        var src = new StringBuilder("fn f(" + ps + ") { ");
        if (extra) src.append("hs, os = scan").append(opts).append(" v in xs carry h = h0 { (").append(body).append(", ").append(out).append(") }; return (hs, os) }\n");
        else src.append("return ").append(scan).append(" }\n");
        boolean grad = dtype.isFloat();
        if (grad) src.append("fn g(").append(ps).append(") = grad(sum(").append(scan).append(") * s, [xs, h0, a, b, s], disconnected=\"zero\")\n");
        return new DifferentialTest.Program(src.toString(), params, dtype, grad, false);
    }

    /** Runs one program; null when every function agrees, otherwise a report. */
    String check(long seed, DifferentialTest.Program p) {
        String head = "seed " + seed + " (-Dtxc.diff.seed=" + seed + " -Dtxc.cudasim.count=1)\n" + p.src();
        DType floatX = p.dtype() == DType.F32 ? DType.F32 : DType.F64;
        try {
            Module m0 = compile(p.src(), floatX, 0, Pipeline.Stage.AD), m2 = compile(p.src(), floatX, 2, Pipeline.Stage.LOWERED);
            var r = new Random(seed * 31 + 7);
            Tensor[] args = p.params().stream().map(q -> DifferentialTest.value(r, p.dtype(), q.shape())).toArray(Tensor[]::new);
            double tol = p.dtype() == DType.F32 ? 1e-5 : 1e-10;
            var fns = new ArrayList<String>(List.of("f"));
            if (p.hasGrad()) fns.add("g");
            if (p.hasRop()) fns.add("r");
            for (String fn : fns) {
                Tensor[] a = args;
                if (fn.equals("r")) {
                    var l = new ArrayList<Tensor>(Arrays.asList(args));
                    for (DifferentialTest.P q : p.params()) if (!q.name().equals("s")) l.add(DifferentialTest.value(r, p.dtype(), q.shape()));
                    l.add(DifferentialTest.value(r, p.dtype(), new int[0]));
                    a = l.toArray(Tensor[]::new);
                }
                Function f0 = m0.function(fn);
                Map<String, Tensor> named = new HashMap<>();
                for (int k = 0; k < a.length; k++) named.put(f0.paramName(k), a[k]);
                List<Tensor> ref = Interpreter.run(f0, named, n -> null).outputs();
                List<Tensor> got = onDevice(m2, m2.function(fn), a);
                ran++;
                for (int k = 0; k < ref.size(); k++) {
                    String d = DifferentialTest.disagreement(ref.get(k), got.get(k), tol);
                    if (d != null) return head + "function " + fn + " output " + k + " (interpreter vs CUDA on the simulator): " + d
                            + "\nargs: " + Harness.describe(a);
                }
            }
            return null;
        } catch (Throwable e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            var sb = new StringBuilder(head + "threw " + e + (cause != e ? "\n  caused by " + cause : ""));
            StackTraceElement[] st = cause.getStackTrace();
            Arrays.stream(st).filter(x -> x.getClassName().startsWith("dev.txc")).limit(6).forEach(x -> sb.append("\n    at ").append(x));
            return sb.toString();
        }
    }

    @Test
    void randomScanProgramsOnTheSimulatedGpuAgreeWithTheInterpreter() {
        var failures = new ArrayList<String>();
        for (int i = 0; i < COUNT; i++) {
            String f = check(BASE_SEED + i, scanProgram(BASE_SEED + i));
            if (f != null) {
                failures.add(f);
                System.err.println("---- CUDA scan differential failure " + failures.size() + "\n" + f);
            }
        }
        System.err.println("CudaSimDifferentialTest: " + ran + " scan functions ran on the simulator");
        if (!failures.isEmpty())
            fail(failures.size() + " of " + COUNT + " random scan programs disagree on the simulated GPU; the first:\n" + failures.getFirst());
        assertTrue(ran >= COUNT, "only " + ran + " functions ran");
    }

    @Test
    void randomProgramsOnTheSimulatedGpuAgreeWithTheInterpreter() {
        var failures = new ArrayList<String>();
        for (int i = 0; i < COUNT; i++) {
            String f = check(BASE_SEED + i);
            if (f != null) {
                failures.add(f);
                System.err.println("---- CUDA differential failure " + failures.size() + "\n" + f);
            }
        }
        System.err.println("CudaSimDifferentialTest: " + ran + " functions ran on the simulator");
        if (!failures.isEmpty())
            fail(failures.size() + " of " + COUNT + " random programs disagree on the simulated GPU; the first:\n" + failures.getFirst());
        assertTrue(ran >= COUNT, "only " + ran + " functions ran");
    }
}
