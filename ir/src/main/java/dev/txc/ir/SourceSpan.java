package dev.txc.ir;

/** A 1-based source range; {@code endLine:endCol} is exclusive and may equal the start for a point. */
public record SourceSpan(String file, int line, int col, int endLine, int endCol) {
    public static SourceSpan point(String file, int line, int col) {
        return new SourceSpan(file, line, col, line, col + 1);
    }

    /** The smallest span covering both; the file of {@code this} wins. */
    public SourceSpan to(SourceSpan other) {
        return new SourceSpan(file, line, col, other.endLine, other.endCol);
    }

    @Override
    public String toString() {
        return file + ":" + line + ":" + col;
    }
}
