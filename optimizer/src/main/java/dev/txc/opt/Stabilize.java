package dev.txc.opt;

import static dev.txc.opt.Rules.carriesShape;
import static dev.txc.opt.Rules.is;
import static dev.txc.opt.Rules.isConst;

import dev.txc.ir.Attrs;
import dev.txc.ir.Function;
import dev.txc.ir.Ir;
import dev.txc.ir.Node;
import dev.txc.ir.Op;
import java.util.List;

/**
 * Numerically stable forms of expressions that overflow or cancel: sigmoids written out, logs of sigmoids and
 * of softmax, log(1 + x), exp(x) - 1, and softplus. The grad pass applies the same rules to a cost before
 * differentiating it, so gradients are stable too.
 */
public final class Stabilize implements Pass {
    @Override
    public String name() {
        return "stabilize";
    }

    @Override
    public Function run(Function f, PassContext cx) {
        return Rules.apply(f, RULES);
    }

    /** The stable form of the graph of one value (used on costs before differentiation). */
    static Node apply(Node n) {
        // Canonical forms help the stable ones match; but stop_gradient must survive until differentiation.
        var rules = new java.util.ArrayList<>(RULES);
        for (Rule r : Canonicalize.RULES) if (!r.name().equals("stop-gradient")) rules.add(r);
        // Rewritten at n's own level: the cost of a grad inside a scan body is a body node.
        Node cur = n;
        for (int round = 0; round < 32; round++) {
            Node next = new dev.txc.ir.Rewriter(m -> Rules.applyAt(m, rules)).apply(cur);
            if (next == cur) return cur;
            cur = next;
        }
        return cur;
    }

    static final List<Rule> RULES = List.of(
            new Rule("sigmoid", "1 / (1 + exp(u)) => sigmoid(-u)", Stabilize::sigmoid),
            new Rule("one-minus-sigmoid", "1 - sigmoid(x) => sigmoid(-x)", n -> is(n, Op.SUB) && isConst(n.input(0), 1)
                    && is(n.input(1), Op.SIGMOID) && carriesShape(n, n.input(1)) ? Ir.op(Op.SIGMOID, Ir.neg(n.input(1).input(0))) : null),
            new Rule("log-sigmoid", "log(sigmoid(x)) => -softplus(-x)", n -> is(n, Op.LOG) && is(n.input(0), Op.SIGMOID)
                    ? Ir.neg(Ir.op(Op.SOFTPLUS, Ir.neg(n.input(0).input(0)))) : null),
            new Rule("softplus", "log(1 + exp(x)) => softplus(x)", n -> {
                Node x = onePlus(n);
                return x != null && is(x, Op.EXP) ? Ir.op(Op.SOFTPLUS, x.input(0)) : null;
            }),
            new Rule("log1p-exp", "log1p(exp(x)) => softplus(x)", n -> is(n, Op.LOG1P) && is(n.input(0), Op.EXP)
                    ? Ir.op(Op.SOFTPLUS, n.input(0).input(0)) : null),
            new Rule("log-sum-exp", "log(sum(exp(x), axes)) => logsumexp(x, axes)", n -> is(n, Op.LOG) && is(n.input(0), Op.SUM)
                    && is(n.input(0).input(0), Op.EXP) && n.dtype().isFloat()
                    ? Ir.reduce(Op.LOGSUMEXP, n.input(0).input(0).input(0), n.input(0).attrs().longs("axes"), n.input(0).attrs().bool("keepdims")) : null),
            new Rule("log1p", "log(1 + x) => log1p(x)", n -> {
                Node x = onePlus(n);
                return x != null && !is(x, Op.EXP) ? Ir.op(Op.LOG1P, x) : null;
            }),
            new Rule("expm1", "exp(x) - 1 => expm1(x)", n -> is(n, Op.SUB) && is(n.input(0), Op.EXP) && isConst(n.input(1), 1)
                    && carriesShape(n, n.input(0)) ? Ir.op(Op.EXPM1, n.input(0).input(0)) : null),
            new Rule("sigmoid-product", "sigmoid(x) * sigmoid(-x) => e / (1 + e)^2, e = exp(-|x|): one exp, finite for every x",
                    Stabilize::sigmoidProduct),
            new Rule("log-exp", "log(exp(x)) => x", n -> is(n, Op.LOG) && is(n.input(0), Op.EXP) ? n.input(0).input(0) : null),
            new Rule("softmax", "exp(x) / sum(exp(x), axis=a, keepdims=true) => softmax(x, axis=a)", Stabilize::softmax),
            new Rule("log-softmax", "log(softmax(x)) => log_softmax(x)", n -> is(n, Op.LOG) && is(n.input(0), Op.SOFTMAX)
                    ? Node.make(Op.LOG_SOFTMAX, List.of(n.input(0).input(0)), Attrs.of("axis", n.input(0).attrs().lng("axis"))) : null));

    /** A softmax written out over one axis (Theano's softmax_simplifier): finite for any x, where exp overflows. */
    private static Node softmax(Node n) {
        if (!is(n, Op.DIV) || !is(n.input(0), Op.EXP) || !n.dtype().isFloat()) return null;
        Node d = n.input(1);
        if (is(d, Op.BROADCAST_TO)) d = d.input(0);
        // the kept-dims sum of the same exp broadcasts to it: the quotient has exp(x)'s shape
        if (!is(d, Op.SUM) || d.input(0) != n.input(0) || !d.attrs().bool("keepdims") || d.attrs().longs("axes").size() != 1) return null;
        return Node.make(Op.SOFTMAX, List.of(n.input(0).input(0)), Attrs.of("axis", d.attrs().longs("axes").getFirst()));
    }

    /** sigmoid'(x) = sigmoid(x) sigmoid(-x) = e^-|x| / (1 + e^-|x|)^2 (symmetric in x): one exp instead of two. */
    private static Node sigmoidProduct(Node n) {
        if (!is(n, Op.MUL) || !is(n.input(0), Op.SIGMOID) || !is(n.input(1), Op.SIGMOID)) return null;
        Node a = n.input(0).input(0), b = n.input(1).input(0);
        Node x = is(b, Op.NEG) && b.input(0) == a ? a : is(a, Op.NEG) && a.input(0) == b ? b : null;
        if (x == null) return null;
        Node e = Ir.op(Op.EXP, Ir.neg(Ir.op(Op.ABS, x)));
        Node d = Ir.add(Ir.scalarLike(1, e), e);
        return Ir.div(e, Ir.mul(d, d));
    }

    /** For log(1 + x) or log(x + 1) with x carrying the shape: x; else null. */
    private static Node onePlus(Node n) {
        if (!is(n, Op.LOG) || !is(n.input(0), Op.ADD)) return null;
        Node s = n.input(0);
        if (isConst(s.input(0), 1) && carriesShape(s, s.input(1))) return s.input(1);
        if (isConst(s.input(1), 1) && carriesShape(s, s.input(0))) return s.input(0);
        return null;
    }

    private static Node sigmoid(Node n) {
        if (!is(n, Op.DIV) || !isConst(n.input(0), 1) || !is(n.input(1), Op.ADD)) return null;
        Node s = n.input(1);
        Node e = isConst(s.input(0), 1) ? s.input(1) : isConst(s.input(1), 1) ? s.input(0) : null;
        if (e == null || !is(e, Op.EXP) || !carriesShape(n, n.input(1)) || !carriesShape(s, e)) return null;
        return Ir.op(Op.SIGMOID, Ir.neg(e.input(0)));
    }
}
