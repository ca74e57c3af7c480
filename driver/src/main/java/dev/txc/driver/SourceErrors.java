package dev.txc.driver;

import dev.txc.ir.Diagnostic;
import dev.txc.ir.DiagnosticRenderer;
import java.util.List;
import java.util.Map;

/** Located errors in the user's sources, with the text needed to render them; exit status 1. */
public final class SourceErrors extends RuntimeException {
    private static final long serialVersionUID = 1L;
    /** How many diagnostics {@link #render} shows before saying how many more there are. */
    public static final int MAX_SHOWN = 20;
    private final transient List<Diagnostic> diagnostics;
    private final transient Map<String, List<String>> sources;

    public SourceErrors(List<Diagnostic> diagnostics, Map<String, List<String>> sources) {
        super(diagnostics.isEmpty() ? "source errors" : diagnostics.getFirst().message(), null, false, false);
        this.diagnostics = List.copyOf(diagnostics);
        this.sources = Map.copyOf(sources);
    }

    public List<Diagnostic> diagnostics() {
        return diagnostics;
    }

    /** The first {@link #MAX_SHOWN} diagnostics as {@code file:line:col: error: message}, the source line and a caret. */
    public String render() {
        return new DiagnosticRenderer(f -> sources.getOrDefault(f, List.of())).renderAll(diagnostics, MAX_SHOWN);
    }
}
