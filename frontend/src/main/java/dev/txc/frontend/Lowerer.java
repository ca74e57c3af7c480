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
import dev.txc.ir.DType;
import dev.txc.ir.Diagnostic;
import dev.txc.ir.Dim;
import dev.txc.ir.Function;
import dev.txc.ir.Interpreter;
import dev.txc.ir.Ir;
import dev.txc.ir.IrTypeException;
import dev.txc.ir.Node;
import dev.txc.ir.Op;
import dev.txc.ir.SharedVar;
import dev.txc.ir.SourceSpan;
import dev.txc.ir.Tensor;
import dev.txc.ir.TensorType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Lowers one function body (or, for an inlined call, one callee body) to IR: resolves names, applies the
 * weak-literal and promotion rules, and records the source span of each node it builds.
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
    private final Lowerer caller;
    private final Map<String, Value> scope = new LinkedHashMap<>();
    private final Map<String, SourceSpan> definedAt = new HashMap<>();
    /** Dim variable -> an i64 scalar node giving its run-time size. */
    final Map<String, Node> dimVars = new HashMap<>();
    /** Dim variable -> the static dim it was bound to (for checking inlined calls). */
    private final Map<String, Dim> dimBound = new HashMap<>();
    private final Map<String, String> dimSource = new HashMap<>();
    final Map<Node, SourceSpan> locs;
    private final List<Function.Update> updates = new ArrayList<>();
    private final Map<String, SourceSpan> updatedAt = new HashMap<>();
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
    private final boolean scanBody;

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
            result = l.body(fn.body());
        } catch (StackOverflowError e) {
            // A backstop: the parser bounds nesting and calls are bounded above, but their product is not.
            fe.diagnostics.add(Diagnostic.error(fn.name().span(), "'" + fn.name().name()
                    + "' nests expressions and inlined calls too deeply to compile; split it into several functions or statements"));
            return null;
        }
        List<Function.Output> outs = l.outputs(result);
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
        var seen = new java.util.HashSet<Node>();
        var stack = new java.util.ArrayDeque<Node>();
        stack.push(n);
        while (!stack.isEmpty()) {
            Node m = stack.pop();
            if (!seen.add(m)) continue;
            if (m.op() == Op.PARAM || m.op() == Op.SHARED || m.op() == Op.REGION_PARAM) return false;
            m.inputs().forEach(stack::push);
        }
        return true;
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

    private Node lowerDefault(Param p, TensorType t) {
        Value.T v = initial(p.dflt(), t, "the default of " + p.name().name());
        return convertArg(v, t, "the default of parameter '" + p.name().name() + "'", p.dflt().span());
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

    private Value body(Body b) {
        return switch (b) {
            case Expr e -> guarded(() -> expr(e), List.of());
            case dev.txc.frontend.ast.Block block -> block(block);
        };
    }

    Value block(dev.txc.frontend.ast.Block block) {
        Value result = null;
        boolean returned = false;
        for (Stmt s : block.stmts()) {
            if (returned) {
                fe.diagnostics.add(Diagnostic.error(s.span(), "code after return is never run"));
                break;
            }
            switch (s) {
                case Stmt.Assign a -> {
                    Value v = guarded(() -> expr(a.value()), a.targets());
                    if (v != null) assign(a, v);
                }
                case Stmt.Update u -> guarded(() -> {
                    update(u);
                    return null;
                }, List.of());
                case Stmt.Return r -> {
                    returned = true;
                    result = guarded(() -> tupleOf(r.values()), List.of());
                    if (result == null) result = Value.POISON;
                }
            }
        }
        if (block.result() != null) {
            if (returned) fe.diagnostics.add(Diagnostic.error(block.result().span(), "code after return is never run"));
            else result = guarded(() -> expr(block.result()), List.of());
        }
        return result;
    }

    private interface Step {
        Value run();
    }

    /** Runs one statement's work; on an error reports it, binds the targets to poison, and returns null. */
    private Value guarded(Step step, List<Ident> targets) {
        try {
            return step.run();
        } catch (FrontendError e) {
            fe.diagnostics.add(e.diagnostic);
        } catch (PoisonSignal e) {
            // the cause was reported where it happened
        }
        for (Ident t : targets) if (!t.name().equals("_") && !scope.containsKey(t.name())) scope.put(t.name(), Value.POISON);
        return targets.isEmpty() ? Value.POISON : null;
    }

    private Value tupleOf(List<Expr> values) {
        if (values.isEmpty()) return null;
        if (values.size() == 1) return expr(values.getFirst());
        var items = new ArrayList<Value>();
        for (Expr e : values) items.add(expr(e));
        return new Value.Tup(items);
    }

    private void assign(Stmt.Assign a, Value v) {
        if (a.targets().size() == 1) {
            define(a.targets().getFirst(), v);
            return;
        }
        List<Value> parts = switch (v) {
            case Value.Tup t -> t.items();
            case Value.Poison p -> Collections.nCopies(a.targets().size(), Value.POISON);
            case Value.T _, Value.Lst _, Value.Str _, Value.DT _ -> null;
        };
        if (parts == null || parts.size() != a.targets().size()) {
            fe.diagnostics.add(Diagnostic.error(a.value().span(), "cannot unpack " + (parts == null ? Value.describe(v) : parts.size() + " values")
                    + " into " + a.targets().size() + " names"));
            for (Ident t : a.targets()) if (!scope.containsKey(t.name())) scope.put(t.name(), Value.POISON);
            return;
        }
        for (int k = 0; k < parts.size(); k++) define(a.targets().get(k), parts.get(k));
    }

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

    private void update(Stmt.Update u) {
        String name = u.name().name();
        TensorType st = fe.sharedType(name);
        if (st == null) {
            if (fe.failedDecls.contains(name)) throw new PoisonSignal();
            String what = scope.containsKey(name) ? "a local value" : fe.consts.containsKey(name) ? "a const" : null;
            throw new FrontendError(u.name().span(), "only shared variables can be updated with ':=', but '" + name + "' is "
                    + (what != null ? what : "not defined"));
        }
        if (scanBody) throw new FrontendError(u.span(), "a shared variable cannot be updated inside a scan body (update it after the scan)");
        if (caller != null) throw new FrontendError(u.span(), "internal: update in an inlined function");
        SourceSpan first = updatedAt.putIfAbsent(name, u.name().span());
        if (first != null)
            throw new FrontendError(Diagnostic.error(u.name().span(), "shared variable '" + name + "' is updated twice in this function")
                    .withNote(first, "first update here"));
        Value.T v = tensor(expr(u.value()), u.value().span(), "the update of " + name);
        updates.add(new Function.Update(name, updateValue(name, st, v, u.value().span())));
    }

    /** The value of {@code name := v}: it must have the shared variable's type (a weak literal adapts, a scalar stretches). */
    static Node updateValue(String name, TensorType t, Value.T v, SourceSpan at) {
        Node n = v.weak() ? convert(v, t.dtype(), at) : v.node();
        if (n.dtype() != t.dtype() || n.rank() != t.rank())
            throw new FrontendError(at, "the update of '" + name + "' must have type " + t + ", got " + n.type()
                    + (n.dtype() != t.dtype() ? " (use cast to change the dtype)" : ""));
        for (int d = 0; d < t.rank(); d++) {
            Dim want = t.dim(d), got = n.tt().dim(d);
            if (want.isKnown() && got.isKnown() && want.size() != got.size())
                throw new FrontendError(at, "the update of '" + name + "' must have type " + t + ", got " + n.type());
        }
        if (want(t, n)) n = Ir.op(Op.BROADCAST_TO, n, Ir.longs(t.dims().stream().mapToLong(Dim::size).toArray()));
        return n;
    }

    /** True when a scalar-broadcast value must be stretched to the shared variable's static shape. */
    private static boolean want(TensorType t, Node n) {
        return t.isStatic() && !n.tt().dims().equals(t.dims()) && n.tt().dims().stream().allMatch(Dim::isOne);
    }

    private List<Function.Output> outputs(Value result) {
        var outs = new ArrayList<Function.Output>();
        if (result == null || result instanceof Value.Poison) return outs;
        List<Value> items = result instanceof Value.Tup t ? t.items() : List.of(result);
        var declared = fn.results();
        if (!declared.isEmpty() && declared.size() != items.size()) {
            fe.diagnostics.add(Diagnostic.error(fn.name().span(), "'" + fn.name().name() + "' declares " + declared.size()
                    + " results but returns " + items.size()));
            return outs;
        }
        for (int k = 0; k < items.size(); k++) {
            Value v = items.get(k);
            if (v instanceof Value.Poison) continue;
            if (!(v instanceof Value.T t)) {
                fe.diagnostics.add(Diagnostic.error(fn.name().span(), "result " + k + " of '" + fn.name().name() + "' is " + Value.describe(v) + ", not a tensor"));
                continue;
            }
            Node n = t.node();
            try {
                if (!declared.isEmpty()) n = checkResult(t, declared.get(k).type(), k);
                else if (t.weak()) n = convert(t, n.dtype());
            } catch (FrontendError e) {
                fe.diagnostics.add(e.diagnostic);
            }
            outs.add(new Function.Output(outputName(k, items.size()), n));
        }
        return outs;
    }

    private String outputName(int k, int count) {
        var declared = fn.results();
        if (!declared.isEmpty() && declared.get(k).name() != null) return declared.get(k).name().name();
        Expr last = lastReturned(k, count);
        if (last instanceof Expr.Name nm) return nm.name();
        return count == 1 ? fn.name().name() : "out" + k;
    }

    private Expr lastReturned(int k, int count) {
        if (fn.body() instanceof Expr e) return count == 1 ? e : e instanceof Expr.TupleLit t ? t.elems().get(k) : null;
        var block = (dev.txc.frontend.ast.Block) fn.body();
        if (block.result() != null) return count == 1 ? block.result() : block.result() instanceof Expr.TupleLit t ? t.elems().get(k) : null;
        for (Stmt s : block.stmts()) if (s instanceof Stmt.Return r && r.values().size() == count) return r.values().get(k);
        return null;
    }

    private Node checkResult(Value.T v, TypeExpr declared, int k) {
        TensorType want = resolveType(declared, true);
        Node n = v.weak() ? convert(v, want.dtype(), declared.span()) : v.node();
        String msg = "result " + k + " of '" + fn.name().name() + "' is declared " + want + " but the body gives " + n.type();
        if (n.dtype() != want.dtype() || n.rank() != want.rank()) throw new FrontendError(declared.span(), msg);
        for (int d = 0; d < want.rank(); d++) {
            Dim w = want.dim(d), g = n.tt().dim(d);
            if (w.isKnown() && g.isKnown() && w.size() != g.size()) throw new FrontendError(declared.span(), msg);
        }
        return n;
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
        return index((Expr.Index) link, left);
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
        return unary(u.op(), tensor(expr(u.operand()), u.operand().span(), "operand of " + u.op().symbol()), u.span());
    }

    /** {@code -x} or {@code not x} on a lowered operand. */
    static Value.T unary(Expr.UnaryOp op, Value.T x, SourceSpan at) {
        return switch (op) {
            case NEG -> {
                if (x.dtype() == DType.BOOL) throw new FrontendError(at, "cannot negate a bool value; use 'not'");
                // Folded when constant, so that a shape such as [2, - - 3] is as static as [2, -3].
                yield new Value.T(Folding.fold(Ir.neg(x.node())), x.weak());
            }
            case NOT -> {
                if (x.dtype() != DType.BOOL) throw new FrontendError(at, "'not' needs a bool operand, got " + x.node().type());
                yield new Value.T(Ir.op(Op.NOT, x.node()), x.weak());
            }
        };
    }

    private Value attr(Expr.Attr a, Value base) {
        return attr(tensor(base, a.base().span(), "." + a.name().name()), a.name().name(), a.name().span());
    }

    /** {@code x.T}, {@code x.shape} or {@code x.ndim} on a lowered operand. */
    static Value.T attr(Value.T x, String name, SourceSpan at) {
        Node n = x.node();
        return switch (name) {
            case "T" -> new Value.T(n.rank() < 2 ? n : Ir.transpose(n, reversed(n.rank())), x.weak());
            case "shape" -> new Value.T(Ir.shapeOf(n), false);
            case "ndim" -> new Value.T(Ir.scalarLong(n.rank(), DType.I64), true);
            default -> throw new FrontendError(at, "unknown attribute '." + name + "' (expected .T, .shape or .ndim)");
        };
    }

    static int[] reversed(int rank) {
        int[] p = new int[rank];
        for (int k = 0; k < rank; k++) p[k] = rank - 1 - k;
        return p;
    }

    private Value call(Expr.Call c) {
        String name = c.callee().name();
        var args = Args.lower(this, c);
        Item.FnDecl user = fe.functions.get(name);
        if (user != null) return callUser(user, args, c.span());
        if (!Builtins.exists(name)) throw new FrontendError(c.callee().span(), "unknown function '" + name + "'");
        return Builtins.call(this, name, args);
    }

    // ---- indexing ----

    /** One item of a subscript, lowered: a slice with constant bounds ({@link Op#NONE} when absent) or an integer index. */
    sealed interface Subscript {
        /** {@code written} is false for a bare {@code :}, which leaves its axis alone. */
        record Range(long start, long stop, long step, boolean written) implements Subscript {}

        record At(Value.T index, SourceSpan span) implements Subscript {}

        /** A slice with a run-time bound: i64 scalars, {@code Long.MIN_VALUE}/{@code MAX_VALUE} constants where absent. */
        record DynRange(Node start, Node stop, long step) implements Subscript {}
    }

    /** A slice item: constant bounds when they fold to constants, else run-time bounds (the step must be constant). */
    private Subscript slice(Slice s) {
        long step = 1;
        if (s.step() != null) {
            step = constLong(s.step(), "slice step");
            if (step == 0) throw new FrontendError(s.step().span(), "slice step cannot be zero");
        }
        Node start = s.start() == null ? null : sliceBound(s.start()), stop = s.stop() == null ? null : sliceBound(s.stop());
        boolean dynamic = (start != null && !start.isConst()) || (stop != null && !stop.isConst());
        if (!dynamic)
            return new Subscript.Range(start == null ? Op.NONE : start.constValue().getLong(0), stop == null ? Op.NONE : stop.constValue().getLong(0),
                    step, s.start() != null || s.stop() != null || s.step() != null);
        // An absent bound is the end the slice starts from or runs to; the extreme values clamp there.
        long low = step > 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
        return new Subscript.DynRange(start != null ? start : Ir.scalarLong(low, DType.I64),
                stop != null ? stop : Ir.scalarLong(low == Long.MIN_VALUE ? Long.MAX_VALUE : Long.MIN_VALUE, DType.I64), step);
    }

    /** A slice bound as an i64 scalar, folded to a constant when it is one. */
    private Node sliceBound(Expr e) {
        Value.T v = tensor(expr(e), e.span(), "a slice bound");
        if (!v.node().tt().isScalar() || !v.dtype().isInteger())
            throw new FrontendError(e.span(), "a slice bound must be an integer scalar, got " + (v.weak() ? "a " + v.dtype().spelling() + " number" : v.node().type()));
        return Folding.fold(convert(v, DType.I64, e.span()));
    }

    private Value index(Expr.Index ix, Value base) {
        Value.T x = tensor(base, ix.base().span(), "indexing");
        int rank = x.node().rank();
        if (ix.items().size() > rank)
            throw new FrontendError(ix.span(), "too many indices: the array has rank " + rank + " but " + ix.items().size() + " were given");
        var items = new ArrayList<Subscript>();
        for (IndexItem item : ix.items()) {
            items.add(switch (item) {
                case Slice s -> slice(s);
                case Expr e -> {
                    Value.T i = tensor(expr(e), e.span(), "an index");
                    yield new Subscript.At(new Value.T(integerIndex(i, e.span()), i.weak()), e.span());
                }
            });
        }
        return index(x, items, ix.span());
    }

    /** NumPy basic indexing of a lowered operand: slices first, then integer indices from the last axis back. */
    static Value.T index(Value.T x, List<Subscript> items, SourceSpan at) {
        Node n = x.node();
        int rank = n.rank();
        if (items.size() > rank)
            throw new FrontendError(at, "too many indices: the array has rank " + rank + " but " + items.size() + " were given");
        var starts = new ArrayList<Long>(Collections.nCopies(rank, Op.NONE));
        var stops = new ArrayList<Long>(Collections.nCopies(rank, Op.NONE));
        var steps = new ArrayList<Long>(Collections.nCopies(rank, 1L));
        boolean sliced = false;
        var ints = new ArrayList<Map.Entry<Integer, Subscript.At>>();
        for (int k = 0; k < items.size(); k++) {
            switch (items.get(k)) {
                case Subscript.Range(long start, long stop, long step, boolean written) -> {
                    if (step == 0) throw new FrontendError(at, "slice step cannot be zero");
                    starts.set(k, start);
                    stops.set(k, stop);
                    steps.set(k, step);
                    sliced |= written;
                }
                case Subscript.At i -> ints.add(Map.entry(k, i));
                case Subscript.DynRange d -> { }
            }
        }
        Node r = sliced ? Ir.slice(n, starts, stops, steps) : n;
        for (int k = 0; k < items.size(); k++)
            if (items.get(k) instanceof Subscript.DynRange(Node start, Node stop, long step))
                r = Node.make(Op.DYN_SLICE, List.of(r, start, stop), dev.txc.ir.Attrs.of("axis", (long) k, "step", step));
        for (int k = ints.size() - 1; k >= 0; k--) {
            var e = ints.get(k);
            Subscript.At i = e.getValue();
            try {
                r = Ir.index(r, integerIndex(i.index(), i.span()), e.getKey());
            } catch (IrTypeException ex) {
                throw new FrontendError(i.span(), ex.getMessage());
            }
        }
        return new Value.T(Folding.fold(r), x.weak());
    }

    private static Node integerIndex(Value.T i, SourceSpan at) {
        if (!i.node().tt().isScalar() || !i.dtype().isInteger())
            throw new FrontendError(at, "an index must be an integer scalar, got " + (i.weak() ? "a " + i.dtype().spelling() + " number" : i.node().type())
                    + " (only basic indexing is supported)");
        return convert(i, DType.I64);
    }

    /** The value of a constant integer expression (slice bounds, axes). */
    long constLong(Expr e, String what) {
        Value.T v = tensor(expr(e), e.span(), what);
        Node n = Folding.fold(v.node());
        if (!n.isConst() || !n.tt().isScalar() || !n.dtype().isInteger())
            throw new FrontendError(e.span(), what + " must be a constant integer" + (n.isConst() ? ", got " + n.type() : ""));
        return n.constValue().getLong(0);
    }

    // ---- calls of user functions (inlined) ----

    private Value callUser(Item.FnDecl g, Args args, SourceSpan at) {
        int depth = 0;
        for (Lowerer l = this; l != null; l = l.caller, depth++)
            if (l.fn == g) throw new FrontendError(at, "recursive call of '" + g.name().name() + "' (calls are inlined, so recursion is not allowed)");
        if (depth > MAX_INLINE_DEPTH)
            throw new FrontendError(at, "calls nested too deeply: this call of '" + g.name().name() + "' is inside " + depth
                    + " function bodies (at most " + MAX_INLINE_DEPTH + "; calls are inlined, so a chain of calls nests)");
        if (hasUpdates(g))
            throw new FrontendError(at, "'" + g.name().name() + "' updates shared variables, so it cannot be called from another function");
        var callee = new Lowerer(fe, g, this);
        Map<String, Value> bound = args.bindUser(g);
        for (Param p : g.params()) {
            TensorType t = callee.resolveType(p.type(), true);
            Value v = bound.get(p.name().name());
            Node n;
            if (v == null) {
                if (p.dflt() == null) throw new FrontendError(at, "missing argument '" + p.name().name() + "' of '" + g.name().name() + "'");
                n = callee.lowerDefault(p, t);
            } else {
                n = convertArg(tensor(v, args.spanOf(p.name().name()), "argument '" + p.name().name() + "'"), t,
                        "argument '" + p.name().name() + "' of '" + g.name().name() + "'", args.spanOf(p.name().name()));
            }
            callee.unifyDims(g, p.name().name(), t, n, args.spanOf(p.name().name()));
            callee.define(p.name(), new Value.T(n, false));
        }
        int before = fe.diagnostics.size();
        Value result = callee.body(g.body());
        if (fe.diagnostics.size() > before) throw new PoisonSignal();
        if (result == null) return new Value.Tup(List.of());
        if (!g.results().isEmpty()) {
            List<Value> items = result instanceof Value.Tup t ? t.items() : List.of(result);
            if (items.size() != g.results().size())
                throw new FrontendError(g.name().span(), "'" + g.name().name() + "' declares " + g.results().size() + " results but returns " + items.size());
            var checked = new ArrayList<Value>();
            for (int k = 0; k < items.size(); k++)
                checked.add(new Value.T(callee.checkResult(tensor(items.get(k), at, "a result"), g.results().get(k).type(), k), false));
            return checked.size() == 1 ? checked.getFirst() : new Value.Tup(checked);
        }
        return result;
    }

    private static boolean hasUpdates(Item.FnDecl g) {
        return g.body() instanceof dev.txc.frontend.ast.Block b && b.stmts().stream().anyMatch(s -> s instanceof Stmt.Update);
    }

    /** Binds the callee's dim variables to the argument's dims; two different known sizes for one variable are an error. */
    private void unifyDims(Item.FnDecl g, String param, TensorType t, Node arg, SourceSpan at) {
        for (int d = 0; d < t.rank(); d++) {
            Dim want = t.dim(d), got = arg.tt().dim(d);
            if (want instanceof Dim.Sym(String s)) {
                Dim prev = dimBound.putIfAbsent(s, got);
                if (prev == null) {
                    dimVars.put(s, got.isKnown() ? Ir.scalarLong(got.size(), DType.I64) : Ir.index(Ir.shape(arg), Ir.scalarLong(d, DType.I64), 0));
                    dimSource.put(s, param);
                } else if (prev.isKnown() && got.isKnown() && prev.size() != got.size()) {
                    throw new FrontendError(at, "'" + g.name().name() + "': dim " + s + " is " + prev.size() + " from '" + dimSource.get(s)
                            + "' but " + got.size() + " from '" + param + "'");
                }
            }
        }
    }

    /** Converts an argument to a parameter type: weak literals adapt, strong values upcast only safely. */
    static Node convertArg(Value.T v, TensorType t, String what, SourceSpan at) {
        Node n = v.node();
        if (v.weak()) n = convert(v, t.dtype(), at);
        else if (n.dtype() != t.dtype()) {
            if (!n.dtype().canCastSafely(t.dtype()))
                throw new FrontendError(at, what + " expects " + t + ", got " + n.type() + " (a lossy conversion; use cast)");
            n = Ir.cast(n, t.dtype());
        }
        if (n.rank() != t.rank()) {
            if (n.tt().isScalar() && v.weak() && t.isStatic()) return Ir.op(Op.BROADCAST_TO, n, Ir.longs(t.dims().stream().mapToLong(Dim::size).toArray()));
            throw new FrontendError(at, what + " expects " + t + ", got " + n.type());
        }
        for (int d = 0; d < t.rank(); d++) {
            Dim want = t.dim(d), got = n.tt().dim(d);
            if (want.isKnown() && got.isKnown() && want.size() != got.size())
                throw new FrontendError(at, what + " expects " + t + ", got " + n.type());
        }
        return n;
    }

    // ---- conversions ----

    Value.T tensor(Value v, SourceSpan at, String what) {
        return switch (v) {
            case Value.T t -> t;
            case Value.Lst l -> listTensor(l, at, what);
            case Value.Poison p -> throw new PoisonSignal();
            case Value.Tup _, Value.Str _, Value.DT _ -> throw new FrontendError(at, what + " must be a tensor, got " + Value.describe(v));
        };
    }

    /**
     * A list literal of numbers as a weak constant tensor, as NumPy's array(): nested lists must be rectangular;
     * the dtype is floatX if any element is a float, bool if all are bools, else i64.
     */
    private Value.T listTensor(Value.Lst l, SourceSpan at, String what) {
        var shape = new ArrayList<Integer>();
        var values = new ArrayList<Value.T>();
        flatten(l, 0, shape, values, at, what);
        boolean anyFloat = values.stream().anyMatch(t -> t.dtype().isFloat());
        boolean allBool = values.stream().allMatch(t -> t.dtype() == DType.BOOL);
        DType d = anyFloat ? floatX() : allBool && !values.isEmpty() ? DType.BOOL : DType.I64;
        int[] dims = shape.stream().mapToInt(Integer::intValue).toArray();
        Node node = Ir.constant(arrayOf(values, d, dims, false));
        Node exact = d.isFloat() && d != DType.F64 ? Ir.constant(arrayOf(values, DType.F64, dims, true)) : null;
        return new Value.T(node, true, exact);
    }

    /** The elements (weak scalar constants) as one array of dtype d, from their exact values if {@code exact}. */
    private static Tensor arrayOf(List<Value.T> values, DType d, int[] dims, boolean exact) {
        List<Tensor> ts = values.stream().map(v -> (exact && v.exact() != null ? v.exact() : v.node()).constValue()).toList();
        return d.isFloat() ? Tensor.ofDoubles(d, dims, ts.stream().mapToDouble(t -> t.getDouble(0)).toArray())
                : Tensor.ofLongs(d, dims, ts.stream().mapToLong(t -> t.getLong(0)).toArray());
    }

    private void flatten(Value v, int depth, List<Integer> shape, List<Value.T> out, SourceSpan at, String what) {
        if (v instanceof Value.Lst l) {
            if (shape.size() == depth) shape.add(l.items().size());
            else if (shape.get(depth) != l.items().size()) throw new FrontendError(at, what + ": a ragged list (rows of different lengths) is not an array");
            for (Value item : l.items()) flatten(item, depth + 1, shape, out, at, what);
            return;
        }
        if (depth != shape.size()) throw new FrontendError(at, what + ": a ragged list (rows of different lengths) is not an array");
        if (v instanceof Value.T t && t.weak() && t.node().isConst() && t.node().tt().isScalar()) {
            out.add(t.exact() == null || t.exact().isConst() ? t : new Value.T(t.node(), true));
            return;
        }
        if (v instanceof Value.Poison) throw new PoisonSignal();
        throw new FrontendError(at, what + ": a list used as an array must hold number literals, got " + Value.describe(v));
    }

    /**
     * The node of v in dtype d: a weak constant is re-made in d (from its exact value, when it has one), anything else
     * is cast. An integer literal out of d's bounds is an error, as NumPy 2 refuses a Python integer it cannot hold.
     */
    static Node convert(Value.T v, DType d) {
        Node n = v.node();
        if (n.dtype() == d) return n;
        if (v.exact() != null) n = v.exact();
        if (n.dtype() == d) return n;
        Tensor c = v.weak() ? Folding.valueOf(n) : null;
        if (c != null) {
            if (!inBounds(c, d))
                throw new IrTypeException("the integer " + outOfBounds(c, d) + " is out of bounds for " + d.spelling() + " (" + min(d) + " to " + max(d) + ")");
            return Ir.constant(c.cast(d));
        }
        return Ir.cast(n, d);
    }

    /** {@link #convert(Value.T, DType)} outside an expression: its errors are located at {@code at}. */
    static Node convert(Value.T v, DType d, SourceSpan at) {
        try {
            return convert(v, d);
        } catch (IrTypeException e) {
            throw new FrontendError(at, e.getMessage());
        }
    }

    /** Whether every integer of t fits d without wrapping (always true unless both are integer dtypes). */
    static boolean inBounds(Tensor t, DType d) {
        return !d.isInteger() || !t.dtype().isInteger() || outOfBounds(t, d) == null;
    }

    private static Long outOfBounds(Tensor t, DType d) {
        for (int k = 0; k < t.size(); k++) {
            long x = t.getLong(k);
            if (x < min(d) || x > max(d)) return x;
        }
        return null;
    }

    private static long min(DType d) {
        return d.isUnsigned() ? 0 : -(1L << (d.bits() - 1));
    }

    private static long max(DType d) {
        return d.isUnsigned() ? (1L << d.bits()) - 1 : (1L << (d.bits() - 1)) - 1;
    }

    /** A tensor in a float dtype: integers and bools become floatX, as NumPy's float functions do. */
    Value.T floating(Value.T v) {
        return v.dtype().isFloat() ? v : new Value.T(convert(v, floatX()), v.weak());
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
