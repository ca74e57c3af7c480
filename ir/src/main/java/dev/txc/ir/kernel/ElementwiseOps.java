package dev.txc.ir.kernel;

import dev.txc.ir.Op;
import dev.txc.types.DType;

/**
 * The scalar semantics of every elementwise op, declared once for the backends that render kernels: how the JVM
 * computes one element ({@link Jvm}) and, where it has one, one vector of elements ({@link Vec}), and how a PTX
 * thread computes one element ({@link Ptx}). A vector form must
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

    /**
     * How a PTX thread computes one element: instruction templates, a math routine, a conversion or nothing. A
     * template is PTX text in which {@code $d} is the result register, {@code $a $b $c} the operands, {@code $t} the
     * operand type suffix ({@code .f64 .f32 .s64 .s32 .pred}), {@code $u} the bit type of the same width,
     * {@code $s $s2 $s3} scratch registers of the operand type, {@code $p $q $r} scratch predicates, {@code $0 $1
     * $m1} the immediates 0, 1 and -1 of the operand type, and {@code $L} a prefix making labels unique. Integers
     * narrower than 32 bits compute in .s32 registers (wrapped to their dtype after each op, as the JVM's int
     * locals), bool values are predicates. Float arithmetic carries {@code .rn}, so that ptxas does not contract a
     * multiply and an add into an fma: results are the JVM's bits.
     */
    public sealed interface Ptx {
        /** Not an elementwise op. */
        record None() implements Ptx {}

        /** The (first) input unchanged. */
        record Identity() implements Ptx {}

        /** A conversion to the result dtype with the JVM's semantics (runtime.Cvt), spelled out by the renderer. */
        record Convert() implements Ptx {}

        /**
         * Templates by the kind of the operand dtype (of the second operand for where): float, integer, bool; null
         * where the type rules refuse that kind.
         */
        record Inst(String real, String integer, String bool) implements Ptx {}

        /**
         * A routine of dev.txc.cuda.math.PtxMath, {@code .func (.reg .f64 %r) txc_<name>_f64 (.reg .f64 %x[, ...])}
         * taking the op's operands, for floats; f32 values call {@code txc_<name>_f32} where there is one, else are
         * widened. Integers take the template {@code integer} (null: float-only op).
         */
        record Routine(String name, String integer) implements Ptx {}
    }

    /** One row of the table. */
    public record Entry(Jvm jvm, Vec vec, Ptx ptx) {
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

    private static Entry call(String method, Vec vec, Ptx ptx) {
        return new Entry(new Jvm.Call(method), vec, ptx);
    }

    private static Entry lanewise(Op op, String operator, Ptx ptx) {
        return call(op.spelling(), new Vec.Lanewise(operator), ptx);
    }

    private static Entry scalarOnly(Op op, Ptx ptx) {
        return call(op.spelling(), new Vec.None(), ptx);
    }

    /** An op computed by a PtxMath routine of its own name. */
    private static Entry routine(Op op, Vec vec) {
        return call(op.spelling(), vec, new Ptx.Routine(op.spelling(), null));
    }

    private static Entry arith(Jvm.Kind kind, String operator, Ptx ptx) {
        return new Entry(new Jvm.Arith(kind), new Vec.Lanewise(operator), ptx);
    }

    /** A comparison: setp on numbers (ordered, except ne: NaN != NaN), a predicate expression on bools. */
    private static Entry compare(Op op, String comparison, String cmp, String bool) {
        String setp = "setp." + cmp + "$t $d, $a, $b;";
        return call(op.spelling(), new Vec.Compare(comparison), new Ptx.Inst(setp.replace(".ne$t", ".neu$t"), setp, bool));
    }

    private static Ptx.Inst numeric(String real, String integer) {
        return new Ptx.Inst(real, integer, null);
    }

    private static Ptx.Inst real(String real) {
        return new Ptx.Inst(real, null, null);
    }

    private static Ptx.Inst bool(String bool) {
        return new Ptx.Inst(null, null, bool);
    }

    private static final Entry NONE = new Entry(new Jvm.None(), new Vec.None(), new Ptx.None());

    // Math.max/min: NaN if either operand is; max(-0.0, 0.0) = 0.0, min = -0.0 (and/or of equal operands' bits),
    // whatever max.f64 does with zeros and NaN.
    private static final String MAX = "max$t $d, $a, $b;\nsetp.eq$t $q, $a, $b;\n@$q and$u $d, $a, $b;\nsetp.nan$t $p, $a, $b;\n@$p add.rn$t $d, $a, $b;";
    private static final String MIN = MAX.replace("max$t", "min$t").replace("and$u", "or$u");
    /** Integer floor division and modulo (Math.floorDiv/floorMod): b = 0 gives 0; b = -1 is not divided (MIN / -1). */
    private static final String DIVISOR = "setp.eq$t $p, $b, $0;\nsetp.eq$t $q, $b, $m1;\nor.pred $r, $p, $q;\nselp$t $s, $1, $b, $r;\n";
    private static final String FLOORDIV_INT = DIVISOR + "div$t $d, $a, $s;\nrem$t $s2, $a, $s;\nxor$u $s3, $s2, $b;\n"
            + "setp.lt$t $r, $s3, $0;\nsetp.ne.and$t $r, $s2, $0, $r;\n@$r sub$t $d, $d, $1;\n@$q neg$t $d, $a;\n@$p mov$t $d, $0;";
    private static final String MOD_INT = DIVISOR + "rem$t $d, $a, $s;\nxor$u $s3, $d, $b;\n"
            + "setp.lt$t $r, $s3, $0;\nsetp.ne.and$t $r, $d, $0, $r;\n@$r add$t $d, $d, $s;";
    /** Integer power by squaring, wrapping; a negative exponent sets the module's error word (runtime.ScalarOps.pow). */
    private static final String POW_INT = "setp.lt$t $p, $b, $0;\n@$p st.global.u32 [txc_error], 1;\nmov$t $d, $1;\nmov$t $s, $a;\nmov$t $s2, $b;\n"
            + "$Lhead:\nsetp.eq$t $q, $s2, $0;\n@$q bra $Ldone;\nand$u $s3, $s2, 1;\nsetp.ne$t $r, $s3, $0;\n@$r mul.lo$t $d, $d, $s;\n"
            + "mul.lo$t $s, $s, $s;\nshr$u $s2, $s2, 1;\nbra $Lhead;\n$Ldone:";
    // the operand where it is neither above nor below 0 (0, -0.0, NaN), then + 0 so that -0.0 gives +0.0 (as NumPy)
    private static final String SIGN = "setp.gt$t $p, $a, $0;\nsetp.lt$t $q, $a, $0;\nmov$t $d, $a;\n@$p mov$t $d, $1;\n@$q mov$t $d, $m1;\nadd$t $d, $d, $0;";

    /** The row of op {@code op}; non-elementwise ops get a row with no per-element form. */
    public static Entry of(Op op) {
        var all = java.util.Set.of(DType.F64, DType.F32);
        return switch (op) {
            case ADD -> arith(Jvm.Kind.ADD, "ADD", numeric("add.rn$t $d, $a, $b;", "add$t $d, $a, $b;"));
            case SUB -> arith(Jvm.Kind.SUB, "SUB", numeric("sub.rn$t $d, $a, $b;", "sub$t $d, $a, $b;"));
            case MUL -> arith(Jvm.Kind.MUL, "MUL", numeric("mul.rn$t $d, $a, $b;", "mul.lo$t $d, $a, $b;"));
            case DIV -> arith(Jvm.Kind.DIV, "DIV", real("div.rn$t $d, $a, $b;"));
            case NEG -> arith(Jvm.Kind.NEG, "NEG", numeric("neg$t $d, $a;", "neg$t $d, $a;"));
            case ABS -> lanewise(op, "ABS", numeric("abs$t $d, $a;", "abs$t $d, $a;"));
            case SQRT -> lanewise(op, "SQRT", real("sqrt.rn$t $d, $a;"));
            case EXP -> routine(op, new Vec.Math(Vec.Fn.EXP, all));
            case SIGMOID -> routine(op, new Vec.Math(Vec.Fn.SIGMOID, all));
            case TANH -> routine(op, new Vec.Math(Vec.Fn.TANH, all));
            case LOG -> routine(op, new Vec.Math(Vec.Fn.LOG, all));
            case LOG1P -> routine(op, new Vec.Math(Vec.Fn.LOG1P, all));
            case SOFTPLUS -> routine(op, new Vec.Math(Vec.Fn.SOFTPLUS, all));
            case MAXIMUM -> lanewise(op, "MAX", numeric(MAX, "max$t $d, $a, $b;"));
            case MINIMUM -> lanewise(op, "MIN", numeric(MIN, "min$t $d, $a, $b;"));
            // relu(x) = x > 0 or NaN ? x : +0.0
            case RELU -> call(op.spelling(), new Vec.Composite(Vec.Form.RELU), numeric("setp.gtu$t $p, $a, $0;\nselp$t $d, $a, $0, $p;", "max$t $d, $a, $0;"));
            case WHERE -> call(op.spelling(), new Vec.Composite(Vec.Form.WHERE), new Ptx.Inst("selp$t $d, $b, $c, $a;", "selp$t $d, $b, $c, $a;",
                    "and.pred $p, $a, $b;\nnot.pred $q, $a;\nand.pred $q, $q, $c;\nor.pred $d, $p, $q;"));
            case CLIP -> call(op.spelling(), new Vec.Composite(Vec.Form.CLIP), numeric(
                    MAX.replace("$d", "$s") + "\n" + MIN.replace("$a", "$s").replace("$b", "$c"),
                    "max$t $s, $a, $b;\nmin$t $d, $s, $c;"));
            case EQ -> compare(op, "EQ", "eq", "xor.pred $d, $a, $b;\nnot.pred $d, $d;");
            case NE -> compare(op, "NE", "ne", "xor.pred $d, $a, $b;");
            case LT -> compare(op, "LT", "lt", null);
            case LE -> compare(op, "LE", "le", null);
            case GT -> compare(op, "GT", "gt", null);
            case GE -> compare(op, "GE", "ge", null);
            case STOP_GRADIENT, BROADCAST_TO -> new Entry(new Jvm.Identity(), new Vec.Identity(), new Ptx.Identity());
            case CAST -> new Entry(new Jvm.Convert(), new Vec.Identity(), new Ptx.Convert());
            case SIGN -> scalarOnly(op, numeric(SIGN, SIGN));
            // cvt to an integral float: toward -inf, +inf, nearest even; NaN, infinities and -0.0 stay
            case FLOOR -> scalarOnly(op, numeric("cvt.rmi$t$t $d, $a;", "mov$t $d, $a;"));
            case CEIL -> scalarOnly(op, numeric("cvt.rpi$t$t $d, $a;", "mov$t $d, $a;"));
            case ROUND -> scalarOnly(op, numeric("cvt.rni$t$t $d, $a;", "mov$t $d, $a;"));
            case ISNAN -> scalarOnly(op, real("testp.notanumber$t $d, $a;"));
            case ISINF -> scalarOnly(op, real("testp.infinite$t $d, $a;"));
            case NOT -> scalarOnly(op, bool("not.pred $d, $a;"));
            case AND -> scalarOnly(op, bool("and.pred $d, $a, $b;"));
            case OR -> scalarOnly(op, bool("or.pred $d, $a, $b;"));
            case XOR -> scalarOnly(op, bool("xor.pred $d, $a, $b;"));
            case FLOORDIV -> scalarOnly(op, new Ptx.Routine(op.spelling(), FLOORDIV_INT));
            case MOD -> scalarOnly(op, new Ptx.Routine(op.spelling(), MOD_INT));
            case POW -> scalarOnly(op, new Ptx.Routine(op.spelling(), POW_INT));
            case EXP2, EXPM1, LOG10, LOG2, SIN, COS, TAN, ASIN, ACOS, ATAN, SINH, COSH, ASINH, ACOSH, ATANH,
                 ERF, ERFC, ATAN2 -> routine(op, new Vec.None());
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
