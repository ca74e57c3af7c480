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

/** Entry points from source text to the AST; stateless, so safe to call from any thread. */
public final class Parsing {
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
        var diagnostics = new ArrayList<Diagnostic>();
        var collector = new SyntaxErrorCollector(fileName, diagnostics::add);
        var lexer = new TxLexer(CharStreams.fromString(text, fileName));
        lexer.removeErrorListeners();
        lexer.addErrorListener(collector);
        var parser = new TxParser(new CommonTokenStream(new NewlineFilter(lexer, fileName, diagnostics::add)));
        parser.removeErrorListeners();
        parser.addErrorListener(collector);
        parser.setErrorHandler(new FriendlyErrorStrategy());
        T ast;
        try {
            ast = entry.build(parser, new AstBuilder(fileName, diagnostics::add));
        } catch (StackOverflowError e) {
            // Recursive descent runs out of stack on absurd nesting; that is the user's error to fix, not a crash.
            diagnostics.add(Diagnostic.error(Spans.of(fileName, parser.getCurrentToken()),
                    "nested too deeply; split this expression into several statements"));
            ast = nothing.get();
        }
        return new ParseResult<>(ast, inSourceOrder(diagnostics));
    }

    /**
     * Sorted by position, keeping only the first error of each line: after a syntax error the rest of
     * its line is mostly echoes of it (as in Go's compiler), and the user fixes one line at a time anyway.
     */
    private static List<Diagnostic> inSourceOrder(List<Diagnostic> found) {
        var lines = new HashSet<Integer>();
        return found.stream()
                .sorted(Comparator.comparingInt((Diagnostic d) -> d.span().line())
                        .thenComparingInt(d -> d.span().col()))
                .filter(d -> lines.add(d.span().line()))
                .toList();
    }
}
