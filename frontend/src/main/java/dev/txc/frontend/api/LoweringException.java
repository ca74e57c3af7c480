package dev.txc.frontend.api;

import dev.txc.ir.Diagnostic;

/** A user error found while building a graph (a type or shape mismatch, a bad argument): the diagnostic the {@code .tx} frontend would report. */
public final class LoweringException extends RuntimeException {
    private final transient Diagnostic diagnostic;

    public LoweringException(Diagnostic diagnostic) {
        super(diagnostic.span() == null ? diagnostic.message() : diagnostic.span() + ": " + diagnostic.message(), null, false, false);
        this.diagnostic = diagnostic;
    }

    public Diagnostic diagnostic() {
        return diagnostic;
    }
}
