package dev.txc.runtime;

import dev.txc.types.DType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A buffer in memory outside the JVM heap: the elements packed in a {@link MemorySegment} in the platform's byte
 * order, a bool as one byte 0 or 1. The segment's arena decides its lifetime; access after the arena is closed
 * throws {@link IllegalStateException}. Generated kernels do not run on it: copy an array to the heap first.
 */
public final class NativeBuffer implements Buffer {
    /** Segments this class allocates start on a 64-byte boundary (a cache line, any vector width, CUDA's rule). */
    static final long ALIGNMENT = 64;

    private final DType dtype;
    private final MemorySegment segment;
    private final int length;

    private NativeBuffer(DType dtype, MemorySegment segment, int length) {
        this.dtype = dtype;
        this.segment = segment;
        this.length = length;
    }

    /** Zeroed native memory of {@code n} elements from {@code arena}. */
    public static NativeBuffer allocate(Arena arena, DType t, int n) {
        if (n < 0) throw new IllegalArgumentException("negative buffer length " + n);
        return new NativeBuffer(t, arena.allocate((long) n * t.itemSize(), ALIGNMENT), n);
    }

    /** Zeroed native memory of {@code n} elements, freed when the buffer becomes unreachable. */
    public static NativeBuffer allocate(DType t, int n) {
        return allocate(Arena.ofAuto(), t, n);
    }

    /** The elements in {@code segment} (not copied), which must hold a whole number of them (at most 2^31-1). */
    public static NativeBuffer wrap(DType t, MemorySegment segment) {
        long n = segment.byteSize() / t.itemSize();
        if (n * t.itemSize() != segment.byteSize() || n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("a segment of " + segment.byteSize() + " bytes is not a buffer of "
                    + t.spelling() + " (" + t.itemSize() + " bytes each, at most 2^31-1 elements)");
        }
        return new NativeBuffer(t, segment, (int) n);
    }

    /** The memory, shared with this buffer. */
    public MemorySegment segment() {
        return segment;
    }

    @Override
    public DType dtype() {
        return dtype;
    }

    @Override
    public int length() {
        return length;
    }

    // Unaligned layouts: a wrapped segment (a mapped .npy file, a slice) need not be aligned to the element size.
    static ValueLayout layout(DType t) {
        return switch (t) {
            case BOOL, I8, U8 -> ValueLayout.JAVA_BYTE;
            case I16 -> ValueLayout.JAVA_SHORT_UNALIGNED;
            case I32 -> ValueLayout.JAVA_INT_UNALIGNED;
            case I64 -> ValueLayout.JAVA_LONG_UNALIGNED;
            case F32 -> ValueLayout.JAVA_FLOAT_UNALIGNED;
            case F64 -> ValueLayout.JAVA_DOUBLE_UNALIGNED;
        };
    }

    private long at(int i) {
        if (i < 0 || i >= length) throw new IndexOutOfBoundsException("index " + i + " out of bounds for length " + length);
        return (long) i * dtype.itemSize();
    }

    // the stored value of a float dtype
    private double rawFloat(int i) {
        return dtype == DType.F32 ? segment.get(ValueLayout.JAVA_FLOAT_UNALIGNED, at(i)) : segment.get(ValueLayout.JAVA_DOUBLE_UNALIGNED, at(i));
    }

    // the stored value of an integer or bool dtype
    private long rawInteger(int i) {
        return switch (dtype) {
            case BOOL, I8 -> segment.get(ValueLayout.JAVA_BYTE, at(i));
            case U8 -> segment.get(ValueLayout.JAVA_BYTE, at(i)) & 0xFF;
            case I16 -> segment.get(ValueLayout.JAVA_SHORT_UNALIGNED, at(i));
            case I32 -> segment.get(ValueLayout.JAVA_INT_UNALIGNED, at(i));
            case I64 -> segment.get(ValueLayout.JAVA_LONG_UNALIGNED, at(i));
            case F32, F64 -> throw new IllegalStateException(dtype.spelling() + " is not an integer dtype");
        };
    }

    @Override
    public double getDouble(int i) {
        return dtype.isFloat() ? rawFloat(i) : rawInteger(i);
    }

    @Override
    public long getLong(int i) {
        return dtype.isFloat() ? (long) rawFloat(i) : rawInteger(i);
    }

    @Override
    public boolean getBoolean(int i) {
        return dtype.isFloat() ? rawFloat(i) != 0 : rawInteger(i) != 0;
    }

    @Override
    public void setDouble(int i, double v) {
        switch (dtype) {
            case BOOL -> setLong(i, v != 0 ? 1 : 0);
            case F32 -> segment.set(ValueLayout.JAVA_FLOAT_UNALIGNED, at(i), (float) v);
            case F64 -> segment.set(ValueLayout.JAVA_DOUBLE_UNALIGNED, at(i), v);
            case I8, U8, I16, I32, I64 -> setLong(i, Cvt.saturate(v, dtype));
        }
    }

    @Override
    public void setLong(int i, long v) {
        switch (dtype) {
            case BOOL -> segment.set(ValueLayout.JAVA_BYTE, at(i), (byte) (v != 0 ? 1 : 0));
            case I8, U8 -> segment.set(ValueLayout.JAVA_BYTE, at(i), (byte) v);
            case I16 -> segment.set(ValueLayout.JAVA_SHORT_UNALIGNED, at(i), (short) v);
            case I32 -> segment.set(ValueLayout.JAVA_INT_UNALIGNED, at(i), (int) v);
            case I64 -> segment.set(ValueLayout.JAVA_LONG_UNALIGNED, at(i), v);
            case F32 -> segment.set(ValueLayout.JAVA_FLOAT_UNALIGNED, at(i), (float) v);
            case F64 -> segment.set(ValueLayout.JAVA_DOUBLE_UNALIGNED, at(i), (double) v);
        }
    }

    @Override
    public void fill(double v) {
        if (length == 0) return;
        setDouble(0, v);
        // every element gets element 0's bytes
        int w = dtype.itemSize();
        for (long filled = w, total = (long) length * w; filled < total; filled *= 2) {
            MemorySegment.copy(segment, 0, segment, filled, Math.min(filled, total - filled));
        }
    }

    @Override
    public void copyToHeap(int from, Object dst, int at, int n) {
        range(from, n);
        if (dst instanceof boolean[] b && dtype == DType.BOOL) {
            for (int k = 0; k < n; k++) b[at + k] = segment.get(ValueLayout.JAVA_BYTE, (long) from + k) != 0;
        } else {
            MemorySegment.copy(segment, layout(checked(dst)), (long) from * dtype.itemSize(), dst, at, n);
        }
    }

    @Override
    public void copyFromHeap(Object src, int at, int to, int n) {
        range(to, n);
        if (src instanceof boolean[] b && dtype == DType.BOOL) {
            for (int k = 0; k < n; k++) segment.set(ValueLayout.JAVA_BYTE, (long) to + k, (byte) (b[at + k] ? 1 : 0));
        } else {
            MemorySegment.copy(src, at, segment, layout(checked(src)), (long) to * dtype.itemSize(), n);
        }
    }

    private void range(int from, int n) {
        if (from < 0 || n < 0 || from > length - n) {
            throw new IndexOutOfBoundsException("elements " + from + ".." + ((long) from + n) + " out of bounds for length " + length);
        }
    }

    private DType checked(Object array) {
        if (!Buffers.holds(dtype, array)) {
            throw new IllegalArgumentException(array.getClass().getSimpleName() + " is not the storage of " + dtype.spelling());
        }
        return dtype;
    }

    @Override
    public Allocator allocator() {
        return Allocator.nativeMemory();
    }

    @Override
    public String toString() {
        return "NativeBuffer[" + dtype.spelling() + " x " + length + "]";
    }
}
