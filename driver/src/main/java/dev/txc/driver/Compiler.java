package dev.txc.driver;

import dev.txc.frontend.Frontend;
import dev.txc.ir.CompileException;
import dev.txc.ir.Diagnostic;
import dev.txc.ir.Function;
import dev.txc.ir.Module;
import dev.txc.opt.PassContext;
import dev.txc.opt.Pipeline;
import dev.txc.types.DType;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The compiler facade: a {@code .tx} file through the frontend and the optimizer pipeline up to a stage. User errors
 * come out as {@link SourceErrors} carrying every diagnostic and the source text to render them.
 */
public final class Compiler {
    /** Compile-time settings. */
    public record Options(DType floatX, int optLevel) {
        public static Options defaults() {
            return new Options(DType.F64, 2);
        }
    }

    private final Options options;
    private final Module parsed;
    private final Map<String, List<String>> sources;
    private final int otherErrors;
    private final List<String> splits;
    private final Map<Path, String> read;

    private Compiler(Options options, Module parsed, Map<String, List<String>> sources, int otherErrors, List<String> splits, Map<Path, String> read) {
        this.options = options;
        this.parsed = parsed;
        this.sources = sources;
        this.otherErrors = otherErrors;
        this.splits = List.copyOf(splits);
        this.read = Map.copyOf(read);
    }

    /**
     * This compiler, also making the data-parallel split of function {@code fn} over the rows of its data
     * ({@code fn__part} and {@code fn__merge}, see {@link dev.txc.opt.RowSplit}) from the optimized stage on.
     */
    public Compiler withRowSplit(String fn) {
        function(parsed, fn, "the file");
        for (String suffix : List.of(dev.txc.opt.RowSplit.PART, dev.txc.opt.RowSplit.MERGE))
            if (parsed.function(fn + suffix) != null)
                throw new UserException("cannot split '" + fn + "' over rows: the file already defines a function '" + fn + suffix + "'");
        var all = new java.util.ArrayList<>(splits);
        all.add(fn);
        return new Compiler(options, parsed, sources, otherErrors, all, read);
    }

    /**
     * The frontend's result for {@code file}, read as strict UTF-8 (a byte-order mark skipped); the SHA-256 of each
     * file's bytes, by absolute path, goes into {@code read}. The bytes are hashed before the text is read, so a file
     * that changes in between has a hash that its new content does not match.
     */
    private static Frontend.Compilation frontend(Path file, Options options, Map<Path, String> read) {
        return Frontend.compileFile(file, new Frontend.Options(options.floatX()), f -> {
            String sha = CompileCache.sha256(f);
            String text = dev.txc.runtime.IoErrors.readText(f);
            read.put(f.toAbsolutePath().normalize(), sha);
            return text;
        });
    }

    /** Parses, checks and lowers {@code file} to IR; throws SourceErrors with every error of every file read. */
    public static Compiler open(Path file, Options options) {
        var read = new java.util.HashMap<Path, String>();
        Frontend.Compilation c = frontend(file, options, read);
        if (!c.ok() || c.module() == null) throw new SourceErrors(c.diagnostics(), c.sources());
        return new Compiler(options, c.module(), c.sources(), 0, List.of(), read);
    }

    /**
     * Like {@link #open(Path, Options)}, but for one function: the module holds every shared variable and only
     * {@code fn}, so that nothing else is optimized or compiled. Errors in the bodies of other functions do not block
     * it (see {@link #otherErrors}); errors outside function bodies, in {@code fn} or in the functions it calls do.
     */
    public static Compiler open(Path file, Options options, String fn) {
        var read = new java.util.HashMap<Path, String>();
        Frontend.Compilation c = frontend(file, options, read);
        if (c.usable() == null) throw new SourceErrors(c.diagnostics(), c.sources());
        List<dev.txc.ir.Diagnostic> blocking = c.functionErrors().get(fn);
        if (blocking == null) throw noFunction(fn, file.toString(), List.copyOf(c.functionErrors().keySet()));
        if (!blocking.isEmpty()) throw new SourceErrors(blocking, c.sources());
        Function f = c.usable().function(fn);
        return new Compiler(options, new Module(c.usable().shared(), List.of(f)), c.sources(), c.diagnostics().size(), List.of(), read);
    }

    /** How many errors {@link #open(Path, Options, String)} found in other functions, which it left out. */
    public int otherErrors() {
        return otherErrors;
    }

    /** The module as the frontend produced it (stage {@code parsed}). */
    public Module parsed() {
        return parsed;
    }

    public Options options() {
        return options;
    }

    public Map<String, List<String>> sources() {
        return sources;
    }

    /** The SHA-256 of every source file the frontend read (the file and its imports), by absolute path. */
    public Map<Path, String> read() {
        return read;
    }

    /** The module after the passes up to {@code stage}; {@code afterEachPass} sees each pass's result. */
    public Module upTo(Pipeline.Stage stage, BiConsumer<String, Function> afterEachPass) {
        if (stage == Pipeline.Stage.PARSED) return parsed;
        var cx = new PassContext(options.optLevel(), options.floatX());
        Module m;
        try {
            Module source = splits.isEmpty() || stage.ordinal() < Pipeline.Stage.OPT.ordinal() ? parsed : withSplits(cx);
            m = Pipeline.run(source, stage, cx, afterEachPass);
        } catch (CompileException e) {
            throw new SourceErrors(e.diagnostics(), sources);
        }
        List<Diagnostic> errors = cx.diagnostics().stream().filter(d -> d.severity() == Diagnostic.Severity.ERROR).toList();
        if (!errors.isEmpty()) throw new SourceErrors(cx.diagnostics(), sources);
        return m;
    }

    /** The parsed module with the split functions added, made from the optimized functions they split. */
    private Module withSplits(PassContext cx) {
        Module opt = Pipeline.run(parsed, Pipeline.Stage.OPT, new PassContext(cx.optLevel(), options.floatX()));
        var fns = new java.util.ArrayList<>(parsed.functions());
        for (String fn : splits) fns.addAll(dev.txc.opt.RowSplit.split(opt, opt.function(fn)));
        return new Module(parsed.shared(), fns);
    }

    public Module upTo(Pipeline.Stage stage) {
        return upTo(stage, (pass, f) -> { });
    }

    /** Checks that the source defines function {@code name} or that it is one of the row splits; a user error if not. */
    public void checkFunction(String name, String file) {
        for (String s : splits) if (name.equals(s + dev.txc.opt.RowSplit.PART) || name.equals(s + dev.txc.opt.RowSplit.MERGE)) return;
        function(parsed, name, file);
    }

    /** The function named {@code name}; an unknown name is a user error listing the functions. */
    public static Function function(Module m, String name, String file) {
        Function f = m.function(name);
        if (f != null) return f;
        throw noFunction(name, file, m.functions().stream().map(Function::name).toList());
    }

    private static UserException noFunction(String name, String file, List<String> names) {
        return new UserException("no function '" + name + "' in " + file
                + (names.isEmpty() ? " (it defines no functions)" : " (functions: " + String.join(", ", names) + ")"));
    }
}
