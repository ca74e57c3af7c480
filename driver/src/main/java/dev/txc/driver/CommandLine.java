package dev.txc.driver;

import dev.txc.runtime.model.RunOptions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code txc} command line: the subcommands, their flags with one-line help, and the parser. Every flag is
 * declared once here, so help text and parsing cannot disagree. Flags take {@code --name VALUE} or
 * {@code --name=VALUE}; {@code -o} and {@code -h} are the only short forms.
 */
final class CommandLine {
    private CommandLine() {}

    /** A flag; {@code metavar} is null for a switch; {@code choices} empty when any value goes. */
    record Flag(String name, String metavar, String help, boolean repeatable, boolean hidden, List<String> choices)
            implements dev.txc.runtime.model.FlagSpec {}

    /** A subcommand: its synopsis (after {@code txc}), a one-line summary, and its flags. */
    record Command(String name, String synopsis, String summary, List<Flag> flags) {
        Flag flag(String n) {
            for (Flag f : flags) if (f.name.equals(n)) return f;
            for (Flag f : GLOBAL) if (f.name.equals(n)) return f;
            return null;
        }
    }

    /** A parsed command line; values of repeatable flags in order. */
    record Parsed(Command command, String file, Map<String, List<String>> values, boolean help, boolean verbose) {
        boolean has(String name) {
            return values.containsKey(name);
        }

        String get(String name) {
            List<String> v = values.get(name);
            return v == null ? null : v.getLast();
        }

        String get(String name, String dflt) {
            String v = get(name);
            return v == null ? dflt : v;
        }

        List<String> all(String name) {
            return values.getOrDefault(name, List.of());
        }

        String require(String name) {
            String v = get(name);
            if (v == null) throw new UsageException("missing " + command.flag(name).usage());
            return v;
        }

        /** An integer flag within [min, max]; a malformed value is a usage error. */
        int integer(String name, int dflt, int min, int max) {
            String v = get(name);
            if (v == null) return dflt;
            try {
                int n = Integer.parseInt(v.strip());
                if (n >= min && n <= max) return n;
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new UsageException(command.flag(name).spelling() + " expects an integer " + (max == Integer.MAX_VALUE ? ">= " + min : "from " + min + " to " + max) + ", got '" + v + "'");
        }
    }

    // ---- the flags ----

    static final Flag HELP = sw("help", "show this help and exit");
    static final Flag VERBOSE = sw("verbose", "show the stack trace of internal errors");
    static final List<Flag> GLOBAL = List.of(HELP, VERBOSE);

    private static Flag sw(String name, String help) {
        return new Flag(name, null, help, false, false, List.of());
    }

    private static Flag val(String name, String metavar, String help) {
        return new Flag(name, metavar, help, false, false, List.of());
    }

    private static Flag choice(String name, String help, String... choices) {
        return new Flag(name, String.join("|", choices), help, false, false, List.of(choices));
    }

    private static Flag many(String name, String metavar, String help) {
        return new Flag(name, metavar, help, true, false, List.of());
    }

    private static final Flag FN = val("fn", "NAME", "the function to use");
    /** A flag the runtime declares (it is shared with standalone jars). */
    private static Flag shared(RunOptions.Flag f) {
        return new Flag(f.name(), f.metavar(), f.help(), f.repeatable(), false, f.choices());
    }

    private static final Flag ARG = shared(RunOptions.ARG);
    private static final Flag FLOATX = choice("floatX", "the dtype of floatX and of float literals (default f64)", "f32", "f64");
    private static final Flag OPT_LEVEL = choice("opt-level", "optimization level (default 2); -O0, -O1, -O2 for short", "0", "1", "2");
    private static final Flag DEVICE = choice("device", "where to run (default cpu): the JVM, or a CUDA GPU through the NVIDIA driver (an error where there is none)", "cpu", "cuda");
    private static final Flag CUDA_ARCH = val("cuda-arch", "sm_XX", "the GPU architecture to render PTX for (default sm_80)");
    private static final Flag ALLOW_DOWNCAST = shared(RunOptions.ALLOW_DOWNCAST);
    private static final Flag ENGINE = new Flag("engine", "interp|jvm", "the backend (developer flag; default jvm)", false, true, List.of("interp", "jvm"));
    private static final Flag SPARK = val("spark", "FN", "also compile FN split over the rows of its data, FN__part and FN__merge, for the Spark runner (txc-spark)");
    private static final Flag IR_STAGE = choice("stage", "the pipeline stage to show (default opt)", "parsed", "ad", "opt", "fused", "lowered");

    static final List<Command> COMMANDS = List.of(
            new Command("check", "check FILE.tx", "parse and type-check a file; print nothing and exit 0 when it is fine",
                    List.of(FLOATX)),
            new Command("run", "run FILE.tx --fn NAME [--arg NAME=VALUE]... [flags]", "call a function and print its outputs",
                    runFlags()),
            new Command("pp", "pp FILE.tx --fn NAME [--stage source|optimized]", "print each output as a Theano-style expression",
                    List.of(FN, choice("stage", "source: the graph after differentiation (default); optimized: after optimization", "source", "optimized"),
                            FLOATX, OPT_LEVEL)),
            new Command("ir", "ir FILE.tx [--fn NAME] [--stage STAGE] [flags]", "print the SSA IR of the module or of one function",
                    List.of(val("fn", "NAME", "print only this function"), IR_STAGE,
                            many("print-ir-after", "PASS", "also print the IR after each run of pass PASS (repeatable)"),
                            sw("print-ir-after-all", "also print the IR after every pass"),
                            sw("locs", "show the source location of each value"),
                            SPARK, OPT_LEVEL, FLOATX)),
            new Command("dot", "dot FILE.tx --fn NAME [--stage STAGE] [-o FILE.dot|FILE.svg]", "print the graph of a function for Graphviz",
                    List.of(FN, IR_STAGE,
                            val("o", "FILE", "write to FILE.dot, or render FILE.svg (also .png, .pdf) with Graphviz's dot; default: DOT text on stdout"),
                            OPT_LEVEL, FLOATX)),
            new Command("asm", "asm FILE.tx --fn NAME", "print the generated JVM bytecode as text", List.of(FN, OPT_LEVEL, FLOATX)),
            new Command("ptx", "ptx FILE.tx --fn NAME [--cuda-arch sm_XX]", "print the generated CUDA PTX module of a function",
                    List.of(FN, CUDA_ARCH, OPT_LEVEL, FLOATX)),
            new Command("compile", "compile FILE.tx -o OUT.jar [--target jvm|cuda|all] [--spark FN]",
                    "write a standalone jar of the compiled functions (java -jar OUT.jar FN ..., or a library with a typed facade class)",
                    List.of(val("o", "OUT.jar", "the jar to write"),
                            choice("target", "the backends to include (default jvm): jvm; all adds the CUDA PTX and host plans (java -jar OUT.jar --device cuda); "
                                    + "cuda also makes the GPU the jar's default device", "jvm", "cuda", "all"),
                            SPARK, CUDA_ARCH, OPT_LEVEL, FLOATX)),
            new Command("bench", "bench FILE.tx --fn NAME [--arg NAME=VALUE]... [--calls N] [--warmup W] [--device cpu|cuda] [--format text|json]",
                    "time calls of a function after warm-up: median, min, max",
                    List.of(FN, ARG, val("calls", "N", "timed calls (default 30)"), val("warmup", "W", "untimed calls first, for the JIT (default: 10 calls and at least 2 s)"),
                            choice("format", "output (default text): one line in one unit, or {\"fn\", \"calls\", \"median_ms\", \"min_ms\", \"max_ms\"}", "text", "json"),
                            DEVICE, FLOATX, ALLOW_DOWNCAST, OPT_LEVEL, ENGINE)));

    /** {@code --fn}, the runtime's run flags (shared with standalone jars), then the compiler's. */
    private static List<Flag> runFlags() {
        var flags = new ArrayList<Flag>();
        flags.add(FN);
        for (RunOptions.Flag f : RunOptions.FLAGS) flags.add(shared(f));
        flags.addAll(List.of(DEVICE, FLOATX, OPT_LEVEL, ENGINE, SPARK,
                sw("timings", "print where the time went (frontend, each optimizer pass, bytecode, first call) in ms to stderr"),
                sw("profile", "print the time each kernel and library call took over all calls (calls, ms, share, GB/s) to stderr")));
        return List.copyOf(flags);
    }

    static Command command(String name) {
        for (Command c : COMMANDS) if (c.name.equals(name)) return c;
        return null;
    }

    /** Parses the arguments after the subcommand name. */
    static Parsed parse(Command cmd, List<String> args) {
        var p = dev.txc.runtime.model.FlagParser.parse(shortOptLevel(cmd, args), cmd::flag, Map.of("h", "help", "o", "o"));
        var values = new LinkedHashMap<>(p.values());
        boolean help = values.remove(HELP.name) != null, verbose = values.remove(VERBOSE.name) != null;
        List<String> positional = p.positional();
        if (help) return new Parsed(cmd, null, values, true, verbose);
        if (positional.isEmpty()) throw new UsageException("missing FILE.tx");
        if (positional.size() > 1) throw new UsageException("unexpected argument '" + positional.get(1) + "' (only one FILE.tx is allowed)");
        return new Parsed(cmd, positional.getFirst(), values, false, verbose);
    }

    /** {@code -O2} is {@code --opt-level=2} (what compiler users type), for commands that take {@code --opt-level}. */
    private static List<String> shortOptLevel(Command cmd, List<String> args) {
        if (cmd.flag("opt-level") == null) return args;
        var out = new ArrayList<String>(args.size());
        boolean flagsDone = false;
        for (String a : args) {
            flagsDone |= a.equals("--");
            out.add(!flagsDone && a.matches("-O[0-9]+") ? "--opt-level=" + a.substring(2) : a);
        }
        return out;
    }

    // ---- help ----

    private static final int COLUMN = 26;

    static String help(Command c) {
        var sb = new StringBuilder();
        sb.append("usage: txc ").append(c.synopsis).append("\n\n").append(capitalize(c.summary)).append(".\n\nflags:\n");
        for (Flag f : c.flags) if (!f.hidden) flagLine(sb, f, f.help);
        flagLine(sb, HELP, HELP.help, "-h, --help");
        flagLine(sb, VERBOSE, VERBOSE.help);
        return sb.toString();
    }

    static String overview() {
        var sb = new StringBuilder();
        sb.append("txc: a tensor compiler for the JVM\n\nusage: txc COMMAND FILE.tx [flags]\n\ncommands:\n");
        for (Command c : COMMANDS) pad(sb, "  " + c.name, c.summary);
        sb.append("\nflags (see txc COMMAND --help for the flags of each command):\n");
        var seen = new LinkedHashMap<String, List<String>>();
        var first = new LinkedHashMap<String, Flag>();
        for (Command c : COMMANDS) {
            for (Flag f : c.flags) {
                if (f.hidden) continue;
                first.putIfAbsent(f.name, f);
                seen.computeIfAbsent(f.name, k -> new ArrayList<>()).add(c.name);
            }
        }
        for (var e : first.entrySet()) {
            Flag f = e.getValue();
            boolean stage = f.name.equals("stage");
            String help = stage ? "the pipeline stage to show: parsed|ad|opt|fused|lowered (pp: source|optimized)" : f.help;
            flagLine(sb, f, help + " [" + String.join(", ", seen.get(e.getKey())) + "]", stage ? "--stage STAGE" : f.usage());
        }
        flagLine(sb, HELP, HELP.help, "-h, --help");
        flagLine(sb, VERBOSE, VERBOSE.help);
        sb.append("\nexit status: 0 success, 1 user error (source, arguments, shapes, data), 2 usage error, 3 internal error\n");
        return sb.toString();
    }

    private static void flagLine(StringBuilder sb, Flag f, String help) {
        flagLine(sb, f, help, f.usage());
    }

    private static void flagLine(StringBuilder sb, Flag f, String help, String usage) {
        pad(sb, "  " + usage, help);
    }

    private static void pad(StringBuilder sb, String left, String right) {
        sb.append(left);
        if (left.length() >= COLUMN) sb.append('\n').append(" ".repeat(COLUMN));
        else sb.append(" ".repeat(COLUMN - left.length()));
        sb.append(right).append('\n');
    }

    private static String capitalize(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
