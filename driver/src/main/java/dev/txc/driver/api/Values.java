package dev.txc.driver.api;

import dev.txc.runtime.NDArray;
import dev.txc.runtime.Shapes;
import dev.txc.types.DType;
import dev.txc.types.Dim;
import dev.txc.types.TensorType;
import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.List;

/** Conversions of Java values (numbers, nested arrays and lists, NDArrays) to arrays of a declared type. */
final class Values {
    private Values() {}

    /** The type of a concrete value: its dtype and exact shape. */
    static TensorType typeOf(NDArray a) {
        long[] dims = new long[a.rank()];
        for (int k = 0; k < dims.length; k++) dims[k] = a.dim(k);
        return TensorType.of(a.dtype(), dims);
    }

    /**
     * {@code v} as an array for a parameter (or shared variable) of type {@code t}. An NDArray upcasts safely (a lossy
     * conversion needs {@code allowDowncast}); numbers, arrays and lists are literals converted to the dtype, refusing
     * only a non-integral number for an integer dtype. Rank and known dims must match; dim variables are checked by the
     * caller across parameters.
     */
    static NDArray argument(Object v, TensorType t, String what, boolean allowDowncast) {
        DType want = t.dtype();
        NDArray a;
        if (v instanceof NDArray nd) {
            a = nd;
            if (a.dtype() != want) {
                if (!a.dtype().canCastSafely(want) && !allowDowncast)
                    throw new TxException(what + " expects " + t + ", got a " + a.dtype().spelling() + " array (a lossy conversion; convert it with astype)");
                a = a.astype(want);
            }
        } else {
            a = literal(v, what);
            if (!allowDowncast) checkExact(a, t, what);
            a = a.astype(want);
        }
        checkShape(a, t, what);
        return a;
    }

    /**
     * Refuses a literal number that the parameter's dtype cannot hold, as {@code txc run --arg} and NumPy 2 do: a
     * non-integral number or one out of range for an integer dtype, a number other than 0 or 1 for bool, a finite
     * number beyond f32's range for f32. A cast would wrap or saturate it silently.
     */
    private static void checkExact(NDArray a, TensorType t, String what) {
        DType want = t.dtype();
        if (a.dtype() == want || a.dtype() == DType.BOOL || want == DType.F64 || want == DType.F32 && a.dtype() == DType.I64) return;
        Object data = a.heapArray();
        for (int i = 0; i < a.size(); i++) {
            String problem = null;
            if (data instanceof double[] d) {
                double x = d[i];
                if (want == DType.F32) problem = Double.isFinite(x) && Float.isInfinite((float) x) ? "out of range for f32" : null;
                else if (x != Math.rint(x) || Double.isInfinite(x)) problem = "not an integer";
                else if (Math.abs(x) >= 0x1p63 || !fits((long) x, want)) problem = "out of range for " + want.spelling();
                if (problem != null) throw new TxException(what + " expects " + t + ", got the number " + x + " (" + problem + ")");
            } else if (!fits(((long[]) data)[i], want)) {
                throw new TxException(what + " expects " + t + ", got the number " + ((long[]) data)[i] + " (out of range for " + want.spelling() + ")");
            }
        }
    }

    private static boolean fits(long v, DType want) {
        return want == DType.BOOL ? v == 0 || v == 1 : want.wrap(v) == v;
    }

    static void checkShape(NDArray a, TensorType t, String what) {
        if (a.rank() != t.rank())
            throw new TxException(what + " expects " + t + " (rank " + t.rank() + "), got shape " + Shapes.format(a.shape()) + " (rank " + a.rank() + ")");
        for (int d = 0; d < t.rank(); d++) {
            Dim dim = t.dim(d);
            if (dim.isKnown() && dim.size() != a.dim(d))
                throw new TxException(what + " expects " + t + ", got shape " + Shapes.format(a.shape()) + " (axis " + d + " is " + a.dim(d) + ", not " + dim.size() + ")");
        }
    }

    /**
     * A number, boolean, or rectangular nested array or list of them, as NumPy's {@code array()}: f64 if any element is
     * a floating-point number, bool if all are booleans, else i64.
     */
    static NDArray literal(Object v, String what) {
        // One number: the common case of a call, without the nested-array walk.
        switch (v) {
            case Double d -> { return NDArray.scalar(d.doubleValue()); }
            case Float f -> { return NDArray.scalar(f.doubleValue()); }
            case Long l -> { return NDArray.scalar(l.longValue()); }
            case Integer i -> { return NDArray.scalar(i.longValue()); }
            case Short i -> { return NDArray.scalar(i.longValue()); }
            case Byte i -> { return NDArray.scalar(i.longValue()); }
            case Boolean b -> { return NDArray.scalar(b.booleanValue()); }
            case null, default -> { }
        }
        var shape = new ArrayList<Integer>();
        var items = new ArrayList<Object>();
        flatten(v, 0, shape, items, what);
        boolean anyFloat = items.stream().anyMatch(o -> o instanceof Double || o instanceof Float);
        boolean allBool = !items.isEmpty() && items.stream().allMatch(o -> o instanceof Boolean);
        int[] dims = shape.stream().mapToInt(Integer::intValue).toArray();
        int n = items.size();
        if (allBool) {
            boolean[] b = new boolean[n];
            for (int i = 0; i < n; i++) b[i] = (Boolean) items.get(i);
            return NDArray.wrap(DType.BOOL, b, dims);
        }
        if (anyFloat) {
            double[] d = new double[n];
            for (int i = 0; i < n; i++) d[i] = number(items.get(i)).doubleValue();
            return NDArray.wrap(DType.F64, d, dims);
        }
        long[] l = new long[n];
        for (int i = 0; i < n; i++) l[i] = number(items.get(i)).longValue();
        return NDArray.wrap(DType.I64, l, dims);
    }

    private static Number number(Object o) {
        return o instanceof Boolean b ? (b ? 1 : 0) : (Number) o;
    }

    private static void flatten(Object v, int depth, List<Integer> shape, List<Object> out, String what) {
        List<?> items = null;
        if (v instanceof List<?> l) items = l;
        else if (v != null && v.getClass().isArray()) {
            var l = new ArrayList<Object>();
            for (int k = 0, n = Array.getLength(v); k < n; k++) l.add(Array.get(v, k));
            items = l;
        }
        if (items != null) {
            if (shape.size() == depth) shape.add(items.size());
            else if (shape.size() < depth || shape.get(depth) != items.size())
                throw new TxException(what + ": a ragged array (rows of different lengths)");
            for (Object item : items) flatten(item, depth + 1, shape, out, what);
            return;
        }
        if (depth != shape.size()) throw new TxException(what + ": a ragged array (rows of different lengths)");
        if (!(v instanceof Number || v instanceof Boolean))
            throw new TxException(what + ": expected a number, a boolean, an array, a list or an NDArray, got " + (v == null ? "null" : v.getClass().getSimpleName()));
        out.add(v);
    }
}
