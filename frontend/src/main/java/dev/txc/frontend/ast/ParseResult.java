package dev.txc.frontend.ast;

import dev.txc.ir.CompileException;
import dev.txc.ir.Diagnostic;
import java.util.List;

/**
 * What parsing produced: the AST, complete when {@code diagnostics} is empty and otherwise partial (a
 * lone expression may then be null), and the syntax errors found, in source order, at most one per line.
 */
public record ParseResult<T extends Node>(T ast, List<Diagnostic> diagnostics) {
    public ParseResult {
        diagnostics = List.copyOf(diagnostics);
    }

    public boolean ok() {
        return diagnostics.isEmpty();
    }

    /** The AST, or a {@link CompileException} carrying every syntax error. */
    public T orThrow() {
        if (!ok()) throw new CompileException(diagnostics);
        return ast;
    }
}
