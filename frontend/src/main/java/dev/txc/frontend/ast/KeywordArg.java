package dev.txc.frontend.ast;

import dev.txc.ir.SourceSpan;

/** {@code name=value} in a call; the span covers both. */
public record KeywordArg(Ident name, Expr value, SourceSpan span) implements Node {}
