package dev.txc.frontend.ast;

/** One comma-separated part of a subscript {@code x[...]}: an index expression or a {@link Slice}. */
public sealed interface IndexItem extends Node permits Expr, Slice {}
