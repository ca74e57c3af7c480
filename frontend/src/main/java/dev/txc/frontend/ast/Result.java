package dev.txc.frontend.ast;

import dev.txc.ir.SourceSpan;

/** One declared function result; {@code name} is null unless written as {@code name: type}. */
public record Result(Ident name, TypeExpr type, SourceSpan span) implements Node {}
