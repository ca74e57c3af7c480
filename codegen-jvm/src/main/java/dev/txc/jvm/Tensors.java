package dev.txc.jvm;

import dev.txc.ir.Tensor;
import dev.txc.runtime.NDArray;
import dev.txc.types.DType;

/** Conversions between the interpreter's {@link Tensor} values and runtime {@link NDArray}s. */
public final class Tensors {
    private Tensors() {}

    public static NDArray toNd(Tensor t) {
        int[] shape = t.shape();
        int n = t.size();
        Object data = switch (t.dtype()) {
            case F64 -> t.toDoubles();
            case F32 -> {
                float[] f = new float[n];
                for (int k = 0; k < n; k++) f[k] = (float) t.getDouble(k);
                yield f;
            }
            case I64 -> t.toLongs();
            case I32 -> {
                int[] v = new int[n];
                for (int k = 0; k < n; k++) v[k] = (int) t.getLong(k);
                yield v;
            }
            case I16 -> {
                short[] v = new short[n];
                for (int k = 0; k < n; k++) v[k] = (short) t.getLong(k);
                yield v;
            }
            case I8, U8 -> {
                byte[] v = new byte[n];
                for (int k = 0; k < n; k++) v[k] = (byte) t.getLong(k);
                yield v;
            }
            case BOOL -> {
                boolean[] v = new boolean[n];
                for (int k = 0; k < n; k++) v[k] = t.getLong(k) != 0;
                yield v;
            }
        };
        return NDArray.wrap(t.dtype(), data, shape);
    }

    public static Tensor fromNd(NDArray a) {
        DType d = a.dtype();
        int n = a.size();
        if (d.isFloat()) {
            double[] v = new double[n];
            for (int k = 0; k < n; k++) v[k] = a.getDoubleFlat(k);
            return Tensor.ofDoubles(d, a.shape(), v);
        }
        long[] v = a.toLongArray();
        return Tensor.ofLongs(d, a.shape(), v);
    }
}
