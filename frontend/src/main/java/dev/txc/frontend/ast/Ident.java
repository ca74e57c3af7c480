package dev.txc.frontend.ast;

import dev.txc.ir.SourceSpan;

/** An identifier as written, with the span of just its characters ({@code _} is an ordinary name here). */
public record Ident(String name, SourceSpan span) implements Node {}
