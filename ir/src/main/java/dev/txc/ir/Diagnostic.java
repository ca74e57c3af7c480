package dev.txc.ir;

import java.util.List;

/** One message about a source location; {@code span} may be null for messages about no particular place. */
public record Diagnostic(Severity severity, SourceSpan span, String message, List<Note> notes) {
    public enum Severity { ERROR, WARNING, NOTE }

    /** A secondary location that explains the main message. */
    public record Note(SourceSpan span, String message) {}

    public Diagnostic {
        notes = List.copyOf(notes);
    }

    public static Diagnostic error(SourceSpan span, String message) {
        return new Diagnostic(Severity.ERROR, span, message, List.of());
    }

    public Diagnostic withNote(SourceSpan at, String message) {
        var all = new java.util.ArrayList<>(notes);
        all.add(new Note(at, message));
        return new Diagnostic(severity, span, message(), all);
    }
}
