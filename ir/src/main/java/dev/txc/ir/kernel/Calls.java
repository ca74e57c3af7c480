package dev.txc.ir.kernel;

import dev.txc.ir.Attrs;
import dev.txc.ir.Node;
import java.util.Arrays;

/**
 * What the nodes that are not kernels run: a call of an opaque library kernel (matrix products with the form their
 * operands' layout selects, reductions, softmax rows, gathers and scatters, ...), a view that moves no data, or
 * nothing (leaves). The lowered text lists each call after the kernels it sits between, so a reader sees every
 * pass over memory. The switch is exhaustive: a new op does not compile until it says how it runs.
 */
public final class Calls {
    private Calls() {}

    /** The call line's right-hand side for node {@code n} (after {@code = }), or null when it runs nothing. */
    public static String of(Node n) {
        Attrs a = n.attrs();
        return switch (n.op()) {
            case PARAM, SHARED, CONST, REGION_PARAM, TUPLE_GET -> null;
            case NEG, ABS, SIGN, RELU, FLOOR, CEIL, ROUND, EXP, EXP2, EXPM1, LOG, LOG2, LOG10, LOG1P, SQRT, SIN, COS, TAN,
                 ASIN, ACOS, ATAN, SINH, COSH, TANH, ASINH, ACOSH, ATANH, SIGMOID, SOFTPLUS, ERF, ERFC, ISNAN, ISINF, NOT,
                 CAST, STOP_GRADIENT, ADD, SUB, MUL, DIV, FLOORDIV, MOD, POW, MAXIMUM, MINIMUM, ATAN2, EQ, NE, LT, LE,
                 GT, GE, AND, OR, XOR, WHERE, CLIP, FUSED -> null; // kernels
            case SUM, PROD, MAX, MIN, MEAN, ANY, ALL, ARGMAX, ARGMIN ->
                    "reduce." + n.op().spelling() + " axes=" + Arrays.toString(a.ints("axes")) + keepdims(a);
            case LOGSUMEXP -> "logsumexp axes=" + Arrays.toString(a.ints("axes")) + keepdims(a);
            case ARG_MASK -> "arg_mask axes=" + Arrays.toString(a.ints("axes")) + (a.bool("max") ? " max" : " min");
            case SOFTMAX, LOG_SOFTMAX -> n.op().spelling() + " rows axis=" + a.integer("axis");
            case MATMUL -> matmul(n);
            case CONCAT, WINDOW, UNWINDOW, DYN_SLICE, DYN_UNSLICE -> n.op().spelling() + " axis=" + a.integer("axis");
            case INDEX -> "gather axis=" + a.integer("axis");
            case UNINDEX -> "scatter_add axis=" + a.integer("axis");
            case UNSLICE -> "scatter slice";
            case DIAGONAL, DIAG_EMBED, ARANGE, SUM_TO -> n.op().spelling();
            case TRANSPOSE, EXPAND_DIMS, SQUEEZE, SLICE, BROADCAST_TO, SHAPE -> "view " + n.op().spelling();
            case RESHAPE -> "view reshape (a copy when the input is not contiguous)";
            case SCAN -> "loop scan";
            case GRAD, LOP, ROP, JACOBIAN, HESSIAN ->
                    throw new IllegalStateException(n.op().spelling() + " must be expanded by the grad pass before lowering");
        };
    }

    private static String keepdims(Attrs a) {
        return a.bool("keepdims") ? " keepdims" : "";
    }

    /**
     * The matrix-product form, as runtime.Matmul picks it for operands that are contiguous or transposed views of
     * contiguous values, as far as the types show the sizes: a matrix times a vector (or a one-column matrix) is a GEMV, run as dot products of the matrix's rows when they are
     * contiguous ({@code gemv.dot}) or as a sum of scaled columns when the matrix is a transposed view
     * ({@code gemv.axpy}, no copy); a vector times a matrix is the GEMV of the transposed matrix; otherwise GEMM,
     * batched above rank 2, reading transposed operands in place.
     */
    static String matmul(Node n) {
        Node a = n.input(0), b = n.input(1);
        int ra = a.rank(), rb = b.rank();
        // n == 1 (a vector, or a matrix with one column) and m == 1, as far as the types show them
        if (rb == 1 || b.tt().dim(rb - 1).isOne()) return gemv(transposed(a));
        if (ra == 1 || a.tt().dim(ra - 2).isOne()) return gemv(!transposed(b));
        String form = Math.max(ra, rb) > 2 ? "gemm.batched" : "gemm";
        String flags = (transposed(a) ? " trans_a" : "") + (transposed(b) ? " trans_b" : "");
        return form + flags;
    }

    private static String gemv(boolean columns) {
        return columns ? "gemv.axpy" : "gemv.dot";
    }

    /** Whether {@code x} is a view that swaps the last two axes of its input (read in place by the product). */
    private static boolean transposed(Node x) {
        if (x.op() != dev.txc.ir.Op.TRANSPOSE || x.rank() < 2) return false;
        int[] perm = x.attrs().ints("perm");
        int r = perm.length;
        return perm[r - 1] == r - 2 && perm[r - 2] == r - 1;
    }
}
