package dev.txc.frontend.ast;

import dev.txc.frontend.ast.Expr.BinaryOp;
import dev.txc.frontend.ast.Expr.UnaryOp;
import dev.txc.grammar.TxLexer;
import dev.txc.grammar.TxParser.*;
import dev.txc.ir.Diagnostic;
import dev.txc.ir.SourceSpan;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.tree.ErrorNode;
import org.antlr.v4.runtime.tree.TerminalNode;

/**
 * Builds the AST from a parse tree, reporting the errors the grammar accepts on purpose so that it can
 * explain them (chained comparisons, bad assignment targets, misplaced arguments). An item whose tree
 * is missing parts because of a syntax error already reported is left out.
 */
final class AstBuilder {
    private final String file;
    private final Consumer<Diagnostic> report;

    /** Signals a part of the tree missing because of an error that has been reported already. */
    private static final class Incomplete extends RuntimeException {
        Incomplete() {
            super(null, null, false, false);
        }
    }

    AstBuilder(String file, Consumer<Diagnostic> report) {
        this.file = file;
        this.report = report;
    }

    SourceFile file(File_Context ctx) {
        var items = new ArrayList<Item>();
        for (var item : ctx.item()) {
            try {
                items.add(item(item));
            } catch (Incomplete e) {
                // Reported where it was found; the rest of the file is still worth building.
            }
        }
        return new SourceFile(file, items, span(ctx));
    }

    /** The expression, or null when a syntax error left it incomplete. */
    Expr exprOnly(ExprOnlyContext ctx) {
        try {
            return expr(required(ctx.expr()));
        } catch (Incomplete e) {
            return null;
        }
    }

    // ---- items ----

    private Item item(ItemContext ctx) {
        return switch (ctx) {
            case ImportItemContext c -> new Item.Import(string(c.STRING()), span(c));
            case ConstItemContext c -> new Item.ConstDecl(ident(c.ID()), expr(required(c.expr())), span(c));
            case SharedItemContext c ->
                    new Item.SharedDecl(ident(c.ID()), type(required(c.type())), expr(required(c.expr())), span(c));
            case FnItemContext c -> fn(c);
            default -> throw new Incomplete();
        };
    }

    private Item.FnDecl fn(FnItemContext c) {
        List<Param> params = c.params() == null ? List.of() : map(c.params().param(), this::param);
        List<Result> results = c.results() == null ? List.of() : results(c.results());
        Body body = c.block() != null ? block(c.block()) : expr(required(c.expr()));
        return new Item.FnDecl(ident(c.ID()), params, results, body, span(c));
    }

    private Param param(ParamContext c) {
        Expr dflt = c.ASSIGN() == null ? null : expr(required(c.expr()));
        return new Param(ident(c.ID()), type(required(c.type())), dflt, span(c));
    }

    private List<Result> results(ResultsContext ctx) {
        return switch (ctx) {
            case SingleResultContext c -> List.of(new Result(null, type(required(c.type())), span(c)));
            case ResultListContext c -> map(c.result(), r ->
                    new Result(r.ID() == null ? null : ident(r.ID()), type(required(r.type())), span(r)));
            default -> throw new Incomplete();
        };
    }

    private TypeExpr type(TypeContext c) {
        return new TypeExpr(ident(c.ID()).name(), map(c.dim(), this::dim), span(c));
    }

    private Dim dim(DimContext c) {
        if (c.INT() != null) return new Dim.IntDim(integer(c.INT()), span(c));
        if (c.ID() != null) return new Dim.VarDim(ident(c.ID()).name(), span(c));
        if (c.QUESTION() != null) return new Dim.AnyDim(span(c));
        throw new Incomplete();
    }

    // ---- statements ----

    private Block block(BlockContext c) {
        var stmts = new ArrayList<Stmt>();
        Expr result = null;
        boolean complete = true;
        List<StmtContext> lines = c.stmt();
        for (int i = 0; i < lines.size(); i++) {
            StmtContext line = lines.get(i);
            // Every statement is built even after a broken one, so that all of their errors are reported.
            try {
                if (!(line instanceof SimpleStmtContext s && s.op == null)) {
                    stmts.add(stmt(line));
                } else if (i == lines.size() - 1) {
                    result = exprList(required(s.lhs));
                } else {
                    error(span(s), "this value is unused; only the last line of a block can be a value");
                }
            } catch (Incomplete e) {
                complete = false;
            }
        }
        if (!complete) throw new Incomplete();
        return new Block(stmts, result, span(c));
    }

    private Stmt stmt(StmtContext ctx) {
        return switch (ctx) {
            case ReturnStmtContext c ->
                    new Stmt.Return(c.exprList() == null ? List.of() : exprs(c.exprList()), span(c));
            case SimpleStmtContext c when c.op.getType() == TxLexer.UPDATE -> update(c);
            case SimpleStmtContext c -> assign(c);
            default -> throw new Incomplete();
        };
    }

    private Stmt.Assign assign(SimpleStmtContext c) {
        var targets = new ArrayList<Ident>();
        for (Expr target : exprs(required(c.lhs))) {
            if (target instanceof Expr.Name(String name, SourceSpan at)) targets.add(new Ident(name, at));
            else error(target.span(), "cannot assign to this expression; the left side of '=' must be names");
        }
        Expr value = exprList(required(c.rhs));
        if (targets.size() != c.lhs.expr().size()) throw new Incomplete();
        return new Stmt.Assign(targets, value, span(c));
    }

    private Stmt.Update update(SimpleStmtContext c) {
        List<Expr> targets = exprs(required(c.lhs));
        Expr value = exprList(required(c.rhs));
        if (targets.size() != 1) throw fail(span(c.lhs), "':=' updates one shared variable at a time");
        if (!(targets.getFirst() instanceof Expr.Name(String name, SourceSpan at))) {
            throw fail(targets.getFirst().span(), "only a shared variable can be updated with ':='");
        }
        return new Stmt.Update(new Ident(name, at), value, span(c));
    }

    /** A comma-separated list of values: one value as itself, several as a tuple. */
    private Expr exprList(ExprListContext c) {
        List<Expr> values = exprs(c);
        return values.size() == 1 ? values.getFirst() : new Expr.TupleLit(values, span(c));
    }

    private List<Expr> exprs(ExprListContext c) {
        return map(c.expr(), this::expr);
    }

    // ---- expressions, one method per precedence level ----

    private Expr expr(ExprContext c) {
        return fold(c.operands, c.ops, this::andExpr);
    }

    private Expr andExpr(AndExprContext c) {
        return fold(c.operands, c.ops, this::notExpr);
    }

    private Expr notExpr(NotExprContext c) {
        if (c.NOT() != null) return new Expr.Unary(UnaryOp.NOT, notExpr(required(c.notExpr())), span(c));
        return comparison(required(c.comparison()));
    }

    private Expr comparison(ComparisonContext c) {
        if (c.ops.size() > 1) {
            error(Spans.of(file, c.ops.get(1)),
                    "comparisons cannot be chained; write 'a < b and b < c' instead of 'a < b < c'");
        }
        return fold(c.operands, c.ops, this::arith);
    }

    private Expr arith(ArithContext c) {
        return fold(c.operands, c.ops, this::term);
    }

    private Expr term(TermContext c) {
        return fold(c.operands, c.ops, this::unary);
    }

    private Expr unary(UnaryContext c) {
        if (c.MINUS() == null) return power(required(c.power()));
        SourceSpan at = span(c);
        // -9223372036854775808 is i64's least value, though its digits alone do not fit (as in C, Java and NumPy)
        if (c.unary() != null && c.unary().getText().equals("9223372036854775808")) return new Expr.IntLit(Long.MIN_VALUE, "-9223372036854775808", at);
        Expr operand = unary(required(c.unary()));
        // A negative literal stays a literal, so that `x[-1]` and `axis=-1` need no constant folding.
        return switch (operand) {
            case Expr.IntLit(long v, String text, SourceSpan s) when !text.startsWith("-") ->
                    new Expr.IntLit(-v, "-" + text, at);
            case Expr.FloatLit(double v, String text, SourceSpan s) when !text.startsWith("-") ->
                    new Expr.FloatLit(-v, "-" + text, at);
            default -> new Expr.Unary(UnaryOp.NEG, operand, at);
        };
    }

    private Expr power(PowerContext c) {
        Expr base = postfix(required(c.postfix()));
        if (c.POW() == null) return base;
        Expr exponent = unary(required(c.unary()));
        return new Expr.Binary(BinaryOp.POW, base, exponent, Spans.of(file, c.POW().getSymbol()), span(c));
    }

    /** Left-associative application of {@code ops} between the operands. */
    private <C extends ParserRuleContext> Expr fold(List<C> operands, List<Token> ops, Function<C, Expr> build) {
        if (operands.size() != ops.size() + 1) throw new Incomplete();
        Expr acc = build.apply(operands.getFirst());
        for (int i = 0; i < ops.size(); i++) {
            C right = operands.get(i + 1);
            Token op = ops.get(i);
            acc = new Expr.Binary(binaryOp(op), acc, build.apply(right), Spans.of(file, op),
                    Spans.between(file, operands.getFirst().start, right.stop));
        }
        return acc;
    }

    private static BinaryOp binaryOp(Token op) {
        return switch (op.getType()) {
            case TxLexer.PLUS -> BinaryOp.ADD;
            case TxLexer.MINUS -> BinaryOp.SUB;
            case TxLexer.STAR -> BinaryOp.MUL;
            case TxLexer.SLASH -> BinaryOp.DIV;
            case TxLexer.DSLASH -> BinaryOp.FLOORDIV;
            case TxLexer.PERCENT -> BinaryOp.MOD;
            case TxLexer.AT -> BinaryOp.MATMUL;
            case TxLexer.POW -> BinaryOp.POW;
            case TxLexer.AND -> BinaryOp.AND;
            case TxLexer.OR -> BinaryOp.OR;
            case TxLexer.EQ -> BinaryOp.EQ;
            case TxLexer.NE -> BinaryOp.NE;
            case TxLexer.LT -> BinaryOp.LT;
            case TxLexer.LE -> BinaryOp.LE;
            case TxLexer.GT -> BinaryOp.GT;
            case TxLexer.GE -> BinaryOp.GE;
            default -> throw new IllegalStateException("not a binary operator: " + op.getText());
        };
    }

    // ---- postfix and primary ----

    private Expr postfix(PostfixContext c) {
        Expr e = primary(required(c.primary()));
        for (TrailerContext trailer : c.trailer()) {
            SourceSpan upTo = Spans.between(file, c.start, trailer.stop);
            e = switch (trailer) {
                case CallTrailerContext t -> call(e, t, upTo);
                case IndexTrailerContext t -> new Expr.Index(e, map(t.subscript(), this::subscript), upTo);
                case AttrTrailerContext t -> new Expr.Attr(e, ident(t.ID()), upTo);
                default -> throw new Incomplete();
            };
        }
        return e;
    }

    private Expr.Call call(Expr callee, CallTrailerContext t, SourceSpan at) {
        if (!(callee instanceof Expr.Name(String name, SourceSpan nameSpan))) {
            throw fail(callee.span(), "only a function name can be called");
        }
        var args = new ArrayList<Expr>();
        var kwargs = new ArrayList<KeywordArg>();
        var seen = new HashSet<String>();
        for (ArgContext a : t.arg()) {
            Expr value = expr(required(a.expr()));
            if (a.ID() == null) {
                if (!kwargs.isEmpty()) error(span(a), "positional argument after keyword argument");
                args.add(value);
                continue;
            }
            Ident key = ident(a.ID());
            if (!seen.add(key.name())) error(key.span(), "keyword argument '" + key.name() + "' given twice");
            kwargs.add(new KeywordArg(key, value, span(a)));
        }
        return new Expr.Call(new Ident(name, nameSpan), args, kwargs, at);
    }

    private IndexItem subscript(SubscriptContext c) {
        SliceTailContext tail = c.sliceTail();
        Expr start = optional(c.start);
        if (tail == null) return required(start);
        return new Slice(start, optional(tail.stop), optional(tail.step), span(c));
    }

    private Expr primary(PrimaryContext ctx) {
        return switch (ctx) {
            case IntLitContext c -> new Expr.IntLit(integer(c.INT()), c.getText(), span(c));
            case FloatLitContext c -> floatLit(c);
            case StrLitContext c -> new Expr.StrLit(string(c.STRING()), span(c));
            case BoolLitContext c -> new Expr.BoolLit(c.TRUE() != null, span(c));
            case NameRefContext c -> new Expr.Name(ident(c.ID()).name(), span(c));
            case ParensContext c when c.expr().size() == 1 && c.COMMA().isEmpty() -> expr(c.expr().getFirst());
            case ParensContext c -> new Expr.TupleLit(map(c.expr(), this::expr), span(c));
            case ListLitContext c -> new Expr.ListLit(map(c.expr(), this::expr), span(c));
            case ScanExprContext c -> scan(required(c.scan()));
            default -> throw new Incomplete();
        };
    }

    private Expr.FloatLit floatLit(FloatLitContext c) {
        double value = Double.parseDouble(c.getText());
        if (Double.isInfinite(value)) throw fail(span(c), "number too large for a 64-bit float: " + c.getText());
        return new Expr.FloatLit(value, c.getText(), span(c));
    }

    private Expr.Scan scan(ScanContext c) {
        List<Binding> bindings = map(c.binding(), b -> {
            Ident name = ident(b.ID());
            Expr first = expr(required(b.expr(0)));
            if (b.DOTDOT() == null) return new Binding.SeqBinding(name, first, span(b));
            return new Binding.RangeBinding(name, first, expr(required(b.expr(1))), span(b));
        });
        List<Carry> carries = map(c.carry(), k -> new Carry(ident(k.ID()), expr(required(k.expr())), span(k)));
        var seen = new HashSet<String>();
        List<KeywordArg> options = map(c.scanOption(), o -> {
            Ident key = ident(o.ID());
            if (!seen.add(key.name())) error(key.span(), "scan option '" + key.name() + "' given twice");
            return new KeywordArg(key, expr(required(o.expr())), span(o));
        });
        return new Expr.Scan(options, bindings, carries, block(required(c.block())), span(c));
    }

    // ---- tokens ----

    private Ident ident(TerminalNode id) {
        return new Ident(present(id).getText(), Spans.of(file, id.getSymbol()));
    }

    private long integer(TerminalNode digits) {
        try {
            return Long.parseLong(present(digits).getText());
        } catch (NumberFormatException e) {
            throw fail(Spans.of(file, digits.getSymbol()), "integer too large for 64 bits: " + digits.getText());
        }
    }

    /** The unescaped contents of a string token; an unterminated one (already reported) has no closing quote. */
    private String string(TerminalNode token) {
        String text = present(token).getText();
        var out = new StringBuilder();
        for (int i = 1; i < text.length() && text.charAt(i) != '"'; i++) {
            char ch = text.charAt(i);
            if (ch != '\\' || i + 1 == text.length()) {
                out.append(ch);
                continue;
            }
            char esc = text.charAt(++i);
            switch (esc) {
                case 'n' -> out.append('\n');
                case 't' -> out.append('\t');
                case 'r' -> out.append('\r');
                case '\\', '"' -> out.append(esc);
                default -> {
                    Token t = token.getSymbol();
                    int col = t.getCharPositionInLine() + i;
                    error(new SourceSpan(file, t.getLine(), col, t.getLine(), col + 2),
                            "unknown escape '\\" + esc + "' in string; write \\\\ for a backslash");
                    out.append('\\').append(esc);
                }
            }
        }
        return out.toString();
    }

    // ---- helpers ----

    private static TerminalNode present(TerminalNode token) {
        // ANTLR conjures missing tokens as error nodes while recovering; they carry no user text.
        if (token == null || token instanceof ErrorNode) throw new Incomplete();
        return token;
    }

    private static <T> T required(T child) {
        if (child == null) throw new Incomplete();
        return child;
    }

    private Expr optional(ExprContext c) {
        return c == null ? null : expr(c);
    }

    private static <C, T> List<T> map(List<C> children, Function<C, T> build) {
        var out = new ArrayList<T>(children.size());
        for (C child : children) out.add(build.apply(child));
        return out;
    }

    private SourceSpan span(ParserRuleContext c) {
        return Spans.of(file, c);
    }

    private void error(SourceSpan at, String message) {
        report.accept(Diagnostic.error(at, message));
    }

    /** Reports, and returns the signal to abandon the current item. */
    private Incomplete fail(SourceSpan at, String message) {
        error(at, message);
        return new Incomplete();
    }
}
