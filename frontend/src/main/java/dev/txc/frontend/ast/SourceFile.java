package dev.txc.frontend.ast;

import dev.txc.ir.SourceSpan;
import java.util.List;

/** A parsed file: its items in source order; {@code path} is the name diagnostics use for it. */
public record SourceFile(String path, List<Item> items, SourceSpan span) implements Node {
    public SourceFile {
        items = List.copyOf(items);
    }
}
