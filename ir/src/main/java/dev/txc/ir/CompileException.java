package dev.txc.ir;

import java.util.List;

/** Thrown when a compilation stage finds user errors; carries every diagnostic found, never empty. */
public final class CompileException extends RuntimeException {
    private final List<Diagnostic> diagnostics;

    public CompileException(List<Diagnostic> diagnostics) {
        super(diagnostics.isEmpty() ? "compile error" : diagnostics.getFirst().message(), null, false, false);
        if (diagnostics.isEmpty()) throw new IllegalArgumentException("no diagnostics");
        this.diagnostics = List.copyOf(diagnostics);
    }

    public CompileException(Diagnostic d) {
        this(List.of(d));
    }

    public List<Diagnostic> diagnostics() {
        return diagnostics;
    }
}
