package dev.txc.frontend.ast;

import dev.txc.ir.SourceSpan;

/** What one loop variable of a {@code scan} ranges over. */
public sealed interface Binding extends Node {
    Ident name();

    /** {@code i in lo..hi}: integers from {@code lo} inclusive to {@code hi} exclusive. */
    record RangeBinding(Ident name, Expr lo, Expr hi, SourceSpan span) implements Binding {}

    /** {@code v in seq}: the slices of {@code seq} along its leading axis. */
    record SeqBinding(Ident name, Expr seq, SourceSpan span) implements Binding {}
}
