package dev.txc.frontend.ast;

import dev.txc.ir.SourceSpan;

/** A node of the syntax tree of one {@code .tx} file; its span covers exactly the source text it came from. */
public sealed interface Node
        permits SourceFile, Item, Ident, Param, Result, TypeExpr, Dim, Body, Stmt, IndexItem,
                KeywordArg, Binding, Carry {
    SourceSpan span();
}
