package dev.txc.frontend;

import dev.txc.frontend.Lowerer.PoisonSignal;
import dev.txc.frontend.ast.Item;
import dev.txc.frontend.ast.Param;
import dev.txc.frontend.ast.Stmt;
import dev.txc.types.DType;
import dev.txc.types.Dim;
import dev.txc.ir.Ir;
import dev.txc.ir.Node;
import dev.txc.ir.SourceSpan;
import dev.txc.types.TensorType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Calls of the program's own functions: inlined, with arguments converted to the parameter types and dim variables unified. */
final class UserCalls {
    private UserCalls() {}

    static Value callUser(Lowerer l, Item.FnDecl g, Args args, SourceSpan at) {
        int depth = 0;
        for (Lowerer c = l; c != null; c = c.caller, depth++)
            if (c.fn == g) throw new FrontendError(at, "recursive call of '" + g.name().name() + "' (calls are inlined, so recursion is not allowed)");
        if (depth > Lowerer.MAX_INLINE_DEPTH)
            throw new FrontendError(at, "calls nested too deeply: this call of '" + g.name().name() + "' is inside " + depth
                    + " function bodies (at most " + Lowerer.MAX_INLINE_DEPTH + "; calls are inlined, so a chain of calls nests)");
        if (hasUpdates(g))
            throw new FrontendError(at, "'" + g.name().name() + "' updates shared variables, so it cannot be called from another function");
        var callee = l.inlined(g);
        Map<String, Value> bound = args.bindUser(g);
        for (Param p : g.params()) {
            TensorType t = callee.resolveType(p.type(), true);
            Value v = bound.get(p.name().name());
            Node n;
            if (v == null) {
                if (p.dflt() == null) throw new FrontendError(at, "missing argument '" + p.name().name() + "' of '" + g.name().name() + "'");
                n = callee.lowerDefault(p, t);
            } else {
                n = Conversions.convertArg(l.tensor(v, args.spanOf(p.name().name()), "argument '" + p.name().name() + "'"), t,
                        "argument '" + p.name().name() + "' of '" + g.name().name() + "'", args.spanOf(p.name().name()));
            }
            unifyDims(callee, g, p.name().name(), t, n, args.spanOf(p.name().name()));
            callee.define(p.name(), new Value.T(n, false));
        }
        int before = l.fe.diagnostics.size();
        Value result = Statements.body(callee, g.body());
        if (l.fe.diagnostics.size() > before) throw new PoisonSignal();
        if (result == null) return new Value.Tup(List.of());
        if (!g.results().isEmpty()) {
            List<Value> items = result instanceof Value.Tup t ? t.items() : List.of(result);
            if (items.size() != g.results().size())
                throw new FrontendError(g.name().span(), "'" + g.name().name() + "' declares " + g.results().size() + " results but returns " + items.size());
            var checked = new ArrayList<Value>();
            for (int k = 0; k < items.size(); k++)
                checked.add(new Value.T(Statements.checkResult(callee, l.tensor(items.get(k), at, "a result"), g.results().get(k).type(), k), false));
            return checked.size() == 1 ? checked.getFirst() : new Value.Tup(checked);
        }
        return result;
    }

    private static boolean hasUpdates(Item.FnDecl g) {
        return g.body() instanceof dev.txc.frontend.ast.Block b && b.stmts().stream().anyMatch(s -> s instanceof Stmt.Update);
    }

    /** Binds the callee's dim variables to the argument's dims; two different known sizes for one variable are an error. */
    private static void unifyDims(Lowerer l, Item.FnDecl g, String param, TensorType t, Node arg, SourceSpan at) {
        for (int d = 0; d < t.rank(); d++) {
            Dim want = t.dim(d), got = arg.tt().dim(d);
            if (want instanceof Dim.Sym(String s)) {
                Dim prev = l.dimBound.putIfAbsent(s, got);
                if (prev == null) {
                    l.dimVars.put(s, got.isKnown() ? Ir.scalarLong(got.size(), DType.I64) : Ir.index(Ir.shape(arg), Ir.scalarLong(d, DType.I64), 0));
                    l.dimSource.put(s, param);
                } else if (prev.isKnown() && got.isKnown() && prev.size() != got.size()) {
                    throw new FrontendError(at, "'" + g.name().name() + "': dim " + s + " is " + prev.size() + " from '" + l.dimSource.get(s)
                            + "' but " + got.size() + " from '" + param + "'");
                }
            }
        }
    }
}
