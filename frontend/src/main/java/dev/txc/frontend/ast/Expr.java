package dev.txc.frontend.ast;

import dev.txc.ir.SourceSpan;
import java.util.List;

/** An expression; a parenthesized expression is its inner expression, so spans exclude the parentheses. */
public sealed interface Expr extends Body, IndexItem {

    /** An integer literal; {@code text} is as written, with a leading {@code -} when negation was folded in. */
    record IntLit(long value, String text, SourceSpan span) implements Expr {}

    /** A floating-point literal; {@code text} is as written, with a leading {@code -} when negation was folded in. */
    record FloatLit(double value, String text, SourceSpan span) implements Expr {}

    /** {@code true} or {@code false}. */
    record BoolLit(boolean value, SourceSpan span) implements Expr {}

    /** A string literal; {@code value} has its escapes resolved. */
    record StrLit(String value, SourceSpan span) implements Expr {}

    /** A reference to a name, unresolved. */
    record Name(String name, SourceSpan span) implements Expr {}

    /** {@code [a, b, ...]}, possibly empty. */
    record ListLit(List<Expr> elems, SourceSpan span) implements Expr {
        public ListLit {
            elems = List.copyOf(elems);
        }
    }

    /** {@code (a, b)}, {@code (a,)}, or the comma-separated values of a statement; never fewer than one element. */
    record TupleLit(List<Expr> elems, SourceSpan span) implements Expr {
        public TupleLit {
            elems = List.copyOf(elems);
        }
    }

    /** A prefix operator; negation of a numeric literal is folded into the literal instead. */
    record Unary(UnaryOp op, Expr operand, SourceSpan span) implements Expr {}

    /** A binary operator; the span runs from the left operand to the right one, {@code opSpan} covers the operator. */
    record Binary(BinaryOp op, Expr left, Expr right, SourceSpan opSpan, SourceSpan span) implements Expr {}

    /** {@code callee(args..., kw=v...)}; keyword arguments keep their source order and follow all positional ones. */
    record Call(Ident callee, List<Expr> args, List<KeywordArg> kwargs, SourceSpan span) implements Expr {
        public Call {
            args = List.copyOf(args);
            kwargs = List.copyOf(kwargs);
        }
    }

    /** {@code base[items...]}; {@code items} is never empty. */
    record Index(Expr base, List<IndexItem> items, SourceSpan span) implements Expr {
        public Index {
            items = List.copyOf(items);
        }
    }

    /** {@code base.name}, any identifier after the dot (the frontend decides which are valid). */
    record Attr(Expr base, Ident name, SourceSpan span) implements Expr {}

    /**
     * {@code scan(options) bindings carry carries { body }}; {@code bindings} is never empty, {@code carries} and
     * {@code options} (keyword arguments such as {@code reverse=true}) may be.
     */
    record Scan(List<KeywordArg> options, List<Binding> bindings, List<Carry> carries, Block body, SourceSpan span) implements Expr {
        public Scan {
            options = List.copyOf(options);
            bindings = List.copyOf(bindings);
            carries = List.copyOf(carries);
        }
    }

    /** Prefix operators, with their spelling. */
    enum UnaryOp {
        NEG("-"), NOT("not");

        private final String symbol;

        UnaryOp(String symbol) {
            this.symbol = symbol;
        }

        public String symbol() {
            return symbol;
        }
    }

    /** Infix operators, with their spelling. */
    enum BinaryOp {
        ADD("+"), SUB("-"), MUL("*"), DIV("/"), FLOORDIV("//"), MOD("%"), MATMUL("@"), POW("**"),
        AND("and"), OR("or"), EQ("=="), NE("!="), LT("<"), LE("<="), GT(">"), GE(">=");

        private final String symbol;

        BinaryOp(String symbol) {
            this.symbol = symbol;
        }

        public String symbol() {
            return symbol;
        }
    }
}
