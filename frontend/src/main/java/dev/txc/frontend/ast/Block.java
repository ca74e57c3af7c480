package dev.txc.frontend.ast;

import dev.txc.ir.SourceSpan;
import java.util.List;

/**
 * A braced block: its statements, then {@code result}, the expression (possibly a tuple) on its
 * last line, or null when the last line is a statement; the span includes the braces.
 */
public record Block(List<Stmt> stmts, Expr result, SourceSpan span) implements Body {
    public Block {
        stmts = List.copyOf(stmts);
    }
}
