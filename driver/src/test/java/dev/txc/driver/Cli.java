package dev.txc.driver;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Supplier;

/** Runs {@code txc} in-process and captures its exit status, stdout and stderr. */
record Cli(int status, String out, String err) {
    static Cli run(String... args) {
        return run(Main.defaultEngines(), args);
    }

    static Cli run(Map<String, Supplier<Engine>> engines, String... args) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int status;
        try (var o = new PrintStream(out, true, StandardCharsets.UTF_8); var e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            status = new Main(o, e, engines, false).execute(args);
        }
        return new Cli(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "exit " + status + "\n--- stdout ---\n" + out + "--- stderr ---\n" + err;
    }
}
