package dev.txc.frontend.ast;

import dev.txc.ir.SourceSpan;
import java.util.List;

/**
 * A type as written: a dtype name (not yet checked, so {@code floatX} or a typo stay as they are)
 * and its dims, empty for a scalar.
 */
public record TypeExpr(String dtype, List<Dim> dims, SourceSpan span) implements Node {
    public TypeExpr {
        dims = List.copyOf(dims);
    }

    public boolean isScalar() {
        return dims.isEmpty();
    }
}
