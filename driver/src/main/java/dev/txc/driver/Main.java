package dev.txc.driver;

import dev.txc.types.DType;
import dev.txc.ir.DotGraph;
import dev.txc.ir.Function;
import dev.txc.ir.IrText;
import dev.txc.ir.Module;
import dev.txc.ir.PrettyPrinter;
import dev.txc.opt.Pipeline;
import dev.txc.runtime.Device;
import dev.txc.runtime.TxRuntimeException;
import dev.txc.runtime.model.CliUsageException;
import dev.txc.runtime.model.ExitStatus;
import dev.txc.runtime.model.ModelSpec;
import dev.txc.runtime.NDArray;
import dev.txc.runtime.model.ModelState;
import dev.txc.runtime.model.RunOptions;
import dev.txc.runtime.model.Runner;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The {@code txc} command. {@link #run(String[], PrintStream, PrintStream)} is the whole program minus
 * {@code System.exit}: it returns 0 on success, 1 for user errors (sources, arguments, shapes, data), 2 for usage
 * errors and 3 for internal errors, and never lets an exception escape.
 */
public final class Main {
    /** The engine {@code run} and {@code bench} use unless {@code --engine} says otherwise. */
    static final String DEFAULT_ENGINE = "jvm";

    /** The selectable engines by {@code --engine} name. */
    static Map<String, Supplier<Engine>> defaultEngines() {
        return Map.of("interp", InterpreterEngine::new, "jvm", JvmEngine::new, CUDA_ENGINE, CudaEngine::new);
    }

    /** The engine that {@code --device cuda} selects (not an {@code --engine} choice). */
    static final String CUDA_ENGINE = "cuda";

    private final PrintStream out;
    private final PrintStream err;
    private final Map<String, Supplier<Engine>> engines;
    private final boolean terminal;
    /** The compile cache of {@code run} (null for none), as the environment selects it on first use. */
    private final Supplier<java.util.Optional<CompileCache>> cache = CachedRun.memoized(() -> java.util.Optional.ofNullable(CompileCache.fromEnvironment()));
    private String commandName;
    private boolean verbose;

    Main(PrintStream out, PrintStream err, Map<String, Supplier<Engine>> engines, boolean terminal) {
        this.out = out;
        this.err = err;
        this.engines = engines;
        this.terminal = terminal;
    }

    public static void main(String[] args) {
        ExitStatus.exitWith((out, err) -> run(args, out, err));
    }

    /** Runs one {@code txc} command line; returns the exit status. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return new Main(out, err, defaultEngines(), ExitStatus.stderrIsTerminal()).execute(args);
    }

    int execute(String[] args) {
        verbose = ExitStatus.verboseFlag(args);
        return ExitStatus.run(() -> dispatch(List.of(args)), out, err, new ExitStatus.Program() {
            @Override
            public String name() {
                return commandName == null ? "txc" : "txc " + commandName;
            }

            @Override
            public String internalName() {
                return "txc";
            }

            @Override
            public boolean verbose() {
                return verbose;
            }

            @Override
            public boolean isUsageError(Throwable t) {
                return t instanceof UsageException || t instanceof CliUsageException;
            }

            @Override
            public String userError(Throwable t) {
                return switch (t) {
                    case SourceErrors e -> e.render();
                    case UserException _, TxRuntimeException _, PrettyPrinter.TooLargeException _ -> {
                        RunErrors.Located at = RunErrors.Located.in(t);
                        yield at != null ? at.render(t.getMessage()) : "error: " + t.getMessage() + System.lineSeparator();
                    }
                    default -> null;
                };
            }
        });
    }

    private int dispatch(List<String> args) {
        int i = 0;
        while (i < args.size() && args.get(i).equals("--verbose")) i++;
        if (i == args.size()) {
            err.print(CommandLine.overview());
            return ExitStatus.USAGE_ERROR;
        }
        String first = args.get(i);
        switch (first) {
            case "--help", "-h" -> {
                out.print(CommandLine.overview());
                return 0;
            }
            case "--version" -> {
                out.println("txc " + version());
                return 0;
            }
            case "help" -> {
                if (i + 1 < args.size()) {
                    CommandLine.Command c = CommandLine.command(args.get(i + 1));
                    if (c == null) throw new UsageException("unknown command '" + args.get(i + 1) + "'");
                    out.print(CommandLine.help(c));
                } else {
                    out.print(CommandLine.overview());
                }
                return 0;
            }
            default -> { }
        }
        CommandLine.Command cmd = CommandLine.command(first);
        if (cmd == null) {
            if (first.startsWith("-")) throw new UsageException("unknown flag '" + first + "' (flags go after the command)");
            throw new UsageException("unknown command '" + first + "' (commands: " + String.join(", ", CommandLine.COMMANDS.stream().map(CommandLine.Command::name).toList()) + ")");
        }
        commandName = cmd.name();
        CommandLine.Parsed p = CommandLine.parse(cmd, args.subList(i + 1, args.size()));
        if (p.help()) {
            out.print(CommandLine.help(cmd));
            return 0;
        }
        return switch (cmd.name()) {
            case "check" -> check(p);
            case "run" -> run(p);
            case "pp" -> pp(p);
            case "ir" -> ir(p);
            case "dot" -> dot(p);
            case "asm" -> asm(p);
            case "compile" -> compile(p);
            case "bench" -> bench(p);
            case "ptx" -> ptx(p);
            default -> throw new IllegalStateException("command without an implementation: " + cmd.name());
        };
    }

    private static String version() {
        String v = Main.class.getPackage().getImplementationVersion();
        return v == null ? "0.1.0-SNAPSHOT" : v;
    }

    // ---- shared pieces ----

    private static Compiler.Options options(CommandLine.Parsed p) {
        DType floatX = p.get("floatX", "f64").equals("f32") ? DType.F32 : DType.F64;
        return new Compiler.Options(floatX, p.integer("opt-level", 2, 0, 2));
    }

    /** The file's module, or with {@code --fn} only that function's (errors in other functions are then a note). */
    private Compiler open(CommandLine.Parsed p) {
        return open(p, options(p));
    }

    private Compiler open(CommandLine.Parsed p, Compiler.Options options) {
        String fn = p.get("fn"), split = p.get("spark");
        if (split != null) return Compiler.open(Path.of(p.file()), options).withRowSplit(split);
        if (fn == null) return Compiler.open(Path.of(p.file()), options);
        Compiler c = Compiler.open(Path.of(p.file()), options, fn);
        String note = otherErrorsNote(c, p.file(), fn);
        if (note != null) err.println(note);
        return c;
    }

    /** The note that {@code file} has errors in functions other than {@code fn}, which {@code c} left out; null if none. */
    static String otherErrorsNote(Compiler c, String file, String fn) {
        if (c.otherErrors() == 0) return null;
        return "note: " + file + " has " + c.otherErrors() + (c.otherErrors() == 1 ? " error" : " errors")
                + " in functions that '" + fn + "' does not use; see txc check " + file;
    }

    private static Pipeline.Stage stage(String s) {
        Pipeline.Stage st = Pipeline.Stage.parse(s);
        if (st == null) throw new UsageException("--stage must be one of parsed, ad, opt, fused, lowered, got '" + s + "'");
        return st;
    }

    private static String stageName(Pipeline.Stage s) {
        return s.spelling();
    }

    /**
     * The engine that {@code --engine} and {@code --device} select, opened (a GPU that is missing is reported here,
     * before anything is compiled). {@code --device cuda} runs compiled code on the GPU, so it takes no other engine.
     */
    private Engine engine(CommandLine.Parsed p) {
        String name = p.get("engine", DEFAULT_ENGINE);
        if (Device.parse(p.get("device", Device.CPU.spelling())) == Device.CUDA) {
            if (!name.equals(DEFAULT_ENGINE)) throw new UsageException("--engine " + name + " runs on the CPU; --device cuda runs the compiled code on the GPU (leave out --engine)");
            name = CUDA_ENGINE;
        }
        Engine engine = engine(name);
        engine.open();
        return engine;
    }

    private Engine engine(String name) {
        Supplier<Engine> e = engines.get(name);
        if (e == null) throw new UsageException("--engine " + name + " is not available in this build (available: " + String.join(", ", engines.keySet().stream().filter(k -> !k.equals(CUDA_ENGINE)).sorted().toList()) + ")");
        return e.get();
    }

    /** The engine's program for {@code m}, its run-time errors located in the sources of {@code c}. */
    private static dev.txc.runtime.model.Program load(Engine engine, Module m, Compiler c) {
        dev.txc.runtime.model.Program program;
        try {
            program = engine.load(m, c);
        } catch (dev.txc.ir.CompileException e) { // a backend limit, such as a class too large for the JVM
            throw new SourceErrors(e.diagnostics(), c.sources());
        }
        return RunErrors.located(program, () -> c.upTo(Pipeline.Stage.AD), c::sources);
    }

    // ---- check ----

    private int check(CommandLine.Parsed p) {
        // Differentiation is where errors such as "x does not depend on cost" are found.
        var c = open(p);
        Module m = c.upTo(Pipeline.Stage.AD);
        // the initial values' files and shapes, as run would find them (a missing load("w.npy") is a located error)
        InitialState.check(m, c.sources());
        return 0;
    }

    // ---- run ----

    private int run(CommandLine.Parsed p) {
        String fnName = p.require("fn");
        RunOptions options = RunOptions.of(fnName, p::all);
        Engine engine = engine(p);

        Timings t = p.has("timings") ? new Timings() : null;
        double untilCommand = t == null ? -1 : t.untilMain();
        boolean profile = p.has("profile");
        if (profile && !(engine instanceof JvmEngine)) throw new UsageException("--profile times compiled code: it needs --engine jvm");
        if (profile) {
            dev.txc.runtime.Profile.reset();
            System.setProperty(dev.txc.runtime.Profile.PROPERTY, "true");
        }
        try {
            return run(p, fnName, options, engine, t, untilCommand, profile);
        } finally {
            if (profile) System.clearProperty(dev.txc.runtime.Profile.PROPERTY);
        }
    }

    private int run(CommandLine.Parsed p, String fnName, RunOptions options, Engine engine, Timings t, double untilCommand, boolean profile) {
        if (verbose && engine instanceof JvmEngine) err.println("txc: kernels: " + dev.txc.runtime.VectorSupport.describe());
        if (engine instanceof JvmEngine && t == null && !profile && p.get("spark") == null) {
            // the usual run: through the compile cache (--timings and --profile time the compiler and its code)
            CachedRun.Ready r = CachedRun.prepare(cache.get().orElse(null), Path.of(p.file()), p.file(), fnName, options(p), err, verbose);
            Runner.run(r.spec(), r.program(), r.state(), options, out, err, terminal);
            return 0;
        }
        Compiler c = open(p);
        c.checkFunction(fnName, p.file());
        if (t != null) t.mark("frontend (read, parse, check, to IR)");
        Module m = c.upTo(engine.stage(), t == null ? (pass, f) -> { } : (pass, f) -> t.mark("pass " + pass + " (" + f.name() + ")"));
        Compiler.function(m, fnName, p.file());
        ModelSpec spec = ModelSpecs.of(m, p.file());
        ModelState state = InitialState.of(m, c.sources());
        if (t != null) t.mark("initial state (shared variables)");
        dev.txc.runtime.model.Program program = load(engine, m, c);
        if (t != null) t.mark("lowering and bytecode (" + engine.getClass().getSimpleName() + ")");
        Runner.run(spec, t == null ? program : timed(program, engine, t), state, options, out, err, terminal);
        if (profile) dev.txc.runtime.Profile.print(err);
        if (t != null) {
            t.mark("after the first call (the other calls, printing)");
            t.print(err, untilCommand);
        }
        return 0;
    }

    /** {@code program}, its first call timed as a stage of {@code t} (class loading, for compiled code, included). */
    private static dev.txc.runtime.model.Program timed(dev.txc.runtime.model.Program program, Engine engine, Timings t) {
        boolean[] first = {true};
        return new dev.txc.runtime.model.Program() {
            @Override
            public List<NDArray> call(String fn, List<NDArray> args, ModelState state) {
                var r = program.call(fn, args, state);
                if (first[0]) {
                    first[0] = false;
                    t.mark("first call (" + fn + ")");
                    if (engine instanceof JvmEngine j) t.part("defining and loading the classes", j.classLoadNanos());
                }
                return r;
            }

            @Override
            public void flush(ModelState state) {
                program.flush(state);
            }
        };
    }

    // ---- bench ----

    /** Times calls of a function (state carries over between calls, as with --repeat): median, min and max. */
    private int bench(CommandLine.Parsed p) {
        String fnName = p.require("fn");
        RunOptions options = RunOptions.of(fnName, p::all);
        int calls = p.integer("calls", 30, 1, 1_000_000), warmup = p.integer("warmup", 10, 0, 1_000_000);
        Engine engine = engine(p);
        Compiler c = open(p);
        c.checkFunction(fnName, p.file());
        Module m = c.upTo(engine.stage());
        ModelSpec spec = ModelSpecs.of(m, p.file());
        List<NDArray> args = dev.txc.runtime.model.ArgValues.convert(spec.function(fnName), options.args(), options.allowDowncast());
        ModelState state = InitialState.of(m, c.sources()).exclusive(true);
        dev.txc.runtime.model.Program program = load(engine, m, c);
        if (!p.has("warmup")) {
            // by default, warm up for at least 2 s too: the JIT compiles a kernel's vector loop only after many calls,
            // and until then it runs many times slower (DECISIONS, "Short rows run the scalar loop")
            long start = System.nanoTime();
            warmup = 0;
            for (; warmup < 10 || System.nanoTime() - start < DEFAULT_WARMUP_NANOS; warmup++) benchCall(program, fnName, args, state, warmup + 1, Math.max(warmup + 1, 10) + calls);
        } else {
            for (int k = 0; k < warmup; k++) benchCall(program, fnName, args, state, k + 1, warmup + calls);
        }
        int total = warmup + calls;
        long[] ns = new long[calls];
        for (int k = 0; k < calls; k++) {
            long t0 = System.nanoTime();
            benchCall(program, fnName, args, state, warmup + k + 1, total);
            ns[k] = System.nanoTime() - t0;
        }
        java.util.Arrays.sort(ns);
        long median = calls % 2 == 1 ? ns[calls / 2] : (ns[calls / 2 - 1] + ns[calls / 2]) / 2;
        if (p.get("format", "text").equals("json")) {
            out.printf(java.util.Locale.ROOT, "{\"fn\": %s, \"calls\": %d, \"median_ms\": %s, \"min_ms\": %s, \"max_ms\": %s}%n",
                    dev.txc.runtime.Format.jsonString(fnName), calls, ms(median), ms(ns[0]), ms(ns[calls - 1]));
            return 0;
        }
        Unit unit = Unit.of(median);
        out.printf(java.util.Locale.ROOT, "%s: %d calls after %d warm-up: median %s, min %s, max %s%n",
                fnName, calls, warmup, unit.format(median), unit.format(ns[0]), unit.format(ns[calls - 1]));
        return 0;
    }

    /** Without --warmup, bench warms up for 10 calls and at least this long. */
    private static final long DEFAULT_WARMUP_NANOS = 2_000_000_000L;

    /** Nanoseconds as milliseconds for JSON: a plain decimal number, to the nanosecond. */
    private static String ms(long ns) {
        return java.math.BigDecimal.valueOf(ns, 6).stripTrailingZeros().toPlainString();
    }

    private static void benchCall(dev.txc.runtime.model.Program program, String fn, List<NDArray> args, ModelState state, int n, int total) {
        try {
            program.call(fn, args, state);
        } catch (TxRuntimeException e) {
            throw new TxRuntimeException("call " + n + " of " + total + " failed: " + e.getMessage(), e);
        }
    }

    /** One unit for a line of timings, chosen by the median so that it reads well. */
    private enum Unit {
        NS(1, "%.0f ns"), US(1e3, "%.1f us"), MS(1e6, "%.2f ms");

        private final double scale;
        private final String format;

        Unit(double scale, String format) {
            this.scale = scale;
            this.format = format;
        }

        static Unit of(long ns) {
            return ns < 10_000 ? NS : ns < 10_000_000 ? US : MS;
        }

        String format(long ns) {
            return String.format(java.util.Locale.ROOT, format, ns / scale);
        }
    }

    // ---- compile ----

    /**
     * {@code --target jvm} packages the JVM classes; {@code cuda} and {@code all} add each function's PTX module and
     * host plan, {@code cuda} making the GPU the jar's default device ({@code --device cpu} still runs the JVM code).
     */
    private int compile(CommandLine.Parsed p) {
        Path target = Path.of(p.require("o"));
        String targets = p.get("target", "jvm");
        dev.txc.cuda.PtxTarget arch = cudaArch(p);
        Compiler c = open(p);
        Module m = c.upTo(new JvmEngine().stage());
        JarPackager.Cuda cuda = null;
        if (!targets.equals("jvm")) {
            var plans = new java.util.TreeMap<String, dev.txc.runtime.cuda.plan.HostPlan>();
            try {
                CudaEngine.modules(m, arch).forEach((name, module) -> plans.put(name, module.plan()));
            } catch (dev.txc.ir.CompileException e) {
                throw new SourceErrors(e.diagnostics(), c.sources());
            }
            cuda = new JarPackager.Cuda(plans, "sm_" + arch.sm(), targets.equals("cuda") ? Device.CUDA : Device.CPU);
        }
        JarPackager.Result r = JarPackager.write(m, Path.of(p.file()), target, cuda);
        if (verbose) err.println("wrote " + target + " (" + r.bytes() + " bytes, facade " + r.facade() + ")");
        return 0;
    }

    /** {@code --cuda-arch}, default sm_80. */
    private static dev.txc.cuda.PtxTarget cudaArch(CommandLine.Parsed p) {
        try {
            return dev.txc.cuda.PtxTarget.parse(p.get("cuda-arch", "sm_80"));
        } catch (IllegalArgumentException e) {
            throw new UsageException("--cuda-arch: " + e.getMessage());
        }
    }

    // ---- pp ----

    private int pp(CommandLine.Parsed p) {
        String fnName = p.require("fn");
        boolean optimized = p.get("stage", "source").equals("optimized");
        // The source stage is the raw derivative graph, as Theano's pp shows it: differentiation without the
        // stabilizing rewrites it applies when optimizing.
        Compiler.Options o = options(p);
        Compiler c = open(p, optimized ? o : new Compiler.Options(o.floatX(), 0));
        c.checkFunction(fnName, p.file());
        Pipeline.Stage stage = optimized ? Pipeline.Stage.OPT : Pipeline.Stage.AD;
        out.print(PrettyPrinter.print(Compiler.function(c.upTo(stage), fnName, p.file())));
        return 0;
    }

    // ---- ir ----

    private int ir(CommandLine.Parsed p) {
        String fnName = p.get("fn");
        boolean locs = p.has("locs");
        boolean all = p.has("print-ir-after-all");
        Set<String> after = new LinkedHashSet<>(p.all("print-ir-after"));
        List<String> known = Pipeline.passNames();
        for (String pass : after)
            if (!known.contains(pass)) throw new UsageException("--print-ir-after: unknown pass '" + pass + "' (passes: " + String.join(", ", known) + ")");
        boolean dumps = all || !after.isEmpty();
        // Printing after a pass only makes sense when the pipeline reaches it, so those flags default to the whole pipeline.
        Pipeline.Stage stage = stage(p.get("stage", dumps ? "lowered" : "opt"));
        Compiler c = open(p);
        if (fnName != null) c.checkFunction(fnName, p.file());
        Set<String> ran = new LinkedHashSet<>();
        Module m = c.upTo(stage, (pass, f) -> {
            ran.add(pass);
            if ((all || after.contains(pass)) && (fnName == null || f.name().equals(fnName)))
                out.print("# ---- IR after " + pass + " (@" + f.name() + ") ----\n" + IrText.print(f, locs) + "\n");
        });
        if (dumps) out.print("# ---- IR at stage " + stageName(stage) + " ----\n");
        if (stage == Pipeline.Stage.LOWERED && !locs) out.print(lowered(m, fnName, p));
        else out.print(fnName == null ? IrText.print(m, locs) : IrText.print(Compiler.function(m, fnName, p.file()), locs));
        for (String pass : after)
            if (!ran.contains(pass)) err.println("note: pass '" + pass + "' did not run (the pipeline stops at stage " + stageName(stage) + ", or the optimization level skips it)");
        return 0;
    }

    /** The lowered stage: each function as fused, then the kernels its elementwise and fused nodes run. */
    private static String lowered(Module m, String fnName, CommandLine.Parsed p) {
        if (fnName != null) return dev.txc.ir.kernel.LoweredText.print(Compiler.function(m, fnName, p.file()));
        var sb = new StringBuilder();
        for (var s : m.shared()) sb.append(IrText.sharedDecl(s)).append('\n');
        if (!m.shared().isEmpty() && !m.functions().isEmpty()) sb.append('\n');
        for (int k = 0; k < m.functions().size(); k++) sb.append(k > 0 ? "\n" : "").append(dev.txc.ir.kernel.LoweredText.print(m.functions().get(k)));
        return sb.toString();
    }

    // ---- dot ----

    private int dot(CommandLine.Parsed p) {
        String fnName = p.require("fn");
        Pipeline.Stage stage = stage(p.get("stage", "opt"));
        String target = p.get("o");
        String ext = target == null ? null : extension(target);
        if (target != null && !Set.of("dot", "gv", "svg", "png", "pdf").contains(ext))
            throw new UsageException("-o expects FILE.dot or FILE.svg (also .gv, .png, .pdf), got '" + target + "'");
        Compiler c = open(p);
        c.checkFunction(fnName, p.file());
        String text = DotGraph.render(Compiler.function(c.upTo(stage), fnName, p.file()));
        if (target == null) {
            out.print(text);
            return 0;
        }
        Path file = Path.of(target);
        if (ext.equals("dot") || ext.equals("gv")) {
            try {
                Files.writeString(file, text);
            } catch (IOException e) {
                throw new UserException("cannot write " + file + ": " + dev.txc.runtime.IoErrors.describe(e));
            }
            return 0;
        }
        renderWithGraphviz(text, ext, file);
        return 0;
    }

    private static String extension(String name) {
        String base = Path.of(name).getFileName() == null ? name : Path.of(name).getFileName().toString();
        int dot = base.lastIndexOf('.');
        return dot < 0 ? "" : base.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    private static void renderWithGraphviz(String text, String format, Path file) {
        Path dot = Host.onPath("dot");
        if (dot == null)
            throw new UserException("-o " + file + ": rendering ." + format + " needs Graphviz's 'dot' program, which is not on PATH; install Graphviz "
                    + "(apt-get install graphviz, or brew install graphviz) or write DOT text with -o FILE.dot");
        try {
            Process proc = new ProcessBuilder(dot.toString(), "-T" + format, "-o", file.toString()).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            try (var in = proc.getOutputStream()) {
                in.write(text.getBytes(StandardCharsets.UTF_8));
            }
            String problems = new String(proc.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!proc.waitFor(5, TimeUnit.MINUTES)) {
                proc.destroyForcibly();
                throw new UserException(dot + " -T" + format + " did not finish in 5 minutes");
            }
            if (proc.exitValue() != 0) throw new UserException(dot + " -T" + format + " failed (exit status " + proc.exitValue() + ")" + (problems.isEmpty() ? "" : ": " + problems));
        } catch (IOException e) {
            throw new UserException("cannot run " + dot + ": " + dev.txc.runtime.IoErrors.describe(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UserException("interrupted while running " + dot);
        }
    }

    // ---- asm ----

    private int asm(CommandLine.Parsed p) {
        Compiler c = open(p);
        Module m = c.upTo(Pipeline.Stage.LOWERED);
        Function f = Compiler.function(m, p.require("fn"), p.file());
        var shared = m.shared().stream().map(dev.txc.ir.SharedVar::name).toList();
        out.print(dev.txc.jvm.JvmCompiler.textify(dev.txc.jvm.JvmCompiler.compile(f, shared).bytes()));
        return 0;
    }

    // ---- ptx ----

    /** The PTX module of one function (after the optimizer, at the lowered stage) for --cuda-arch (default sm_80). */
    private int ptx(CommandLine.Parsed p) {
        dev.txc.cuda.PtxTarget target = cudaArch(p);
        Compiler c = open(p);
        Module m = c.upTo(Pipeline.Stage.LOWERED);
        Function f = Compiler.function(m, p.require("fn"), p.file());
        var shared = m.shared().stream().map(dev.txc.ir.SharedVar::name).toList();
        try {
            out.print(dev.txc.cuda.CudaLowering.lower(f, shared, target).text());
        } catch (dev.txc.ir.CompileException e) {
            throw new SourceErrors(e.diagnostics(), c.sources());
        }
        return 0;
    }

}
