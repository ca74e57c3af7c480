package dev.txc.runtime.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;

/**
 * {@link CudaApi} over the NVIDIA driver library {@code libcuda.so.1}, bound with the Foreign Function & Memory API
 * (no JNI library, no nvcc or NVRTC: the driver's JIT compiles the PTX). Entry points are the ones {@code cuda.h}
 * maps the API names to ({@code cuMemAlloc_v2}, {@code cuMemcpyHtoD_v2}, ...). Host-device copies of heap arrays
 * pass the array itself ({@link Linker.Option#critical critical} calls), so no staging copy is made.
 */
public final class LibCuda implements CudaApi {
    /** The driver library's name, as the dynamic loader finds it. */
    public static final String LIBRARY = "libcuda.so.1";

    // CUjit_option values (cuda.h)
    private static final int JIT_INFO_LOG_BUFFER = 3, JIT_INFO_LOG_BUFFER_SIZE_BYTES = 4, JIT_ERROR_LOG_BUFFER = 5,
            JIT_ERROR_LOG_BUFFER_SIZE_BYTES = 6;
    private static final int LOG_BYTES = 1 << 16;

    private final SymbolLookup lib;
    private final MethodHandle cuInit, cuDriverGetVersion, cuDeviceGetCount, cuDeviceGet, cuDeviceGetName, cuDeviceGetAttribute,
            cuDevicePrimaryCtxRetain, cuDevicePrimaryCtxRelease, cuCtxSetCurrent, cuCtxSynchronize, cuModuleLoadDataEx,
            cuModuleUnload, cuModuleGetFunction, cuModuleGetGlobal, cuMemAlloc, cuMemFree, cuMemsetD8, cuMemcpyHtoD, cuMemcpyDtoH, cuMemcpyDtoD,
            cuStreamCreate, cuStreamDestroy, cuStreamSynchronize, cuLaunchKernel, cuGetErrorName, cuGetErrorString;

    private LibCuda(SymbolLookup lib) {
        this.lib = lib;
        cuInit = bind("cuInit", JAVA_INT);
        cuDriverGetVersion = bind("cuDriverGetVersion", ADDRESS);
        cuDeviceGetCount = bind("cuDeviceGetCount", ADDRESS);
        cuDeviceGet = bind("cuDeviceGet", ADDRESS, JAVA_INT);
        cuDeviceGetName = bind("cuDeviceGetName", ADDRESS, JAVA_INT, JAVA_INT);
        cuDeviceGetAttribute = bind("cuDeviceGetAttribute", ADDRESS, JAVA_INT, JAVA_INT);
        cuDevicePrimaryCtxRetain = bind("cuDevicePrimaryCtxRetain", ADDRESS, JAVA_INT);
        cuDevicePrimaryCtxRelease = bind("cuDevicePrimaryCtxRelease_v2", JAVA_INT);
        cuCtxSetCurrent = bind("cuCtxSetCurrent", JAVA_LONG);
        cuCtxSynchronize = bind("cuCtxSynchronize");
        cuModuleLoadDataEx = bind("cuModuleLoadDataEx", ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS);
        cuModuleUnload = bind("cuModuleUnload", JAVA_LONG);
        cuModuleGetFunction = bind("cuModuleGetFunction", ADDRESS, JAVA_LONG, ADDRESS);
        cuModuleGetGlobal = bind("cuModuleGetGlobal_v2", ADDRESS, ADDRESS, JAVA_LONG, ADDRESS);
        cuMemAlloc = bind("cuMemAlloc_v2", ADDRESS, JAVA_LONG);
        cuMemFree = bind("cuMemFree_v2", JAVA_LONG);
        cuMemsetD8 = bind("cuMemsetD8_v2", JAVA_LONG, JAVA_BYTE, JAVA_LONG);
        cuMemcpyHtoD = bindCritical("cuMemcpyHtoD_v2", JAVA_LONG, ADDRESS, JAVA_LONG);
        cuMemcpyDtoH = bindCritical("cuMemcpyDtoH_v2", ADDRESS, JAVA_LONG, JAVA_LONG);
        cuMemcpyDtoD = bind("cuMemcpyDtoD_v2", JAVA_LONG, JAVA_LONG, JAVA_LONG);
        cuStreamCreate = bind("cuStreamCreate", ADDRESS, JAVA_INT);
        cuStreamDestroy = bind("cuStreamDestroy_v2", JAVA_LONG);
        cuStreamSynchronize = bind("cuStreamSynchronize", JAVA_LONG);
        cuLaunchKernel = bind("cuLaunchKernel", JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT,
                JAVA_LONG, ADDRESS, ADDRESS);
        cuGetErrorName = bind("cuGetErrorName", JAVA_INT, ADDRESS);
        cuGetErrorString = bind("cuGetErrorString", JAVA_INT, ADDRESS);
    }

    /**
     * Loads {@code libcuda.so.1}.
     *
     * @throws CudaUnavailableException when the library cannot be loaded or lacks an entry point txc calls
     */
    public static LibCuda load() {
        SymbolLookup lib;
        try {
            lib = SymbolLookup.libraryLookup(LIBRARY, Arena.global());
        } catch (IllegalArgumentException e) {
            String why = e.getMessage() != null && e.getMessage().startsWith("Cannot open library") ? "the dynamic loader does not find it" : e.getMessage();
            throw CudaUnavailableException.noDriver(LIBRARY + " cannot be loaded (" + why + ")");
        }
        return new LibCuda(lib);
    }

    private MethodHandle bind(String name, MemoryLayout... args) {
        return Linker.nativeLinker().downcallHandle(symbol(name), FunctionDescriptor.of(JAVA_INT, args));
    }

    private MethodHandle bindCritical(String name, MemoryLayout... args) {
        return Linker.nativeLinker().downcallHandle(symbol(name), FunctionDescriptor.of(JAVA_INT, args), Linker.Option.critical(true));
    }

    private MemorySegment symbol(String name) {
        return lib.find(name).orElseThrow(() -> CudaUnavailableException.noDriver(LIBRARY + " has no entry point " + name
                + " (the NVIDIA driver is older than CUDA 12)"));
    }

    // ---- calls: each returns a CUresult, checked here

    private void check(String call, int result) {
        check(call, result, null);
    }

    private void check(String call, int result, String log) {
        if (result != 0) throw new CudaException(call, result, errorName(result), errorString(result), log);
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) return r;
        if (t instanceof Error e) throw e;
        return new IllegalStateException(t);
    }

    @Override
    public void init() {
        try {
            check("cuInit", (int) cuInit.invokeExact(0));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public int driverVersion() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(JAVA_INT);
            check("cuDriverGetVersion", (int) cuDriverGetVersion.invokeExact(v));
            return v.get(JAVA_INT, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public int deviceCount() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment n = a.allocate(JAVA_INT);
            check("cuDeviceGetCount", (int) cuDeviceGetCount.invokeExact(n));
            return n.get(JAVA_INT, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** The {@code CUdevice} of an ordinal. */
    private int device(int ordinal) throws Throwable {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment d = a.allocate(JAVA_INT);
            check("cuDeviceGet", (int) cuDeviceGet.invokeExact(d, ordinal));
            return d.get(JAVA_INT, 0);
        }
    }

    @Override
    public String deviceName(int ordinal) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment s = a.allocate(256);
            check("cuDeviceGetName", (int) cuDeviceGetName.invokeExact(s, 256, device(ordinal)));
            return s.getString(0, StandardCharsets.UTF_8);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public int attribute(int ordinal, Attribute attr) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(JAVA_INT);
            check("cuDeviceGetAttribute", (int) cuDeviceGetAttribute.invokeExact(v, attr.code(), device(ordinal)));
            return v.get(JAVA_INT, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public long primaryContextRetain(int ordinal) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment c = a.allocate(ADDRESS);
            check("cuDevicePrimaryCtxRetain", (int) cuDevicePrimaryCtxRetain.invokeExact(c, device(ordinal)));
            return c.get(ADDRESS, 0).address();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public void primaryContextRelease(int ordinal) {
        try {
            check("cuDevicePrimaryCtxRelease_v2", (int) cuDevicePrimaryCtxRelease.invokeExact(device(ordinal)));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public void contextSetCurrent(long context) {
        try {
            check("cuCtxSetCurrent", (int) cuCtxSetCurrent.invokeExact(context));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public void contextSynchronize() {
        try {
            check("cuCtxSynchronize", (int) cuCtxSynchronize.invokeExact());
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public long moduleLoad(String ptx) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment image = a.allocateFrom(ptx, StandardCharsets.UTF_8);
            MemorySegment errorLog = a.allocate(LOG_BYTES), infoLog = a.allocate(LOG_BYTES);
            int[] opts = {JIT_ERROR_LOG_BUFFER, JIT_ERROR_LOG_BUFFER_SIZE_BYTES, JIT_INFO_LOG_BUFFER, JIT_INFO_LOG_BUFFER_SIZE_BYTES};
            MemorySegment options = a.allocateFrom(JAVA_INT, opts);
            MemorySegment values = a.allocate(ADDRESS, opts.length);
            // a size option's value is the number itself in the pointer's place
            values.setAtIndex(ADDRESS, 0, errorLog);
            values.setAtIndex(ADDRESS, 1, MemorySegment.ofAddress(LOG_BYTES));
            values.setAtIndex(ADDRESS, 2, infoLog);
            values.setAtIndex(ADDRESS, 3, MemorySegment.ofAddress(LOG_BYTES));
            MemorySegment module = a.allocate(ADDRESS);
            int r = (int) cuModuleLoadDataEx.invokeExact(module, image, opts.length, options, values);
            check("cuModuleLoadDataEx", r, errorLog.getString(0, StandardCharsets.UTF_8));
            return module.get(ADDRESS, 0).address();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public void moduleUnload(long module) {
        try {
            check("cuModuleUnload", (int) cuModuleUnload.invokeExact(module));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public long moduleFunction(long module, String name) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment f = a.allocate(ADDRESS);
            int r = (int) cuModuleGetFunction.invokeExact(f, module, a.allocateFrom(name, StandardCharsets.UTF_8));
            if (r != 0) throw new CudaException("cuModuleGetFunction(" + name + ")", r, errorName(r), errorString(r), null);
            return f.get(ADDRESS, 0).address();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public long moduleGlobal(long module, String name) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocate(JAVA_LONG), bytes = a.allocate(JAVA_LONG);
            int r = (int) cuModuleGetGlobal.invokeExact(p, bytes, module, a.allocateFrom(name, StandardCharsets.UTF_8));
            if (r != 0) throw new CudaException("cuModuleGetGlobal_v2(" + name + ")", r, errorName(r), errorString(r), null);
            return p.get(JAVA_LONG, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public long memAlloc(long bytes) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocate(JAVA_LONG);
            int r = (int) cuMemAlloc.invokeExact(p, bytes);
            if (r != 0) throw new CudaException("cuMemAlloc_v2(" + bytes + " bytes)", r, errorName(r), errorString(r), null);
            return p.get(JAVA_LONG, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public void memFree(long pointer) {
        try {
            check("cuMemFree_v2", (int) cuMemFree.invokeExact(pointer));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public void memsetD8(long pointer, byte value, long bytes) {
        try {
            check("cuMemsetD8_v2", (int) cuMemsetD8.invokeExact(pointer, value, bytes));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public void memcpyHtoD(long dst, MemorySegment src) {
        try {
            check("cuMemcpyHtoD_v2", (int) cuMemcpyHtoD.invokeExact(dst, src, src.byteSize()));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public void memcpyDtoH(MemorySegment dst, long src) {
        try {
            check("cuMemcpyDtoH_v2", (int) cuMemcpyDtoH.invokeExact(dst, src, dst.byteSize()));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public void memcpyDtoD(long dst, long src, long bytes) {
        try {
            check("cuMemcpyDtoD_v2", (int) cuMemcpyDtoD.invokeExact(dst, src, bytes));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public long streamCreate() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment s = a.allocate(ADDRESS);
            check("cuStreamCreate", (int) cuStreamCreate.invokeExact(s, 0));
            return s.get(ADDRESS, 0).address();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public void streamDestroy(long stream) {
        try {
            check("cuStreamDestroy_v2", (int) cuStreamDestroy.invokeExact(stream));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public void streamSynchronize(long stream) {
        try {
            check("cuStreamSynchronize", (int) cuStreamSynchronize.invokeExact(stream));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public void launch(long function, Dim3 grid, Dim3 block, int sharedBytes, long stream, Object... params) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment values = a.allocate(8L * Math.max(1, params.length), 8);
            MemorySegment pointers = a.allocate(ADDRESS, Math.max(1, params.length));
            for (int i = 0; i < params.length; i++) {
                MemorySegment slot = values.asSlice(8L * i, 8);
                switch (params[i]) {
                    case Long v -> slot.set(JAVA_LONG, 0, v);
                    case Integer v -> slot.set(JAVA_INT, 0, v);
                    case Float v -> slot.set(JAVA_FLOAT, 0, v);
                    case Double v -> slot.set(JAVA_DOUBLE, 0, v);
                    case Object o -> throw new IllegalArgumentException("kernel parameter " + i + " is a " + o.getClass().getSimpleName()
                            + ", not a Long, Integer, Float or Double");
                }
                pointers.setAtIndex(ADDRESS, i, slot);
            }
            int r = (int) cuLaunchKernel.invokeExact(function, grid.x(), grid.y(), grid.z(), block.x(), block.y(), block.z(),
                    sharedBytes, stream, pointers, MemorySegment.NULL);
            check("cuLaunchKernel", r);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public String errorName(int result) {
        return errorText(cuGetErrorName, result);
    }

    @Override
    public String errorString(int result) {
        return errorText(cuGetErrorString, result);
    }

    private static String errorText(MethodHandle h, int result) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocate(ADDRESS);
            if ((int) h.invokeExact(result, p) != 0) return null;
            MemorySegment s = p.get(ADDRESS, 0);
            return s.equals(MemorySegment.NULL) ? null : s.reinterpret(4096).getString(0, StandardCharsets.UTF_8);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }
}
