package dev.txc.frontend;

import dev.txc.frontend.ast.Expr;
import dev.txc.frontend.ast.Item;
import dev.txc.frontend.ast.KeywordArg;
import dev.txc.ir.Interpreter;
import dev.txc.ir.Node;
import dev.txc.ir.SharedVar;
import dev.txc.ir.SourceSpan;
import dev.txc.ir.Tensor;
import dev.txc.types.TensorType;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The initial value of a shared variable: randn/uniform/load, or a constant expression (a literal, zeros/ones/full
 * taking the declared type, arange as NumPy's, ...) evaluated now.
 */
final class SharedInit {
    private SharedInit() {}

    static SharedVar.Init lower(Lowerer l, Item.SharedDecl s, TensorType t) {
        Expr init = s.init();
        if (!t.isStatic() && !(init instanceof Expr.Call c && c.callee().name().equals("load")))
            throw new FrontendError(s.type().span(), "shared variable '" + s.name().name() + "' needs a fully known shape (? is allowed only with load(...))");
        if (init instanceof Expr.Call c && !l.fe.functions.containsKey(c.callee().name())) {
            String name = c.callee().name();
            Map<String, Expr> kw = new HashMap<>();
            for (KeywordArg k : c.kwargs()) kw.put(k.name().name(), k.value());
            List<Expr> args = c.args();
            switch (name) {
                case "randn" -> {
                    only(c, args, 0, kw, "seed");
                    return new SharedVar.Init.Randn(seed(l, kw, c));
                }
                case "uniform" -> {
                    only(c, args, 2, kw, "seed", "low", "high");
                    double lo = number(l, args.size() > 0 ? args.get(0) : kw.get("low"), c, 0.0);
                    double hi = number(l, args.size() > 1 ? args.get(1) : kw.get("high"), c, 1.0);
                    return new SharedVar.Init.Uniform(lo, hi, seed(l, kw, c));
                }
                case "load" -> {
                    only(c, args, 1, kw);
                    if (args.size() != 1 || !(args.getFirst() instanceof Expr.StrLit(String path, SourceSpan sp)))
                        throw new FrontendError(c.span(), "load needs a file name such as load(\"w.npy\")");
                    Path base = Path.of(s.span().file()).toAbsolutePath().getParent();
                    return new SharedVar.Init.Load(base.resolve(path).normalize().toString());
                }
                default -> { }
            }
        }
        Value.T v = l.initial(init, t, "the initial value of " + s.name().name());
        Node n = v.weak() ? Conversions.convert(v, t.dtype(), init.span()) : v.node();
        Tensor value;
        try {
            value = Interpreter.evaluate(n);
        } catch (OutOfMemoryError e) {
            throw new FrontendError(init.span(), "the initial value of '" + s.name().name() + "' (" + t + ") does not fit this JVM's heap of "
                    + String.format(java.util.Locale.ROOT, "%.1f GB", Runtime.getRuntime().maxMemory() / 1e9)
                    + " (raise it with -Xmx, e.g. in TXC_JAVA_OPTS)");
        } catch (dev.txc.ir.EvalException e) {
            // a constant too big to make is not "not constant"
            String m = e.getMessage() == null ? "" : e.getMessage();
            throw new FrontendError(init.span(), "the initial value of '" + s.name().name() + "' "
                    + (m.contains("too big") || m.contains("negative dimensions") ? "cannot be made: " + m : "must be a constant expression"));
        } catch (RuntimeException e) {
            throw new FrontendError(init.span(), "the initial value of '" + s.name().name() + "' must be a constant expression");
        }
        if (value.dtype() != t.dtype()) value = value.cast(t.dtype());
        checkFits(value, t, init.span(), s.name().name());
        return new SharedVar.Init.Value(value);
    }

    private static void only(Expr.Call c, List<Expr> args, int maxPos, Map<String, Expr> kw, String... names) {
        if (args.size() > maxPos) throw new FrontendError(c.span(), c.callee().name() + " takes at most " + maxPos + " positional arguments here");
        for (String k : kw.keySet())
            if (!List.of(names).contains(k)) throw new FrontendError(c.span(), c.callee().name() + " has no parameter '" + k + "'");
    }

    private static long seed(Lowerer l, Map<String, Expr> kw, Expr.Call c) {
        Expr e = kw.get("seed");
        return e == null ? 0 : l.constLong(e, "seed");
    }

    private static double number(Lowerer l, Expr e, Expr.Call c, double dflt) {
        if (e == null) return dflt;
        Value.T v = l.tensor(l.expr(e), e.span(), "a bound");
        Node n = Folding.fold(v.exact() != null ? v.exact() : v.node());
        if (!n.isConst() || !n.tt().isScalar()) throw new FrontendError(e.span(), "a constant number is needed here");
        return n.constValue().getDouble(0);
    }

    /** A literal initializer must equal the declared shape or broadcast to it. */
    private static void checkFits(Tensor v, TensorType t, SourceSpan at, String name) {
        int r = t.rank();
        boolean ok = v.rank() <= r;
        for (int k = 0; ok && k < v.rank(); k++) {
            long want = t.dim(r - v.rank() + k).size();
            ok = v.dim(k) == want || v.dim(k) == 1;
        }
        if (!ok) throw new FrontendError(at, "the initial value of '" + name + "' has shape " + v.type() + ", which does not fit " + t);
    }
}
