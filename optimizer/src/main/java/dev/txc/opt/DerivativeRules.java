package dev.txc.opt;

import static dev.txc.ir.Ir.add;
import static dev.txc.ir.Ir.div;
import static dev.txc.ir.Ir.mul;
import static dev.txc.ir.Ir.neg;
import static dev.txc.ir.Ir.op;
import static dev.txc.ir.Ir.sub;
import static dev.txc.ir.Ir.where;

import dev.txc.ir.Attrs;
import dev.txc.ir.Ir;
import dev.txc.ir.Node;
import dev.txc.ir.Op;
import dev.txc.types.Dim;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The differentiation rule of every op: for elementwise ops a partial derivative applied to a tangent or
 * cotangent, for the others a vector-Jacobian product (reverse) and a Jacobian-vector product (forward).
 * Each rule carries its identity as a comment.
 */
final class DerivativeRules {
    private DerivativeRules() {}

    /** Thrown for an op with no derivative rule yet; the message names it. */
    static final class Unsupported extends RuntimeException {
        Unsupported(String message) {
            super(message, null, false, false);
        }
    }

    private static final double LN2 = Math.log(2), LN10 = Math.log(10), TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

    private static Node c(double v, Node like) {
        return Ir.scalarLike(v, like);
    }

    /** Whether n is a constant with no zero element. */
    private static boolean nonzero(Node n) {
        var v = n.constValue();
        if (v == null) return false;
        for (int i = 0; i < v.size(); i++) if (v.getDouble(i) == 0) return false;
        return true;
    }

    private static Node zero(Node like) {
        return c(0, like);
    }

    /** Whether values of this node carry derivatives at all (integers and bools do not). */
    static boolean differentiable(Node n) {
        return n.type() instanceof dev.txc.types.TensorType t && t.dtype().isFloat();
    }

    /**
     * t -> (d y / d x_k) * t for elementwise y, with t shaped like x_k or like y; null when the partial is zero
     * or undefined (piecewise-constant and boolean ops).
     */
    static UnaryOperator<Node> partial(Node y, int k) {
        List<Node> in = y.inputs();
        Node x = in.get(0);
        Node b = in.size() > 1 ? in.get(1) : null;
        return switch (y.op()) {
            case NEG -> Ir::neg;                                                  // d(-x) = -1
            case ABS -> t -> mul(t, op(Op.SIGN, x));                               // d|x| = sign(x), 0 at 0
            case SIGN, FLOOR, CEIL, ROUND, STOP_GRADIENT, FLOORDIV -> null;         // piecewise constant, or cut
            case RELU -> t -> where(op(Op.GT, x, zero(x)), t, zero(t));             // relu'(x) = x > 0
            case EXP -> t -> mul(t, y);                                             // exp' = exp
            case EXP2 -> t -> mul(t, mul(y, c(LN2, y)));                            // (2^x)' = 2^x ln 2
            case EXPM1 -> t -> mul(t, add(y, c(1, y)));                             // (e^x - 1)' = e^x
            case LOG -> t -> div(t, x);                                             // log' = 1/x
            case LOG2 -> t -> div(t, mul(x, c(LN2, x)));                            // log2' = 1/(x ln 2)
            case LOG10 -> t -> div(t, mul(x, c(LN10, x)));                          // log10' = 1/(x ln 10)
            case LOG1P -> t -> div(t, add(c(1, x), x));                             // log1p' = 1/(1+x)
            case SQRT -> t -> div(t, mul(c(2, y), y));                              // sqrt' = 1/(2 sqrt x)
            case SIN -> t -> mul(t, op(Op.COS, x));                                 // sin' = cos
            case COS -> t -> neg(mul(t, op(Op.SIN, x)));                            // cos' = -sin
            case TAN -> t -> mul(t, add(c(1, y), mul(y, y)));                       // tan' = 1 + tan^2
            case ASIN -> t -> div(t, op(Op.SQRT, sub(c(1, x), mul(x, x))));         // asin' = 1/sqrt(1-x^2)
            case ACOS -> t -> neg(div(t, op(Op.SQRT, sub(c(1, x), mul(x, x)))));    // acos' = -1/sqrt(1-x^2)
            case ATAN -> t -> div(t, add(c(1, x), mul(x, x)));                      // atan' = 1/(1+x^2)
            case SINH -> t -> mul(t, op(Op.COSH, x));                               // sinh' = cosh
            case COSH -> t -> mul(t, op(Op.SINH, x));                               // cosh' = sinh
            case TANH -> t -> mul(t, sub(c(1, y), mul(y, y)));                      // tanh' = 1 - tanh^2
            case ASINH -> t -> div(t, op(Op.SQRT, add(mul(x, x), c(1, x))));        // asinh' = 1/sqrt(x^2+1)
            case ACOSH -> t -> div(t, op(Op.SQRT, sub(mul(x, x), c(1, x))));        // acosh' = 1/sqrt(x^2-1)
            case ATANH -> t -> div(t, sub(c(1, x), mul(x, x)));                     // atanh' = 1/(1-x^2)
            case SIGMOID -> t -> mul(t, mul(y, sub(c(1, y), y)));                   // s' = s (1 - s)
            case SOFTPLUS -> t -> mul(t, op(Op.SIGMOID, x));                        // softplus' = sigmoid
            case ERF -> t -> mul(t, mul(c(TWO_OVER_SQRT_PI, x), op(Op.EXP, neg(mul(x, x)))));        // erf' = 2/sqrt(pi) e^{-x^2}
            case ERFC -> t -> neg(mul(t, mul(c(TWO_OVER_SQRT_PI, x), op(Op.EXP, neg(mul(x, x)))))); // erfc' = -erf'
            case ADD -> t -> t;                                                     // d(a+b) = da + db
            case SUB -> k == 0 ? t -> t : Ir::neg;                                  // d(a-b) = da - db
            case MUL -> k == 0 ? t -> mul(t, b) : t -> mul(t, x);                   // d(ab) = b da + a db
            case DIV -> k == 0 ? t -> div(t, b) : t -> neg(div(mul(t, y), b));      // d(a/b) = da/b - (a/b^2) db
            case MOD -> k == 0 ? t -> t : t -> neg(mul(t, op(Op.FLOORDIV, x, b)));  // a mod b = a - b floor(a/b)
            // d a^b/da = b a^(b-1), 0 where b = 0; d a^b/db = a^b log a, 0 where a = 0 and b >= 0 (PyTorch's and JAX's
            // values there, where the formulas give 0 * inf)
            // values there, where the formulas give 0 * inf); the guard is left out where a constant decides it
            case POW -> k == 0
                    ? t -> nonzero(b) ? mul(mul(t, b), op(Op.POW, x, sub(b, c(1, b))))
                            : where(op(Op.EQ, b, c(0, b)), zero(t), mul(mul(t, b), op(Op.POW, x, sub(b, c(1, b)))))
                    : t -> nonzero(x) ? mul(t, mul(y, op(Op.LOG, x)))
                            : where(op(Op.AND, op(Op.EQ, x, c(0, x)), op(Op.GE, b, c(0, b))), zero(t), mul(t, mul(y, op(Op.LOG, x))));
            case MAXIMUM -> k == 0                                                  // ties go to the first operand
                    ? t -> where(op(Op.GE, x, b), t, zero(t)) : t -> where(op(Op.GE, x, b), zero(t), t);
            case MINIMUM -> k == 0
                    ? t -> where(op(Op.LE, x, b), t, zero(t)) : t -> where(op(Op.LE, x, b), zero(t), t);
            case ATAN2 -> {                                                         // atan2(u, v): du v/(u^2+v^2) - dv u/(u^2+v^2)
                Node r2 = add(mul(x, x), mul(b, b));
                yield k == 0 ? t -> mul(t, div(b, r2)) : t -> neg(mul(t, div(x, r2)));
            }
            case WHERE -> switch (k) {                                              // the chosen branch gets it
                case 0 -> null;
                case 1 -> t -> where(x, t, zero(t));
                default -> t -> where(x, zero(t), t);
            };
            case CLIP -> switch (k) {                                               // inside [lo, hi] inclusive: x; below: lo; above: hi
                case 0 -> t -> where(op(Op.AND, op(Op.GE, x, b), op(Op.LE, x, y.input(2))), t, zero(t));
                case 1 -> t -> where(op(Op.LT, x, b), t, zero(t));
                default -> t -> where(op(Op.GT, x, y.input(2)), t, zero(t));
            };
            case PARAM, SHARED, CONST, REGION_PARAM, ISNAN, ISINF, NOT, CAST, EQ, NE, LT, LE, GT, GE, AND, OR, XOR,
                 SUM, PROD, MAX, MIN, MEAN, ANY, ALL, ARGMAX, ARGMIN, LOGSUMEXP, SOFTMAX, LOG_SOFTMAX, ARG_MASK,
                 MATMUL, CONCAT, DIAGONAL, DIAG_EMBED, ARANGE, SUM_TO, UNSLICE, UNINDEX, TRANSPOSE, EXPAND_DIMS,
                 SQUEEZE, RESHAPE, BROADCAST_TO, SLICE, INDEX, SHAPE, WINDOW, UNWINDOW, DYN_SLICE, DYN_UNSLICE, GRAD,
                 LOP, ROP, JACOBIAN, HESSIAN, SCAN, FUSED, TUPLE_GET -> throw new IllegalArgumentException("not an elementwise op with partials: " + y.op());
        };
    }

    // ---- broadcasting ----

    /** True when operand k of the broadcasting op y may be smaller than y at run time, so its gradient needs summing. */
    static boolean broadcasts(Node y, int k) {
        Node x = y.input(k);
        int r = y.rank(), lead = r - x.rank();
        if (lead > 0) return true;
        for (int d = 0; d < r; d++) {
            Dim xd = x.tt().dim(d), yd = y.tt().dim(d);
            if (xd.isOne() && yd.isOne()) continue;
            if (xd.isOne()) return true;
            if (xd.isKnown() || (xd instanceof Dim.Sym && xd.equals(yd))) continue;
            if (!othersAreOnes(y, k, d)) return true;
        }
        return false;
    }

    private static boolean othersAreOnes(Node y, int k, int d) {
        int r = y.rank();
        for (int j = 0; j < y.inputs().size(); j++) {
            if (j == k) continue;
            Node o = y.input(j);
            int od = d - (r - o.rank());
            if (od >= 0 && !o.tt().dim(od).isOne()) return false;
        }
        return true;
    }

    /** g (shaped like y) summed down to the shape of operand k. */
    static Node unbroadcast(Node g, Node y, int k) {
        if (!broadcasts(y, k)) return g;
        return sumTo(g, y.input(k));
    }

    /** g summed down to x's shape: statically when the types show the broadcast axes, else at run time. */
    static Node sumTo(Node g, Node x) {
        int lead = g.rank() - x.rank();
        var axes = new ArrayList<Long>();
        for (int d = 0; d < g.rank(); d++) {
            if (d < lead) {
                axes.add((long) d);
                continue;
            }
            Dim xd = x.tt().dim(d - lead), gd = g.tt().dim(d);
            if (xd.isOne() && !gd.isOne()) axes.add((long) d);
            else if (!(xd.isOne() || xd.isKnown() || (xd instanceof Dim.Sym && xd.equals(gd)))) return Ir.op(Op.SUM_TO, g, x);
        }
        if (axes.isEmpty()) return g;
        Node s = Ir.reduce(Op.SUM, g, axes, true);
        return Ir.squeeze(s, Ir.allAxes(lead));
    }

    // ---- reverse mode ----

    /** The cotangent of each input of y given y's cotangent g; null entries contribute nothing. */
    static List<Node> vjp(Node y, Node g) {
        List<Node> in = y.inputs();
        var out = new ArrayList<Node>(java.util.Collections.nCopies(in.size(), (Node) null));
        Attrs a = y.attrs();
        Node x = in.isEmpty() ? null : in.get(0);
        return switch (y.op()) {
            case PARAM, SHARED, CONST, REGION_PARAM -> out;
            case NEG, ABS, SIGN, RELU, FLOOR, CEIL, ROUND, EXP, EXP2, EXPM1, LOG, LOG2, LOG10, LOG1P, SQRT, SIN, COS, TAN,
                 ASIN, ACOS, ATAN, SINH, COSH, TANH, ASINH, ACOSH, ATANH, SIGMOID, SOFTPLUS, ERF, ERFC, STOP_GRADIENT,
                 ADD, SUB, MUL, DIV, FLOORDIV, MOD, POW, MAXIMUM, MINIMUM, ATAN2, WHERE, CLIP -> {
                for (int k = 0; k < in.size(); k++) {
                    UnaryOperator<Node> p = differentiable(in.get(k)) ? partial(y, k) : null;
                    if (p != null) out.set(k, unbroadcast(p.apply(g), y, k));
                }
                yield out;
            }
            case ISNAN, ISINF, NOT, EQ, NE, LT, LE, GT, GE, AND, OR, XOR, ANY, ALL, ARGMAX, ARGMIN, ARG_MASK, ARANGE, SHAPE -> out;
            case CAST -> differentiable(x) ? first(out, Ir.cast(g, x.dtype())) : out;   // d cast(x) = cast(dx) between floats
            case SUM -> first(out, spread(g, y, x));                                // d sum = broadcast back
            case MEAN -> first(out, div(spread(g, y, x), count(y, x)));             // d mean = broadcast back / n
            case PROD -> first(out, mul(spread(g, y, x), prodPartial(y, x)));       // d prod/dx_i = prod of the others
            case MAX, MIN -> first(out, where(argMask(y, x), spread(g, y, x), zero(g)));   // to the first extreme
            case LOGSUMEXP -> first(out, mul(spread(g, y, x), op(Op.EXP, sub(x, spread(y, y, x)))));  // d lse = softmax
            case SOFTMAX -> {                                                       // ds = s (g - sum(g s))
                List<Long> ax = List.of(a.lng("axis"));
                yield first(out, mul(y, sub(g, Ir.reduce(Op.SUM, mul(g, y), ax, true))));
            }
            case LOG_SOFTMAX -> {                                                   // d log_softmax = g - softmax sum(g)
                List<Long> ax = List.of(a.lng("axis"));
                yield first(out, sub(g, mul(op(Op.EXP, y), Ir.reduce(Op.SUM, g, ax, true))));
            }
            case MATMUL -> matmulVjp(y, g, out);
            case TRANSPOSE -> first(out, Ir.transpose(g, inverse(a.ints("perm"))));   // transpose back
            case EXPAND_DIMS -> first(out, Ir.squeeze(g, a.longs("axes")));
            case SQUEEZE -> first(out, Ir.expandDims(g, a.longs("axes")));
            case RESHAPE -> first(out, Ir.reshape(g, Ir.shapeOf(x)));
            case BROADCAST_TO -> first(out, sumTo(g, x));                          // broadcasting sums back
            case SLICE -> first(out, Node.make(Op.UNSLICE, List.of(g, x), a));      // scatter into zeros
            case INDEX -> first(out, Node.make(Op.UNINDEX, List.of(g, in.get(1), x), a));
            case CONCAT -> concatVjp(y, g, out);
            case DIAGONAL -> first(out, op(Op.DIAG_EMBED, g, x));                  // the diagonal's adjoint embeds
            case DIAG_EMBED -> first(out, op(Op.DIAGONAL, g));
            case SUM_TO -> first(out, Ir.op(Op.BROADCAST_TO, g, Ir.shapeOf(x)));    // sum_to's adjoint broadcasts
            case UNSLICE -> first(out, Node.make(Op.SLICE, List.of(g), a));
            case UNINDEX -> first(out, Node.make(Op.INDEX, List.of(g, in.get(1)), a));
            case WINDOW -> first(out, Node.make(Op.UNWINDOW, List.of(g, in.get(1), x), a));    // the window's adjoint scatters back
            case UNWINDOW -> first(out, Node.make(Op.WINDOW, List.of(g, in.get(1), x), a));
            case DYN_SLICE -> first(out, Node.make(Op.DYN_UNSLICE, List.of(g, in.get(1), in.get(2), x), a));   // scatter into zeros
            case DYN_UNSLICE -> first(out, Node.make(Op.DYN_SLICE, List.of(g, in.get(1), in.get(2)), a));
            case SCAN, TUPLE_GET -> throw new IllegalStateException("scan is differentiated by ScanDiff, through Autodiff");
            case FUSED -> throw new Unsupported("differentiation runs before fusion; a fused kernel cannot be differentiated");
            case GRAD, LOP, ROP, JACOBIAN, HESSIAN -> throw new IllegalStateException("nested differentiation op not expanded");
        };
    }

    /** out with its first entry set to c. */
    private static List<Node> first(List<Node> out, Node c) {
        out.set(0, c);
        return out;
    }

    /** A reduction's cotangent (or value) broadcast back over the reduced axes of x. */
    private static Node spread(Node g, Node y, Node x) {
        Node e = y.attrs().bool("keepdims") ? g : Ir.expandDims(g, y.attrs().longs("axes"));
        return e.tt().dims().equals(x.tt().dims()) && x.tt().isStatic() ? e : Ir.op(Op.BROADCAST_TO, e, Ir.shapeOf(x));
    }

    /** The number of elements each output of the reduction y folds. */
    private static Node count(Node y, Node x) {
        long n = 1;
        for (long ax : y.attrs().longs("axes")) {
            Dim d = x.tt().dim((int) ax);
            if (!d.isKnown()) {
                Node sx = Ir.cast(Ir.reduce(Op.PROD, Ir.shape(x), Ir.axes(0), false), x.dtype());
                Node sy = Ir.cast(Ir.reduce(Op.PROD, Ir.shape(y), Ir.axes(0), false), x.dtype());
                return div(sx, sy);
            }
            n *= d.size();
        }
        return c(n, x);
    }

    private static Node argMask(Node y, Node x) {
        return Node.make(Op.ARG_MASK, List.of(x), Attrs.of("axes", y.attrs().longs("axes"), "max", y.op() == Op.MAX));
    }

    /**
     * d prod / d x_i, exact with zeros and written so that its own derivative is too (a Hessian of prod): with Q the
     * product of a slice's nonzero entries and Z the sum of its zero entries (0, of slope 1 toward each), it is
     * prod/x_i when the slice has no zero; with one zero, Q at the zero and Z Q / x_i (0, of slope Q / x_i toward the
     * zero) elsewhere; with two, (Z - x_i) Q at each zero (0, of slope Q toward the other zero) and 0 elsewhere; with
     * more, 0. The divisions take 1 where x_i is 0, so that the branches a where leaves out stay finite.
     */
    private static Node prodPartial(Node y, Node x) {
        List<Long> axes = y.attrs().longs("axes");
        Node isZero = op(Op.EQ, x, zero(x)), safe = where(isZero, c(1, x), x);
        Node zeros = Ir.reduce(Op.SUM, Ir.cast(isZero, x.dtype()), axes, true);
        Node nonzeroProd = Ir.reduce(Op.PROD, safe, axes, true);
        Node zeroSum = Ir.reduce(Op.SUM, where(isZero, x, zero(x)), axes, true);
        Node full = spread(y, y, x);
        Node none = op(Op.EQ, zeros, zero(zeros)), one = op(Op.EQ, zeros, c(1, zeros)), two = op(Op.EQ, zeros, c(2, zeros));
        Node oneZero = where(isZero, nonzeroProd, div(mul(zeroSum, nonzeroProd), safe));
        Node twoZeros = where(op(Op.AND, two, isZero), mul(op(Op.SUB, zeroSum, x), nonzeroProd), zero(x));
        return where(none, div(full, safe), where(one, oneZero, twoZeros));
    }

    private static int[] inverse(int[] perm) {
        int[] inv = new int[perm.length];
        for (int k = 0; k < perm.length; k++) inv[perm[k]] = k;
        return inv;
    }

    private static int[] swapLast(int rank) {
        int[] p = new int[rank];
        for (int k = 0; k < rank; k++) p[k] = k;
        p[rank - 1] = rank - 2;
        p[rank - 2] = rank - 1;
        return p;
    }

    /**
     * y = a @ b with NumPy's promotion of vectors: with A, B, G the rank >= 2 forms,
     * dA = G @ B^T and dB = A^T @ G, then the promoted axes are dropped and batch axes summed back.
     */
    private static List<Node> matmulVjp(Node y, Node g, List<Node> out) {
        Node a = y.input(0), b = y.input(1);
        boolean va = a.rank() == 1, vb = b.rank() == 1;
        Node A = va ? Ir.expandDims(a, Ir.axes(0)) : a, B = vb ? Ir.expandDims(b, Ir.axes(1)) : b;
        Node G = g;
        if (vb) G = Ir.expandDims(G, Ir.axes(G.rank()));
        if (va) G = Ir.expandDims(G, Ir.axes(G.rank() - 1));
        if (differentiable(a)) {
            Node ga = coreChecked(Ir.matmul(G, Ir.transpose(B, swapLast(B.rank()))), A, 1);
            if (va) ga = Ir.squeeze(ga, Ir.axes(ga.rank() - 2));
            out.set(0, sumTo(ga, a));
        }
        if (differentiable(b)) {
            Node gb = coreChecked(Ir.matmul(Ir.transpose(A, swapLast(A.rank())), G), B, 2);
            if (vb) gb = Ir.squeeze(gb, Ir.axes(gb.rank() - 1));
            out.set(1, sumTo(gb, b));
        }
        return out;
    }

    private static boolean sameOtherDims(Node x, Node g, int axis) {
        for (int d = 0; d < x.rank(); d++) {
            if (d != axis && (!x.tt().dim(d).equals(g.tt().dim(d)) || x.tt().dim(d).equals(Dim.ANY))) return false;
        }
        return true;
    }

    /**
     * g, the gradient of operand x of a product, with its contracted dim d (from the end: 1 for A's columns, 2 for B's
     * rows) made x's: a reshape (a view) that fails where the sizes differ. The forward product checks that the
     * operands' inner dims agree, but it is not computed when only its gradient is used, and summing g down to x's shape
     * would read a mismatch as a broadcast. The other core dim comes from the cotangent, shaped like the product.
     */
    private static Node coreChecked(Node g, Node x, int d) {
        Dim gd = g.tt().dim(g.rank() - d), xd = x.tt().dim(x.rank() - d);
        if (gd.equals(xd) && !gd.equals(Dim.ANY)) return g;
        int at = g.rank() - d;
        Node before = Ir.slice(Ir.shapeOf(g), List.of(0L), List.of((long) at), List.of(1L));
        Node dim = Ir.slice(Ir.shapeOf(x), List.of((long) x.rank() - d), List.of((long) x.rank() - d + 1), List.of(1L));
        Node after = Ir.slice(Ir.shapeOf(g), List.of((long) at + 1), List.of((long) g.rank()), List.of(1L));
        return Ir.reshape(g, Ir.concat(List.of(before, dim, after), 0));
    }

    /** Each operand of a concatenation gets the window of g at its offset along the axis (offsets may be dynamic). */
    private static List<Node> concatVjp(Node y, Node g, List<Node> out) {
        int axis = y.attrs().integer("axis");
        Node offset = Ir.scalarLong(0, dev.txc.types.DType.I64);
        for (int k = 0; k < y.inputs().size(); k++) {
            Node x = y.input(k);
            if (differentiable(x)) {
                // the window has g's other dims; x's must equal them, which the forward checks but may not be computed
                Node w = Node.make(Op.WINDOW, List.of(g, offset, x), Attrs.of("axis", (long) axis));
                out.set(k, sameOtherDims(x, g, axis) ? w : Ir.checkedShapeOf(w, x));
            }
            Dim d = x.tt().dim(axis);
            Node len = d.isKnown() ? Ir.scalarLong(d.size(), dev.txc.types.DType.I64) : Ir.index(Ir.shape(x), Ir.scalarLong(axis, dev.txc.types.DType.I64), 0);
            offset = offset.isConst() && len.isConst()
                    ? Ir.scalarLong(offset.constValue().getLong(0) + len.constValue().getLong(0), dev.txc.types.DType.I64) : Ir.add(offset, len);
        }
        return out;
    }

    // ---- forward mode ----

    /** The tangent of y from its inputs' tangents (null entries are zero), or null when it is zero. */
    static Node jvp(Node y, List<Node> t) {
        List<Node> in = y.inputs();
        Attrs a = y.attrs();
        Node x = in.isEmpty() ? null : in.get(0);
        Node t0 = t.isEmpty() ? null : t.get(0);
        return switch (y.op()) {
            case PARAM, SHARED, CONST, REGION_PARAM -> null;
            case NEG, ABS, SIGN, RELU, FLOOR, CEIL, ROUND, EXP, EXP2, EXPM1, LOG, LOG2, LOG10, LOG1P, SQRT, SIN, COS, TAN,
                 ASIN, ACOS, ATAN, SINH, COSH, TANH, ASINH, ACOSH, ATANH, SIGMOID, SOFTPLUS, ERF, ERFC, STOP_GRADIENT,
                 ADD, SUB, MUL, DIV, FLOORDIV, MOD, POW, MAXIMUM, MINIMUM, ATAN2, WHERE, CLIP -> elementwiseJvp(y, t);
            case ISNAN, ISINF, NOT, EQ, NE, LT, LE, GT, GE, AND, OR, XOR, ANY, ALL, ARGMAX, ARGMIN, ARG_MASK, ARANGE, SHAPE -> null;
            case CAST -> t0 == null || !differentiable(y) ? null : Ir.cast(t0, y.dtype());
            case SUM, MEAN -> t0 == null ? null : Node.make(y.op(), List.of(t0), a);            // linear
            case PROD -> t0 == null ? null : reduceSum(y, mul(prodPartial(y, x), t0));
            case MAX, MIN -> t0 == null ? null : reduceSum(y, where(argMask(y, x), t0, zero(t0)));
            case LOGSUMEXP -> t0 == null ? null : reduceSum(y, mul(op(Op.EXP, sub(x, spread(y, y, x))), t0));
            case SOFTMAX -> t0 == null ? null : mul(y, sub(t0, Ir.reduce(Op.SUM, mul(t0, y), List.of(a.lng("axis")), true)));
            case LOG_SOFTMAX -> t0 == null ? null : sub(t0, Ir.reduce(Op.SUM, mul(op(Op.EXP, y), t0), List.of(a.lng("axis")), true));
            case MATMUL -> {                                                        // d(ab) = da b + a db
                Node l = t0 == null ? null : Ir.matmul(t0, in.get(1));
                Node r = t.get(1) == null ? null : Ir.matmul(x, t.get(1));
                yield l == null ? r : r == null ? l : add(l, r);
            }
            case TRANSPOSE, EXPAND_DIMS, SQUEEZE, SLICE, DIAGONAL -> t0 == null ? null : Node.make(y.op(), List.of(t0), a);
            case RESHAPE, BROADCAST_TO, INDEX, DIAG_EMBED, SUM_TO, UNSLICE, WINDOW, UNWINDOW, DYN_SLICE, DYN_UNSLICE -> t0 == null ? null : withFirst(y, t0);
            case UNINDEX -> t0 == null ? null : withFirst(y, t0);
            case CONCAT -> {
                if (t.stream().allMatch(java.util.Objects::isNull)) yield null;
                var parts = new ArrayList<Node>();
                for (int k = 0; k < in.size(); k++) parts.add(t.get(k) != null ? t.get(k) : Ir.zerosLike(in.get(k)));
                yield Node.make(Op.CONCAT, parts, a);
            }
            case SCAN, TUPLE_GET -> throw new IllegalStateException("scan is differentiated by ScanDiff, through Autodiff");
            case FUSED -> throw new Unsupported("differentiation runs before fusion; a fused kernel cannot be differentiated");
            case GRAD, LOP, ROP, JACOBIAN, HESSIAN -> throw new IllegalStateException("nested differentiation op not expanded");
        };
    }

    private static Node withFirst(Node y, Node t0) {
        var ins = new ArrayList<>(y.inputs());
        ins.set(0, t0);
        return Node.make(y.op(), ins, y.attrs());
    }

    private static Node reduceSum(Node y, Node v) {
        return Ir.reduce(Op.SUM, v, y.attrs().longs("axes"), y.attrs().bool("keepdims"));
    }

    private static Node elementwiseJvp(Node y, List<Node> t) {
        Node sum = null;
        boolean covers = false;
        for (int k = 0; k < t.size(); k++) {
            if (t.get(k) == null) continue;
            UnaryOperator<Node> p = partial(y, k);
            if (p == null) continue;
            Node term = p.apply(t.get(k));
            covers |= !broadcasts(y, k);
            sum = sum == null ? term : add(sum, term);
        }
        if (sum == null) return null;
        return covers && sum.tt().dims().equals(y.tt().dims()) ? sum : Ir.op(Op.BROADCAST_TO, sum, Ir.shapeOf(y));
    }

    static String describe(Node n) {
        return n.op() == Op.PARAM || n.op() == Op.SHARED ? n.attrs().str("name")
                : "an expression of type " + n.type();
    }
}
