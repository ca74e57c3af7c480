package dev.txc.runtime.model;

import static org.junit.jupiter.api.Assertions.*;

import dev.txc.runtime.TxRuntimeException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.Test;

/** The one mapping from a failure to an exit status and a message, as a standalone jar's {@link JarMain} uses it. */
class ExitStatusTest {
    private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    private final PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);

    private record Jar(boolean verbose) implements ExitStatus.Program {
        @Override
        public String name() {
            return "m.jar";
        }

        @Override
        public String helpCommand() {
            return "java -jar m.jar";
        }
    }

    private String run(IntSupplier command, int expectedStatus, boolean verbose) {
        assertEquals(expectedStatus, ExitStatus.run(command, out, err, new Jar(verbose)));
        return errBytes.toString(StandardCharsets.UTF_8).replace(System.lineSeparator(), "\n");
    }

    @Test
    void successReturnsTheCommandsStatusAndSaysNothing() {
        assertEquals("", run(() -> 0, 0, false));
    }

    @Test
    void usageErrorsAreStatus2WithAPointerToHelp() {
        assertEquals("m.jar: unknown flag --x\nsee java -jar m.jar --help\n",
                run(() -> { throw new CliUsageException("unknown flag --x"); }, 2, false));
    }

    @Test
    void runtimeErrorsAreUserErrorsWithStatus1() {
        assertEquals("error: shape mismatch\n", run(() -> { throw new TxRuntimeException("shape mismatch"); }, 1, false));
    }

    @Test
    void anythingElseIsAnInternalErrorWithStatus3() {
        assertEquals("m.jar: internal error: IllegalStateException: broken\n(this is a bug in txc; re-run with --verbose for the stack trace)\n",
                run(() -> { throw new IllegalStateException("broken"); }, 3, false));
        errBytes.reset();
        String verbose = run(() -> { throw new NullPointerException(); }, 3, true);
        assertTrue(verbose.startsWith("m.jar: internal error: NullPointerException\njava.lang.NullPointerException\n\tat "), verbose);
    }
}
