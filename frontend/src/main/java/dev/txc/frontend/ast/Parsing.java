package dev.txc.frontend.ast;

import dev.txc.grammar.TxLexer;
import dev.txc.grammar.TxParser;
import dev.txc.ir.Diagnostic;
import dev.txc.ir.SourceSpan;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.function.Supplier;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.CommonTokenStream;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.TokenStream;

/** Entry points from source text to the AST; stateless, so safe to call from any thread. */
public final class Parsing {
    /**
     * The deepest nesting of grammar rules the parser accepts: about 200 levels of parentheses (each costs a dozen
     * rules, one per precedence level) or 2,000 prefix operators. Deeper input is an error rather than a stack
     * overflow, and it bounds the recursion of every later walk of the tree, whose only unbounded shapes are the
     * left-associative operator chains they walk iteratively.
     */
    static final int MAX_RULE_DEPTH = 2_500;

    static final String TOO_DEEP = "nested too deeply; split this expression into several statements";

    private Parsing() {}

    /** Parses a whole {@code .tx} file; {@code fileName} is what the spans and messages call it. */
    public static ParseResult<SourceFile> parse(String fileName, String text) {
        return run(fileName, text, (parser, builder) -> builder.file(parser.file_()),
                () -> new SourceFile(fileName, List.of(), SourceSpan.point(fileName, 1, 1)));
    }

    /** Parses a single expression, such as a literal argument value given on the command line. */
    public static ParseResult<Expr> parseExpression(String fileName, String text) {
        return run(fileName, text, (parser, builder) -> builder.exprOnly(parser.exprOnly()), () -> null);
    }

    private interface Entry<T> {
        T build(TxParser parser, AstBuilder builder);
    }

    private static <T extends Node> ParseResult<T> run(String fileName, String text, Entry<T> entry,
                                                       Supplier<T> nothing) {
        var syntax = new ArrayList<Diagnostic>();
        var built = new ArrayList<Diagnostic>();
        var collector = new SyntaxErrorCollector(fileName, syntax::add);
        var lexer = new TxLexer(CharStreams.fromString(text, fileName));
        lexer.removeErrorListeners();
        lexer.addErrorListener(collector);
        var parser = new DepthLimitedParser(new CommonTokenStream(new NewlineFilter(lexer, fileName, syntax::add)));
        parser.removeErrorListeners();
        parser.addErrorListener(collector);
        parser.setErrorHandler(new FriendlyErrorStrategy());
        T ast;
        try {
            ast = entry.build(parser, new AstBuilder(fileName, built::add));
        } catch (TooDeep e) {
            syntax.add(Diagnostic.error(Spans.of(fileName, e.at), TOO_DEEP));
            ast = nothing.get();
        } catch (StackOverflowError e) {
            // A backstop for threads with a small stack: the limit above is meant to be reached first.
            syntax.add(Diagnostic.error(Spans.of(fileName, parser.getCurrentToken()), TOO_DEEP));
            ast = nothing.get();
        }
        return new ParseResult<>(ast, inSourceOrder(syntax, built));
    }

    /** Signals nesting deeper than {@link #MAX_RULE_DEPTH}, at the token where the limit was crossed. */
    private static final class TooDeep extends RuntimeException {
        final transient Token at;

        TooDeep(Token at) {
            super(null, null, false, false);
            this.at = at;
        }
    }

    /** A parser that stops, rather than recursing on, at {@link #MAX_RULE_DEPTH} nested rules. */
    private static final class DepthLimitedParser extends TxParser {
        private int depth;

        DepthLimitedParser(TokenStream input) {
            super(input);
        }

        @Override
        public void enterRule(ParserRuleContext localctx, int state, int ruleIndex) {
            if (++depth > MAX_RULE_DEPTH) throw new TooDeep(getCurrentToken());
            super.enterRule(localctx, state, ruleIndex);
        }

        @Override
        public void exitRule() {
            depth--;
            super.exitRule();
        }
    }

    /**
     * Sorted by position, keeping only the first error of each line: after a syntax error the rest of
     * its line is mostly echoes of it (as in Go's compiler), and the user fixes one line at a time anyway.
     * A line with a syntax error reports only that: what the builder finds there is in a tree that error
     * recovery patched up (deleting {@code foo} from {@code g((x) foo (x))} leaves a call of {@code (x)}).
     */
    private static List<Diagnostic> inSourceOrder(List<Diagnostic> syntax, List<Diagnostic> built) {
        var syntaxLines = new HashSet<Integer>();
        syntax.forEach(d -> syntaxLines.add(d.span().line()));
        var lines = new HashSet<Integer>();
        return java.util.stream.Stream.concat(syntax.stream(),
                        built.stream().filter(d -> !syntaxLines.contains(d.span().line())))
                .sorted(Comparator.comparingInt((Diagnostic d) -> d.span().line())
                        .thenComparingInt(d -> d.span().col()))
                .filter(d -> lines.add(d.span().line()))
                .toList();
    }
}
