package dev.txc.runtime.model;

import dev.txc.runtime.TxRuntimeException;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.function.IntSupplier;
import java.util.function.ToIntBiFunction;

/**
 * The exit statuses of {@code txc} and of standalone jars, and the one mapping from a failure to a status and a
 * message: 0 success, 1 user error (sources, arguments, shapes, data), 2 usage error, 3 internal error (a bug).
 * Each program says how it names itself and which failures it reports as user errors ({@link Program}).
 */
public final class ExitStatus {
    public static final int OK = 0;
    public static final int USER_ERROR = 1;
    public static final int USAGE_ERROR = 2;
    public static final int INTERNAL_ERROR = 3;

    private ExitStatus() {}

    /** How one program names itself in messages and which failures are its users' errors. */
    public interface Program {
        /** The name that starts a usage error, e.g. {@code txc run} or {@code model.jar}. */
        String name();

        /** The command whose {@code --help} a usage error points to. */
        default String helpCommand() {
            return name();
        }

        /** The name that starts an internal error. */
        default String internalName() {
            return name();
        }

        /** Whether an internal error shows its stack trace. */
        boolean verbose();

        /** Whether {@code t} is a usage error (wrong flags or arguments); its message follows the name. */
        default boolean isUsageError(Throwable t) {
            return t instanceof CliUsageException;
        }

        /** The whole report of a user error, ending in a line break, or null when {@code t} is not one. */
        default String userError(Throwable t) {
            return t instanceof TxRuntimeException ? "error: " + t.getMessage() + System.lineSeparator() : null;
        }
    }

    /** Runs a program on the process's standard output (buffered, UTF-8) and standard error, then exits with its status. */
    public static void exitWith(ToIntBiFunction<PrintStream, PrintStream> program) {
        var out = new PrintStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16), false, StandardCharsets.UTF_8);
        int code = program.applyAsInt(out, System.err);
        out.flush();
        System.err.flush();
        // System.exit logs through System.Logger (JDK 21 and later), whose first use looks for a LoggerFinder on the
        // class path: about 25 ms of a 300 ms run. Success returns from main instead, and the JVM ends with status 0
        // as soon as main returns: every thread txc starts is a daemon.
        if (code != 0) System.exit(code);
    }

    /** Whether standard error is a terminal: bin/txc tells (TXC_STDERR_TTY=1 or 0) since Java cannot; else the console's guess. */
    public static boolean stderrIsTerminal() {
        String hint = System.getenv("TXC_STDERR_TTY");
        if (hint != null) return hint.equals("1");
        var console = System.console();
        return console != null && console.isTerminal();
    }

    /** Whether {@code --verbose} stands among the arguments before {@code --}: internal errors then show their stack trace. */
    public static boolean verboseFlag(String[] args) {
        for (String a : args) {
            if (a.equals("--")) break;
            if (a.equals("--verbose")) return true;
        }
        return false;
    }

    /** Runs {@code command} and returns its status, or reports its failure on {@code err} and returns that status; never throws. */
    public static int run(IntSupplier command, PrintStream out, PrintStream err, Program p) {
        try {
            return command.getAsInt();
        } catch (Throwable t) {
            return report(t, out, err, p);
        } finally {
            out.flush();
            err.flush();
        }
    }

    private static int report(Throwable t, PrintStream out, PrintStream err, Program p) {
        if (p.isUsageError(t)) {
            err.println(p.name() + ": " + t.getMessage());
            err.println("see " + p.helpCommand() + " --help");
            return USAGE_ERROR;
        }
        out.flush();
        String user = p.userError(t);
        if (user != null) {
            err.print(user);
            return USER_ERROR;
        }
        err.println(p.internalName() + ": internal error: " + t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage()));
        if (p.verbose()) t.printStackTrace(err);
        else err.println("(this is a bug in txc; re-run with --verbose for the stack trace)");
        return INTERNAL_ERROR;
    }
}
