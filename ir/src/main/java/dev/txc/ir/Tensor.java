package dev.txc.ir;

import dev.txc.types.DType;
import dev.txc.types.TensorType;
import java.util.Arrays;

/**
 * An immutable dense tensor in C order, the value type of IR constants and of the reference interpreter.
 * Floats live in {@code f} (f32 values already rounded to float), integers and bools in {@code i}
 * (already wrapped to their dtype's width); exactly one of the two arrays is non-null.
 */
public final class Tensor {
    private final DType dtype;
    private final int[] shape;
    private final double[] f;
    private final long[] i;

    private Tensor(DType dtype, int[] shape, double[] f, long[] i) {
        this.dtype = dtype;
        this.shape = shape;
        this.f = f;
        this.i = i;
        if (size(shape) != (f != null ? f.length : i.length)) throw new IllegalArgumentException("size mismatch");
    }

    public static Tensor ofDoubles(DType dtype, int[] shape, double[] data) {
        if (!dtype.isFloat()) throw new IllegalArgumentException("ofDoubles with " + dtype);
        double[] d = data.clone();
        if (dtype == DType.F32) for (int k = 0; k < d.length; k++) d[k] = (float) d[k];
        return new Tensor(dtype, shape.clone(), d, null);
    }

    public static Tensor ofLongs(DType dtype, int[] shape, long[] data) {
        if (dtype.isFloat()) throw new IllegalArgumentException("ofLongs with " + dtype);
        long[] d = data.clone();
        for (int k = 0; k < d.length; k++) d[k] = dtype.wrap(d[k]);
        return new Tensor(dtype, shape.clone(), null, d);
    }

    /** A tensor of any dtype from double values, converted as {@link #cast} converts floats. */
    public static Tensor fromDoubles(DType dtype, int[] shape, double[] data) {
        if (dtype.isFloat()) return ofDoubles(dtype, shape, data);
        long[] l = new long[data.length];
        for (int k = 0; k < l.length; k++) l[k] = dtype == DType.BOOL ? (data[k] != 0 ? 1 : 0) : dtype.saturate(data[k]);
        return ofLongs(dtype, shape, l);
    }

    public static Tensor scalar(DType dtype, double v) {
        return fromDoubles(dtype, new int[0], new double[] {v});
    }

    public static Tensor scalarLong(DType dtype, long v) {
        return dtype.isFloat() ? ofDoubles(dtype, new int[0], new double[] {v}) : ofLongs(dtype, new int[0], new long[] {v});
    }

    public static Tensor zeros(DType dtype, int[] shape) {
        int n = size(shape);
        return dtype.isFloat() ? new Tensor(dtype, shape.clone(), new double[n], null) : new Tensor(dtype, shape.clone(), null, new long[n]);
    }

    public DType dtype() {
        return dtype;
    }

    public int[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    public int dim(int k) {
        return shape[k];
    }

    public int size() {
        return f != null ? f.length : i.length;
    }

    public TensorType type() {
        long[] s = new long[shape.length];
        for (int k = 0; k < s.length; k++) s[k] = shape[k];
        return TensorType.of(dtype, s);
    }

    public double getDouble(int flat) {
        return f != null ? f[flat] : i[flat];
    }

    public long getLong(int flat) {
        return i != null ? i[flat] : (long) f[flat];
    }

    public boolean getBool(int flat) {
        return getDouble(flat) != 0;
    }

    /** A copy of the values as doubles, C order. */
    public double[] toDoubles() {
        if (f != null) return f.clone();
        double[] d = new double[i.length];
        for (int k = 0; k < d.length; k++) d[k] = i[k];
        return d;
    }

    public long[] toLongs() {
        if (i != null) return i.clone();
        long[] l = new long[f.length];
        for (int k = 0; k < l.length; k++) l[k] = (long) f[k];
        return l;
    }

    public Tensor reshape(int[] newShape) {
        return new Tensor(dtype, newShape.clone(), f, i);
    }

    /**
     * A new tensor of another dtype, converting as NumPy's astype does: integers wrap, nonzero (and NaN) is true, and
     * floats to integers follow {@link DType#saturate} where NumPy leaves the result undefined.
     */
    public Tensor cast(DType to) {
        if (to == dtype) return this;
        if (to == DType.F32 && i != null && dtype != DType.BOOL) {
            // an integer rounds once, to the nearest float (through double it could round twice: 2^60 + 2^36 + 1)
            long[] v = toLongs();
            double[] d = new double[v.length];
            for (int k = 0; k < v.length; k++) d[k] = (float) v[k];
            return ofDoubles(to, shape, d);
        }
        if (to.isFloat()) return ofDoubles(to, shape, toDoubles());
        if (to == DType.BOOL || dtype.isFloat()) return fromDoubles(to, shape, toDoubles());
        return ofLongs(to, shape, toLongs());
    }

    public static int size(int[] shape) {
        long n = 1;
        for (int s : shape) if (s < 0) throw new EvalException("negative dimensions are not allowed: " + RefOps.shapeText(shape));
        for (int s : shape) if (s == 0) return 0;
        for (int s : shape) {
            n *= s; // both factors are at most 2^31-1, so this cannot overflow before the check
            if (n > Integer.MAX_VALUE) throw new EvalException("array of shape " + RefOps.shapeText(shape) + " is too big (more than 2^31-1 elements)");
        }
        return (int) n;
    }

    /** C-order strides in elements. */
    public static int[] strides(int[] shape) {
        int[] st = new int[shape.length];
        int s = 1;
        for (int k = shape.length - 1; k >= 0; k--) {
            st[k] = s;
            s *= shape[k];
        }
        return st;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Tensor t) || t.dtype != dtype || !Arrays.equals(t.shape, shape)) return false;
        // Bitwise so that NaN constants intern together and -0.0 stays distinct from 0.0.
        if (f != null) {
            for (int k = 0; k < f.length; k++) if (Double.doubleToLongBits(f[k]) != Double.doubleToLongBits(t.f[k])) return false;
            return true;
        }
        return Arrays.equals(i, t.i);
    }

    @Override
    public int hashCode() {
        int h = dtype.hashCode() * 31 + Arrays.hashCode(shape);
        if (f != null) for (double v : f) h = h * 31 + Long.hashCode(Double.doubleToLongBits(v));
        else h = h * 31 + Arrays.hashCode(i);
        return h;
    }

    @Override
    public String toString() {
        return IrText.tensorLiteral(this);
    }
}
