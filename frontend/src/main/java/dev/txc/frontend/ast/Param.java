package dev.txc.frontend.ast;

import dev.txc.ir.SourceSpan;

/** A function parameter {@code name: type} with an optional default ({@code dflt} is null when absent). */
public record Param(Ident name, TypeExpr type, Expr dflt, SourceSpan span) implements Node {}
