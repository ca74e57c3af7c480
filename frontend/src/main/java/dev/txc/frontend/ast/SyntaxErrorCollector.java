package dev.txc.frontend.ast;

import dev.txc.grammar.TxLexer;
import dev.txc.ir.Diagnostic;
import dev.txc.ir.SourceSpan;
import java.util.function.Consumer;
import org.antlr.v4.runtime.BaseErrorListener;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Recognizer;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.TokenStream;

/**
 * Turns ANTLR syntax errors into error {@link Diagnostic}s located at the offending token, keeping only the
 * first error of each statement: the later ones are almost always echoes of it left by error recovery.
 */
final class SyntaxErrorCollector extends BaseErrorListener {
    private final String file;
    private final Consumer<Diagnostic> report;
    /** Index of the token the last reported error was about, or -1 before the first. */
    private int lastErrorToken = -1;

    SyntaxErrorCollector(String file, Consumer<Diagnostic> report) {
        this.file = file;
        this.report = report;
    }

    @Override
    public void syntaxError(Recognizer<?, ?> recognizer, Object offendingSymbol, int line, int charPositionInLine,
                            String msg, RecognitionException e) {
        if (!(offendingSymbol instanceof Token t && recognizer.getInputStream() instanceof TokenStream tokens)) {
            report.accept(Diagnostic.error(SourceSpan.point(file, line, charPositionInLine + 1), msg));
            return;
        }
        if (sameStatement(tokens, lastErrorToken, t.getTokenIndex())) return;
        lastErrorToken = t.getTokenIndex();
        report.accept(Diagnostic.error(where(tokens, t), msg));
    }

    /** Whether no statement separator lies from token {@code from} up to, not including, token {@code to}. */
    private static boolean sameStatement(TokenStream tokens, int from, int to) {
        if (from < 0) return false;
        for (int i = from; i < to; i++) {
            int type = tokens.get(i).getType();
            if (type == TxLexer.NEWLINE || type == TxLexer.SEMI) return false;
        }
        return true;
    }

    /** End of file is shown just after the last real token, on a line the user can see. */
    private SourceSpan where(TokenStream tokens, Token t) {
        if (t.getType() != Token.EOF) return Spans.of(file, t);
        for (int i = t.getTokenIndex() - 1; i >= 0; i--) {
            Token before = tokens.get(i);
            if (before.getType() != TxLexer.NEWLINE) return Spans.after(file, before);
        }
        return Spans.of(file, t);
    }
}
