package dev.txc.frontend.ast;

import dev.txc.ir.SourceSpan;

/** {@code carry name = init} of a {@code scan}: a value threaded from each step to the next. */
public record Carry(Ident name, Expr init, SourceSpan span) implements Node {}
