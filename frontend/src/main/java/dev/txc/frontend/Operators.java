package dev.txc.frontend;

import dev.txc.frontend.ast.Expr.BinaryOp;
import dev.txc.ir.Ir;
import dev.txc.ir.Node;
import dev.txc.ir.Op;
import dev.txc.ir.SourceSpan;
import dev.txc.ir.Tensor;
import dev.txc.types.DType;

/**
 * Binary operators with NumPy semantics: weak literals take the dtype of the tensor they meet (a float
 * literal next to an integer or bool tensor gives floatX), tensors promote on bool &lt; integers &lt; floats,
 * true division of integers gives floatX. Bool tensors follow NumPy 2: {@code +} is or, {@code *} is and, {@code -} is
 * an error, {@code // % **} give i8; two weak bools (Python's {@code True + True}) are added in i64.
 */
final class Operators {
    private Operators() {}

    /** Two operands converted to one dtype; {@code weak} when both were weak. */
    record Pair(Node a, Node b, boolean weak) {
        DType dtype() {
            return a.dtype();
        }
    }

    static Pair unify(Lowerer l, Value.T a, Value.T b) {
        DType d;
        if (a.weak() == b.weak()) d = DType.promote(a.dtype(), b.dtype());
        else {
            Value.T strong = a.weak() ? b : a, weak = a.weak() ? a : b;
            d = strong.dtype();
            if (weak.dtype().isFloat() && !d.isFloat()) d = l.floatX();
            else if (weak.dtype().isInteger() && d == DType.BOOL) d = DType.I64;
        }
        return new Pair(Conversions.convert(a, d), Conversions.convert(b, d), a.weak() && b.weak());
    }

    /** Operands for arithmetic: unified, and moved off bool. */
    static Pair numeric(Lowerer l, Value.T a, Value.T b) {
        Pair p = unify(l, a, b);
        if (p.dtype() != DType.BOOL) return p;
        return new Pair(Ir.cast(p.a(), DType.I64), Ir.cast(p.b(), DType.I64), p.weak());
    }

    static Value binary(Lowerer l, BinaryOp op, Value left, Value right, SourceSpan at) {
        Value.T a = l.tensor(left, at, "the left operand of " + op.symbol());
        Value.T b = l.tensor(right, at, "the right operand of " + op.symbol());
        return switch (op) {
            case AND, OR -> {
                if (a.dtype() != DType.BOOL || b.dtype() != DType.BOOL)
                    throw new FrontendError(at, "'" + op.symbol() + "' needs bool operands, got " + a.node().type() + " and " + b.node().type());
                yield new Value.T(Ir.op(op == BinaryOp.AND ? Op.AND : Op.OR, a.node(), b.node()), a.weak() && b.weak());
            }
            case EQ, NE, LT, LE, GT, GE -> {
                Value.T x = widenForCompare(a, b), y = widenForCompare(b, a);
                Pair p = op == BinaryOp.EQ || op == BinaryOp.NE ? unify(l, x, y) : numeric(l, x, y);
                yield new Value.T(Ir.op(compare(op), p.a(), p.b()), p.weak());
            }
            case DIV -> {
                Pair p = numeric(l, a, b);
                Node x = p.a(), y = p.b();
                if (!p.dtype().isFloat()) {
                    x = Ir.cast(x, l.floatX());
                    y = Ir.cast(y, l.floatX());
                }
                yield new Value.T(Ir.div(x, y), p.weak());
            }
            case ADD, SUB, MUL, FLOORDIV, MOD, POW -> {
                Pair u = unify(l, a, b);
                if (u.dtype() == DType.BOOL && !u.weak()) yield boolArith(op, u, at);
                Pair p = numeric(l, a, b);
                if (op == BinaryOp.POW && p.dtype().isInteger() && anyNegative(p.b()))
                    throw new FrontendError(at, "integers to negative integer powers are not allowed; use a float base, as in 2.0 ** -1");
                yield new Value.T(Ir.op(arith(op), p.a(), p.b()), p.weak());
            }
            case MATMUL -> {
                Pair p = numeric(l, a, b);
                yield new Value.T(Ir.matmul(p.a(), p.b()), false);
            }
        };
    }

    /** Arithmetic on bool tensors as NumPy 2: {@code +} is logical or, {@code *} logical and, {@code // % **} work in i8. */
    private static Value.T boolArith(BinaryOp op, Pair p, SourceSpan at) {
        return switch (op) {
            case ADD -> new Value.T(Ir.op(Op.OR, p.a(), p.b()), false);
            case MUL -> new Value.T(Ir.op(Op.AND, p.a(), p.b()), false);
            case SUB -> throw new FrontendError(at, "'-' is not defined on bool tensors (as NumPy's boolean subtract); use xor, or cast to an integer dtype");
            case FLOORDIV, MOD, POW -> new Value.T(Ir.op(arith(op), Ir.cast(p.a(), DType.I8), Ir.cast(p.b(), DType.I8)), false);
            case DIV, MATMUL, AND, OR, EQ, NE, LT, LE, GT, GE -> throw new IllegalArgumentException(op.toString());
        };
    }

    /** Whether an integer exponent is a constant with a negative element (a static integer-power error). */
    private static boolean anyNegative(Node exponent) {
        Tensor e = Folding.valueOf(exponent);
        if (e == null) return false;
        for (int k = 0; k < e.size(); k++) if (e.getLong(k) < 0) return true;
        return false;
    }

    /**
     * An integer tensor compared with a weak integer it cannot hold, widened to i64: NumPy 2 compares exactly
     * ({@code x_i8 < 1000} is true) where arithmetic refuses the literal.
     */
    private static Value.T widenForCompare(Value.T x, Value.T other) {
        Tensor c = x.weak() || !x.dtype().isInteger() || !other.weak() ? null : Folding.valueOf(other.node());
        return c == null || Conversions.inBounds(c, x.dtype()) ? x : new Value.T(Ir.cast(x.node(), DType.I64), false);
    }

    static Op compare(BinaryOp op) {
        return switch (op) {
            case EQ -> Op.EQ;
            case NE -> Op.NE;
            case LT -> Op.LT;
            case LE -> Op.LE;
            case GT -> Op.GT;
            case GE -> Op.GE;
            case ADD, SUB, MUL, DIV, FLOORDIV, MOD, MATMUL, POW, AND, OR -> throw new IllegalArgumentException(op.toString());
        };
    }

    private static Op arith(BinaryOp op) {
        return switch (op) {
            case ADD -> Op.ADD;
            case SUB -> Op.SUB;
            case MUL -> Op.MUL;
            case FLOORDIV -> Op.FLOORDIV;
            case MOD -> Op.MOD;
            case POW -> Op.POW;
            case DIV, MATMUL, AND, OR, EQ, NE, LT, LE, GT, GE -> throw new IllegalArgumentException(op.toString());
        };
    }

    /** {@code -x} or {@code not x} on a lowered operand. */
    static Value.T unary(dev.txc.frontend.ast.Expr.UnaryOp op, Value.T x, SourceSpan at) {
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
}
