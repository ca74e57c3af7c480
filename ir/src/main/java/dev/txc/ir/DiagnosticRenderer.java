package dev.txc.ir;

import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/** Renders diagnostics as {@code file:line:col: error: message}, the source line, and a caret under the column. */
public final class DiagnosticRenderer {
    /** Source lines up to this many characters are shown whole; longer ones as a window of {@link #WINDOW}. */
    static final int MAX_LINE = 160;
    static final int WINDOW = 100;

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
        return renderAll(ds, Integer.MAX_VALUE);
    }

    /**
     * The first {@code max} diagnostics, then one line saying how many more errors there are (as compilers cap
     * their output: the first errors are the ones to fix, and later ones are often their consequences).
     */
    public String renderAll(List<Diagnostic> ds, int max) {
        var sb = new StringBuilder();
        for (var d : ds.subList(0, Math.min(max, ds.size()))) sb.append(render(d));
        long more = ds.stream().skip(max).filter(d -> d.severity() == Diagnostic.Severity.ERROR).count();
        if (more > 0) sb.append(more).append(more == 1 ? " more error" : " more errors").append(" not shown\n");
        return sb.toString();
    }

    /** Control characters and line separators, which would move the terminal's cursor, echo as a space. */
    private static int visible(int cp) {
        return cp != '\t' && (Character.isISOControl(cp) || cp == 0x2028 || cp == 0x2029) ? ' ' : cp;
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
        // Columns count code points, as the lexer does.
        int[] text = lines.get(span.line() - 1).codePoints().map(DiagnosticRenderer::visible).toArray();
        int width = span.endLine() == span.line() ? Math.max(1, span.endCol() - span.col()) : 1;
        // A long line is shown as a window around the caret, so that one error never prints a whole minified file.
        int from = 0, to = text.length;
        if (text.length > MAX_LINE) {
            from = Math.clamp(span.col() - 1 - WINDOW / 2, 0, text.length - WINDOW);
            to = from + WINDOW;
        }
        String before = from > 0 ? "..." : "";
        sb.append(before).append(new String(text, from, to - from)).append(to < text.length ? "..." : "").append('\n');
        var caret = new StringBuilder(" ".repeat(before.length()));
        for (int i = from + 1; i < span.col() && i <= to; i++) caret.append(text[i - 1] == '\t' ? '\t' : ' ');
        caret.append('^');
        for (int i = 1; i < Math.min(width, to - span.col() + 2); i++) caret.append('~');
        sb.append(caret).append('\n');
    }
}
