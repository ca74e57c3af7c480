package dev.txc.frontend.ast;

import static dev.txc.grammar.TxLexer.*;

import dev.txc.grammar.TxParser;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.antlr.v4.runtime.DefaultErrorStrategy;
import org.antlr.v4.runtime.InputMismatchException;
import org.antlr.v4.runtime.NoViableAltException;
import org.antlr.v4.runtime.Parser;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.TokenStream;
import org.antlr.v4.runtime.misc.IntervalSet;

/**
 * ANTLR's recovery with messages worded for users: {@code expected X, found Y} or {@code unexpected Y},
 * with token sets summarized ("an expression") and no grammar-internal names such as {@code <EOF>}.
 */
final class FriendlyErrorStrategy extends DefaultErrorStrategy {
    /** Tokens that every expression may start with; their presence means "an expression" was acceptable. */
    private static final Set<Integer> EXPR_CORE = Set.of(INT, FLOAT, ID, LPAREN);
    private static final Set<Integer> EXPR_START =
            Set.of(INT, FLOAT, STRING, ID, TRUE, FALSE, LPAREN, LBRACK, MINUS, NOT, SCAN);
    /** Tokens that extend a complete operand; after one, they are rarely what the user forgot. */
    private static final Set<Integer> EXTENDS_OPERAND = Set.of(
            PLUS, MINUS, STAR, SLASH, DSLASH, PERCENT, AT, POW, EQ, NE, LT, LE, GT, GE, AND, OR,
            LPAREN, LBRACK, DOT);
    /** Beyond this many alternatives a list of them helps less than just naming the bad token. */
    private static final int MAX_LISTED = 4;

    /**
     * Between the statements of a block or the items of a file, skips an unexpected token and the rest
     * of its line instead of giving up on the whole block or file, which ANTLR would do by default.
     */
    @Override
    public void sync(Parser p) throws RecognitionException {
        boolean inBlock = p.getContext() instanceof TxParser.BlockContext;
        if (!inBlock && !(p.getContext() instanceof TxParser.File_Context)) {
            super.sync(p);
            return;
        }
        TokenStream tokens = p.getInputStream();
        IntervalSet next = p.getATN().nextTokens(p.getInterpreter().atn.states.get(p.getState()));
        while (!next.contains(tokens.LA(1)) && tokens.LA(1) != Token.EOF) {
            reportUnwantedToken(p);
            skipRestOfLine(p, inBlock);
            // Where a statement must start, the separator ending the skipped line is in the way too.
            int t = tokens.LA(1);
            if ((t == NEWLINE || t == SEMI) && !next.contains(t)) {
                p.consume();
                endErrorCondition(p);
            }
        }
    }

    /** Consumes up to the next separator, or to the '}' closing the current block. */
    private static void skipRestOfLine(Parser p, boolean inBlock) {
        TokenStream tokens = p.getInputStream();
        int depth = 0;
        for (int t = tokens.LA(1); t != Token.EOF; t = tokens.LA(1)) {
            if (depth == 0 && (t == NEWLINE || t == SEMI || (inBlock && t == RBRACE))) return;
            if (t == LBRACE) depth++;
            else if (t == RBRACE && depth > 0) depth--;
            p.consume();
        }
    }

    @Override
    protected void reportNoViableAlternative(Parser p, NoViableAltException e) {
        Token found = e.getOffendingToken();
        // The parser's expected set describes the decision's first token, so it only helps when that one is bad.
        IntervalSet expected = found == e.getStartToken() ? p.getExpectedTokens() : new IntervalSet();
        p.notifyErrorListeners(found, message(p, expected, found), e);
    }

    @Override
    protected void reportInputMismatch(Parser p, InputMismatchException e) {
        p.notifyErrorListeners(e.getOffendingToken(), message(p, e.getExpectedTokens(), e.getOffendingToken()), e);
    }

    @Override
    protected void reportUnwantedToken(Parser p) {
        if (inErrorRecoveryMode(p)) return;
        beginErrorCondition(p);
        Token found = p.getCurrentToken();
        p.notifyErrorListeners(found, message(p, getExpectedTokens(p), found), null);
    }

    @Override
    protected void reportMissingToken(Parser p) {
        if (inErrorRecoveryMode(p)) return;
        beginErrorCondition(p);
        Token found = p.getCurrentToken();
        p.notifyErrorListeners(found, message(p, getExpectedTokens(p), found), null);
    }

    private static String message(Parser p, IntervalSet expected, Token found) {
        // At the end of the file only closing an open block helps, and a new line does not.
        if (found.getType() == Token.EOF) {
            expected = expected.contains(RBRACE) ? IntervalSet.of(RBRACE) : expected.subtract(new IntervalSet(NEWLINE, SEMI));
        }
        String wanted = describe(p, expected);
        return wanted == null ? "unexpected " + describe(found) : "expected " + wanted + ", found " + describe(found);
    }

    /** How a user would name the token: its text, or "end of line" / "end of file". */
    static String describe(Token t) {
        return switch (t.getType()) {
            case Token.EOF -> "end of file";
            case NEWLINE -> "end of line";
            case STRING -> "string " + t.getText();
            default -> "'" + t.getText() + "'";
        };
    }

    /** A short phrase for a set of acceptable tokens, or null when the set is empty or too large to help. */
    private static String describe(Parser p, IntervalSet expected) {
        Set<Integer> types = new LinkedHashSet<>(expected.toList());
        if (types.equals(Set.of(ID)) && p.getContext() instanceof TxParser.TypeContext) return "a type";
        if (p.getContext() instanceof TxParser.DimContext) return "a dimension (an integer, a name or '?')";
        // At the top level only items may start, and naming them explains what a stray statement lacks.
        if (types.contains(FN)) return "'fn', 'const', 'shared' or 'import' at the top level";
        if (types.containsAll(EXPR_CORE) && types.contains(RETURN)) return "a statement";
        List<String> words = new ArrayList<>();
        if (types.containsAll(EXPR_CORE)) {
            words.add("an expression");
            types.removeAll(EXPR_START);
        }
        if (!EXTENDS_OPERAND.containsAll(types)) types.removeAll(EXTENDS_OPERAND);
        boolean endOfLine = types.remove(NEWLINE) | types.remove(SEMI);
        boolean endOfFile = types.remove(Token.EOF);
        // A missing ',' is the likeliest slip in a list, so it is offered first.
        if (types.remove(COMMA)) words.add("','");
        for (int type : types) words.add(name(p, type));
        if (endOfLine) words.add("end of line");
        else if (endOfFile) words.add("end of file");
        if (words.isEmpty() || words.size() > MAX_LISTED) return null;
        return words.size() == 1 ? words.getFirst()
                : String.join(", ", words.subList(0, words.size() - 1)) + " or " + words.getLast();
    }

    private static String name(Parser p, int type) {
        return switch (type) {
            case ID -> "a name";
            case INT -> "an integer";
            case FLOAT -> "a number";
            case STRING -> "a string";
            default -> p.getVocabulary().getLiteralName(type);
        };
    }
}
