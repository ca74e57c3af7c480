package dev.txc.driver;

import dev.txc.ir.Function;
import dev.txc.ir.Module;
import dev.txc.ir.SharedVar;
import dev.txc.jvm.JvmCompiler;
import dev.txc.opt.Pipeline;
import dev.txc.runtime.CompiledFunction;
import dev.txc.runtime.RowTiled;
import dev.txc.runtime.model.CompiledModel;
import dev.txc.runtime.model.FunctionSpec;
import dev.txc.runtime.model.ModelSpec;
import dev.txc.runtime.model.ModelState;
import dev.txc.runtime.model.Program;
import dev.txc.types.DType;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * {@code txc run} on the JVM: one function of a file compiled into a {@link CompileCache.Entry}, or that entry found
 * in the compile cache, and run from it. Both ways run the same loaded classes; the compiler is opened after a cache
 * hit only where it is needed: to split a large call over rows (-O2) or to locate a run-time error in the source.
 */
final class CachedRun {
    private CachedRun() {}

    /** What {@link dev.txc.runtime.model.Runner} runs. */
    record Ready(ModelSpec spec, Program program, ModelState state) {}

    /**
     * Function {@code fn} of {@code file} ({@code fileArg} as the command line names it) compiled with {@code o}, or
     * found in {@code cache} (null for none); the notes of the compilation go to {@code err} either way.
     */
    static Ready prepare(CompileCache cache, Path file, String fileArg, String fn, Compiler.Options o, PrintStream err, boolean verbose) {
        String key = cache == null ? null : cache.key(fileArg, file, fn, o);
        CompileCache.Entry e = key == null ? null : cache.lookup(key);
        Supplier<Compiler> compiler;
        if (e != null) {
            if (verbose) err.println("txc: compiled code of '" + fn + "' from the cache " + cache.dir().resolve(key));
            e.notes().forEach(err::println);
            compiler = memoized(() -> Compiler.open(file, o, fn));
        } else {
            Compiler c = Compiler.open(file, o, fn);
            String note = Main.otherErrorsNote(c, fileArg, fn);
            if (note != null) err.println(note);
            e = compile(c, fileArg, fn, note == null ? List.of() : List.of(note));
            if (cache != null) {
                boolean stored = cache.store(key, e);
                if (verbose) err.println(stored ? "txc: stored the compiled code of '" + fn + "' in the cache " + cache.dir().resolve(key)
                        : "txc: could not store the compiled code of '" + fn + "' in the cache " + cache.dir() + " (too large, or not writable)");
            }
            compiler = () -> c;
        }
        return new Ready(e.spec(), program(e, compiler, o), new ModelState(e.spec().shared(), e.initial()));
    }

    /** The entry of function {@code fn} of the file that {@code c} opened. */
    static CompileCache.Entry compile(Compiler c, String fileArg, String fn, List<String> notes) {
        Module m = c.upTo(Pipeline.Stage.LOWERED);
        Compiler.function(m, fn, fileArg);
        var deps = new ArrayList<CompileCache.Dep>();
        c.read().forEach((path, sha) -> deps.add(new CompileCache.Dep(path, sha)));
        // hashed before they are read: a file that changes in between no longer matches its entry
        for (SharedVar v : m.shared())
            if (v.init() instanceof SharedVar.Init.Load(String path)) {
                Path abs = Path.of(path).toAbsolutePath().normalize();
                deps.add(new CompileCache.Dep(abs, CompileCache.sha256(abs)));
            }
        var initial = InitialState.values(m, c.sources());
        List<JvmCompiler.Unit> units;
        try {
            units = JvmEngine.compile(m, dev.txc.runtime.VectorSupport.available());
        } catch (dev.txc.ir.CompileException ex) { // a backend limit, such as a class too large for the JVM
            throw new SourceErrors(ex.diagnostics(), c.sources());
        }
        var rowArgs = new LinkedHashMap<String, int[]>();
        for (Function f : m.functions()) rowArgs.put(f.name(), RowTiling.rowArgs(f, c.options().optLevel()));
        return new CompileCache.Entry(ModelSpecs.of(m, fileArg), units, rowArgs, initial, notes, deps);
    }

    /** The program of {@code e}: its classes loaded on first use, row tiling and error locations from {@code compiler}. */
    static Program program(CompileCache.Entry e, Supplier<Compiler> compiler, Compiler.Options o) {
        var program = model(e.spec(), e.units(), e.rowArgs(), memoized(() -> compiler.get().upTo(Pipeline.Stage.OPT)), o.floatX(), new AtomicLong());
        return RunErrors.located(program, () -> compiler.get().upTo(Pipeline.Stage.AD), () -> compiler.get().sources());
    }

    /**
     * The model of {@code spec} whose classes are {@code units}, each defined on first use ({@code loadNanos} adds
     * the time); a function with row parameters ({@code rowArgs}, by function name) runs large calls over row blocks,
     * split from its form in {@code optimized} (the module at the OPT stage, made on the first large call).
     */
    static CompiledModel model(ModelSpec spec, List<JvmCompiler.Unit> units, Map<String, int[]> rowArgs, Supplier<Module> optimized,
                               DType floatX, AtomicLong loadNanos) {
        Map<String, JvmCompiler.Unit> byName = new HashMap<>();
        for (JvmCompiler.Unit u : units) byName.put(JvmEngine.binaryName(u), u);
        Map<String, String> fnOfClass = new HashMap<>();
        for (FunctionSpec f : spec.functions()) fnOfClass.put(f.className(), f.name());
        List<String> shared = spec.sharedNames();
        return new CompiledModel(spec, name -> {
            JvmCompiler.Unit u = byName.get(name);
            if (u == null) throw new IllegalStateException("the compiled code has no class " + name);
            long t0 = System.nanoTime();
            CompiledFunction cf = JvmCompiler.load(u);
            loadNanos.addAndGet(System.nanoTime() - t0);
            String fn = fnOfClass.get(name);
            int[] rows = fn == null ? null : rowArgs.get(fn);
            if (rows == null) return cf;
            return RowTiling.wrap(cf, rows, () -> optimized.get().function(fn), shared, floatX, RowTiled.MIN_BYTES, RowTiled.BLOCK_BYTES);
        });
    }

    static <T> Supplier<T> memoized(Supplier<T> s) {
        return new Supplier<>() {
            private T value;

            @Override
            public synchronized T get() {
                if (value == null) value = s.get();
                return value;
            }
        };
    }
}
