package dev.txc.frontend.ast;

import static dev.txc.grammar.TxLexer.*;

import dev.txc.grammar.TxLexer;
import dev.txc.ir.Diagnostic;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;
import java.util.function.Consumer;
import org.antlr.v4.runtime.CharStream;
import org.antlr.v4.runtime.CommonToken;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.TokenFactory;
import org.antlr.v4.runtime.TokenSource;

/**
 * The lexer's tokens as the parser should see them: exactly one separator (NEWLINE or ';') between two
 * statements or items, and none elsewhere, that is neither inside () or [], nor after a token that
 * continues the line, nor before the first statement, after the last, or next to a brace. Bad characters
 * and unterminated strings are reported here, where the message can be specific, and still passed on, so
 * that the parser recovers from them as from any unexpected token.
 */
final class NewlineFilter implements TokenSource {
    /** After these a statement cannot end, so the next line continues it. */
    private static final Set<Integer> CONTINUES_LINE = Set.of(
            PLUS, MINUS, STAR, SLASH, DSLASH, PERCENT, AT, POW, EQ, NE, LT, LE, GT, GE, AND, OR, NOT,
            ASSIGN, UPDATE, COMMA, ARROW, DOTDOT);
    /** Only start an item or a statement, so a bracket still open before them was never closed. */
    private static final Set<Integer> STARTS_FRESH = Set.of(FN, SHARED, CONST, IMPORT, RETURN);

    private final TxLexer lexer;
    private final String file;
    private final Consumer<Diagnostic> report;
    /** Unclosed '(', '[' and '{', innermost on top. */
    private final Deque<Integer> open = new ArrayDeque<>();
    /** A token read ahead to decide about the separators before it. */
    private Token pending;
    /** The type of the last token handed to the parser, or LBRACE before the first one (both start a list). */
    private int lastType = LBRACE;

    NewlineFilter(TxLexer lexer, String file, Consumer<Diagnostic> report) {
        this.lexer = lexer;
        this.file = file;
        this.report = report;
    }

    @Override
    public Token nextToken() {
        Token t = pull();
        while (isSeparator(t)) {
            Token separator = separatorOfRun(t);
            if (separator != null) return handOut(separator);
            t = pull();
        }
        return handOut(track(t));
    }

    /**
     * Reads the run of separators starting at {@code first} and the token after it, and returns the one
     * separator to pass on, or null when the run separates nothing. A ';' is always meant, so it wins;
     * a newline only counts where the line could end.
     */
    private Token separatorOfRun(Token first) {
        Token semicolon = null;
        Token t = first;
        while (isSeparator(t)) {
            if (semicolon == null && t.getType() == SEMI) semicolon = t;
            t = lexer.nextToken();
        }
        pending = t;
        if (STARTS_FRESH.contains(t.getType())) closeBrackets();
        if (lastType == LBRACE || t.getType() == RBRACE || t.getType() == Token.EOF) return null;
        if (semicolon != null) return semicolon;
        return lineEnds(t) ? first : null;
    }

    /** Whether a newline before {@code next} ends the statement. */
    private boolean lineEnds(Token next) {
        if (!open.isEmpty() && open.peek() != LBRACE) return false;
        if (CONTINUES_LINE.contains(lastType)) return false;
        // An opening brace on its own line still belongs to the header above it.
        return next.getType() != LBRACE;
    }

    private static boolean isSeparator(Token t) {
        return t.getType() == NEWLINE || t.getType() == SEMI;
    }

    private Token pull() {
        Token t = pending != null ? pending : lexer.nextToken();
        pending = null;
        return t;
    }

    /** Forgets '(' and '[' left open inside the innermost block, so that one missing ')' does not swallow the file. */
    private void closeBrackets() {
        while (!open.isEmpty() && open.peek() != LBRACE) open.pop();
    }

    private Token track(Token t) {
        switch (t.getType()) {
            case LPAREN, LBRACK, LBRACE -> open.push(t.getType());
            case RPAREN -> popIf(LPAREN);
            case RBRACK -> popIf(LBRACK);
            case RBRACE -> {
                closeBrackets();
                popIf(LBRACE);
            }
            case BAD_CHAR -> report.accept(Diagnostic.error(Spans.of(file, t),
                    "unexpected character " + describe(t.getText().codePointAt(0))));
            case UNTERMINATED_STRING -> {
                report.accept(Diagnostic.error(Spans.of(file, t), "unterminated string: missing closing '\"'"));
                ((CommonToken) t).setType(STRING);
            }
            default -> { }
        }
        return t;
    }

    private void popIf(int opener) {
        if (!open.isEmpty() && open.peek() == opener) open.pop();
    }

    private Token handOut(Token t) {
        lastType = t.getType();
        return t;
    }

    @Override
    public int getLine() {
        return lexer.getLine();
    }

    @Override
    public int getCharPositionInLine() {
        return lexer.getCharPositionInLine();
    }

    @Override
    public CharStream getInputStream() {
        return lexer.getInputStream();
    }

    @Override
    public String getSourceName() {
        return file;
    }

    @Override
    public void setTokenFactory(TokenFactory<?> factory) {
        lexer.setTokenFactory(factory);
    }

    @Override
    public TokenFactory<?> getTokenFactory() {
        return lexer.getTokenFactory();
    }

    /**
     * A character as the user can recognize it: {@code '$'}; a letter or symbol that may look like another with its
     * code, {@code 'λ' (U+03BB)}; an invisible or layout character by code and name, {@code U+00A0 (NO-BREAK SPACE)}.
     */
    static String describe(int cp) {
        String code = String.format("U+%04X", cp);
        if (cp >= 0x21 && cp < 0x7f) return "'" + Character.toString(cp) + "'";
        int type = Character.getType(cp);
        boolean invisible = Character.isWhitespace(cp) || Character.isSpaceChar(cp) || Character.isISOControl(cp)
                || type == Character.FORMAT || type == Character.UNASSIGNED || type == Character.PRIVATE_USE
                || type == Character.SURROGATE || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR;
        if (!invisible) return "'" + Character.toString(cp) + "' (" + code + ")";
        String name = Character.getName(cp);
        return name == null ? code : code + " (" + name + ")";
    }
}
