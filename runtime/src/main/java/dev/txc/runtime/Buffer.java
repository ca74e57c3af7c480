package dev.txc.runtime;

import dev.txc.types.DType;
import java.lang.foreign.Arena;

/**
 * The storage of a tensor's elements: {@link #length()} elements of one {@link #dtype()}, at positions
 * {@code 0 .. length-1}, in JVM memory ({@link HeapBuffer}, a primitive array) or outside it ({@link NativeBuffer}, a
 * {@code MemorySegment}). Element access converts as NumPy's astype does; bulk copies to and from the primitive array
 * of the dtype are the explicit way between memories. A buffer is mutable; who may write it is the owner's rule
 * ({@link NDArray} hands out views that share it). Code that needs a primitive array asks for one explicitly
 * ({@link NDArray#heapArray()}) and fails with a message for any other kind, so a new kind (device memory) is
 * refused, never misread, where it is not supported.
 */
public sealed interface Buffer permits HeapBuffer, NativeBuffer {
    DType dtype();

    /** The number of elements. */
    int length();

    /** The bytes the elements occupy ({@code length * itemSize}; a bool is one byte). */
    default long byteSize() {
        return (long) length() * dtype().itemSize();
    }

    /** Element {@code i} as a double (bool as 0 or 1, u8 unsigned). */
    double getDouble(int i);

    /** Element {@code i} as a long; floats truncate toward zero. */
    long getLong(int i);

    /** Element {@code i} as a truth value: nonzero (NaN included) is true. */
    boolean getBoolean(int i);

    /** Stores {@code v} converted to the dtype: to integers truncating, saturating (see {@link Cvt}). */
    void setDouble(int i, double v);

    /** Stores {@code v} converted to the dtype: narrower integers wrap. */
    void setLong(int i, long v);

    /** Every element set to {@code v} converted as {@link #setDouble}. */
    void fill(double v);

    /**
     * Copies elements {@code from .. from+n-1} into {@code dst} at {@code at}; {@code dst} is the dtype's storage array
     * ({@code double[]} for f64, {@code byte[]} for i8 and u8, {@code boolean[]} for bool, ...).
     */
    void copyToHeap(int from, Object dst, int at, int n);

    /** Copies {@code n} elements of the dtype's storage array {@code src}, from {@code at}, to positions {@code to..}. */
    void copyFromHeap(Object src, int at, int to, int n);

    /** Allocates fresh zeroed buffers in the memory this buffer lives in (copies of an array stay there). */
    Allocator allocator();

    /** Where fresh buffers come from: the JVM heap, or native memory of an arena. */
    @FunctionalInterface
    interface Allocator {
        /** Primitive arrays on the JVM heap: the memory generated kernels run on. */
        Allocator HEAP = HeapBuffer::allocate;

        /** A fresh zeroed buffer of {@code n} elements. */
        Buffer allocate(DType t, int n);

        /** Native memory freed when the arena closes; an element access after that throws. */
        static Allocator nativeMemory(Arena arena) {
            return (t, n) -> NativeBuffer.allocate(arena, t, n);
        }

        /** Native memory freed when the garbage collector finds a buffer unreachable. */
        static Allocator nativeMemory() {
            return NativeBuffer::allocate;
        }
    }
}
