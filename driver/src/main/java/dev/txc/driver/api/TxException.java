package dev.txc.driver.api;

import dev.txc.ir.Diagnostic;
import java.util.List;

/**
 * A user error from the embedding API: a graph that does not type-check, a function that cannot be built, an
 * argument of the wrong type or shape, a run-time error of a compiled function. The message names the call site in
 * the caller's code where one is known, the function, the parameter and the shapes; {@link #diagnostics} holds the
 * compiler's diagnostics, if any. Unchecked, like every exception of the API.
 */
public final class TxException extends RuntimeException {
    private final transient List<Diagnostic> diagnostics;

    TxException(String message) {
        this(message, List.of(), null);
    }

    TxException(String message, List<Diagnostic> diagnostics, Throwable cause) {
        super(message, cause, false, false);
        this.diagnostics = List.copyOf(diagnostics);
    }

    static TxException of(List<Diagnostic> ds) {
        var sb = new StringBuilder();
        for (Diagnostic d : ds) {
            if (!sb.isEmpty()) sb.append('\n');
            sb.append(CallSite.format(d));
        }
        return new TxException(sb.toString(), ds, null);
    }

    public List<Diagnostic> diagnostics() {
        return diagnostics;
    }
}
