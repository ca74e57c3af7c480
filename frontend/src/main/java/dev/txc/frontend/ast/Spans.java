package dev.txc.frontend.ast;

import dev.txc.grammar.TxLexer;
import dev.txc.ir.SourceSpan;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.Token;

/** Converts ANTLR positions (1-based lines, 0-based columns) to 1-based, end-exclusive {@link SourceSpan}s. */
final class Spans {
    private Spans() {}

    /** The token's own characters; end of line and end of file get a width of one so that a caret shows. */
    static SourceSpan of(String file, Token t) {
        int col = t.getCharPositionInLine() + 1;
        return new SourceSpan(file, t.getLine(), col, t.getLine(), col + width(t, 1));
    }

    /** From the first character of {@code start} to the last of {@code stop}. */
    static SourceSpan between(String file, Token start, Token stop) {
        if (stop == null || stop.getTokenIndex() < start.getTokenIndex()) return of(file, start);
        return new SourceSpan(file, start.getLine(), start.getCharPositionInLine() + 1,
                stop.getLine(), stop.getCharPositionInLine() + 1 + width(stop, 0));
    }

    static SourceSpan of(String file, ParserRuleContext ctx) {
        return between(file, ctx.start, ctx.stop);
    }

    /** The point just after {@code t}, where something missing after it belongs. */
    static SourceSpan after(String file, Token t) {
        int col = t.getCharPositionInLine() + 1 + width(t, 0);
        return new SourceSpan(file, t.getLine(), col, t.getLine(), col + 1);
    }

    private static int width(Token t, int eofWidth) {
        if (t.getType() == Token.EOF) return eofWidth;
        if (t.getType() == TxLexer.NEWLINE) return 1;
        String text = t.getText();
        return text.codePointCount(0, text.length());
    }
}
