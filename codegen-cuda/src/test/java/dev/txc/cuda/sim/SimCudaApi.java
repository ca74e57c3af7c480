package dev.txc.cuda.sim;

import dev.txc.runtime.cuda.CudaApi;
import dev.txc.runtime.cuda.CudaException;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.HashMap;
import java.util.Map;

/**
 * The CUDA driver operations over {@link PtxSim}, so that the runtime's {@code --device cuda} path runs in CI without
 * a GPU: {@code -Dtxc.cuda.api=dev.txc.cuda.sim.SimCudaApi}, or {@code CudaDevice.open(new SimCudaApi(), 0)}.
 *
 * <p>One simulated device (sm_80) with one {@link DeviceMemory} that every loaded module shares. A module load parses
 * the PTX (anything outside the simulator's subset fails like a JIT error, with the simulator's message as the log);
 * launches run synchronously, so streams and synchronization have nothing to wait for. Kernel faults surface from
 * {@link #launch} as {@link CudaException}s with the driver's result codes (700 illegal address, 716 misaligned
 * address, 719 launch failed) and the simulator's message naming the PTX line, thread and block. Device memory starts
 * as 0xFF bytes (cuMemAlloc leaves garbage), so reads of unwritten memory show as NaN or -1.
 *
 * <p>The device reports at most {@code txc.sim.maxGrid} blocks per grid dimension (system property, default 64), so
 * that grid-stride loops run more than once and large launches stay fast; the host clamps its grids to it.
 */
public final class SimCudaApi implements CudaApi {
    /** The system property capping each grid dimension the simulated device reports. */
    public static final String MAX_GRID_PROPERTY = "txc.sim.maxGrid";

    private static final long CONTEXT = 0x5151;

    private final DeviceMemory memory = new DeviceMemory();
    private final Map<Long, PtxSim> modules = new HashMap<>();
    private final Map<Long, Function> functions = new HashMap<>();
    private final int maxGrid;
    private long next = 1;
    private long current;
    private long launches;

    private record Function(long module, String name) {}

    public SimCudaApi() {
        this(Integer.getInteger(MAX_GRID_PROPERTY, 64));
    }

    public SimCudaApi(int maxGrid) {
        this.maxGrid = maxGrid;
    }

    /** The simulated device memory (for tests that inspect it). */
    public DeviceMemory memory() {
        return memory;
    }

    /** The number of kernels launched so far. */
    public synchronized long launches() {
        return launches;
    }

    @Override
    public void init() {}

    @Override
    public int driverVersion() {
        return 13000;
    }

    @Override
    public int deviceCount() {
        return 1;
    }

    @Override
    public String deviceName(int ordinal) {
        device(ordinal);
        return "txc PTX simulator";
    }

    private static void device(int ordinal) {
        if (ordinal != 0) throw new CudaException("cuDeviceGet", 101, "CUDA_ERROR_INVALID_DEVICE", "invalid device ordinal", null);
    }

    @Override
    public int attribute(int ordinal, Attribute a) {
        device(ordinal);
        return switch (a) {
            case MAX_THREADS_PER_BLOCK -> 1024;
            case MAX_GRID_DIM_X, MAX_GRID_DIM_Y, MAX_GRID_DIM_Z -> maxGrid;
            case MAX_SHARED_MEMORY_PER_BLOCK -> 48 * 1024;
            case MULTIPROCESSOR_COUNT -> 4;
            case COMPUTE_CAPABILITY_MAJOR -> 8;
            case COMPUTE_CAPABILITY_MINOR -> 0;
        };
    }

    @Override
    public long primaryContextRetain(int ordinal) {
        device(ordinal);
        return CONTEXT;
    }

    @Override
    public void primaryContextRelease(int ordinal) {
        device(ordinal);
    }

    @Override
    public synchronized void contextSetCurrent(long context) {
        if (context != CONTEXT && context != 0)
            throw new CudaException("cuCtxSetCurrent", 201, "CUDA_ERROR_INVALID_CONTEXT", "invalid device context", null);
        current = context;
    }

    private void needContext(String call) {
        if (current != CONTEXT) throw new CudaException(call, 201, "CUDA_ERROR_INVALID_CONTEXT", "invalid device context", null);
    }

    @Override
    public synchronized void contextSynchronize() {
        needContext("cuCtxSynchronize");
    }

    @Override
    public synchronized long moduleLoad(String ptx) {
        needContext("cuModuleLoadDataEx");
        PtxSim sim;
        try {
            sim = PtxSim.load(ptx, memory);
        } catch (PtxSimException e) {
            throw new CudaException("cuModuleLoadDataEx", 218, "CUDA_ERROR_INVALID_PTX",
                    "a PTX JIT compilation failed", "PTX simulator: " + e.getMessage());
        }
        long h = next++;
        modules.put(h, sim);
        return h;
    }

    @Override
    public synchronized void moduleUnload(long module) {
        if (modules.remove(module) == null) throw invalidHandle("cuModuleUnload");
        functions.values().removeIf(f -> f.module == module);
    }

    private static CudaException invalidHandle(String call) {
        return new CudaException(call, 400, "CUDA_ERROR_INVALID_HANDLE", "invalid resource handle", null);
    }

    private static CudaException notFound(String call) {
        return new CudaException(call, 500, "CUDA_ERROR_NOT_FOUND", "named symbol not found", null);
    }

    @Override
    public synchronized long moduleFunction(long module, String name) {
        PtxSim sim = modules.get(module);
        if (sim == null) throw invalidHandle("cuModuleGetFunction");
        if (!sim.hasEntry(name)) throw notFound("cuModuleGetFunction(" + name + ")");
        long h = next++;
        functions.put(h, new Function(module, name));
        return h;
    }

    @Override
    public synchronized long moduleGlobal(long module, String name) {
        PtxSim sim = modules.get(module);
        if (sim == null) throw invalidHandle("cuModuleGetGlobal_v2");
        Long a = sim.global(name);
        if (a == null) throw notFound("cuModuleGetGlobal_v2(" + name + ")");
        return a;
    }

    @Override
    public synchronized long memAlloc(long bytes) {
        needContext("cuMemAlloc_v2");
        if (bytes <= 0 || bytes > Integer.MAX_VALUE - 8)
            throw new CudaException("cuMemAlloc_v2", bytes <= 0 ? 1 : 2, bytes <= 0 ? "CUDA_ERROR_INVALID_VALUE" : "CUDA_ERROR_OUT_OF_MEMORY",
                    bytes <= 0 ? "invalid argument" : "out of memory", null);
        return memory.alloc(bytes);
    }

    @Override
    public synchronized void memFree(long pointer) {
        needContext("cuMemFree_v2");
        try {
            memory.free(pointer);
        } catch (PtxSimException e) {
            throw invalidValue("cuMemFree_v2");
        }
    }

    private static CudaException invalidValue(String call) {
        return new CudaException(call, 1, "CUDA_ERROR_INVALID_VALUE", "invalid argument", null);
    }

    private void inside(String call, long pointer, long bytes) {
        if (bytes > Integer.MAX_VALUE || !memory.contains(pointer, bytes)) throw invalidValue(call);
    }

    @Override
    public synchronized void memsetD8(long pointer, byte value, long bytes) {
        needContext("cuMemsetD8_v2");
        inside("cuMemsetD8_v2", pointer, bytes);
        memory.fill(pointer, value, bytes);
    }

    @Override
    public synchronized void memcpyHtoD(long dst, MemorySegment src) {
        needContext("cuMemcpyHtoD_v2");
        inside("cuMemcpyHtoD_v2", dst, src.byteSize());
        memory.write(dst, src.toArray(ValueLayout.JAVA_BYTE));
    }

    @Override
    public synchronized void memcpyDtoH(MemorySegment dst, long src) {
        needContext("cuMemcpyDtoH_v2");
        inside("cuMemcpyDtoH_v2", src, dst.byteSize());
        MemorySegment.copy(MemorySegment.ofArray(memory.readBytes(src, (int) dst.byteSize())), 0, dst, 0, dst.byteSize());
    }

    @Override
    public synchronized void memcpyDtoD(long dst, long src, long bytes) {
        needContext("cuMemcpyDtoD_v2");
        inside("cuMemcpyDtoD_v2", dst, bytes);
        inside("cuMemcpyDtoD_v2", src, bytes);
        memory.copy(dst, src, (int) bytes);
    }

    @Override
    public synchronized long streamCreate() {
        needContext("cuStreamCreate");
        return next++;
    }

    @Override
    public void streamDestroy(long stream) {}

    @Override
    public void streamSynchronize(long stream) {}

    @Override
    public synchronized void launch(long function, Dim3 grid, Dim3 block, int sharedBytes, long stream, Object... params) {
        needContext("cuLaunchKernel");
        Function f = functions.get(function);
        if (f == null || !modules.containsKey(f.module)) throw invalidHandle("cuLaunchKernel");
        if ((long) block.x() * block.y() * block.z() > 1024 || grid.x() > maxGrid || grid.y() > maxGrid || grid.z() > maxGrid
                || sharedBytes < 0 || sharedBytes > 48 * 1024)
            throw invalidValue("cuLaunchKernel(" + f.name + ", grid " + grid + ", block " + block + ", " + sharedBytes + " shared bytes)");
        launches++;
        try {
            modules.get(f.module).launch(f.name, PtxSim.dim(grid.x(), grid.y(), grid.z()),
                    PtxSim.dim(block.x(), block.y(), block.z()), sharedBytes, params);
        } catch (PtxSimException e) {
            String m = e.getMessage();
            int code = m.contains("outside") ? 700 : m.contains("misaligned") ? 716 : 719;
            throw new CudaException("cuLaunchKernel(" + f.name + ")", code, errorName(code),
                    errorString(code) + "; PTX simulator: " + m, null);
        }
    }

    @Override
    public String errorName(int result) {
        return switch (result) {
            case 1 -> "CUDA_ERROR_INVALID_VALUE";
            case 2 -> "CUDA_ERROR_OUT_OF_MEMORY";
            case 201 -> "CUDA_ERROR_INVALID_CONTEXT";
            case 218 -> "CUDA_ERROR_INVALID_PTX";
            case 400 -> "CUDA_ERROR_INVALID_HANDLE";
            case 500 -> "CUDA_ERROR_NOT_FOUND";
            case 700 -> "CUDA_ERROR_ILLEGAL_ADDRESS";
            case 716 -> "CUDA_ERROR_MISALIGNED_ADDRESS";
            case 719 -> "CUDA_ERROR_LAUNCH_FAILED";
            default -> null;
        };
    }

    @Override
    public String errorString(int result) {
        return switch (result) {
            case 1 -> "invalid argument";
            case 2 -> "out of memory";
            case 201 -> "invalid device context";
            case 218 -> "a PTX JIT compilation failed";
            case 400 -> "invalid resource handle";
            case 500 -> "named symbol not found";
            case 700 -> "an illegal memory access was encountered";
            case 716 -> "a misaligned address was encountered";
            case 719 -> "unspecified launch failure";
            default -> null;
        };
    }
}
