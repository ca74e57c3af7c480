package dev.txc.frontend.ast;

import dev.txc.ir.SourceSpan;
import java.util.List;

/** A statement of a block. */
public sealed interface Stmt extends Node {

    /** {@code a = e} or, destructuring, {@code a, b = e}; {@code targets} is never empty and may hold {@code _}. */
    record Assign(List<Ident> targets, Expr value, SourceSpan span) implements Stmt {
        public Assign {
            targets = List.copyOf(targets);
        }
    }

    /** {@code name := value}, an update of a shared variable. */
    record Update(Ident name, Expr value, SourceSpan span) implements Stmt {}

    /** {@code return e1, e2}; {@code values} is empty for a bare {@code return}. */
    record Return(List<Expr> values, SourceSpan span) implements Stmt {
        public Return {
            values = List.copyOf(values);
        }
    }
}
