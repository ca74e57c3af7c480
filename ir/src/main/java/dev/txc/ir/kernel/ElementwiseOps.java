package dev.txc.ir.kernel;

import dev.txc.ir.Op;
import dev.txc.types.DType;

/**
 * The scalar semantics of every elementwise op, declared once for the backends that render kernels: how the JVM
 * computes one element ({@link Jvm}) and, where it has one, one vector of elements ({@link Vec}). A vector form must
 * give the scalar form's bits lane by lane (correctly rounded IEEE operations, or codegen's spelled-out forms of
 * runtime.Exp), so that results never depend on which loop computed an element or on what the JIT has compiled;
 * the JDK's own vector exp/log/tanh (SVML when compiled, Math's when interpreted) do not, and are not used.
 * The switch is exhaustive, so a new op does not compile until it has a row here. The reference semantics is the
 * interpreter's (ir.RefScalar); backends are tested against it.
 */
public final class ElementwiseOps {
    private ElementwiseOps() {}

    /** How the JVM computes one element. */
    public sealed interface Jvm {
        /** Not an elementwise op: no per-element form. */
        record None() implements Jvm {}

        /** The value of the (first) input unchanged: broadcasts and gradient stops. */
        record Identity() implements Jvm {}

        /** A primitive conversion to the result dtype (NumPy's astype, saturating floats to integers). */
        record Convert() implements Jvm {}

        /** One arithmetic bytecode on the compute type (dadd, fmul, lneg, ...). */
        record Arith(Kind kind) implements Jvm {}

        /** A static method of runtime.ScalarOps, overloaded on the compute type. */
        record Call(String method) implements Jvm {}

        enum Kind { ADD, SUB, MUL, DIV, NEG }
    }

    /** How the JVM computes one vector of float elements with jdk.incubator.vector, or that it cannot. */
    public sealed interface Vec {
        /** No vector form: a kernel using the op runs its scalar loop. */
        record None() implements Vec {}

        /** The input unchanged. */
        record Identity() implements Vec {}

        /** {@code lanewise(VectorOperators.<name>[, b])}, unary or binary by the op's arity. */
        record Lanewise(String operator) implements Vec {}

        /** {@code compare(VectorOperators.<name>, b)}, giving a mask. */
        record Compare(String comparison) implements Vec {}

        /**
         * One of txc's own functions (runtime.Exp), which renderers spell out in vector operations in the scalar
         * function's order, for the float dtypes listed.
         */
        record Math(Fn fn, java.util.Set<DType> dtypes) implements Vec {}

        /** The functions with bit-exact vector forms. */
        enum Fn { EXP, SIGMOID, TANH, LOG, LOG1P, SOFTPLUS }

        /** A short sequence of vector ops that each renderer spells out. */
        record Composite(Form form) implements Vec {}

        /** The composites: selection by a mask, clipping, relu, and the branch-free stable sigmoid. */
        enum Form { WHERE, CLIP, RELU }
    }

    /** One row of the table. */
    public record Entry(Jvm jvm, Vec vec) {
        /** Whether a kernel computing in float dtype {@code t} can take this op's vector form. */
        public boolean vectorizable(DType t) {
            return switch (vec) {
                case Vec.None n -> false;
                case Vec.Math m -> m.dtypes().contains(t);
                case Vec.Identity i -> true;
                case Vec.Lanewise l -> true;
                case Vec.Compare c -> true;
                case Vec.Composite c -> true;
            };
        }

        public boolean elementwise() {
            return !(jvm instanceof Jvm.None);
        }
    }

    private static Entry call(String method, Vec vec) {
        return new Entry(new Jvm.Call(method), vec);
    }

    private static Entry lanewise(Op op, String operator) {
        return call(op.spelling(), new Vec.Lanewise(operator));
    }

    private static Entry scalarOnly(Op op) {
        return call(op.spelling(), new Vec.None());
    }

    private static Entry arith(Jvm.Kind kind, String operator) {
        return new Entry(new Jvm.Arith(kind), new Vec.Lanewise(operator));
    }

    private static Entry compare(Op op, String comparison) {
        return call(op.spelling(), new Vec.Compare(comparison));
    }

    private static final Entry NONE = new Entry(new Jvm.None(), new Vec.None());

    /** The row of op {@code op}; non-elementwise ops get a row with no per-element form. */
    public static Entry of(Op op) {
        return switch (op) {
            case ADD -> arith(Jvm.Kind.ADD, "ADD");
            case SUB -> arith(Jvm.Kind.SUB, "SUB");
            case MUL -> arith(Jvm.Kind.MUL, "MUL");
            case DIV -> arith(Jvm.Kind.DIV, "DIV");
            case NEG -> arith(Jvm.Kind.NEG, "NEG");
            case ABS -> lanewise(op, "ABS");
            case SQRT -> lanewise(op, "SQRT");
            case EXP -> call(op.spelling(), new Vec.Math(Vec.Fn.EXP, java.util.Set.of(DType.F64, DType.F32)));
            case SIGMOID -> call(op.spelling(), new Vec.Math(Vec.Fn.SIGMOID, java.util.Set.of(DType.F64, DType.F32)));
            case TANH -> call(op.spelling(), new Vec.Math(Vec.Fn.TANH, java.util.Set.of(DType.F64, DType.F32)));
            case LOG -> call(op.spelling(), new Vec.Math(Vec.Fn.LOG, java.util.Set.of(DType.F64, DType.F32)));
            case LOG1P -> call(op.spelling(), new Vec.Math(Vec.Fn.LOG1P, java.util.Set.of(DType.F64, DType.F32)));
            case SOFTPLUS -> call(op.spelling(), new Vec.Math(Vec.Fn.SOFTPLUS, java.util.Set.of(DType.F64, DType.F32)));
            case MAXIMUM -> lanewise(op, "MAX");
            case MINIMUM -> lanewise(op, "MIN");
            case RELU -> call(op.spelling(), new Vec.Composite(Vec.Form.RELU));
            case WHERE -> call(op.spelling(), new Vec.Composite(Vec.Form.WHERE));
            case CLIP -> call(op.spelling(), new Vec.Composite(Vec.Form.CLIP));
            case EQ -> compare(op, "EQ");
            case NE -> compare(op, "NE");
            case LT -> compare(op, "LT");
            case LE -> compare(op, "LE");
            case GT -> compare(op, "GT");
            case GE -> compare(op, "GE");
            case STOP_GRADIENT, BROADCAST_TO -> new Entry(new Jvm.Identity(), new Vec.Identity());
            case CAST -> new Entry(new Jvm.Convert(), new Vec.Identity());
            case SIGN, FLOOR, CEIL, ROUND, EXP2, EXPM1, LOG10, LOG2, SIN, COS, TAN, ASIN, ACOS, ATAN, SINH, COSH, ASINH, ACOSH, ATANH,
                 ERF, ERFC, ISNAN, ISINF, NOT, FLOORDIV, MOD, POW, ATAN2, AND, OR, XOR -> scalarOnly(op);
            case PARAM, SHARED, CONST, REGION_PARAM, SUM, PROD, MAX, MIN, MEAN, ANY, ALL, ARGMAX, ARGMIN, LOGSUMEXP,
                 SOFTMAX, LOG_SOFTMAX, ARG_MASK, MATMUL, CONCAT, DIAGONAL, DIAG_EMBED, ARANGE, SUM_TO, UNSLICE, UNINDEX,
                 TRANSPOSE, EXPAND_DIMS, SQUEEZE, RESHAPE, SLICE, INDEX, SHAPE, WINDOW, UNWINDOW, DYN_SLICE, DYN_UNSLICE,
                 GRAD, LOP, ROP, JACOBIAN, HESSIAN, SCAN, TUPLE_GET, FUSED -> NONE;
        };
    }

    /** Whether the op's vector form is a comparison (its value is a mask). */
    public static boolean isComparison(Op op) {
        return of(op).vec() instanceof Vec.Compare;
    }
}
