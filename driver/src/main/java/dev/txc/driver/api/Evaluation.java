package dev.txc.driver.api;

import dev.txc.ir.Function;
import dev.txc.ir.IrText;
import dev.txc.ir.Node;
import dev.txc.ir.PrettyPrinter;
import dev.txc.opt.Pipeline;
import dev.txc.runtime.NDArray;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

/** {@link Expr#eval}, and {@code pp} and {@code ir} of a bare expression: each through a function of its free variables. */
final class Evaluation {
    private Evaluation() {}

    static NDArray eval(Expr e, Map<Expr, Object> bindings) {
        var vars = new ArrayList<Expr>();
        var args = new ArrayList<Object>();
        for (var b : bindings.entrySet()) {
            if (!b.getKey().isVariable()) throw new TxException("eval: only variables can be bound, not " + b.getKey());
            vars.add(b.getKey());
            args.add(b.getValue());
        }
        var bound = new HashSet<Node>();
        for (Expr v : vars) bound.add(v.node());
        for (Node p : dev.txc.ir.Graphs.freeVariables(List.of(e.node())))
            if (!bound.contains(p)) throw new TxException("eval: no value for variable '" + p.attrs().str("name") + "'");
        List<Node> key = vars.stream().map(Expr::node).toList();
        TxFunction f = e.evalCache.get(key);
        if (f == null) {
            var scope = new FunctionScope(CallSite.here());
            scope.name("eval");
            f = scope.build(vars, e);
            synchronized (e) {
                var m = new HashMap<>(e.evalCache);
                m.put(key, f);
                e.evalCache = Map.copyOf(m);
            }
        }
        return f.call(args).getFirst();
    }

    /** A function of the expression's free variables with the expression as its one output. */
    private static Definition uncompiled(Expr e, int optLevel) {
        var vars = dev.txc.ir.Graphs.freeVariables(List.of(e.node())).stream().map(n -> (Object) new Expr(dev.txc.frontend.api.Operand.of(n), null)).toList();
        var scope = new FunctionScope(CallSite.here());
        scope.name("expr");
        scope.optLevel(optLevel);
        return scope.define(vars, e);
    }

    static String pp(Expr e) {
        // As Theano's pp and txc pp --stage source: derivatives expanded without the stabilizing rewrites of optimization.
        Function f = uncompiled(e, 0).function(Pipeline.Stage.AD);
        return PrettyPrinter.expr(f.outputs().getFirst().value());
    }

    static String ir(Expr e) {
        return IrText.print(uncompiled(e, 2).function(Pipeline.Stage.PARSED));
    }
}
