package dev.txc.tests.fuzz;

import dev.txc.driver.Main;
import dev.txc.frontend.ast.Dim;
import dev.txc.frontend.ast.Item;
import dev.txc.frontend.ast.Param;
import dev.txc.frontend.ast.ParseResult;
import dev.txc.frontend.ast.Parsing;
import dev.txc.frontend.ast.SourceFile;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * Runs a program through what {@code txc check} and {@code txc run} run, in-process through the driver's entry
 * point, and judges the outcome: success, or a user error (exit 1) whose first line is a located
 * {@code file:line:col: error:} (for a file that is not UTF-8, the one unlocated {@code error: cannot read});
 * never a usage error, an internal error, a stack overflow, running out of memory or a hang.
 */
final class Oracle {
    /** The commands run on one program, each on a thread with the stack a command-line run has, in this order. */
    private final Path file;
    private final long timeoutMillis;

    Oracle(Path file, long timeoutMillis) {
        this.file = file;
        this.timeoutMillis = timeoutMillis;
    }

    /** Whether {@code txc check} accepted the program, and how many {@code txc run}s succeeded, for the statistics. */
    boolean checked;
    int ran;

    /** Null when every command ended well, else what went wrong. */
    String judge() throws IOException {
        String problem = command(true, "check", file.toString());
        if (problem != null || lastStatus != 0) return problem;
        checked = true;
        problem = command(true, "ir", file.toString(), "--stage", "lowered");
        if (problem != null) return problem;
        problem = command(true, "ir", file.toString(), "--stage", "lowered", "--opt-level", "0");
        if (problem != null) return problem;
        for (List<String> run : runs()) {
            problem = command(false, run.toArray(String[]::new));
            if (problem != null) return problem;
            if (lastStatus == 0) ran++;
        }
        return null;
    }

    private int lastStatus;

    /**
     * Runs one command; {@code located} demands that a user error be located (compile-time errors are; run-time ones
     * such as a shape mismatch of the arguments chosen here need only say {@code error:}).
     */
    private String command(boolean located, String... args) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        var task = new FutureTask<>(() -> Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)));
        var thread = new Thread(null, task, "fuzz-" + args[0], 0);
        thread.setDaemon(true);
        thread.start();
        String what = head("txc " + String.join(" ", args));
        try {
            lastStatus = task.get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            task.cancel(true);
            return what + ": no answer after " + timeoutMillis + " ms (a hang?)";
        } catch (ExecutionException e) {
            return what + ": threw " + e.getCause();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return what + ": interrupted";
        }
        String text = err.toString(StandardCharsets.UTF_8);
        String first = text.split("\n", 2)[0];
        return switch (lastStatus) {
            case 0 -> null;
            case 1 -> located ? locatedError(first) ? null : what + ": exit 1 without a located error: " + head(text)
                    : first.contains("error") ? null : what + ": exit 1 without an error message: " + head(text);
            default -> what + ": exit " + lastStatus + ": " + head(text);
        };
    }

    private boolean locatedError(String first) {
        if (first.startsWith("error: cannot read " + file)) return !isUtf8();
        return Pattern.compile(Pattern.quote(file.toString()) + ":\\d+:\\d+: error: .+", Pattern.DOTALL).matcher(first).matches();
    }

    private boolean isUtf8() {
        try {
            StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file)));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    private static String head(String text) {
        return text.length() <= 300 ? text : text.substring(0, 300) + "...";
    }

    /**
     * A {@code txc run} of each function whose parameters all have a numeric or bool dtype, with small arguments:
     * every dim 2 (so that dim variables agree), values that stay clear of the domain edges of log and sqrt.
     */
    private List<List<String>> runs() throws IOException {
        ParseResult<SourceFile> parsed = Parsing.parse(file.toString(), Files.readString(file));
        var runs = new ArrayList<List<String>>();
        if (!parsed.ok()) return runs;
        for (Item item : parsed.ast().items()) {
            if (!(item instanceof Item.FnDecl f)) continue;
            var cmd = new ArrayList<>(List.of("run", file.toString(), "--fn", f.name().name()));
            boolean usable = true;
            for (Param p : f.params()) {
                if (p.dflt() != null) continue;
                String v = value(p);
                if (v == null) usable = false;
                else cmd.addAll(List.of("--arg", p.name().name() + "=" + v));
            }
            if (usable) runs.add(cmd);
            if (runs.size() == 3) break;
        }
        return runs;
    }

    private static String value(Param p) {
        String dtype = p.type().dtype();
        String scalar = switch (dtype) {
            case "f64", "f32", "floatX" -> "0.5";
            case "i8", "i16", "i32", "i64", "u8" -> "2";
            case "bool" -> "true";
            default -> null;
        };
        if (scalar == null || p.type().dims().size() > 3) return null;
        String v = scalar;
        for (Dim d : p.type().dims().reversed()) {
            long n = d instanceof Dim.IntDim(long size, var span) ? size : 2;
            if (n > 64) return null;
            v = "[" + String.join(", ", java.util.Collections.nCopies((int) n, v)) + "]";
        }
        return v;
    }
}
