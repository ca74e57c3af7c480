package dev.txc.runtime.model;

import dev.txc.runtime.NDArray;
import dev.txc.runtime.TxRuntimeException;
import dev.txc.types.Combine;
import dev.txc.types.DType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Combining the partial results of a function split over row blocks ({@code txc compile --spark FN}): the outputs of
 * {@code FN__part} on each block, combined output by output with the {@link Combine} their names carry, are the
 * arguments {@code FN__merge} takes after {@code FN}'s own.
 */
public final class Partials {
    private Partials() {}

    /** The combine of each output of {@code part} (a {@code FN__part} function), in order. */
    public static List<Combine> combines(FunctionSpec part) {
        var cs = new ArrayList<Combine>();
        for (String name : part.outputNames()) {
            Combine c = Combine.ofOutputName(name);
            if (c == null) throw new TxRuntimeException(part.name() + " is not a function split over rows (its output '" + name + "' names no combine)");
            cs.add(c);
        }
        return cs;
    }

    /** Combines two lists of partial results output by output. */
    public static List<NDArray> combine(List<Combine> combines, List<NDArray> a, List<NDArray> b) {
        var out = new ArrayList<NDArray>(a.size());
        for (int k = 0; k < a.size(); k++) out.add(combine(combines.get(k), a.get(k), b.get(k)));
        return out;
    }

    /** {@code a} and {@code b} combined elementwise with {@code c}; both have one dtype and shape. */
    public static NDArray combine(Combine c, NDArray a, NDArray b) {
        if (a.dtype() != b.dtype() || !Arrays.equals(a.shape(), b.shape()))
            throw new IllegalArgumentException("partial results differ: " + a.dtype() + Arrays.toString(a.shape()) + " and " + b.dtype() + Arrays.toString(b.shape()));
        DType d = a.dtype();
        if (d.isFloat()) {
            double[] x = a.toDoubleArray(), y = b.toDoubleArray();
            for (int k = 0; k < x.length; k++) x[k] = apply(c, x[k], y[k]);
            return NDArray.wrap(DType.F64, x, a.shape()).astype(d);
        }
        long[] x = a.toLongArray(), y = b.toLongArray();
        for (int k = 0; k < x.length; k++) x[k] = apply(c, x[k], y[k]);
        return NDArray.wrap(DType.I64, x, a.shape()).astype(d);
    }

    /** {@code x} and {@code y} combined with {@code c} (floats: sum, prod, max, min). */
    public static double apply(Combine c, double x, double y) {
        return switch (c) {
            case SUM -> x + y;
            case PROD -> x * y;
            case MAX -> Math.max(x, y);
            case MIN -> Math.min(x, y);
            case OR, AND -> throw new IllegalArgumentException(c + " of floats");
        };
    }

    /** {@code x} and {@code y} combined with {@code c} (integers and booleans as 0/1). */
    public static long apply(Combine c, long x, long y) {
        return switch (c) {
            case SUM -> x + y;
            case PROD -> x * y;
            case MAX, OR -> Math.max(x, y);
            case MIN, AND -> Math.min(x, y);
        };
    }
}
