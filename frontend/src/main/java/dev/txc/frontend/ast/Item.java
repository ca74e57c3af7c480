package dev.txc.frontend.ast;

import dev.txc.ir.SourceSpan;
import java.util.List;

/** A top-level declaration of a file. */
public sealed interface Item extends Node {

    /** {@code import "path"}; the path is unescaped and not yet resolved. */
    record Import(String path, SourceSpan span) implements Item {}

    /** {@code const NAME = value}. */
    record ConstDecl(Ident name, Expr value, SourceSpan span) implements Item {}

    /** {@code shared NAME: TYPE = init}; the initializer is always present. */
    record SharedDecl(Ident name, TypeExpr type, Expr init, SourceSpan span) implements Item {}

    /**
     * {@code fn NAME(params) -> results body}; {@code results} is empty when the arrow is omitted,
     * and {@code body} is a {@link Block} or, for {@code fn f(...) = expr}, an {@link Expr}.
     */
    record FnDecl(Ident name, List<Param> params, List<Result> results, Body body, SourceSpan span)
            implements Item {
        public FnDecl {
            params = List.copyOf(params);
            results = List.copyOf(results);
        }
    }
}
