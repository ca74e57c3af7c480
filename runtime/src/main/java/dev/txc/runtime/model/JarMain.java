package dev.txc.runtime.model;

import dev.txc.runtime.Device;
import dev.txc.runtime.TxRuntimeException;
import dev.txc.runtime.cuda.Cuda;
import dev.txc.runtime.cuda.CudaBundle;
import dev.txc.runtime.cuda.CudaDevice;
import dev.txc.runtime.cuda.CudaUnavailableException;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The main class of a standalone jar: {@code java -jar model.jar FN [--arg NAME=VALUE]... [flags]} calls a function
 * exactly as {@code txc run FILE.tx --fn FN} does (same flags, outputs and errors, through {@link Runner}), and
 * {@code --list} prints the signatures and the targets it holds; {@code --device cuda} runs the functions on a GPU when
 * the jar was compiled with {@code --target cuda} or {@code all} ({@link CudaBundle}). Exit status: 0 success, 1 user error, 2 usage error, 3 internal error.
 */
public final class JarMain {
    /** The resource naming the model's resource prefix, one line. */
    public static final String MODEL_RESOURCE = "META-INF/txc/model";

    private static final RunOptions.Flag FN = new RunOptions.Flag("fn", "NAME", "the function to call (or give NAME as the first argument)", false, List.of());
    private static final RunOptions.Flag DEVICE = new RunOptions.Flag("device", "cpu|cuda", "where to run (default: as compiled, cpu unless txc compile --target cuda)", false, List.of("cpu", "cuda"));
    private static final RunOptions.Flag LIST = new RunOptions.Flag("list", null, "print the signature of every function and the shared variables, then exit", false, List.of());
    private static final RunOptions.Flag HELP = new RunOptions.Flag("help", null, "show this help and exit", false, List.of());
    private static final RunOptions.Flag VERBOSE = new RunOptions.Flag("verbose", null, "show the stack trace of internal errors", false, List.of());
    private static final List<RunOptions.Flag> FLAGS;
    /** Flags of {@code txc run} that are fixed when the jar is compiled. */
    private static final List<String> COMPILE_TIME = List.of("floatX", "opt-level", "engine");

    static {
        var flags = new ArrayList<RunOptions.Flag>();
        flags.add(FN);
        flags.addAll(RunOptions.FLAGS);
        flags.addAll(List.of(DEVICE, LIST, HELP, VERBOSE));
        FLAGS = List.copyOf(flags);
    }

    private final PrintStream out;
    private final PrintStream err;
    private final ClassLoader resources;
    private final String jar;
    private final boolean terminal;
    private boolean verbose;

    private JarMain(PrintStream out, PrintStream err, ClassLoader resources, String jar, boolean terminal) {
        this.out = out;
        this.err = err;
        this.resources = resources;
        this.jar = jar;
        this.terminal = terminal;
    }

    public static void main(String[] args) {
        ExitStatus.exitWith((out, err) -> run(args, out, err, JarMain.class.getClassLoader(), jarName(), ExitStatus.stderrIsTerminal()));
    }

    /**
     * Runs one command line against the model that {@code resources} holds; {@code jar} is the jar's file name for
     * messages. Returns the exit status and never throws.
     */
    public static int run(String[] args, PrintStream out, PrintStream err, ClassLoader resources, String jar, boolean terminal) {
        return new JarMain(out, err, resources, jar, terminal).execute(args);
    }

    private static String jarName() {
        try {
            var src = JarMain.class.getProtectionDomain().getCodeSource();
            if (src != null) {
                Path p = Path.of(src.getLocation().toURI()).getFileName();
                if (p != null && p.toString().endsWith(".jar")) return p.toString();
            }
        } catch (Exception e) {
            // fall through to the generic name
        }
        return "model.jar";
    }

    private int execute(String[] args) {
        verbose = ExitStatus.verboseFlag(args);
        return ExitStatus.run(() -> dispatch(List.of(args)), out, err, new ExitStatus.Program() {
            @Override
            public String name() {
                return jar;
            }

            @Override
            public String helpCommand() {
                return "java -jar " + jar;
            }

            @Override
            public boolean verbose() {
                return verbose;
            }
        });
    }

    private int dispatch(List<String> args) {
        Map<String, List<String>> values = new LinkedHashMap<>();
        String fn = parse(args, values);
        if (values.containsKey(HELP.name())) {
            out.print(help(load().spec()));
            return 0;
        }
        if (values.containsKey(LIST.name())) {
            ModelBundle.Loaded m = load();
            for (FunctionSpec f : m.spec().functions()) out.println("fn " + f.signature());
            for (SharedSpec s : m.spec().shared()) out.println("shared " + s);
            CudaBundle.Info c = cuda();
            out.println("target jvm" + (c == null || c.defaultDevice() == Device.CPU ? " (default device)" : " (--device cpu)"));
            if (c != null) out.println("target cuda: PTX for " + c.arch() + (c.defaultDevice() == Device.CUDA ? " (default device)" : " (--device cuda)"));
            return 0;
        }
        if (fn == null) throw new CliUsageException("missing the function to call: java -jar " + jar + " FN [--arg NAME=VALUE]... (--list shows the functions)");
        RunOptions o = RunOptions.of(fn, name -> values.getOrDefault(name, List.of()));
        CudaBundle.Info c = cuda();
        Device device = values.containsKey(DEVICE.name()) ? Device.parse(values.get(DEVICE.name()).getLast()) : c == null ? Device.CPU : c.defaultDevice();
        if (device == Device.CUDA && c == null)
            throw new TxRuntimeException("--device cuda: this jar holds JVM code only (compiled with txc compile --target jvm); compile it with --target cuda or all to run on a GPU, or "
                    + CudaUnavailableException.ON_CPU);
        // the GPU is opened before the model is read, so that a missing driver is the first thing reported
        CudaDevice gpu = device == Device.CUDA ? Cuda.device() : null;
        ModelBundle.Loaded m = load();
        Program program = gpu == null ? m.program() : CudaBundle.load(resources, prefix(), m.spec(), gpu);
        Runner.run(m.spec(), program, m.newState(), o, out, err, terminal);
        return 0;
    }

    private CudaBundle.Info cudaInfo;
    private boolean cudaRead;

    /** The CUDA part of the model, or null when it was compiled for the JVM only. */
    private CudaBundle.Info cuda() {
        if (!cudaRead) {
            cudaInfo = CudaBundle.info(resources, prefix());
            cudaRead = true;
        }
        return cudaInfo;
    }

    private ModelBundle.Loaded load() {
        return ModelBundle.load(resources, prefix());
    }

    /** The model's resource prefix, from {@link #MODEL_RESOURCE}. */
    private String prefix() {
        try (InputStream in = resources.getResourceAsStream(MODEL_RESOURCE)) {
            if (in == null) throw new IllegalStateException("this jar has no " + MODEL_RESOURCE + " resource; it was not made by txc compile");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + MODEL_RESOURCE + ": " + e.getMessage(), e);
        }
    }

    /** Fills {@code values} from the flags; returns the function name (first positional argument or --fn), or null. */
    private static String parse(List<String> args, Map<String, List<String>> values) {
        for (String a : args) {
            if (a.equals("--")) break;
            if (a.matches("-O[0-9]")) throw new CliUsageException(a + ": --opt-level is fixed when the jar is compiled (txc compile " + a + ")");
        }
        var p = FlagParser.parse(args, name -> {
            if (COMPILE_TIME.contains(name)) throw new CliUsageException("--" + name + " is fixed when the jar is compiled (txc compile --" + name + ")");
            for (RunOptions.Flag g : FLAGS) if (g.name().equals(name)) return g;
            return null;
        }, Map.of("h", "help"));
        values.putAll(p.values());
        List<String> positional = p.positional();
        List<String> fnFlag = values.remove(FN.name());
        if (fnFlag != null) {
            if (!positional.isEmpty()) throw new CliUsageException("unexpected argument '" + positional.getFirst() + "' (the function is given by --fn)");
            return fnFlag.getLast();
        }
        if (positional.size() > 1) throw new CliUsageException("unexpected argument '" + positional.get(1) + "' (only one function is called at a time)");
        return positional.isEmpty() ? null : positional.getFirst();
    }

    private static final int COLUMN = 26;

    private String help(ModelSpec spec) {
        var sb = new StringBuilder();
        sb.append("usage: java -jar ").append(jar).append(" FN [--arg NAME=VALUE]... [flags]\n");
        sb.append("       java -jar ").append(jar).append(" --list\n\n");
        sb.append("Call a function of ").append(spec.source()).append(" (compiled by txc) and print its outputs, as txc run does.\n\nfunctions:\n");
        for (FunctionSpec f : spec.functions()) sb.append("  ").append(f.signature()).append('\n');
        if (!spec.shared().isEmpty()) {
            sb.append("\nshared variables:\n");
            for (SharedSpec s : spec.shared()) sb.append("  ").append(s).append('\n');
        }
        sb.append("\nflags:\n");
        for (RunOptions.Flag f : FLAGS) pad(sb, "  " + (f == HELP ? "-h, --help" : f.usage()), f.help());
        sb.append("\nexit status: 0 success, 1 user error (arguments, shapes, data), 2 usage error, 3 internal error\n");
        return sb.toString();
    }

    private static void pad(StringBuilder sb, String left, String right) {
        sb.append(left);
        if (left.length() >= COLUMN) sb.append('\n').append(" ".repeat(COLUMN));
        else sb.append(" ".repeat(COLUMN - left.length()));
        sb.append(right).append('\n');
    }
}
