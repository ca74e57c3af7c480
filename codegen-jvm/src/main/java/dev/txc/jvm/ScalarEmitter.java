package dev.txc.jvm;

import static org.objectweb.asm.Opcodes.*;

import dev.txc.ir.Node;
import dev.txc.types.DType;
import org.objectweb.asm.MethodVisitor;

/**
 * Bytecode for one elementwise op on scalars already on the stack: a static call of the op's method in the
 * runtime's ScalarOps (tiny methods the JIT inlines), or a primitive conversion for casts.
 */
final class ScalarEmitter {
    private ScalarEmitter() {}

    private static final String SCALAR_OPS = "dev/txc/runtime/ScalarOps";

    /** The operands whose scalar values the op consumes: a broadcast inside a kernel is the identity on its value. */
    static java.util.List<Node> scalarInputs(Node n) {
        return n.op() == dev.txc.ir.Op.BROADCAST_TO ? java.util.List.of(n.input(0)) : n.inputs();
    }

    static void emit(MethodVisitor mv, Node n) {
        switch (n.op()) {
            case NEG, ABS, SIGN, RELU, FLOOR, CEIL, ROUND, EXP, EXP2, EXPM1, LOG, LOG2, LOG10, LOG1P, SQRT, SIN, COS, TAN,
                 ASIN, ACOS, ATAN, SINH, COSH, TANH, ASINH, ACOSH, ATANH, SIGMOID, SOFTPLUS, ERF, ERFC, ISNAN, ISINF, NOT,
                 ADD, SUB, MUL, DIV, FLOORDIV, MOD, POW, MAXIMUM, MINIMUM, ATAN2, EQ, NE, LT, LE, GT, GE, AND, OR, XOR,
                 WHERE, CLIP -> call(mv, n);
            case STOP_GRADIENT, BROADCAST_TO -> { }
            case CAST -> convert(mv, n.input(0).dtype(), n.dtype());
            case PARAM, SHARED, CONST, REGION_PARAM, SUM, PROD, MAX, MIN, MEAN, ANY, ALL, ARGMAX, ARGMIN, LOGSUMEXP,
                 SOFTMAX, LOG_SOFTMAX, ARG_MASK, MATMUL, CONCAT, DIAGONAL, DIAG_EMBED, ARANGE, SUM_TO, UNSLICE, UNINDEX,
                 TRANSPOSE, EXPAND_DIMS, SQUEEZE, RESHAPE, SLICE, INDEX, SHAPE, WINDOW, UNWINDOW, DYN_SLICE, DYN_UNSLICE, GRAD, LOP, ROP, JACOBIAN,
                 HESSIAN, SCAN, TUPLE_GET, FUSED -> throw new IllegalArgumentException("not a scalar op: " + n.op());
        }
        CType.narrow(mv, n.dtype());
    }

    private static void call(MethodVisitor mv, Node n) {
        var desc = new StringBuilder("(");
        for (Node in : n.inputs()) desc.append(CType.of(in.dtype()).desc);
        desc.append(')').append(CType.of(n.dtype()).desc);
        mv.visitMethodInsn(INVOKESTATIC, SCALAR_OPS, n.op().spelling(), desc.toString(), false);
    }

    /** NumPy's astype: integers wrap, nonzero is true; floats to integers saturate (runtime Cvt states the rule). */
    static void convert(MethodVisitor mv, DType from, DType to) {
        CType a = CType.of(from), b = CType.of(to);
        if (to == DType.BOOL) {
            if (a != CType.Z) mv.visitMethodInsn(INVOKESTATIC, CVT, "toBool", "(" + a.desc + ")Z", false);
            return;
        }
        switch (a) {
            case D, F -> {
                if (a == b) return;
                if (a == CType.F) mv.visitInsn(F2D);
                switch (b) {
                    case D -> { }
                    case F -> mv.visitInsn(D2F);
                    case J -> mv.visitInsn(D2L);
                    case I, Z -> toNarrow(mv, to);
                }
            }
            case J -> {
                switch (b) {
                    case D -> mv.visitInsn(L2D);
                    case F -> mv.visitInsn(L2F);
                    case I -> mv.visitInsn(L2I);
                    case J, Z -> { }
                }
            }
            case I, Z -> {
                switch (b) {
                    case D -> mv.visitInsn(I2D);
                    case F -> mv.visitInsn(I2F);
                    case J -> mv.visitInsn(I2L);
                    case I, Z -> { }
                }
            }
        }
    }

    private static final String CVT = "dev/txc/runtime/Cvt";

    /** A double on the stack to an int-computed dtype, saturating to its range. */
    private static void toNarrow(MethodVisitor mv, DType to) {
        switch (to) {
            case I32 -> mv.visitInsn(D2I);
            case I8 -> mv.visitMethodInsn(INVOKESTATIC, CVT, "toI8", "(D)I", false);
            case I16 -> mv.visitMethodInsn(INVOKESTATIC, CVT, "toI16", "(D)I", false);
            case U8 -> mv.visitMethodInsn(INVOKESTATIC, CVT, "toU8", "(D)I", false);
            case BOOL, I64, F32, F64 -> throw new IllegalStateException("not an int-computed integer dtype: " + to);
        }
    }
}
