package dev.txc.frontend;

import dev.txc.frontend.ast.Body;
import dev.txc.frontend.ast.Expr;
import dev.txc.frontend.ast.Ident;
import dev.txc.frontend.ast.IndexItem;
import dev.txc.frontend.ast.Item;
import dev.txc.frontend.ast.Param;
import dev.txc.frontend.ast.Slice;
import dev.txc.frontend.ast.Stmt;
import dev.txc.frontend.ast.TypeExpr;
import dev.txc.ir.Diagnostic;
import dev.txc.ir.Function;
import dev.txc.ir.Interpreter;
import dev.txc.ir.Ir;
import dev.txc.ir.IrTypeException;
import dev.txc.ir.Node;
import dev.txc.ir.Op;
import dev.txc.ir.SharedVar;
import dev.txc.ir.SourceSpan;
import dev.txc.ir.Tensor;
import dev.txc.types.DType;
import dev.txc.types.Dim;
import dev.txc.types.TensorType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Lowers one function body (or, for an inlined call, one callee body) to IR: resolves names, applies the
 * weak-literal and promotion rules, and records the source span of each node it builds. This class holds the state
 * of one body, the entry points, types and expressions; the other concerns have files of their own:
 * {@link Statements}, {@link Indexing}, {@link UserCalls}, {@link Conversions}, {@link Operators}, {@link Builtins}.
 */
final class Lowerer {
    /** Thrown when an expression uses a value whose own definition failed; reported once, at the definition. */
    static final class PoisonSignal extends RuntimeException {
        PoisonSignal() {
            super(null, null, false, false);
        }
    }

    /** How many inlined calls may nest: far beyond real programs, well within the stack lowering needs for them. */
    static final int MAX_INLINE_DEPTH = 200;

    final Frontend fe;
    final Item.FnDecl fn;
    final Lowerer caller;
    final Map<String, Value> scope = new LinkedHashMap<>();
    final Map<String, SourceSpan> definedAt = new HashMap<>();
    /** Dim variable -> an i64 scalar node giving its run-time size. */
    final Map<String, Node> dimVars = new HashMap<>();
    /** Dim variable -> the static dim it was bound to (for checking inlined calls). */
    final Map<String, Dim> dimBound = new HashMap<>();
    final Map<String, String> dimSource = new HashMap<>();
    final Map<Node, SourceSpan> locs;
    final List<Function.Update> updates = new ArrayList<>();
    final Map<String, SourceSpan> updatedAt = new HashMap<>();
    /** The type a constructor without a shape ({@code zeros()}) takes: the parameter whose default is being lowered. */
    TensorType expected;
    /** While set, floatX reads as this dtype: f64 to compute weak literals exactly, or the float dtype of an initializer. */
    private DType floatOverride;
    /** True while an expression is lowered again in f64 for the exact value of a weak literal. */
    private boolean exactMode;
    /** The exact (f64) values of weak expressions lowered so far, reused when their parent is lowered again exactly. */
    private final Map<Expr, Node> exactOf = new IdentityHashMap<>();
    /** The number of scan bodies around this one: the region level of a scan lowered here. */
    final int scanDepth;
    /** True for the lowerer of a scan body (see {@link ScanLowering}). */
    final boolean scanBody;

    private Lowerer(Frontend fe, Item.FnDecl fn, Lowerer caller) {
        this(fe, fn, caller, caller == null ? 0 : caller.scanDepth, false);
    }

    private Lowerer(Frontend fe, Item.FnDecl fn, Lowerer caller, int scanDepth, boolean scanBody) {
        this.fe = fe;
        this.fn = fn;
        this.caller = caller;
        this.locs = caller == null ? new LinkedHashMap<>() : caller.locs;
        this.scanDepth = scanDepth;
        this.scanBody = scanBody;
    }

    /**
     * A lowerer for a scan body nested in this one: it sees this scope (names stay defined once, so the body cannot
     * redefine them) and dim variables; the names it defines stay inside the body.
     */
    Lowerer scanBody() {
        var l = new Lowerer(fe, fn, this, scanDepth + 1, true);
        l.scope.putAll(scope);
        l.definedAt.putAll(definedAt);
        l.dimVars.putAll(dimVars);
        l.dimBound.putAll(dimBound);
        l.dimSource.putAll(dimSource);
        l.floatOverride = floatOverride;
        return l;
    }

    /** A lowerer for the body of {@code g}, called (and inlined) from this one. */
    Lowerer inlined(Item.FnDecl g) {
        return new Lowerer(fe, g, this);
    }

    DType floatX() {
        return floatOverride != null ? floatOverride : fe.options.floatX();
    }

    // ---- entry points ----

    static Function lowerFunction(Frontend fe, Item.FnDecl fn) {
        int before = fe.diagnostics.size();
        var l = new Lowerer(fe, fn, null);
        var params = new ArrayList<Node>();
        var defaults = new LinkedHashMap<String, Node>();
        for (Param p : fn.params()) {
            try {
                TensorType t = l.resolveType(p.type(), true);
                Node node = Ir.param(p.name().name(), t);
                if (p.dflt() != null) defaults.put(p.name().name(), l.lowerDefault(p, t));
                l.bindDims(node, p.name().name());
                l.define(p.name(), new Value.T(node, false));
                params.add(node);
            } catch (FrontendError e) {
                fe.diagnostics.add(e.diagnostic);
                l.define(p.name(), Value.POISON);
            }
        }
        Value result;
        try {
            result = Statements.body(l, fn.body());
        } catch (StackOverflowError e) {
            // A backstop: the parser bounds nesting and calls are bounded above, but their product is not.
            fe.diagnostics.add(Diagnostic.error(fn.name().span(), "'" + fn.name().name()
                    + "' nests expressions and inlined calls too deeply to compile; split it into several functions or statements"));
            return null;
        }
        List<Function.Output> outs = Statements.outputs(l, result);
        if (fe.diagnostics.size() > before) return null;
        return new Function(fn.name().name(), params, defaults, outs, l.updates, l.locs);
    }

    /** A lowerer outside any function, for the embedding API: built-ins, operators and conversions only. */
    static Lowerer detached(Frontend fe) {
        return new Lowerer(fe, null, null);
    }

    /** A detached lowerer inside {@code scanDepth} scan bodies (the embedding API's nested scans). */
    static Lowerer detached(Frontend fe, int scanDepth) {
        return new Lowerer(fe, null, null, scanDepth, false);
    }

    static Value lowerConst(Frontend fe, Item.ConstDecl c) {
        var l = new Lowerer(fe, null, null);
        try {
            Value v = l.expr(c.value());
            if (v instanceof Value.T t) {
                if (!closed(t.node())) throw new FrontendError(c.value().span(), "const " + c.name().name() + " must be a constant expression");
                Node exact = t.exact() == null ? null : Ir.constant(Interpreter.evaluate(t.exact()));
                return new Value.T(Ir.constant(Interpreter.evaluate(t.node())), t.weak(), exact);
            }
            return v;
        } catch (FrontendError e) {
            fe.diagnostics.add(e.diagnostic);
        } catch (PoisonSignal e) {
            // reported where the poison came from
        }
        return Value.POISON;
    }

    /** The shared variable, or null after an error; its declared type is kept even then, so uses are still checked. */
    static SharedVar lowerShared(Frontend fe, Item.SharedDecl s) {
        var l = new Lowerer(fe, null, null);
        TensorType t = null;
        try {
            t = l.resolveType(s.type(), false);
            return new SharedVar(s.name().name(), t, SharedInit.lower(l, s, t));
        } catch (FrontendError e) {
            fe.diagnostics.add(e.diagnostic);
        } catch (PoisonSignal e) {
            // reported elsewhere
        }
        if (t != null) fe.failedShared.put(s.name().name(), t); // else Frontend records it in failedDecls
        return null;
    }

    static boolean closed(Node n) {
        return dev.txc.ir.Graphs.ancestors(List.of(n)).stream()
                .noneMatch(m -> m.op() == Op.PARAM || m.op() == Op.SHARED || m.op() == Op.REGION_PARAM);
    }

    // ---- types ----

    TensorType resolveType(TypeExpr t, boolean allowDimVars) {
        DType d = t.dtype().equals("floatX") ? floatX() : DType.parse(t.dtype());
        if (d == null)
            throw new FrontendError(t.span(), "unknown dtype '" + t.dtype() + "' (expected one of bool, i8, i16, i32, i64, u8, f32, f64, floatX)");
        var dims = new ArrayList<Dim>();
        for (var dim : t.dims()) {
            dims.add(switch (dim) {
                case dev.txc.frontend.ast.Dim.IntDim(long size, SourceSpan span) -> Dim.of(size);
                case dev.txc.frontend.ast.Dim.AnyDim(SourceSpan span) -> Dim.ANY;
                case dev.txc.frontend.ast.Dim.VarDim(String name, SourceSpan span) -> {
                    if (!allowDimVars) throw new FrontendError(span, "a shared variable has a fixed shape: dim variable '" + name + "' is not allowed here (use a size or ?)");
                    yield new Dim.Sym(name);
                }
            });
        }
        return new TensorType(d, dims);
    }

    /** Records, for each dim variable first seen in this parameter, how to read its size at run time. */
    private void bindDims(Node param, String name) {
        TensorType t = param.tt();
        for (int d = 0; d < t.rank(); d++) {
            if (t.dim(d) instanceof Dim.Sym(String s) && !dimVars.containsKey(s)) {
                dimVars.put(s, Ir.index(Ir.shape(param), Ir.scalarLong(d, DType.I64), 0));
                dimSource.put(s, name);
            }
        }
    }

    Node lowerDefault(Param p, TensorType t) {
        Value.T v = initial(p.dflt(), t, "the default of " + p.name().name());
        return Conversions.convertArg(v, t, "the default of parameter '" + p.name().name() + "'", p.dflt().span());
    }

    /**
     * A parameter default or a shared variable's initial value, for type t: {@code zeros()}, {@code ones()} and
     * {@code full(v)} take t's shape, and a float literal standing alone takes t's float dtype (its neighbour).
     */
    Value.T initial(Expr e, TensorType t, String what) {
        DType saved = floatOverride;
        expected = t;
        if (t.dtype().isFloat()) floatOverride = t.dtype();
        try {
            return tensor(expr(e), e.span(), what);
        } finally {
            expected = null;
            floatOverride = saved;
        }
    }

    // ---- statements ----

    void define(Ident name, Value v) {
        if (name.name().equals("_")) return;
        SourceSpan first = definedAt.putIfAbsent(name.name(), name.span());
        if (first != null) {
            fe.diagnostics.add(Diagnostic.error(name.span(), "'" + name.name() + "' is already defined in this function (names are defined once)")
                    .withNote(first, "first defined here"));
            return;
        }
        scope.put(name.name(), v);
    }

    // ---- expressions ----

    Value expr(Expr e) {
        if (exactMode) {
            Node x = exactOf.get(e);
            if (x != null) return new Value.T(x, true);
            Value v = lowerExpr(e);
            return v instanceof Value.T t && t.exact() != null ? new Value.T(t.exact(), true) : v;
        }
        Value v = lowerExpr(e);
        if (v instanceof Value.T t && t.weak() && t.exact() == null && t.dtype().isFloat() && floatX() != DType.F64) v = withExact(t, e);
        return v;
    }

    /**
     * A weak float under floatX f32 with its exact value: the expression lowered again with floatX = f64 (literals are
     * Python doubles until they meet a tensor); its children's exact values are reused, so this is linear.
     */
    private Value.T withExact(Value.T t, Expr e) {
        DType saved = floatOverride;
        floatOverride = DType.F64;
        exactMode = true;
        try {
            if (lowerExpr(e) instanceof Value.T x && x.weak() && x.dtype() == DType.F64) {
                Node exact = Folding.fold(x.node());
                exactOf.put(e, exact);
                return new Value.T(t.node(), true, exact);
            }
        } catch (FrontendError | PoisonSignal | IrTypeException ex) {
            // the value in floatX was lowered without error; keep it
        } finally {
            floatOverride = saved;
            exactMode = false;
        }
        return t;
    }

    private Value lowerExpr(Expr e) {
        try {
            Value v = switch (e) {
                case Expr.IntLit i -> new Value.T(Ir.scalarLong(i.value(), DType.I64), true);
                case Expr.FloatLit f -> new Value.T(Ir.scalar(f.value(), floatX()), true);
                case Expr.BoolLit b -> new Value.T(Ir.scalarLong(b.value() ? 1 : 0, DType.BOOL), true);
                case Expr.StrLit s -> new Value.Str(s.value());
                case Expr.Name n -> lookup(n);
                case Expr.ListLit l -> new Value.Lst(l.elems().stream().map(this::expr).toList());
                case Expr.TupleLit t -> new Value.Tup(t.elems().stream().map(this::expr).toList());
                case Expr.Unary u -> unary(u);
                case Expr.Binary b -> chain(b);
                case Expr.Call c -> call(c);
                case Expr.Index ix -> chain(ix);
                case Expr.Attr a -> chain(a);
                case Expr.Scan s -> ScanLowering.lower(this, s);
            };
            if (v instanceof Value.T t) locs.putIfAbsent(t.node(), e.span());
            return v;
        } catch (IrTypeException ex) {
            SourceSpan at = e instanceof Expr.Binary b ? b.opSpan() : e.span();
            throw new FrontendError(at, ex.getMessage());
        }
    }

    /**
     * A left-associative chain such as {@code x + x + ... + x} or {@code x.T[0].T}, walked along its left spine (binary
     * operators, attributes and subscripts) rather than recursively, so that a chain of any length lowers in constant
     * stack depth (the parser bounds real nesting).
     */
    private Value chain(Expr outer) {
        var spine = new ArrayList<Expr>();
        Expr e = outer;
        for (Expr below = leftOf(e); below != null; below = leftOf(e)) {
            spine.add(e);
            e = below;
        }
        Value acc = expr(e);
        for (int k = spine.size() - 1; k >= 0; k--) {
            Expr step = spine.get(k);
            try {
                acc = step(step, acc);
            } catch (IrTypeException ex) {
                throw new FrontendError(step instanceof Expr.Binary b ? b.opSpan() : step.span(), ex.getMessage());
            }
            if (k > 0 && acc instanceof Value.T t) locs.putIfAbsent(t.node(), step.span());
        }
        return acc;
    }

    /** The left operand or base of a link of a chain, or null for anything else. */
    private static Expr leftOf(Expr e) {
        if (e instanceof Expr.Binary b) return b.left();
        if (e instanceof Expr.Attr a) return a.base();
        if (e instanceof Expr.Index ix) return ix.base();
        return null;
    }

    /** One link of a chain applied to the lowered value of its left operand or base. */
    private Value step(Expr link, Value left) {
        if (link instanceof Expr.Binary b) return Operators.binary(this, b.op(), left, expr(b.right()), b.opSpan());
        if (link instanceof Expr.Attr a) return attr(a, left);
        // x[0, 5] indexes axis 1, then axis 0: the inner step's bounds error points at the expression too
        return locateNew(Indexing.index(this, (Expr.Index) link, left), link.span());
    }

    private Value lookup(Expr.Name n) {
        String name = n.name();
        for (Lowerer l = this; l != null; l = null) {
            Value v = l.scope.get(name);
            if (v != null) return v;
        }
        Value c = fe.consts.get(name);
        if (c != null) return c;
        TensorType st = fe.sharedType(name);
        if (st != null) return new Value.T(Ir.shared(name, st), false);
        if (fe.failedDecls.contains(name)) throw new PoisonSignal();
        if (name.equals("floatX")) return new Value.DT(floatX());
        DType d = DType.parse(name);
        if (d != null) return new Value.DT(d);
        if (fe.functions.containsKey(name)) throw new FrontendError(n.span(), "function '" + name + "' must be called: " + name + "(...)");
        if (Builtins.exists(name)) throw new FrontendError(n.span(), "built-in '" + name + "' must be called: " + name + "(...)");
        throw new FrontendError(n.span(), "unknown name '" + name + "'");
    }

    private Value unary(Expr.Unary u) {
        return Operators.unary(u.op(), tensor(expr(u.operand()), u.operand().span(), "operand of " + u.op().symbol()), u.span());
    }

    private Value attr(Expr.Attr a, Value base) {
        return Operators.attr(tensor(base, a.base().span(), "." + a.name().name()), a.name().name(), a.name().span());
    }

    private Value call(Expr.Call c) {
        String name = c.callee().name();
        var args = Args.lower(this, c);
        Item.FnDecl user = fe.functions.get(name);
        if (user != null) return UserCalls.callUser(this, user, args, c.span());
        if (!Builtins.exists(name)) throw new FrontendError(c.callee().span(), "unknown function '" + name + "'");
        return locateNew(Builtins.call(this, name, args), c.span());
    }

    /**
     * Gives the nodes a built-in made for its result (those not located yet, down to its located arguments) the call's
     * span, so that a run-time error inside them (eye(-1), a label outside categorical_crossentropy's classes, an index
     * of a multi-axis subscript) points at the call.
     */
    private Value locateNew(Value v, SourceSpan span) {
        var stack = new java.util.ArrayDeque<Node>();
        var roots = new ArrayList<Node>();
        if (v instanceof Value.T t) roots.add(t.node());
        else if (v instanceof Value.Tup tup) for (Value e : tup.items()) if (e instanceof Value.T t) roots.add(t.node());
        // the results themselves may be located already (grad's and rop's are): their operands are walked anyway
        for (Node r : roots) {
            locs.putIfAbsent(r, span);
            for (Node in : r.inputs()) stack.push(in);
        }
        while (!stack.isEmpty()) {
            Node n = stack.pop();
            if (n.op().kind() == Op.Kind.LEAF || locs.containsKey(n)) continue;
            locs.put(n, span);
            for (Node in : n.inputs()) stack.push(in);
        }
        return v;
    }

    // ---- indexing ----

    /** The value of a constant integer expression (slice bounds, axes). */
    long constLong(Expr e, String what) {
        Value.T v = tensor(expr(e), e.span(), what);
        Node n = Folding.fold(v.node());
        if (!n.isConst() || !n.tt().isScalar() || !n.dtype().isInteger())
            throw new FrontendError(e.span(), what + " must be a constant integer" + (n.isConst() ? ", got " + n.type() : ""));
        return n.constValue().getLong(0);
    }

    // ---- calls of user functions (inlined) ----

    // ---- conversions ----

    Value.T tensor(Value v, SourceSpan at, String what) {
        return switch (v) {
            case Value.T t -> t;
            case Value.Lst l -> Conversions.listTensor(l, floatX(), at, what);
            case Value.Poison p -> throw new PoisonSignal();
            case Value.Tup _, Value.Str _, Value.DT _ -> throw new FrontendError(at, what + " must be a tensor, got " + Value.describe(v));
        };
    }

    /** A tensor in a float dtype: integers and bools become floatX, as NumPy's float functions do. */
    Value.T floating(Value.T v) {
        return v.dtype().isFloat() ? v : new Value.T(Conversions.convert(v, floatX()), v.weak());
    }

    /** The shape of a tensor type as an i64 vector, reading dim variables from this function's parameters. */
    Node shapeOfType(TensorType t, SourceSpan at) {
        var parts = new ArrayList<Node>();
        for (Dim d : t.dims()) {
            Node s = switch (d) {
                case Dim.Known(long size) -> Ir.scalarLong(size, DType.I64);
                case Dim.Sym(String name) -> {
                    Node n = dimVars.get(name);
                    if (n == null) throw new FrontendError(at, "dim variable " + name + " is not bound by an earlier parameter");
                    yield n;
                }
                case Dim.Any() -> throw new FrontendError(at, "the shape of " + t + " is not known here; give the shape explicitly");
            };
            parts.add(s);
        }
        return Folding.stackScalars(parts);
    }
}
