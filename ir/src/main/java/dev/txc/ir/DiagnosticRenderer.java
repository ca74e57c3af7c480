package dev.txc.ir;

import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/** Renders diagnostics as {@code file:line:col: error: message}, the source line, and a caret under the column. */
public final class DiagnosticRenderer {
    private final Function<String, List<String>> sourceLines;

    /** @param sourceLines the lines of a file by name, or an empty list when the text is unavailable */
    public DiagnosticRenderer(Function<String, List<String>> sourceLines) {
        this.sourceLines = sourceLines;
    }

    public String render(Diagnostic d) {
        var sb = new StringBuilder();
        line(sb, d.span(), d.severity().name().toLowerCase(Locale.ROOT), d.message());
        for (var n : d.notes()) line(sb, n.span(), "note", n.message());
        return sb.toString();
    }

    public String renderAll(List<Diagnostic> ds) {
        var sb = new StringBuilder();
        for (var d : ds) sb.append(render(d));
        return sb.toString();
    }

    private void line(StringBuilder sb, SourceSpan span, String kind, String message) {
        if (span == null) {
            sb.append(kind).append(": ").append(message).append('\n');
            return;
        }
        sb.append(span.file()).append(':').append(span.line()).append(':').append(span.col())
          .append(": ").append(kind).append(": ").append(message).append('\n');
        List<String> lines = sourceLines.apply(span.file());
        if (span.line() < 1 || span.line() > lines.size()) return;
        String text = lines.get(span.line() - 1);
        sb.append(text).append('\n');
        int width = span.endLine() == span.line() ? Math.max(1, span.endCol() - span.col()) : 1;
        var caret = new StringBuilder();
        for (int i = 1; i < span.col() && i <= text.length(); i++) caret.append(text.charAt(i - 1) == '\t' ? '\t' : ' ');
        caret.append('^');
        for (int i = 1; i < width; i++) caret.append('~');
        sb.append(caret).append('\n');
    }
}
