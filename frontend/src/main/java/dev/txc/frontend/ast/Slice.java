package dev.txc.frontend.ast;

import dev.txc.ir.SourceSpan;

/** {@code start:stop:step} inside a subscript; each part is null when omitted. */
public record Slice(Expr start, Expr stop, Expr step, SourceSpan span) implements IndexItem {}
