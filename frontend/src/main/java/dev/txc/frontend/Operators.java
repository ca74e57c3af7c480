package dev.txc.frontend;

import dev.txc.frontend.ast.Expr.BinaryOp;
import dev.txc.ir.DType;
import dev.txc.ir.Ir;
import dev.txc.ir.Node;
import dev.txc.ir.Op;
import dev.txc.ir.SourceSpan;

/**
 * Binary operators with NumPy semantics: weak literals take the dtype of the tensor they meet (a float
 * literal next to an integer or bool tensor gives floatX), tensors promote on bool &lt; integers &lt; floats,
 * true division of integers gives floatX, arithmetic on bools is done in i64.
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
        return new Pair(l.convert(a, d), l.convert(b, d), a.weak() && b.weak());
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
                Pair p = op == BinaryOp.EQ || op == BinaryOp.NE ? unify(l, a, b) : numeric(l, a, b);
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
                Pair p = numeric(l, a, b);
                yield new Value.T(Ir.op(arith(op), p.a(), p.b()), p.weak());
            }
            case MATMUL -> {
                Pair p = numeric(l, a, b);
                yield new Value.T(Ir.matmul(p.a(), p.b()), false);
            }
        };
    }

    static Op compare(BinaryOp op) {
        return switch (op) {
            case EQ -> Op.EQ;
            case NE -> Op.NE;
            case LT -> Op.LT;
            case LE -> Op.LE;
            case GT -> Op.GT;
            case GE -> Op.GE;
            default -> throw new IllegalArgumentException(op.toString());
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
            default -> throw new IllegalArgumentException(op.toString());
        };
    }
}
