package dev.txc.runtime.cuda;

import java.lang.foreign.MemorySegment;

/**
 * The CUDA driver operations txc uses, one method per driver entry point (named in each method's Javadoc), with
 * handles as {@code long}s: a device pointer ({@code CUdeviceptr}) is a device address, and a context, module,
 * function or stream is an opaque non-zero value ({@code 0} is the default stream). {@link LibCuda} binds
 * {@code libcuda.so.1}; the test sources bind a PTX interpreter ({@code SimCudaApi}), so that everything above this
 * interface runs without a GPU. A failing call throws {@link CudaException} naming the call and the {@code CUresult}.
 * Calls are made from one thread at a time with the context current ({@link #contextSetCurrent}).
 */
public interface CudaApi {
    /** {@code cuInit(0)}; repeated calls are harmless. */
    void init();

    /** {@code cuDriverGetVersion}: 1000 * major + 10 * minor, e.g. 12080 for CUDA 12.8. */
    int driverVersion();

    /** {@code cuDeviceGetCount}. */
    int deviceCount();

    /** {@code cuDeviceGetName}. */
    String deviceName(int ordinal);

    /** {@code cuDeviceGetAttribute}: an attribute's value; {@link Attribute} lists the ones txc reads. */
    int attribute(int ordinal, Attribute a);

    /** {@code cuDevicePrimaryCtxRetain}: the device's primary context, retained once more. */
    long primaryContextRetain(int ordinal);

    /** {@code cuDevicePrimaryCtxRelease_v2}. */
    void primaryContextRelease(int ordinal);

    /** {@code cuCtxSetCurrent}: binds {@code context} to the calling thread. */
    void contextSetCurrent(long context);

    /** {@code cuCtxSynchronize}: waits for all work of the current context. */
    void contextSynchronize();

    /**
     * {@code cuModuleLoadDataEx} of PTX text (NUL-terminated by the binding) with the JIT's error and info log
     * buffers; a failed load throws a {@link CudaException} whose message carries the error log.
     */
    long moduleLoad(String ptx);

    /** {@code cuModuleUnload}. */
    void moduleUnload(long module);

    /** {@code cuModuleGetFunction}: the entry named {@code name}; {@link CudaDevice} caches these per module and name. */
    long moduleFunction(long module, String name);

    /**
     * {@code cuModuleGetGlobal_v2}: the device address of the module's {@code .global} variable {@code name} (such as
     * the error word {@code txc_error} that kernels set and the host reads after a call).
     */
    long moduleGlobal(long module, String name);

    /** {@code cuMemAlloc_v2}: {@code bytes} (> 0) of device memory, aligned for any element type. */
    long memAlloc(long bytes);

    /** {@code cuMemFree_v2}. */
    void memFree(long pointer);

    /** {@code cuMemsetD8_v2}: sets {@code bytes} bytes at {@code pointer} to {@code value}. */
    void memsetD8(long pointer, byte value, long bytes);

    /** {@code cuMemcpyHtoD_v2}: {@code src.byteSize()} bytes from host memory (native or a heap array's) to {@code dst}. */
    void memcpyHtoD(long dst, MemorySegment src);

    /** {@code cuMemcpyDtoH_v2}: {@code dst.byteSize()} bytes from {@code src} to host memory (native or a heap array's). */
    void memcpyDtoH(MemorySegment dst, long src);

    /** {@code cuMemcpyDtoD_v2}: {@code bytes} bytes between device addresses. */
    void memcpyDtoD(long dst, long src, long bytes);

    /** {@code cuStreamCreate} with the default flags. */
    long streamCreate();

    /** {@code cuStreamDestroy_v2}. */
    void streamDestroy(long stream);

    /** {@code cuStreamSynchronize}. */
    void streamSynchronize(long stream);

    /**
     * {@code cuLaunchKernel} with {@code kernelParams}: one value per parameter of the entry, in order, each a
     * {@link Long} (a {@code .u64}, {@code .s64} or a pointer), an {@link Integer} ({@code .u32}/{@code .s32}), a
     * {@link Float} or a {@link Double}. The launch is asynchronous on {@code stream}.
     */
    void launch(long function, Dim3 grid, Dim3 block, int sharedBytes, long stream, Object... params);

    /** {@code cuGetErrorName}: e.g. {@code CUDA_ERROR_OUT_OF_MEMORY}, or null for an unknown code. */
    String errorName(int result);

    /** {@code cuGetErrorString}: e.g. {@code out of memory}, or null for an unknown code. */
    String errorString(int result);

    /** A grid's or block's extent. */
    record Dim3(int x, int y, int z) {
        public Dim3 {
            if (x < 1 || y < 1 || z < 1) throw new IllegalArgumentException("launch dimensions must be >= 1: " + x + "x" + y + "x" + z);
        }

        public static Dim3 of(int x) {
            return new Dim3(x, 1, 1);
        }
    }

    /** The device attributes txc reads, with their {@code CUdevice_attribute} values. */
    enum Attribute {
        MAX_THREADS_PER_BLOCK(1), MAX_GRID_DIM_X(5), MAX_GRID_DIM_Y(6), MAX_GRID_DIM_Z(7), MAX_SHARED_MEMORY_PER_BLOCK(8),
        MULTIPROCESSOR_COUNT(16), COMPUTE_CAPABILITY_MAJOR(75), COMPUTE_CAPABILITY_MINOR(76);

        private final int code;

        Attribute(int code) {
            this.code = code;
        }

        /** The {@code CUdevice_attribute} value. */
        public int code() {
            return code;
        }
    }
}
