package dev.txc.driver;

import dev.txc.ir.Function;
import dev.txc.ir.Module;
import dev.txc.ir.Node;
import dev.txc.ir.SharedVar;
import dev.txc.jvm.JvmCompiler;
import dev.txc.opt.Pipeline;
import dev.txc.runtime.model.CompiledModel;
import dev.txc.runtime.model.ModelBundle;
import dev.txc.runtime.model.Program;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Runs functions as generated JVM bytecode: each function (and each parameter default) becomes one class,
 * compiled once per load and called many times through the runtime's {@link CompiledModel}.
 */
public final class JvmEngine implements Engine {
    /** Nanoseconds spent defining and instantiating generated classes so far (for {@code --timings}). */
    private final java.util.concurrent.atomic.AtomicLong classLoadNanos = new java.util.concurrent.atomic.AtomicLong();

    long classLoadNanos() {
        return classLoadNanos.get();
    }

    @Override
    public Pipeline.Stage stage() {
        return Pipeline.Stage.LOWERED;
    }

    @Override
    public Program load(Module m) {
        return load(m, null);
    }

    /**
     * As {@link #load(Module)}, {@code m} lowered by {@code c}: at -O2, functions with row parameters run over row
     * blocks when their row data is large ({@link RowTiling}), split from {@code c}'s optimized module.
     */
    @Override
    public Program load(Module m, Compiler c) {
        Map<String, int[]> rowArgs = new HashMap<>();
        if (c != null) for (Function f : m.functions()) rowArgs.put(f.name(), RowTiling.rowArgs(f, c.options().optLevel()));
        Supplier<Module> optimized = c == null ? null : CachedRun.memoized(() -> c.upTo(Pipeline.Stage.OPT));
        return CachedRun.model(ModelSpecs.of(m, "module"), compile(m, dev.txc.runtime.VectorSupport.available()), rowArgs,
                optimized, c == null ? dev.txc.types.DType.F64 : c.options().floatX(), classLoadNanos);
    }

    /**
     * Every class of {@code m} (a lowered module): each function's, then the classes of its parameters' defaults;
     * with vector loops when {@code vectors}.
     */
    static List<JvmCompiler.Unit> compile(Module m, boolean vectors) {
        List<String> shared = m.shared().stream().map(SharedVar::name).toList();
        var out = new ArrayList<JvmCompiler.Unit>();
        for (Function f : withDefaults(m)) out.add(checked(JvmCompiler.compile(f, shared, vectors), f.name()));
        return out;
    }

    /**
     * Every function of {@code m}, each followed by its parameters' defaults as functions of the parameters before
     * them, named by {@link #defaultName}: what an engine compiles for a module.
     */
    static List<Function> withDefaults(Module m) {
        var out = new ArrayList<Function>();
        for (Function f : m.functions()) {
            out.add(f);
            for (int k = 0; k < f.params().size(); k++) {
                Node d = f.defaults().get(f.paramName(k));
                if (d == null) continue;
                // A default is a function of the parameters before it.
                out.add(new Function(defaultName(f, f.paramName(k)), f.params().subList(0, k), Map.of(),
                        List.of(new Function.Output(f.paramName(k), d)), List.of(), f.locs()));
            }
        }
        return out;
    }

    /**
     * The classes of {@code m} as a standalone jar stores them: without vector loops, since the JVM that runs the jar
     * may lack jdk.incubator.vector (see DECISIONS.md).
     */
    static List<ModelBundle.ClassFile> classFiles(Module m) {
        return compile(m, false).stream().map(u -> new ModelBundle.ClassFile(binaryName(u), u.bytes(), u.pool())).toList();
    }

    /** The name of the function computing the default of {@code param}. */
    static String defaultName(Function f, String param) {
        return f.name() + "$default$" + param;
    }

    /** The binary name of the class {@link JvmCompiler#compile} generates for the function named {@code fn}. */
    static String className(String fn) {
        return JvmCompiler.className(fn).replace('/', '.');
    }

    static String binaryName(JvmCompiler.Unit u) {
        return u.className().replace('/', '.');
    }

    private static JvmCompiler.Unit checked(JvmCompiler.Unit u, String fn) {
        if (!binaryName(u).equals(className(fn))) throw new IllegalStateException("generated class " + u.className() + " for " + fn + " is not named " + className(fn));
        return u;
    }
}
