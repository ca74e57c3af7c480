package dev.txc.tests.numeric;

import static dev.txc.tests.numeric.Harness.*;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.txc.frontend.Frontend;
import dev.txc.ir.Function;
import dev.txc.ir.Interpreter;
import dev.txc.ir.IrParser;
import dev.txc.ir.Module;
import dev.txc.ir.Tensor;
import dev.txc.jvm.JvmCompiler;
import dev.txc.opt.PassContext;
import dev.txc.opt.Pipeline;
import dev.txc.types.DType;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Issue 9 items 8/9 and resource bounds, backend side: functions far beyond the JVM's 64 KB method limit compile
 * (kernels are capped in size, the schedule is split over part methods, identical kernels share one method) and run
 * at -O0 and -O2 with the values of plain Java loops; the Hessian-vector product of a 20-layer MLP compiles in bounded
 * time and memory.
 */
class ResourceBoundsTest {
    static final int N = 10_000;

    /** a0 = x; a_i = sin(a_{i-1}) + x, N statements. */
    @Test
    void tenThousandStatements() {
        var src = new StringBuilder("fn f(x: f64[?]) {\n  a0 = x\n");
        for (int i = 1; i <= N; i++) src.append("  a").append(i).append(" = sin(a").append(i - 1).append(") + x\n");
        src.append("  return a").append(N).append("\n}\n");
        double[] xs = {0.5, -1.25, 2};
        double[] expected = new double[xs.length];
        for (int k = 0; k < xs.length; k++) {
            double a = xs[k];
            for (int i = 1; i <= N; i++) a = Math.sin(a) + xs[k];
            expected[k] = a;
        }
        check(run1(compile(src.toString()), "f", f64(sh(3), xs)), DType.F64, sh(3), expected, 1e-9, "10000 statements");
    }

    /**
     * x*1 + x*2 + ... + x*N as one flat expression. Built as IR text (what the frontend lowers a flat chain to), so
     * this checks the optimizer and the backend on their own.
     */
    @Test
    void tenThousandTermExpression() {
        var ir = new StringBuilder("func @f(%x: f64[?]) -> (f) {\n");
        for (int i = 1; i <= N; i++) {
            ir.append("  %c").append(i).append(" = const ").append(i).append(".0 : f64\n");
            ir.append("  %t").append(i).append(" = mul %x, %c").append(i).append(" : f64[?]\n");
            if (i > 1) ir.append("  %s").append(i).append(" = add %").append(i == 2 ? "t1" : "s" + (i - 1)).append(", %t").append(i).append(" : f64[?]\n");
        }
        ir.append("  return %s").append(N).append("\n}\n");
        Function f = IrParser.parseFunction("t.tir", ir.toString());
        var m = new Module(List.of(), List.of(f));
        Tensor x = f64(sh(2), 0.5, -2);
        // Each term is exact and every partial sum is an integer (times 0.5) below 2^53: the sum is exact in any order.
        double s = N * (N + 1.0) / 2;
        for (int level : new int[] {0, 2}) {
            Function g = Pipeline.run(m, level == 0 ? Pipeline.Stage.AD : Pipeline.Stage.FUSED, new PassContext(level, DType.F64)).function("f");
            check(jvm(g, x).getFirst(), DType.F64, sh(2), new double[] {0.5 * s, -2 * s}, 0, "10000 terms at -O" + level);
        }
        check(Interpreter.run(f, byName(f, x), n -> null).outputs().getFirst(), DType.F64, sh(2), new double[] {0.5 * s, -2 * s}, 0, "interpreter");
    }

    /**
     * x + x + ... + x over a scalar, from source: at -O2 this is a chain of 256-node rank-0 kernels that the backend
     * computes inline in locals, so their bodies must count towards the size of a part method.
     */
    @Test
    void tenThousandTermScalarChainFromSource() {
        String src = "fn f(x: f64) = x" + " + x".repeat(N - 1) + "\n";
        check(run1(compile(src), "f", scalar(0.75)), DType.F64, sh(), new double[] {0.75 * N}, 0, "10000-term scalar chain");
    }

    /** A function whose kernels are all different (a distinct constant each) still fits the class file. */
    @Test
    void manyDistinctKernelsAtO0() {
        var src = new StringBuilder("fn f(x: f64[?]) {\n  a0 = x\n");
        int n = 3000;
        for (int i = 1; i <= n; i++) src.append("  a").append(i).append(" = a").append(i - 1).append(" * 0.5 + ").append(i).append(".0\n");
        src.append("  return a").append(n).append("\n}\n");
        double a = 3;
        for (int i = 1; i <= n; i++) a = a * 0.5 + i;
        check(run1(compile(src.toString()), "f", f64(sh(1), 3)), DType.F64, sh(1), new double[] {a}, 1e-12, "3000 distinct kernels");
    }

    static final int LAYERS = 20, WIDTH = 4, BATCH = 3;

    /** hvp(W, V) = d/dW (grad(cost, W) . V) for cost = sum(h_20^2), h_l = tanh(h_{l-1} @ W_l). */
    static String mlpHvp() {
        var ws = new ArrayList<String>();
        var vs = new ArrayList<String>();
        for (int l = 1; l <= LAYERS; l++) {
            ws.add("w" + l);
            vs.add("v" + l);
        }
        var sb = new StringBuilder("fn cost(x: f64[" + BATCH + ", " + WIDTH + "]");
        for (String w : ws) sb.append(", ").append(w).append(": f64[").append(WIDTH).append(", ").append(WIDTH).append("]");
        sb.append(") {\n  h0 = x\n");
        for (int l = 1; l <= LAYERS; l++) sb.append("  h").append(l).append(" = tanh(h").append(l - 1).append(" @ w").append(l).append(")\n");
        sb.append("  return sum(h").append(LAYERS).append(" ** 2)\n}\n");
        String wParams = String.join(", ", ws.stream().map(w -> w + ": f64[" + WIDTH + ", " + WIDTH + "]").toList());
        String vParams = String.join(", ", vs.stream().map(v -> v + ": f64[" + WIDTH + ", " + WIDTH + "]").toList());
        String wList = String.join(", ", ws);
        sb.append("fn g(x: f64[").append(BATCH).append(", ").append(WIDTH).append("], ").append(wParams).append(") = grad(cost(x, ").append(wList).append("), [").append(wList).append("])\n");
        sb.append("fn hvp(x: f64[").append(BATCH).append(", ").append(WIDTH).append("], ").append(wParams).append(", ").append(vParams).append(") {\n");
        sb.append("  ").append(String.join(", ", ws.stream().map(w -> "g" + w).toList())).append(" = grad(cost(x, ").append(wList).append("), [").append(wList).append("])\n");
        sb.append("  gv = ").append(String.join(" + ", ws.stream().map(w -> "sum(g" + w + " * v" + w.substring(1) + ")").toList())).append("\n");
        sb.append("  return grad(gv, [").append(wList).append("])\n}\n");
        return sb.toString();
    }

    @Test
    void hessianVectorProductOfA20LayerMlp() {
        String src = mlpHvp();
        var mem = ManagementFactory.getMemoryMXBean();
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        System.gc();
        long heap0 = mem.getHeapMemoryUsage().getUsed(), alloc0 = threads.getCurrentThreadAllocatedBytes(), t0 = System.nanoTime();
        var c = Frontend.compileText("mlp.tx", src, Frontend.Options.defaults());
        assertTrue(c.ok(), () -> c.diagnostics().toString());
        Module opt = Pipeline.run(c.module(), Pipeline.Stage.FUSED, new PassContext(2, DType.F64));
        int nodes = dev.txc.ir.Graphs.ancestors(opt.function("hvp").roots()).size();
        var unit = JvmCompiler.compile(opt.function("hvp"), List.of());
        double seconds = (System.nanoTime() - t0) / 1e9;
        long allocated = threads.getCurrentThreadAllocatedBytes() - alloc0, heap = mem.getHeapMemoryUsage().getUsed() - heap0;
        System.out.printf("20-layer MLP Hessian-vector product at -O2: compile %.2f s, %d IR nodes, class %d bytes, allocated %d MB, heap growth %d MB%n",
                seconds, nodes, unit.bytes().length, allocated >> 20, heap >> 20);
        assertTrue(seconds < 60, "compile time " + seconds + " s");
        assertTrue(allocated < (4L << 30), "allocated " + (allocated >> 20) + " MB while compiling");
        assertTrue(nodes < 20_000, "optimized graph of " + nodes + " nodes");

        // Values: the three engines agree, and hvp matches central differences of the gradient along V.
        var r = new Random(7);
        Tensor x = f64(sh(BATCH, WIDTH), uniform(r, BATCH * WIDTH, -1, 1));
        Tensor[] w = new Tensor[LAYERS], v = new Tensor[LAYERS];
        for (int l = 0; l < LAYERS; l++) {
            w[l] = f64(sh(WIDTH, WIDTH), uniform(r, WIDTH * WIDTH, -0.9, 0.9));
            v[l] = f64(sh(WIDTH, WIDTH), uniform(r, WIDTH * WIDTH, -1, 1));
        }
        var compiled = compile(src);
        var args = new ArrayList<Tensor>(List.of(x));
        args.addAll(List.of(w));
        args.addAll(List.of(v));
        List<Tensor> hv = run(compiled, "hvp", 1e-9, args.toArray(Tensor[]::new));
        double eps = 1e-5;
        List<Tensor> plus = run(compiled, "g", 1e-9, shifted(x, w, v, eps)), minus = run(compiled, "g", 1e-9, shifted(x, w, v, -eps));
        for (int l = 0; l < LAYERS; l++) {
            double[] p = plus.get(l).toDoubles(), q = minus.get(l).toDoubles(), e = new double[p.length];
            for (int k = 0; k < e.length; k++) e[k] = (p[k] - q[k]) / (2 * eps);
            check(hv.get(l), DType.F64, sh(WIDTH, WIDTH), e, 1e-5, "hvp of layer " + (l + 1) + " vs central differences of the gradient");
        }
    }

    static Tensor[] shifted(Tensor x, Tensor[] w, Tensor[] v, double eps) {
        var out = new ArrayList<Tensor>(List.of(x));
        for (int l = 0; l < w.length; l++) {
            double[] a = w[l].toDoubles(), d = v[l].toDoubles();
            for (int k = 0; k < a.length; k++) a[k] += eps * d[k];
            out.add(f64(w[l].shape(), a));
        }
        return out.toArray(Tensor[]::new);
    }
}
