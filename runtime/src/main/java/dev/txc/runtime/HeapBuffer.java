package dev.txc.runtime;

import dev.txc.types.DType;

/**
 * A buffer in a primitive Java array: {@code double[]} for f64, {@code float[]} for f32, {@code long[]},
 * {@code int[]}, {@code short[]}, {@code byte[]} for i8 and u8, {@code boolean[]} for bool. The array is what
 * generated kernels and the runtime's loops read and write directly.
 */
public record HeapBuffer(DType dtype, Object array) implements Buffer {
    public HeapBuffer {
        if (array instanceof Buffer b) {
            // NDArray.wrap(DType, Object, ...) given a buffer: the overload taking a Buffer was meant
            throw new IllegalArgumentException(b + " is a buffer, not a primitive array: wrap it with NDArray.wrap(Buffer, shape)");
        }
        if (!Buffers.holds(dtype, array)) {
            throw new IllegalArgumentException("storage " + (array == null ? "null" : array.getClass().getSimpleName())
                    + " does not hold " + dtype.spelling());
        }
    }

    /** A zeroed array of {@code n} elements. */
    public static HeapBuffer allocate(DType t, int n) {
        return new HeapBuffer(t, Buffers.allocate(t, n));
    }

    @Override
    public int length() {
        return Buffers.length(array);
    }

    @Override
    public double getDouble(int i) {
        return Buffers.getDouble(array, dtype, i);
    }

    @Override
    public long getLong(int i) {
        return Buffers.getLong(array, dtype, i);
    }

    @Override
    public boolean getBoolean(int i) {
        return Buffers.getBoolean(array, dtype, i);
    }

    @Override
    public void setDouble(int i, double v) {
        Buffers.setDouble(array, dtype, i, v);
    }

    @Override
    public void setLong(int i, long v) {
        Buffers.setLong(array, dtype, i, v);
    }

    @Override
    public void fill(double v) {
        Buffers.fill(array, dtype, v);
    }

    @Override
    public void copyToHeap(int from, Object dst, int at, int n) {
        System.arraycopy(array, from, checked(dst), at, n);
    }

    @Override
    public void copyFromHeap(Object src, int at, int to, int n) {
        System.arraycopy(checked(src), at, array, to, n);
    }

    private Object checked(Object other) {
        if (!Buffers.holds(dtype, other)) {
            throw new IllegalArgumentException(other.getClass().getSimpleName() + " is not the storage of " + dtype.spelling());
        }
        return other;
    }

    @Override
    public Allocator allocator() {
        return Allocator.HEAP;
    }
}
