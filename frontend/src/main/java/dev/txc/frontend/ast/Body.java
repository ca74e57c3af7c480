package dev.txc.frontend.ast;

/** The body of a function: a {@link Block} for {@code fn f() { ... }}, an {@link Expr} for {@code fn f() = e}. */
public sealed interface Body extends Node permits Block, Expr {}
