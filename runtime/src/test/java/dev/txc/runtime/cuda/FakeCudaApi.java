package dev.txc.runtime.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * A test double of the driver: device memory is native host memory (a device pointer is its address), and a
 * "module" is a name whose entries are Java kernels registered by the test, each given the device memory and the
 * launch's parameters. It checks what a driver checks that matters here: handles are known, copies stay inside
 * allocations, freed memory is not used, and a context is current. Every call is recorded for assertions.
 */
class FakeCudaApi implements CudaApi {
    /** A Java stand-in for a kernel: receives this fake (for {@link #memory}) and the launch. */
    interface Kernel extends BiConsumer<FakeCudaApi, Launch> {}

    record Launch(String entry, Dim3 grid, Dim3 block, int sharedBytes, Object[] params) {}

    final Map<Long, MemorySegment> allocations = new HashMap<>();
    final Map<String, Kernel> kernels = new HashMap<>();
    final List<String> calls = new ArrayList<>();
    final List<Launch> launches = new ArrayList<>();
    private final Map<Long, String> modules = new HashMap<>(), functions = new HashMap<>();
    private final Arena arena = Arena.ofShared();
    int maxGridX = Integer.MAX_VALUE;
    private long next = 1;
    private long current;

    @Override
    public void init() {
        calls.add("init");
    }

    @Override
    public int driverVersion() {
        return 12080;
    }

    @Override
    public int deviceCount() {
        return 1;
    }

    @Override
    public String deviceName(int ordinal) {
        return "Fake GPU";
    }

    @Override
    public int attribute(int ordinal, Attribute a) {
        return switch (a) {
            case MAX_THREADS_PER_BLOCK -> 1024;
            case MAX_GRID_DIM_X -> maxGridX;
            case MAX_GRID_DIM_Y, MAX_GRID_DIM_Z -> 65535;
            case MAX_SHARED_MEMORY_PER_BLOCK -> 48 * 1024;
            case MULTIPROCESSOR_COUNT -> 4;
            case COMPUTE_CAPABILITY_MAJOR -> 8;
            case COMPUTE_CAPABILITY_MINOR -> 0;
        };
    }

    @Override
    public long primaryContextRetain(int ordinal) {
        return 77;
    }

    @Override
    public void primaryContextRelease(int ordinal) {}

    @Override
    public void contextSetCurrent(long context) {
        current = context;
    }

    @Override
    public void contextSynchronize() {
        needContext();
        calls.add("sync");
    }

    private void needContext() {
        if (current != 77) throw new CudaException("fake", 201, "CUDA_ERROR_INVALID_CONTEXT", "no current context", null);
    }

    @Override
    public synchronized long moduleLoad(String ptx) {
        needContext();
        if (ptx.contains("syntax error")) throw new CudaException("cuModuleLoadDataEx", 218, "CUDA_ERROR_INVALID_PTX", "a PTX JIT compilation failed", "ptxas application ptx input, line 1; error   : syntax error");
        long h = next++;
        modules.put(h, ptx);
        calls.add("moduleLoad");
        var global = java.util.regex.Pattern.compile("\\.global .*\\.u32 (\\w+);").matcher(ptx);
        while (global.find()) globals.computeIfAbsent(global.group(1), n -> memAlloc(4));
        return h;
    }

    @Override
    public void moduleUnload(long module) {
        modules.remove(module);
    }

    @Override
    public synchronized long moduleFunction(long module, String name) {
        if (!modules.containsKey(module) || !kernels.containsKey(name))
            throw new CudaException("cuModuleGetFunction(" + name + ")", 500, "CUDA_ERROR_NOT_FOUND", "named symbol not found", null);
        long h = next++;
        functions.put(h, name);
        calls.add("function " + name);
        return h;
    }

    @Override
    public synchronized long moduleGlobal(long module, String name) {
        if (!modules.containsKey(module) || !modules.get(module).contains(".u32 " + name + ";"))
            throw new CudaException("cuModuleGetGlobal_v2(" + name + ")", 500, "CUDA_ERROR_NOT_FOUND", "named symbol not found", null);
        return globals.computeIfAbsent(name, n -> memAlloc(4));
    }

    final Map<String, Long> globals = new HashMap<>();

    @Override
    public synchronized long memAlloc(long bytes) {
        needContext();
        MemorySegment s = arena.allocate(bytes, 256);
        allocations.put(s.address(), s);
        calls.add("alloc " + bytes);
        return s.address();
    }

    @Override
    public synchronized void memFree(long pointer) {
        needContext();
        if (allocations.remove(pointer) == null) throw new CudaException("cuMemFree_v2", 1, "CUDA_ERROR_INVALID_VALUE", "invalid argument", null);
        calls.add("free");
    }

    /** The device memory of {@code bytes} bytes at {@code pointer}, which must lie inside one allocation. */
    synchronized MemorySegment memory(long pointer, long bytes) {
        for (MemorySegment s : allocations.values()) {
            if (pointer >= s.address() && pointer + bytes <= s.address() + s.byteSize()) return s.asSlice(pointer - s.address(), bytes);
        }
        throw new CudaException("fake access", 700, "CUDA_ERROR_ILLEGAL_ADDRESS", bytes + " bytes at " + pointer + " are outside every allocation", null);
    }

    @Override
    public void memsetD8(long pointer, byte value, long bytes) {
        memory(pointer, bytes).fill(value);
    }

    @Override
    public void memcpyHtoD(long dst, MemorySegment src) {
        needContext();
        memory(dst, src.byteSize()).copyFrom(src);
        calls.add("HtoD " + src.byteSize());
    }

    @Override
    public void memcpyDtoH(MemorySegment dst, long src) {
        needContext();
        dst.copyFrom(memory(src, dst.byteSize()));
        calls.add("DtoH " + dst.byteSize());
    }

    @Override
    public void memcpyDtoD(long dst, long src, long bytes) {
        needContext();
        memory(dst, bytes).copyFrom(memory(src, bytes));
        calls.add("DtoD " + bytes);
    }

    @Override
    public long streamCreate() {
        return next++;
    }

    @Override
    public void streamDestroy(long stream) {}

    @Override
    public void streamSynchronize(long stream) {}

    @Override
    public void launch(long function, Dim3 grid, Dim3 block, int sharedBytes, long stream, Object... params) {
        needContext();
        String name = functions.get(function);
        if (name == null) throw new CudaException("cuLaunchKernel", 400, "CUDA_ERROR_INVALID_HANDLE", "invalid resource handle", null);
        var l = new Launch(name, grid, block, sharedBytes, params.clone());
        launches.add(l);
        calls.add("launch " + name);
        kernels.get(name).accept(this, l);
    }

    @Override
    public String errorName(int result) {
        return null;
    }

    @Override
    public String errorString(int result) {
        return null;
    }
}
