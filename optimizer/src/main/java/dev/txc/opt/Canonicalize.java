package dev.txc.opt;

import static dev.txc.opt.Rules.carriesShape;
import static dev.txc.opt.Rules.is;
import static dev.txc.opt.Rules.isConst;
import static dev.txc.opt.Rules.isScalarConst;
import static dev.txc.opt.Rules.uniform;

import dev.txc.ir.Function;
import dev.txc.ir.Ir;
import dev.txc.ir.Node;
import dev.txc.ir.Op;
import java.util.ArrayList;
import java.util.List;

/**
 * Algebraic identities that hold for all finite inputs, applied to fixpoint, plus folding of scalar constant
 * arithmetic. Constants are gathered to the left of products and sums ({@code c * x}); note that gathering
 * reassociates floating-point arithmetic, so results may differ from the unoptimized graph in the last bits.
 */
public final class Canonicalize implements Pass {
    @Override
    public String name() {
        return "canonicalize";
    }

    @Override
    public Function run(Function f, PassContext cx) {
        return Rules.apply(f, RULES);
    }

    static final List<Rule> RULES = List.of(
            new Rule("fold-scalars", "op(c1, c2) => c", n -> fold(n)),
            new Rule("stop-gradient", "stop_gradient(x) => x (after differentiation)", n -> is(n, Op.STOP_GRADIENT) ? n.input(0) : null),
            new Rule("mul-one", "x * 1 => x", n -> is(n, Op.MUL) ? dropIdentity(n, 1) : null),
            new Rule("div-one", "x / 1 => x", n -> is(n, Op.DIV) && isConst(n.input(1), 1) && carriesShape(n, n.input(0)) ? n.input(0) : null),
            // For floats only -0.0 is the identity of +: -0.0 + 0.0 is 0.0, and the sign of a zero shows in 1/x.
            new Rule("add-zero", "x + 0 => x (floats: x + -0.0 => x)", n -> is(n, Op.ADD) ? addZero(n) : null),
            // x - (-0.0) is x + 0.0, which makes -0.0 into 0.0: only +0 is dropped
            new Rule("sub-zero", "x - 0 => x", n -> is(n, Op.SUB) && isConst(n.input(1), 0) && Double.compare(uniform(n.input(1)), 0.0) == 0
                    && carriesShape(n, n.input(0)) ? n.input(0) : null),
            new Rule("zero-sub", "0 - x => -x (not for floats: 0.0 - 0.0 is 0.0)", n -> is(n, Op.SUB) && !n.dtype().isFloat() && isConst(n.input(0), 0) && carriesShape(n, n.input(1)) ? Ir.neg(n.input(1)) : null),
            new Rule("mul-zero", "x * 0 => 0 (x an integer or bool leaf: for floats inf * 0 is NaN)", Canonicalize::mulZero),
            new Rule("add-self", "x + x => 2 * x (exact)", n -> is(n, Op.ADD) && n.input(0) == n.input(1) ? Ir.mul(Ir.scalarLike(2, n), n.input(0)) : null),
            new Rule("neg-neg", "--x => x", n -> is(n, Op.NEG) && is(n.input(0), Op.NEG) ? n.input(0).input(0) : null),
            new Rule("neg-sub", "-(a - b) => b - a (not for floats: -(a - a) is -0.0)", n -> is(n, Op.NEG) && !n.dtype().isFloat() && is(n.input(0), Op.SUB) ? Ir.sub(n.input(0).input(1), n.input(0).input(0)) : null),
            new Rule("pow-special", "x**1 => x, x**2 => x*x, x**0 => 1, x**-1 => 1/x (not x**0.5 => sqrt(x): pow(-inf, 0.5) is inf)", Canonicalize::pow),
            new Rule("const-left", "x * c => c * x, x + c => c + x", Canonicalize::constLeft),
            new Rule("gather-consts", "c1 * (c2 * x) => (c1*c2) * x, (c * x) * y => c * (x * y), same for + (integers only: float reassociation changes results, e.g. 1e300 * (1e10 * 0.0) is 0, (1e300 * 1e10) * 0.0 is NaN)", Canonicalize::gather),
            new Rule("neg-factor", "-(c * x) => (-c) * x, c * (-x) => (-c) * x, (-x) * (-y) => x * y", Canonicalize::negFactor),
            new Rule("add-neg", "x + (-y) => x - y, x - (-y) => x + y, (-x) + y => y - x", Canonicalize::addNeg),
            new Rule("transpose-transpose", "transpose(transpose(x, p), q) => transpose(x, p[q]), identity => x", Canonicalize::transposes),
            new Rule("reshape-reshape", "reshape(reshape(x, s), t) => reshape(x, t); reshape to x's own shape => x", Canonicalize::reshapes),
            new Rule("matrix-vector", "squeeze(M @ expand_dims(v)) => M @ v, squeeze(expand_dims(v) @ M) => v @ M, A.T @ v => v @ A, v @ B.T => B @ v (M, A, B matrices, v a vector)", Canonicalize::matrixVector),
            new Rule("squeeze-keepdims", "squeeze(reduce(x, axes=a, keepdims=true), a) => reduce(x, axes=a)", Canonicalize::squeezeKeepdims),
            new Rule("broadcast-out", "op(broadcast_to(v, s), c) => broadcast_to(op(v, c), s) for scalar operands c", Canonicalize::broadcastOut),
            new Rule("squeeze-expand", "squeeze(expand_dims(x, a), a) => x, expand_dims(squeeze(x, a), a) => x when static", Canonicalize::squeezeExpand),
            new Rule("broadcast-noop", "broadcast_to(x, shape of x) => x; sum_to(g, x) => g when shapes agree", Canonicalize::noopBroadcast),
            new Rule("broadcast-operand", "op(broadcast_to(v, shape(y)), y) => op(v, y)", Canonicalize::broadcastOperand),
            new Rule("shape-source", "shape(f(x, ...)) => shape(x) when x carries the shape", n -> is(n, Op.SHAPE)
                    && Rules.shapeSource(n.input(0)) != n.input(0) ? Ir.shape(Rules.shapeSource(n.input(0))) : null),
            new Rule("sum-broadcast", "sum(broadcast_to(v, s)) => v * size(s) for a scalar v", Canonicalize::sumBroadcast),
            // logsumexp of one element is x + log(1) = x + 0.0, which makes -0.0 into 0.0 as NumPy's log(exp(-0.0))
            new Rule("empty-reduce", "sum(x, axis=[]) => x; logsumexp(x, axis=[]) => x + 0.0", n -> n.op().kind() == Op.Kind.REDUCE
                    && n.attrs().longs("axes").isEmpty() && n.dtype() == n.input(0).dtype()
                    ? (is(n, Op.LOGSUMEXP) ? Ir.add(n.input(0), Ir.scalarLike(0, n.input(0))) : n.input(0)) : null),
            new Rule("where-same", "where(c, a, a) => a", n -> is(n, Op.WHERE) && n.input(1) == n.input(2) && carriesShape(n, n.input(1)) && discardable(n.input(0)) ? n.input(1) : null));

    private static Node fold(Node n) {
        Node f = ConstFold.fold(n, 1);
        return f == n ? null : f;
    }

    private static Node addZero(Node n) {
        if (!n.dtype().isFloat()) return dropIdentity(n, 0);
        for (int k = 0; k < 2; k++) {
            Node c = n.input(k);
            if (isScalarConst(c) && Double.doubleToRawLongBits(c.constValue().getDouble(0)) == Double.doubleToRawLongBits(-0.0) && carriesShape(n, n.input(1 - k)))
                return n.input(1 - k);
        }
        return null;
    }

    /** x op e => x when e is the identity element and x alone has the result's shape (either side). */
    private static Node dropIdentity(Node n, double identity) {
        if (isConst(n.input(1), identity) && carriesShape(n, n.input(0))) return n.input(0);
        if (isConst(n.input(0), identity) && carriesShape(n, n.input(1))) return n.input(1);
        return null;
    }

    /**
     * Whether a rewrite may drop x's computation: only a leaf, since any op may fail at run time (an integer to a
     * negative power, an index out of range, shapes that do not broadcast) and -O2 must report what -O0 reports.
     */
    private static boolean discardable(Node x) {
        return x.op().kind() == Op.Kind.LEAF;
    }

    private static Node mulZero(Node n) {
        if (!is(n, Op.MUL)) return null;
        for (int k = 0; k < 2; k++) {
            Node other = n.input(1 - k);
            if (isConst(n.input(k), 0) && carriesShape(n, other) && !other.dtype().isFloat() && discardable(other)) return Ir.fillLike(other, 0);
        }
        return null;
    }

    private static Node pow(Node n) {
        if (!is(n, Op.POW)) return null;
        Node x = n.input(0), e = n.input(1);
        if (!isScalarConst(e) || !carriesShape(n, x)) return null;
        double v = e.constValue().getDouble(0);
        if (v == 1) return x;
        if (v == 2) return Ir.mul(x, x);
        if (v == 0) return discardable(x) ? Ir.fillLike(x, 1) : null;
        if (!x.dtype().isFloat()) return null;
        if (v == -1) return Ir.div(Ir.scalarLike(1, x), x);
        return null;
    }

    private static boolean commutes(Node n) {
        return is(n, Op.MUL) || is(n, Op.ADD);
    }

    private static Node constLeft(Node n) {
        if (!commutes(n) || !isScalarConst(n.input(1)) || isScalarConst(n.input(0))) return null;
        return Ir.op(n.op(), n.input(1), n.input(0));
    }

    private static Node gather(Node n) {
        if (!commutes(n) || n.dtype().isFloat()) return null;
        Node a = n.input(0), b = n.input(1);
        // c1 * (c2 * x) => (c1 * c2) * x
        if (isScalarConst(a) && b.op() == n.op() && isScalarConst(b.input(0)))
            return Ir.op(n.op(), Ir.op(n.op(), a, b.input(0)), b.input(1));
        // (c * x) * y => c * (x * y), and y * (c * x) => c * (y * x)
        if (!isScalarConst(a) && a.op() == n.op() && isScalarConst(a.input(0)) && !isScalarConst(b))
            return Ir.op(n.op(), a.input(0), Ir.op(n.op(), a.input(1), b));
        if (!isScalarConst(a) && b.op() == n.op() && isScalarConst(b.input(0)))
            return Ir.op(n.op(), b.input(0), Ir.op(n.op(), a, b.input(1)));
        return null;
    }

    private static Node negFactor(Node n) {
        if (is(n, Op.NEG) && is(n.input(0), Op.MUL) && isScalarConst(n.input(0).input(0)))
            return Ir.mul(Ir.neg(n.input(0).input(0)), n.input(0).input(1));
        if (!is(n, Op.MUL)) return null;
        Node a = n.input(0), b = n.input(1);
        if (is(a, Op.NEG) && is(b, Op.NEG)) return Ir.mul(a.input(0), b.input(0));
        if (isScalarConst(a) && is(b, Op.NEG)) return Ir.mul(Ir.neg(a), b.input(0));
        return null;
    }

    private static Node addNeg(Node n) {
        if (is(n, Op.ADD) && is(n.input(1), Op.NEG)) return Ir.sub(n.input(0), n.input(1).input(0));
        if (is(n, Op.ADD) && is(n.input(0), Op.NEG)) return Ir.sub(n.input(1), n.input(0).input(0));
        if (is(n, Op.SUB) && is(n.input(1), Op.NEG)) return Ir.add(n.input(0), n.input(1).input(0));
        return null;
    }

    private static Node transposes(Node n) {
        if (!is(n, Op.TRANSPOSE)) return null;
        int[] q = n.attrs().ints("perm");
        boolean identity = true;
        for (int k = 0; k < q.length; k++) identity &= q[k] == k;
        if (identity) return n.input(0);
        if (!is(n.input(0), Op.TRANSPOSE)) return null;
        int[] p = n.input(0).attrs().ints("perm"), r = new int[q.length];
        for (int k = 0; k < q.length; k++) r[k] = p[q[k]];
        return Ir.transpose(n.input(0).input(0), r);
    }

    private static Node reshapes(Node n) {
        if (!is(n, Op.RESHAPE)) return null;
        Node x = n.input(0);
        if (is(x, Op.RESHAPE)) {
            // The inner reshape may have told the type more than the outer target does ([4] then [-1]): keep it then.
            Node out = Ir.reshape(x.input(0), n.input(1));
            return out.type().equals(n.type()) ? out : null;
        }
        if (Rules.sameShape(x, n) && x.tt().isStatic()) return x;
        return null;
    }

    /**
     * Products of a matrix and a vector that differentiation writes with the vector as a one-column (or one-row)
     * matrix, or with a transposed matrix, as the plain product: the library's matrix-vector kernels take it with no
     * views. The same sums of the same products, so the same values up to the order of the additions.
     */
    private static Node matrixVector(Node n) {
        if (is(n, Op.SQUEEZE) && is(n.input(0), Op.MATMUL) && n.input(0).rank() == 2) {
            Node a = n.input(0).input(0), b = n.input(0).input(1);
            var axes = n.attrs().longs("axes");
            if (axes.equals(List.of(1L)) && a.rank() == 2 && oneColumnOf(b, 1)) return Ir.matmul(a, b.input(0));
            if (axes.equals(List.of(0L)) && b.rank() == 2 && oneColumnOf(a, 0)) return Ir.matmul(a.input(0), b);
        }
        if (is(n, Op.MATMUL) && n.rank() == 1) {
            Node a = n.input(0), b = n.input(1);
            if (b.rank() == 1 && swapsAxes(a)) return Ir.matmul(b, a.input(0));
            if (a.rank() == 1 && swapsAxes(b)) return Ir.matmul(b.input(0), a);
        }
        return null;
    }

    /** Whether m is the transpose of a matrix. */
    private static boolean swapsAxes(Node m) {
        return is(m, Op.TRANSPOSE) && m.rank() == 2 && java.util.Arrays.equals(m.attrs().ints("perm"), new int[] {1, 0});
    }

    /** Whether m is expand_dims(v, [axis]) of a vector v. */
    private static boolean oneColumnOf(Node m, long axis) {
        return is(m, Op.EXPAND_DIMS) && m.input(0).rank() == 1 && m.attrs().longs("axes").equals(List.of(axis));
    }

    private static Node squeezeKeepdims(Node n) {
        if (!is(n, Op.SQUEEZE) || n.input(0).op().kind() != Op.Kind.REDUCE || !n.input(0).attrs().bool("keepdims")) return null;
        Node r = n.input(0);
        var axes = r.attrs().longs("axes");
        if (!new java.util.TreeSet<>(axes).equals(new java.util.TreeSet<>(n.attrs().longs("axes")))) return null;
        return Ir.reduce(r.op(), r.input(0), axes, false);
    }

    /**
     * An elementwise op of one broadcast value and scalars is the broadcast of the op on the value: computed on the
     * small value, and the broadcast can then meet an operand of its shape ({@code broadcast-operand}) and vanish.
     */
    private static Node broadcastOut(Node n) {
        if (!n.op().isElementwise()) return null;
        int k = -1;
        for (int j = 0; j < n.inputs().size(); j++) {
            Node in = n.input(j);
            if (is(in, Op.BROADCAST_TO) && k < 0) k = j;
            else if (in.rank() != 0) return null;
        }
        if (k < 0) return null;
        Node b = n.input(k);
        var ins = new ArrayList<>(n.inputs());
        ins.set(k, b.input(0));
        return Ir.op(Op.BROADCAST_TO, n.withInputs(ins), b.input(1));
    }

    private static Node squeezeExpand(Node n) {
        if (is(n, Op.SQUEEZE) && is(n.input(0), Op.EXPAND_DIMS) && n.attrs().longs("axes").equals(n.input(0).attrs().longs("axes")))
            return n.input(0).input(0);
        if (is(n, Op.EXPAND_DIMS) && is(n.input(0), Op.SQUEEZE) && n.attrs().longs("axes").equals(n.input(0).attrs().longs("axes"))
                && Rules.sameShape(n, n.input(0).input(0)))
            return n.input(0).input(0);
        return null;
    }

    private static Node noopBroadcast(Node n) {
        if (is(n, Op.BROADCAST_TO) && Rules.sameShape(n, n.input(0)) && n.tt().isStatic()) return n.input(0);
        if (is(n, Op.BROADCAST_TO) && is(n.input(1), Op.SHAPE) && n.input(0).rank() == n.rank()
                && Rules.sameRuntimeShape(n.input(1).input(0), n.input(0))) return n.input(0);
        if (is(n, Op.SUM_TO) && Rules.sameShape(n.input(0), n.input(1))) return n.input(0);
        return null;
    }

    /** In an elementwise op, a broadcast of one operand to the shape another operand already has is implicit. */
    private static Node broadcastOperand(Node n) {
        if (!n.op().isElementwise()) return null;
        for (int k = 0; k < n.inputs().size(); k++) {
            Node b = n.input(k);
            if (!is(b, Op.BROADCAST_TO) || b.input(0).rank() > n.rank()) continue;
            for (int j = 0; j < n.inputs().size(); j++) {
                if (j == k) continue;
                Node other = n.input(j);
                // With b shaped exactly like other, the result is other's shape, and v broadcasts to it by itself.
                boolean sameTarget = is(b.input(1), Op.SHAPE) ? other.rank() == n.rank() && Rules.sameRuntimeShape(b.input(1).input(0), other)
                        : other.tt().isStatic() && Rules.sameShape(other, n) && b.tt().dims().equals(other.tt().dims());
                if (sameTarget) {
                    var ins = new ArrayList<>(n.inputs());
                    ins.set(k, b.input(0));
                    // Kept where the broadcast is what tells the type its dims (x - broadcast_to(x[0:1], shape(x))).
                    Node r = n.withInputs(ins);
                    if (r.tt().equals(n.tt())) return r;
                }
            }
        }
        return null;
    }

    /** sum(broadcast_to(v, s)) over every axis is v times the number of elements. */
    private static Node sumBroadcast(Node n) {
        if (!is(n, Op.SUM) || !is(n.input(0), Op.BROADCAST_TO) || !n.tt().isScalar()) return null;
        Node v = n.input(0).input(0), s = n.input(0).input(1);
        if (!v.tt().isScalar()) return null;
        Node count = Ir.reduce(Op.PROD, s, Ir.axes(0), false);
        return Ir.mul(v, Ir.cast(count, v.dtype()));
    }
}
