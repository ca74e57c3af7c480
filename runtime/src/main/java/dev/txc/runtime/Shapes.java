package dev.txc.runtime;

import java.util.Arrays;

/** Stateless shape arithmetic following NumPy's broadcasting and axis rules; never mutates its arguments. */
public final class Shapes {
    private Shapes() {}

    /** The broadcast of two shapes: aligned on the right, a dim of 1 stretches. */
    public static int[] broadcast(int[] a, int[] b) {
        int rank = Math.max(a.length, b.length);
        int[] out = new int[rank];
        for (int i = 0; i < rank; i++) {
            int da = dimFromRight(a, rank - 1 - i);
            int db = dimFromRight(b, rank - 1 - i);
            if (da != db && da != 1 && db != 1) {
                throw new TxRuntimeException("operands could not be broadcast together with shapes "
                        + formatCompact(a) + " " + formatCompact(b));
            }
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    /** The broadcast of any number of shapes; the error names all of them. */
    public static int[] broadcastAll(int[]... shapes) {
        int[] out = new int[0];
        try {
            for (int[] s : shapes) {
                out = broadcast(out, s);
            }
        } catch (TxRuntimeException e) {
            StringBuilder sb = new StringBuilder("operands could not be broadcast together with shapes");
            for (int[] s : shapes) {
                sb.append(' ').append(formatCompact(s));
            }
            throw new TxRuntimeException(sb.toString());
        }
        return out;
    }

    // the k-th dim counted from the right (k = 0 is the last), 1 where the shape is too short
    private static int dimFromRight(int[] s, int k) {
        return k < s.length ? s[s.length - 1 - k] : 1;
    }

    /**
     * A shape given as longs (a shape vector, a declared type, a command line) as ints; a negative size or more than
     * 2^31-1 elements in all (however large the sizes: the product is never formed in a way that can overflow) is a
     * TxRuntimeException, before anything is allocated.
     */
    public static int[] ofLongs(long[] dims) {
        int[] out = new int[dims.length];
        boolean tooBig = false;
        for (int k = 0; k < dims.length; k++) {
            if (dims[k] < 0) throw new TxRuntimeException("negative dimensions are not allowed: " + format(dims));
            tooBig |= dims[k] > Integer.MAX_VALUE;
            out[k] = (int) Math.min(dims[k], Integer.MAX_VALUE);
        }
        boolean empty = java.util.Arrays.stream(dims).anyMatch(d -> d == 0);
        if (tooBig && !empty) throw new TxRuntimeException("array of shape " + format(dims) + " is too big (more than 2^31-1 elements)");
        if (tooBig) throw new TxRuntimeException("array of shape " + format(dims) + " has a dimension larger than 2^31-1");
        size(out);
        return out;
    }

    private static String format(long[] dims) {
        StringBuilder sb = new StringBuilder("(");
        for (int k = 0; k < dims.length; k++) sb.append(k > 0 ? ", " : "").append(dims[k]);
        return sb.append(dims.length == 1 ? ",)" : ")").toString();
    }

    /** The number of elements; throws when it does not fit in an int. */
    public static int size(int[] shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new TxRuntimeException("negative dimensions are not allowed: " + format(shape));
            }
            n *= d;
            if (n > Integer.MAX_VALUE) {
                throw new TxRuntimeException("array of shape " + format(shape) + " is too big (more than 2^31-1 elements)");
            }
        }
        return (int) n;
    }

    /** NumPy's tuple text: {@code (2, 3)}, {@code (3,)}, {@code ()}. */
    public static String format(int[] shape) {
        return tuple(shape, ", ");
    }

    /** NumPy's compact tuple text used in its error messages: {@code (2,3)}, {@code (3,)}. */
    public static String formatCompact(int[] shape) {
        return tuple(shape, ",");
    }

    private static String tuple(int[] shape, String sep) {
        if (shape.length == 1) {
            return "(" + shape[0] + ",)";
        }
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            sb.append(i == 0 ? "" : sep).append(shape[i]);
        }
        return sb.append(')').toString();
    }

    /** The axis in [0, rank) that {@code axis} names, negative counting from the end. */
    public static int normalizeAxis(int axis, int rank) {
        if (axis < -rank || axis >= rank) {
            throw new TxRuntimeException("axis " + axis + " is out of bounds for array of dimension " + rank);
        }
        return axis < 0 ? axis + rank : axis;
    }

    /** C-order (row-major) strides in elements for {@code shape}. */
    public static int[] contiguousStrides(int[] shape) {
        int[] strides = new int[shape.length];
        int s = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            strides[i] = s;
            s *= Math.max(shape[i], 1);
        }
        return strides;
    }

    /** Checks that {@code axes} are in range, sorted and unique, as kernels expect. */
    static void checkAxes(int[] axes, int rank, String what) {
        for (int i = 0; i < axes.length; i++) {
            if (axes[i] < 0 || axes[i] >= rank || (i > 0 && axes[i] <= axes[i - 1])) {
                throw new TxRuntimeException(what + ": axes " + Arrays.toString(axes)
                        + " must be sorted, unique and within [0, " + rank + ")");
            }
        }
    }
}
