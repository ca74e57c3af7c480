package dev.txc.tests.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.txc.driver.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Runs the real {@code txc} command in-process and captures what it prints. */
record Cli(int status, String out, String err) {
    static Cli run(String... args) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Cli(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static String ok(String... args) {
        Cli r = run(args);
        assertEquals(0, r.status(), () -> "txc " + String.join(" ", args) + "\n" + r.err());
        return r.out();
    }
}
