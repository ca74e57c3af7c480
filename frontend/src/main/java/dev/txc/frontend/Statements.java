package dev.txc.frontend;

import dev.txc.frontend.Lowerer.PoisonSignal;
import dev.txc.frontend.ast.Body;
import dev.txc.frontend.ast.Expr;
import dev.txc.frontend.ast.Ident;
import dev.txc.frontend.ast.Stmt;
import dev.txc.frontend.ast.TypeExpr;
import dev.txc.ir.Diagnostic;
import dev.txc.types.Dim;
import dev.txc.ir.Function;
import dev.txc.ir.Ir;
import dev.txc.ir.Node;
import dev.txc.ir.Op;
import dev.txc.ir.SourceSpan;
import dev.txc.types.TensorType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Statements and results of a function body being lowered: assignments (names are defined once), updates of shared
 * variables, returns, and the checked outputs; each statement is lowered under a guard, so one error does not hide the next.
 */
final class Statements {
    private Statements() {}

    static Value body(Lowerer l, Body b) {
        return switch (b) {
            case Expr e -> guarded(l, () -> l.expr(e), List.of());
            case dev.txc.frontend.ast.Block block -> block(l, block);
        };
    }

    static Value block(Lowerer l, dev.txc.frontend.ast.Block block) {
        Value result = null;
        boolean returned = false;
        for (Stmt s : block.stmts()) {
            if (returned) {
                l.fe.diagnostics.add(Diagnostic.error(s.span(), "code after return is never run"));
                break;
            }
            switch (s) {
                case Stmt.Assign a -> {
                    Value v = guarded(l, () -> l.expr(a.value()), a.targets());
                    if (v != null) assign(l, a, v);
                }
                case Stmt.Update u -> guarded(l, () -> {
                    update(l, u);
                    return null;
                }, List.of());
                case Stmt.Return r -> {
                    returned = true;
                    result = guarded(l, () -> tupleOf(l, r.values()), List.of());
                    if (result == null) result = Value.POISON;
                }
            }
        }
        if (block.result() != null) {
            if (returned) l.fe.diagnostics.add(Diagnostic.error(block.result().span(), "code after return is never run"));
            else result = guarded(l, () -> l.expr(block.result()), List.of());
        }
        return result;
    }

    private interface Step {
        Value run();
    }

    /** Runs one statement's work; on an error reports it, binds the targets to poison, and returns null. */
    private static Value guarded(Lowerer l, Step step, List<Ident> targets) {
        try {
            return step.run();
        } catch (FrontendError e) {
            l.fe.diagnostics.add(e.diagnostic);
        } catch (PoisonSignal e) {
            // the cause was reported where it happened
        }
        for (Ident t : targets) if (!t.name().equals("_") && !l.scope.containsKey(t.name())) l.scope.put(t.name(), Value.POISON);
        return targets.isEmpty() ? Value.POISON : null;
    }

    private static Value tupleOf(Lowerer l, List<Expr> values) {
        if (values.isEmpty()) return null;
        if (values.size() == 1) return l.expr(values.getFirst());
        var items = new ArrayList<Value>();
        for (Expr e : values) items.add(l.expr(e));
        return new Value.Tup(items);
    }

    private static void assign(Lowerer l, Stmt.Assign a, Value v) {
        if (a.targets().size() == 1) {
            l.define(a.targets().getFirst(), v);
            return;
        }
        List<Value> parts = switch (v) {
            case Value.Tup t -> t.items();
            case Value.Poison p -> Collections.nCopies(a.targets().size(), Value.POISON);
            case Value.T _, Value.Lst _, Value.Str _, Value.DT _ -> null;
        };
        if (parts == null || parts.size() != a.targets().size()) {
            l.fe.diagnostics.add(Diagnostic.error(a.value().span(), "cannot unpack " + (parts == null ? Value.describe(v) : parts.size() + " values")
                    + " into " + a.targets().size() + " names"));
            for (Ident t : a.targets()) if (!l.scope.containsKey(t.name())) l.scope.put(t.name(), Value.POISON);
            return;
        }
        for (int k = 0; k < parts.size(); k++) l.define(a.targets().get(k), parts.get(k));
    }

    private static void update(Lowerer l, Stmt.Update u) {
        String name = u.name().name();
        TensorType st = l.fe.sharedType(name);
        if (st == null) {
            if (l.fe.failedDecls.contains(name)) throw new PoisonSignal();
            String what = l.scope.containsKey(name) ? "a local value" : l.fe.consts.containsKey(name) ? "a const" : null;
            throw new FrontendError(u.name().span(), "only shared variables can be updated with ':=', but '" + name + "' is "
                    + (what != null ? what : "not defined"));
        }
        if (l.scope.containsKey(name)) {
            // reads of the name see the parameter or local, so the update would not be of the value the body reads
            throw new FrontendError(u.name().span(), "'" + name + "' is a local value here: a parameter or assignment of that name"
                    + " hides the shared variable '" + name + "', which ':=' would update; rename one of them");
        }
        if (l.scanBody) throw new FrontendError(u.span(), "a shared variable cannot be updated inside a scan body (update it after the scan)");
        if (l.caller != null) throw new FrontendError(u.span(), "internal: update in an inlined function");
        SourceSpan first = l.updatedAt.putIfAbsent(name, u.name().span());
        if (first != null)
            throw new FrontendError(Diagnostic.error(u.name().span(), "shared variable '" + name + "' is updated twice in this function")
                    .withNote(first, "first update here"));
        Value.T v = l.tensor(l.expr(u.value()), u.value().span(), "the update of " + name);
        l.updates.add(new Function.Update(name, updateValue(name, st, v, u.value().span())));
    }

    /** The value of {@code name := v}: it must have the shared variable's type (a weak literal adapts, a scalar stretches). */
    static Node updateValue(String name, TensorType t, Value.T v, SourceSpan at) {
        Node n = v.weak() ? Conversions.convert(v, t.dtype(), at) : v.node();
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

    static List<Function.Output> outputs(Lowerer l, Value result) {
        var outs = new ArrayList<Function.Output>();
        if (result == null || result instanceof Value.Poison) return outs;
        List<Value> items = result instanceof Value.Tup t ? t.items() : List.of(result);
        var declared = l.fn.results();
        if (!declared.isEmpty() && declared.size() != items.size()) {
            l.fe.diagnostics.add(Diagnostic.error(l.fn.name().span(), "'" + l.fn.name().name() + "' declares " + declared.size()
                    + " results but returns " + items.size()));
            return outs;
        }
        for (int k = 0; k < items.size(); k++) {
            Value v = items.get(k);
            if (v instanceof Value.Poison) continue;
            if (!(v instanceof Value.T t)) {
                l.fe.diagnostics.add(Diagnostic.error(l.fn.name().span(), "result " + k + " of '" + l.fn.name().name() + "' is " + Value.describe(v) + ", not a tensor"));
                continue;
            }
            Node n = t.node();
            try {
                if (!declared.isEmpty()) n = checkResult(l, t, declared.get(k).type(), k);
                else if (t.weak()) n = Conversions.convert(t, n.dtype());
            } catch (FrontendError e) {
                l.fe.diagnostics.add(e.diagnostic);
            }
            outs.add(new Function.Output(outputName(l, k, items.size()), n));
        }
        return outs;
    }

    private static String outputName(Lowerer l, int k, int count) {
        var declared = l.fn.results();
        if (!declared.isEmpty() && declared.get(k).name() != null) return declared.get(k).name().name();
        Expr last = lastReturned(l, k, count);
        if (last instanceof Expr.Name nm) return nm.name();
        return count == 1 ? l.fn.name().name() : "out" + k;
    }

    private static Expr lastReturned(Lowerer l, int k, int count) {
        if (l.fn.body() instanceof Expr e) return count == 1 ? e : e instanceof Expr.TupleLit t ? t.elems().get(k) : null;
        var block = (dev.txc.frontend.ast.Block) l.fn.body();
        if (block.result() != null) return count == 1 ? block.result() : block.result() instanceof Expr.TupleLit t ? t.elems().get(k) : null;
        for (Stmt s : block.stmts()) if (s instanceof Stmt.Return r && r.values().size() == count) return r.values().get(k);
        return null;
    }

    static Node checkResult(Lowerer l, Value.T v, TypeExpr declared, int k) {
        TensorType want = l.resolveType(declared, true);
        Node n = v.weak() ? Conversions.convert(v, want.dtype(), declared.span()) : v.node();
        String msg = "result " + k + " of '" + l.fn.name().name() + "' is declared " + want + " but the body gives " + n.type();
        if (n.dtype() != want.dtype() || n.rank() != want.rank()) throw new FrontendError(declared.span(), msg);
        for (int d = 0; d < want.rank(); d++) {
            Dim w = want.dim(d), g = n.tt().dim(d);
            if (w.isKnown() && g.isKnown() && w.size() != g.size()) throw new FrontendError(declared.span(), msg);
        }
        return n;
    }
}
