package dev.txc.tests.numeric;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.txc.frontend.Frontend;
import dev.txc.ir.Function;
import dev.txc.ir.Interpreter;
import dev.txc.ir.Module;
import dev.txc.ir.Tensor;
import dev.txc.jvm.JvmCompiler;
import dev.txc.jvm.Tensors;
import dev.txc.opt.PassContext;
import dev.txc.opt.Pipeline;
import dev.txc.runtime.CompiledFunction;
import dev.txc.runtime.NDArray;
import dev.txc.types.DType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The shared harness of the numeric suites: compiles tx source, runs a function through both the reference
 * interpreter and the JVM backend, and fails when the two disagree (shape, dtype, or values beyond tolerance).
 * The interpreter runs the module right after differentiation (stage ad); the JVM backend runs that same module
 * and also the fully optimized one (stage fused, -O2, as the driver compiles it), so optimizer rewrites are
 * checked too. Expected values never come from here: tests compare the returned results with independent references.
 */
final class Harness {
    private Harness() {}

    /** Backend-agreement tolerance, relative to max(1, |value|): f64 values may differ by rounding of fused kernels. */
    static final double AGREE_F64 = 1e-12;
    static final double AGREE_F32 = 1e-6;

    /** Agreement of the optimized JVM code with the interpreter: stabilizing rewrites may change rounding a little. */
    static final double AGREE_OPT_F64 = 1e-10;

    /** The last stage the optimized module is taken to; -Dtxc.numeric.optStage=ad turns the optimized comparison off. */
    static final Pipeline.Stage OPT_STAGE = Pipeline.Stage.valueOf(System.getProperty("txc.numeric.optStage", "FUSED").toUpperCase(java.util.Locale.ROOT));

    /** A compiled module: the IR after differentiation and after the whole pipeline, with the source kept for messages. */
    record Compiled(String source, Module module, Module optimized, DType floatX) {
        Function optFn(String name) {
            return optimized.function(name);
        }

        Function fn(String name) {
            Function f = module.function(name);
            if (f == null) fail("no function " + name + " in\n" + source);
            return f;
        }
    }

    private static final Map<Function, CompiledFunction> JVM = new IdentityHashMap<>();

    static Compiled compile(String src) {
        return compile(src, DType.F64);
    }

    static Compiled compile(String src, DType floatX) {
        var c = Frontend.compileText("t.tx", src, new Frontend.Options(floatX));
        assertTrue(c.ok(), () -> "compile errors: " + c.diagnostics() + "\nsource:\n" + src);
        // The reference is --opt-level 0 (differentiation only, no rewrites); the optimized module is --opt-level 2.
        Module m = Pipeline.run(c.module(), Pipeline.Stage.AD, new PassContext(0, floatX));
        Module opt = null;
        if (OPT_STAGE != Pipeline.Stage.AD) {
            try {
                opt = Pipeline.run(c.module(), OPT_STAGE, new PassContext(2, floatX));
            } catch (RuntimeException e) {
                throw new AssertionError("the optimizer failed (stage " + OPT_STAGE + ") on\n" + src, e);
            }
        }
        return new Compiled(src, m, opt, floatX);
    }

    /** Whether the source compiles; the diagnostics otherwise (for tests of compile-time rules). */
    static List<?> diagnostics(String src) {
        var c = Frontend.compileText("t.tx", src, Frontend.Options.defaults());
        return c.ok() ? List.of() : c.diagnostics();
    }

    /** Runs {@code fn} by the interpreter only, arguments in parameter order. */
    static List<Tensor> interp(Compiled c, String fn, Tensor... args) {
        Function f = c.fn(fn);
        return Interpreter.run(f, byName(f, args), n -> null).outputs();
    }

    /** Runs {@code fn} by the JVM backend only, arguments in parameter order. */
    static List<Tensor> jvm(Compiled c, String fn, Tensor... args) {
        return jvm(c.fn(fn), args);
    }

    static List<Tensor> jvm(Function f, Tensor... args) {
        CompiledFunction cf;
        synchronized (JVM) {
            cf = JVM.get(f);
            if (cf == null) {
                cf = JvmCompiler.load(JvmCompiler.compile(f, List.of()));
                JVM.put(f, cf);
            }
        }
        NDArray[] in = new NDArray[args.length];
        for (int k = 0; k < args.length; k++) in[k] = Tensors.toNd(args[k]);
        NDArray[] out = cf.call(in, new NDArray[0]);
        var res = new ArrayList<Tensor>();
        for (int k = 0; k < f.outputs().size(); k++) res.add(Tensors.fromNd(out[k]));
        return res;
    }

    /** Runs {@code fn} by both backends, checks that they agree, and returns the interpreter's outputs. */
    static List<Tensor> run(Compiled c, String fn, Tensor... args) {
        return run(c, fn, AGREE_F64, args);
    }

    static List<Tensor> run(Compiled c, String fn, double tolF64, Tensor... args) {
        List<Tensor> ref;
        try {
            ref = interp(c, fn, args);
        } catch (RuntimeException e) {
            throw new AssertionError("interpreter failed on " + fn + " " + describe(args) + ": " + e + "\nsource:\n" + c.source, e);
        }
        List<Tensor> got;
        try {
            got = jvm(c, fn, args);
        } catch (RuntimeException | LinkageError e) {
            throw new AssertionError("JVM backend failed on " + fn + " " + describe(args) + ": " + e + "\nsource:\n" + c.source, e);
        }
        assertEquals(ref.size(), got.size(), "output count of " + fn);
        for (int k = 0; k < ref.size(); k++) agree(ref.get(k), got.get(k), tolF64, fn + " output " + k + " (interpreter vs JVM)\nsource:\n" + c.source);
        if (c.optimized() != null) {
            List<Tensor> opt;
            try {
                opt = jvm(c.optFn(fn), args);
            } catch (RuntimeException | LinkageError e) {
                throw new AssertionError("JVM backend failed on the optimized (" + OPT_STAGE + ") " + fn + " " + describe(args) + ": " + e + "\nsource:\n" + c.source, e);
            }
            for (int k = 0; k < ref.size(); k++)
                agree(ref.get(k), opt.get(k), Math.max(tolF64, AGREE_OPT_F64), fn + " output " + k + " (interpreter vs optimized " + OPT_STAGE + " JVM)\nsource:\n" + c.source);
        }
        return ref;
    }

    /** The first output, by both backends. */
    static Tensor run1(Compiled c, String fn, Tensor... args) {
        return run(c, fn, args).getFirst();
    }

    /** Compiles a one-function module and runs it by both backends; the first output. */
    static Tensor eval(String src, String fn, Tensor... args) {
        return run1(compile(src), fn, args);
    }

    /** Outputs and the new values of updated shared variables (not yet applied), by name. */
    record Step(List<Tensor> outputs, Map<String, Tensor> updates) {}

    /**
     * Calls {@code fn} once with the shared variables' current values (by name; every shared variable of the module)
     * by the interpreter and by the JVM backend (plain and optimized), checks that outputs and updates agree, and
     * returns the interpreter's.
     */
    static Step step(Compiled c, String fn, Map<String, Tensor> shared, Tensor... args) {
        Function f = c.fn(fn);
        var ref = Interpreter.run(f, byName(f, args), shared::get);
        List<String> names = c.module().shared().stream().map(dev.txc.ir.SharedVar::name).toList();
        var fns = new ArrayList<Function>(List.of(f));
        if (c.optimized() != null) fns.add(c.optFn(fn));
        for (Function g : fns) {
            // Fresh arrays for each call: a call may write updates into the shared arrays it was given.
            NDArray[] sh = new NDArray[names.size()];
            for (int k = 0; k < sh.length; k++) sh[k] = Tensors.toNd(shared.get(names.get(k)));
            NDArray[] in = new NDArray[args.length];
            for (int k = 0; k < args.length; k++) in[k] = Tensors.toNd(args[k]);
            NDArray[] out = JvmCompiler.load(JvmCompiler.compile(g, names)).call(in, sh);
            String what = fn + (g == f ? "" : " (optimized)") + " by the JVM backend";
            assertEquals(ref.outputs().size() + ref.updates().size(), out.length, what + ": outputs + updates");
            for (int k = 0; k < ref.outputs().size(); k++) agree(ref.outputs().get(k), Tensors.fromNd(out[k]), g == f ? AGREE_F64 : AGREE_OPT_F64, what + " output " + k);
            int k = ref.outputs().size();
            for (var u : g.updates()) {
                agree(ref.updates().get(u.shared()), Tensors.fromNd(out[k]), g == f ? AGREE_F64 : AGREE_OPT_F64, what + " update of " + u.shared());
                k++;
            }
        }
        return new Step(ref.outputs(), ref.updates());
    }

    /** Fails unless both backends throw on these arguments (run-time errors such as an index out of range). */
    static void bothThrow(Compiled c, String fn, Tensor... args) {
        boolean i = throwsOn(() -> interp(c, fn, args)), j = throwsOn(() -> jvm(c, fn, args));
        assertTrue(i, "interpreter did not throw on " + fn + " " + describe(args));
        assertTrue(j, "JVM backend did not throw on " + fn + " " + describe(args));
        if (c.optimized() != null) assertTrue(throwsOn(() -> jvm(c.optFn(fn), args)), "optimized JVM code did not throw on " + fn + " " + describe(args));
    }

    private static boolean throwsOn(Runnable r) {
        try {
            r.run();
            return false;
        } catch (RuntimeException e) {
            return true;
        }
    }

    /** Two results of the same computation agree: equal shape and dtype, values within tol (NaN equals NaN). */
    static void agree(Tensor ref, Tensor got, double tolF64, String what) {
        assertEquals(ref.dtype(), got.dtype(), what + ": dtype");
        assertArrayEquals(ref.shape(), got.shape(), what + ": shape");
        if (!ref.dtype().isFloat()) {
            assertArrayEquals(ref.toLongs(), got.toLongs(), what + ": values");
            return;
        }
        double tol = ref.dtype() == DType.F32 ? Math.max(tolF64, AGREE_F32) : tolF64;
        double[] a = ref.toDoubles(), b = got.toDoubles();
        for (int k = 0; k < a.length; k++)
            if (!close(a[k], b[k], tol))
                fail(what + ": element " + k + ": interpreter " + a[k] + " vs JVM " + b[k] + "\ninterpreter: " + ref + "\nJVM: " + got);
    }

    /** |a - b| <= tol * max(1, |a|, |b|); NaN equals NaN, infinities must match exactly. */
    static boolean close(double a, double b, double tol) {
        if (Double.isNaN(a) || Double.isNaN(b)) return Double.isNaN(a) && Double.isNaN(b);
        if (Double.isInfinite(a) || Double.isInfinite(b)) return a == b;
        return Math.abs(a - b) <= tol * Math.max(1, Math.max(Math.abs(a), Math.abs(b)));
    }

    /**
     * |expected - actual| <= tol * |expected| + tol * 1e-3: relative, with an absolute floor a thousand times tighter
     * for values that cancel to (nearly) zero. NaN equals NaN; infinities must match exactly.
     */
    static boolean closeRel(double expected, double actual, double tol) {
        if (Double.isNaN(expected) || Double.isNaN(actual)) return Double.isNaN(expected) && Double.isNaN(actual);
        if (Double.isInfinite(expected) || Double.isInfinite(actual)) return expected == actual;
        return Math.abs(expected - actual) <= tol * Math.abs(expected) + tol * 1e-3;
    }

    // ---- assertions against references ----

    /** Checks dtype, shape and values of {@code got} against a reference (relative tolerance). */
    static void check(Tensor got, DType dtype, int[] shape, double[] expected, double tol, String what) {
        assertEquals(dtype, got.dtype(), what + ": dtype");
        assertArrayEquals(shape, got.shape(), what + ": shape, got " + got);
        double[] v = got.toDoubles();
        assertEquals(expected.length, v.length, what + ": size");
        for (int k = 0; k < v.length; k++)
            if (!closeRel(expected[k], v[k], tol))
                fail(what + ": element " + k + ": expected " + expected[k] + " got " + v[k] + "\nexpected " + Arrays.toString(expected) + "\ngot " + got);
    }

    static void check(Tensor got, DType dtype, int[] shape, double[] expected, String what) {
        check(got, dtype, shape, expected, dtype == DType.F32 ? 1e-6 : dtype == DType.F64 ? 1e-12 : 0, what);
    }

    static void checkLongs(Tensor got, DType dtype, int[] shape, long[] expected, String what) {
        assertEquals(dtype, got.dtype(), what + ": dtype");
        assertArrayEquals(shape, got.shape(), what + ": shape, got " + got);
        assertArrayEquals(expected, got.toLongs(), what + ": values, got " + got);
    }

    // ---- building values ----

    static int[] sh(int... s) {
        return s;
    }

    static Tensor f64(int[] shape, double... v) {
        return Tensor.ofDoubles(DType.F64, shape, v);
    }

    static Tensor f32(int[] shape, double... v) {
        return Tensor.ofDoubles(DType.F32, shape, v);
    }

    static Tensor of(DType d, int[] shape, double... v) {
        return Tensor.fromDoubles(d, shape, v);
    }

    static Tensor scalar(double v) {
        return Tensor.scalar(DType.F64, v);
    }

    static Tensor i64(long v) {
        return Tensor.scalarLong(DType.I64, v);
    }

    /** Uniform values in [lo, hi). */
    static double[] uniform(Random r, int n, double lo, double hi) {
        double[] v = new double[n];
        for (int k = 0; k < n; k++) v[k] = lo + (hi - lo) * r.nextDouble();
        return v;
    }

    static Tensor uniform(Random r, DType d, int[] shape, double lo, double hi) {
        return Tensor.fromDoubles(d, shape, uniform(r, Tensor.size(shape), lo, hi));
    }

    static double[] randn(Random r, int n) {
        double[] v = new double[n];
        for (int k = 0; k < n; k++) v[k] = r.nextGaussian();
        return v;
    }

    static String describe(Tensor... args) {
        var sb = new StringBuilder("(");
        for (int k = 0; k < args.length; k++) sb.append(k == 0 ? "" : ", ").append(args[k]);
        return sb.append(")").toString();
    }

    static int size(int[] shape) {
        int n = 1;
        for (int s : shape) n *= s;
        return n;
    }

    /** Multi-index helpers for plain-loop references in C order. */
    static int flat(int[] shape, int... idx) {
        int p = 0;
        for (int d = 0; d < shape.length; d++) p = p * shape[d] + idx[d];
        return p;
    }

    static int[] unflat(int[] shape, int i) {
        int[] idx = new int[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            idx[d] = i % shape[d];
            i /= shape[d];
        }
        return idx;
    }

    static Map<String, Tensor> byName(Function f, Tensor... args) {
        if (args.length != f.params().size()) fail(f.name() + " takes " + f.params().size() + " arguments, the test gave " + args.length);
        var m = new HashMap<String, Tensor>();
        for (int k = 0; k < args.length; k++) m.put(f.paramName(k), args[k]);
        return m;
    }
}
