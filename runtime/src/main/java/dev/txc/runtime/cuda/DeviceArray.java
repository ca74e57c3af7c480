package dev.txc.runtime.cuda;

import dev.txc.runtime.NDArray;
import dev.txc.runtime.NativeBuffer;
import dev.txc.runtime.Shapes;
import dev.txc.types.DType;
import java.lang.foreign.MemorySegment;
import java.lang.ref.Cleaner;
import java.util.Arrays;

/**
 * A C-contiguous array in device memory: {@code size} elements of {@code dtype} laid out exactly as the runtime's
 * buffers lay them out (little-endian, a bool one byte 0 or 1), from {@link #pointer()}. The elements are reached only
 * by explicit copies ({@link #fromHost}, {@link #upload}, {@link #toHost}, {@link #copyFrom}) or by kernels. It is
 * not a {@link dev.txc.runtime.Buffer}: a buffer promises element access from the JVM, which device memory cannot give
 * without a transfer per element. The memory goes back to its device by {@link #free()} or, failing that, when the
 * array becomes unreachable (the device keeps it for the next allocation of the same size: {@link CudaDevice#acquire}).
 */
public final class DeviceArray {
    private static final Cleaner CLEANER = Cleaner.create();

    private final CudaDevice device;
    private final DType dtype;
    private final int[] shape;
    private final int size;
    private final long pointer;
    private final Cleaner.Cleanable cleanable;

    private DeviceArray(CudaDevice device, DType dtype, int[] shape, long pointer) {
        this.device = device;
        this.dtype = dtype;
        this.shape = shape.clone();
        this.size = Shapes.size(shape);
        this.pointer = pointer;
        long bytes = Math.max(byteSize(), 16);
        this.cleanable = CLEANER.register(this, () -> device.release(pointer, bytes));
    }

    /** Zeroed device memory of {@code shape}. */
    static DeviceArray allocate(CudaDevice device, DType dtype, int... shape) {
        DeviceArray a = uninitialized(device, dtype, shape);
        device.api().memsetD8(a.pointer, (byte) 0, Math.max(a.byteSize(), 16));
        return a;
    }

    /** Device memory of {@code shape} whose contents are whatever the driver left there (for a kernel's output). */
    static DeviceArray uninitialized(CudaDevice device, DType dtype, int... shape) {
        long bytes = (long) Shapes.size(shape) * dtype.itemSize();
        // the driver refuses a zero-byte allocation; an empty array still gets a distinct address
        long p = device.acquire(Math.max(bytes, 16));
        return new DeviceArray(device, dtype, shape, p);
    }

    /** A device copy of {@code a} (any layout, any memory). */
    public static DeviceArray fromHost(CudaDevice device, NDArray a) {
        DeviceArray d = uninitialized(device, a.dtype(), a.shape());
        d.upload(a);
        return d;
    }

    public CudaDevice device() {
        return device;
    }

    public DType dtype() {
        return dtype;
    }

    public int[] shape() {
        return shape.clone();
    }

    public int size() {
        return size;
    }

    /** The device address of element 0. */
    public long pointer() {
        return pointer;
    }

    public long byteSize() {
        return (long) size * dtype.itemSize();
    }

    /** Copies {@code a} (same dtype and shape) into this array. */
    public void upload(NDArray a) {
        check(a.dtype(), a.shape());
        if (size == 0) return;
        device.makeCurrent();
        device.api().memcpyHtoD(pointer, hostSegment(a));
    }

    /** A fresh heap array with the elements. */
    public NDArray toHost() {
        NDArray out = NDArray.zeros(dtype, shape);
        if (size == 0) return out;
        device.makeCurrent();
        if (dtype == DType.BOOL) {
            byte[] bytes = new byte[size];
            device.api().memcpyDtoH(MemorySegment.ofArray(bytes), pointer);
            boolean[] b = (boolean[]) out.heapArray();
            for (int i = 0; i < size; i++) b[i] = bytes[i] != 0;
        } else {
            device.api().memcpyDtoH(heapSegment(out.heapArray()), pointer);
        }
        return out;
    }

    /** Copies {@code src} (same dtype and shape, same device) into this array, device to device. */
    public void copyFrom(DeviceArray src) {
        check(src.dtype, src.shape);
        if (src.device != device) throw new IllegalArgumentException("device arrays of different devices");
        if (size == 0) return;
        device.makeCurrent();
        device.api().memcpyDtoD(pointer, src.pointer, byteSize());
    }

    /** Frees the device memory now; the array must not be used afterwards. */
    public void free() {
        cleanable.clean();
    }

    private void check(DType t, int[] s) {
        if (t != dtype || !Arrays.equals(s, shape))
            throw new IllegalArgumentException("cannot copy " + t.spelling() + Shapes.format(s) + " into a device array of " + this);
    }

    /** The elements of {@code a} as one run of host bytes in the device layout: the array's own memory where it can. */
    private static MemorySegment hostSegment(NDArray a) {
        NDArray c = a.isContiguous() ? a : a.contiguous();
        long from = (long) c.offset() * c.dtype().itemSize(), bytes = (long) c.size() * c.dtype().itemSize();
        return switch (c.buffer()) {
            case NativeBuffer n -> n.segment().asSlice(from, bytes);
            case dev.txc.runtime.HeapBuffer h when c.dtype() == DType.BOOL -> {
                boolean[] b = (boolean[]) h.array();
                byte[] bytes1 = new byte[c.size()];
                for (int i = 0; i < bytes1.length; i++) bytes1[i] = (byte) (b[c.offset() + i] ? 1 : 0);
                yield MemorySegment.ofArray(bytes1);
            }
            case dev.txc.runtime.HeapBuffer h -> heapSegment(h.array()).asSlice(from, bytes);
        };
    }

    private static MemorySegment heapSegment(Object array) {
        return switch (array) {
            case double[] d -> MemorySegment.ofArray(d);
            case float[] f -> MemorySegment.ofArray(f);
            case long[] l -> MemorySegment.ofArray(l);
            case int[] i -> MemorySegment.ofArray(i);
            case short[] s -> MemorySegment.ofArray(s);
            case byte[] b -> MemorySegment.ofArray(b);
            default -> throw new IllegalArgumentException("not a numeric primitive array: " + array.getClass().getSimpleName());
        };
    }

    @Override
    public String toString() {
        return dtype.spelling() + Shapes.format(shape) + " on " + device.name();
    }
}
