package dev.txc.frontend.ast;

import dev.txc.ir.SourceSpan;

/** One dimension of a {@link TypeExpr}. */
public sealed interface Dim extends Node {

    /** A literal size such as {@code 3}; never negative. */
    record IntDim(long size, SourceSpan span) implements Dim {}

    /** A dim variable such as {@code N}, bound at call time. */
    record VarDim(String name, SourceSpan span) implements Dim {}

    /** {@code ?}: a size not known until run time. */
    record AnyDim(SourceSpan span) implements Dim {}
}
