package dev.txc.frontend.ast;

import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Renders an AST as source text that parses back to the same tree, with every operator application
 * and negative literal in parentheses so that precedence and associativity are visible.
 */
public final class Printer {
    private static final String INDENT = "    ";

    private Printer() {}

    public static String print(Node node) {
        return switch (node) {
            case SourceFile f -> join(f.items(), Printer::item, "\n") + "\n";
            case Item i -> item(i);
            case Ident id -> id.name();
            case Param p -> param(p);
            case Result r -> result(r);
            case TypeExpr t -> type(t);
            case Dim d -> dim(d);
            case Block b -> inlineBlock(b);
            case Stmt s -> stmt(s);
            case Expr e -> expr(e);
            case Slice s -> slice(s);
            case KeywordArg k -> k.name().name() + "=" + expr(k.value());
            case Binding b -> binding(b);
            case Carry c -> c.name().name() + " = " + expr(c.init());
        };
    }

    private static String item(Item item) {
        return switch (item) {
            case Item.Import i -> "import " + quote(i.path());
            case Item.ConstDecl c -> "const " + c.name().name() + " = " + expr(c.value());
            case Item.SharedDecl s -> "shared " + s.name().name() + ": " + type(s.type()) + " = " + expr(s.init());
            case Item.FnDecl f -> fn(f);
        };
    }

    private static String fn(Item.FnDecl f) {
        var sb = new StringBuilder("fn ").append(f.name().name())
                .append('(').append(join(f.params(), Printer::param, ", ")).append(')');
        if (!f.results().isEmpty()) sb.append(" -> ").append(results(f.results()));
        return switch (f.body()) {
            case Block b -> sb.append(' ').append(indentedBlock(b)).toString();
            case Expr e -> sb.append(" = ").append(expr(e)).toString();
        };
    }

    private static String param(Param p) {
        String head = p.name().name() + ": " + type(p.type());
        return p.dflt() == null ? head : head + " = " + expr(p.dflt());
    }

    private static String results(List<Result> results) {
        // One unnamed result prints without parentheses, as it is usually written.
        if (results.size() == 1 && results.getFirst().name() == null) return type(results.getFirst().type());
        return "(" + join(results, Printer::result, ", ") + ")";
    }

    private static String result(Result r) {
        return r.name() == null ? type(r.type()) : r.name().name() + ": " + type(r.type());
    }

    private static String type(TypeExpr t) {
        return t.isScalar() ? t.dtype() : t.dtype() + "[" + join(t.dims(), Printer::dim, ", ") + "]";
    }

    private static String dim(Dim d) {
        return switch (d) {
            case Dim.IntDim i -> Long.toString(i.size());
            case Dim.VarDim v -> v.name();
            case Dim.AnyDim a -> "?";
        };
    }

    private static String indentedBlock(Block b) {
        var sb = new StringBuilder("{\n");
        for (Stmt s : b.stmts()) sb.append(INDENT).append(stmt(s)).append('\n');
        if (b.result() != null) sb.append(INDENT).append(expr(b.result())).append('\n');
        return sb.append('}').toString();
    }

    private static String inlineBlock(Block b) {
        var lines = b.stmts().stream().map(Printer::stmt).collect(Collectors.toList());
        if (b.result() != null) lines.add(expr(b.result()));
        return lines.isEmpty() ? "{ }" : "{ " + String.join("; ", lines) + " }";
    }

    private static String stmt(Stmt s) {
        return switch (s) {
            case Stmt.Assign a -> join(a.targets(), Ident::name, ", ") + " = " + expr(a.value());
            case Stmt.Update u -> u.name().name() + " := " + expr(u.value());
            case Stmt.Return r -> r.values().isEmpty() ? "return" : "return " + join(r.values(), Printer::expr, ", ");
        };
    }

    private static String expr(Expr e) {
        return switch (e) {
            case Expr.IntLit i -> negativeInParens(i.text());
            case Expr.FloatLit f -> negativeInParens(f.text());
            case Expr.BoolLit b -> Boolean.toString(b.value());
            case Expr.StrLit s -> quote(s.value());
            case Expr.Name n -> n.name();
            case Expr.ListLit l -> "[" + join(l.elems(), Printer::expr, ", ") + "]";
            case Expr.TupleLit t when t.elems().size() == 1 -> "(" + expr(t.elems().getFirst()) + ",)";
            case Expr.TupleLit t -> "(" + join(t.elems(), Printer::expr, ", ") + ")";
            case Expr.Unary u ->
                    "(" + u.op().symbol() + (u.op() == Expr.UnaryOp.NOT ? " " : "") + expr(u.operand()) + ")";
            case Expr.Binary b -> chain(b);
            case Expr.Call c -> c.callee().name() + "(" + String.join(", ", callArgs(c)) + ")";
            case Expr.Index i -> chain(i);
            case Expr.Attr a -> chain(a);
            case Expr.Scan s -> scan(s);
        };
    }

    /**
     * A left-associative chain of binary operators (fully parenthesized), attributes and subscripts; iterative along
     * the chain so that its length does not matter.
     */
    private static String chain(Expr outer) {
        var spine = new java.util.ArrayList<Expr>();
        Expr e = outer;
        for (Expr below = leftOf(e); below != null; below = leftOf(e)) {
            spine.add(e);
            e = below;
        }
        var sb = new StringBuilder("(".repeat((int) spine.stream().filter(x -> x instanceof Expr.Binary).count())).append(expr(e));
        for (Expr link : spine.reversed()) {
            if (link instanceof Expr.Binary b) sb.append(' ').append(b.op().symbol()).append(' ').append(expr(b.right())).append(')');
            else if (link instanceof Expr.Attr a) sb.append('.').append(a.name().name());
            else if (link instanceof Expr.Index i) sb.append('[').append(join(i.items(), Printer::print, ", ")).append(']');
        }
        return sb.toString();
    }

    private static Expr leftOf(Expr e) {
        if (e instanceof Expr.Binary b) return b.left();
        if (e instanceof Expr.Attr a) return a.base();
        if (e instanceof Expr.Index i) return i.base();
        return null;
    }

    private static List<String> callArgs(Expr.Call c) {
        var args = c.args().stream().map(Printer::expr).collect(Collectors.toList());
        c.kwargs().forEach(k -> args.add(print(k)));
        return args;
    }

    private static String slice(Slice s) {
        String text = opt(s.start()) + ":" + opt(s.stop());
        return s.step() == null ? text : text + ":" + expr(s.step());
    }

    private static String scan(Expr.Scan s) {
        var sb = new StringBuilder("scan");
        if (!s.options().isEmpty()) sb.append('(').append(join(s.options(), Printer::print, ", ")).append(')');
        sb.append(' ').append(join(s.bindings(), Printer::binding, ", "));
        if (!s.carries().isEmpty()) sb.append(" carry ").append(join(s.carries(), Printer::print, ", "));
        return sb.append(' ').append(inlineBlock(s.body())).toString();
    }

    private static String binding(Binding b) {
        return switch (b) {
            case Binding.RangeBinding r -> r.name().name() + " in " + expr(r.lo()) + ".." + expr(r.hi());
            case Binding.SeqBinding q -> q.name().name() + " in " + expr(q.seq());
        };
    }

    private static String opt(Expr e) {
        return e == null ? "" : expr(e);
    }

    /** A negative literal is parenthesized: {@code -2 ** 2} would read back as {@code -(2 ** 2)}. */
    private static String negativeInParens(String text) {
        return text.startsWith("-") ? "(" + text + ")" : text;
    }

    private static String quote(String s) {
        var sb = new StringBuilder("\"");
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '"', '\\' -> sb.append('\\').append(ch);
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                case '\r' -> sb.append("\\r");
                default -> sb.append(ch);
            }
        }
        return sb.append('"').toString();
    }

    private static <T> String join(List<T> xs, Function<? super T, String> f, String sep) {
        return xs.stream().map(f).collect(Collectors.joining(sep));
    }
}
