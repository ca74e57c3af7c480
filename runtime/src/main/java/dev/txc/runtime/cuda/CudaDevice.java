package dev.txc.runtime.cuda;

import dev.txc.runtime.cuda.CudaApi.Attribute;
import dev.txc.runtime.cuda.CudaApi.Dim3;
import dev.txc.types.DType;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One GPU as txc uses it: its primary context (retained on open, made current on the calling thread before each
 * piece of work), its launch limits, and the PTX modules loaded into it, each loaded once per distinct text.
 */
public final class CudaDevice {
    private final CudaApi api;
    private final int ordinal;
    private final long context;
    private final String name;
    private final int major, minor, maxThreadsPerBlock, maxSharedPerBlock;
    private final int[] maxGrid;
    private final ConcurrentHashMap<String, CudaModule> modules = new ConcurrentHashMap<>();

    private CudaDevice(CudaApi api, int ordinal) {
        this.api = api;
        this.ordinal = ordinal;
        this.name = api.deviceName(ordinal);
        this.major = api.attribute(ordinal, Attribute.COMPUTE_CAPABILITY_MAJOR);
        this.minor = api.attribute(ordinal, Attribute.COMPUTE_CAPABILITY_MINOR);
        this.maxThreadsPerBlock = api.attribute(ordinal, Attribute.MAX_THREADS_PER_BLOCK);
        this.maxSharedPerBlock = api.attribute(ordinal, Attribute.MAX_SHARED_MEMORY_PER_BLOCK);
        this.maxGrid = new int[] {api.attribute(ordinal, Attribute.MAX_GRID_DIM_X), api.attribute(ordinal, Attribute.MAX_GRID_DIM_Y),
                api.attribute(ordinal, Attribute.MAX_GRID_DIM_Z)};
        this.context = api.primaryContextRetain(ordinal);
        api.contextSetCurrent(context);
    }

    /**
     * Initializes the driver and opens GPU {@code ordinal}.
     *
     * @throws CudaUnavailableException when the driver reports no GPU (or fewer than {@code ordinal + 1})
     */
    public static CudaDevice open(CudaApi api, int ordinal) {
        try {
            api.init();
        } catch (CudaException e) {
            if (e.result() == CudaException.NO_DEVICE) throw CudaUnavailableException.noDevice(" (cuInit: CUDA_ERROR_NO_DEVICE)", e);
            throw e;
        }
        int count = api.deviceCount();
        if (count <= ordinal) throw CudaUnavailableException.noDevice(count == 0 ? "" : " numbered " + ordinal + " (it sees " + count + ")", null);
        return new CudaDevice(api, ordinal);
    }

    public CudaApi api() {
        return api;
    }

    /** The device's name as the driver reports it, e.g. {@code NVIDIA H100 80GB HBM3}. */
    public String name() {
        return name;
    }

    /** The compute capability as {@code sm_XY}. */
    public String arch() {
        return "sm_" + major + minor;
    }

    /** The compute capability as a number, e.g. 90 for sm_90. */
    public int sm() {
        return major * 10 + minor;
    }

    public int maxThreadsPerBlock() {
        return maxThreadsPerBlock;
    }

    public int maxSharedPerBlock() {
        return maxSharedPerBlock;
    }

    /** Makes the device's context current on the calling thread (the driver binds contexts per thread). */
    public void makeCurrent() {
        api.contextSetCurrent(context);
    }

    /** The module of PTX text {@code ptx}, loaded (JIT-compiled by the driver) on first use. */
    public CudaModule module(String ptx) {
        return modules.computeIfAbsent(ptx, text -> {
            makeCurrent();
            return new CudaModule(this, api.moduleLoad(text));
        });
    }

    /** Zeroed device memory for {@code n} elements of {@code t}, shaped {@code shape}. */
    public DeviceArray zeros(DType t, int... shape) {
        return DeviceArray.allocate(this, t, shape);
    }

    /**
     * A grid extent of {@code blocks} along {@code axis} (0 = x), clamped to the device's limit: kernels loop over
     * what the grid does not cover (grid-stride), so a clamped grid computes the same result.
     */
    public int clampGrid(long blocks, int axis) {
        return (int) Math.max(1, Math.min(blocks, maxGrid[axis]));
    }

    /**
     * Launches entry {@code entry} of {@code module} on the default stream; the block is checked against the device's
     * limit (a kernel's block size is fixed when its PTX is rendered).
     */
    public void launch(CudaModule module, String entry, Dim3 grid, Dim3 block, int sharedBytes, Object... params) {
        long threads = (long) block.x() * block.y() * block.z();
        if (threads > maxThreadsPerBlock)
            throw new IllegalStateException("kernel " + entry + " asks for " + threads + " threads per block; " + name + " allows " + maxThreadsPerBlock);
        if (sharedBytes > maxSharedPerBlock)
            throw new IllegalStateException("kernel " + entry + " asks for " + sharedBytes + " bytes of shared memory; " + name + " allows " + maxSharedPerBlock);
        api.launch(module.function(entry), new Dim3(clampGrid(grid.x(), 0), clampGrid(grid.y(), 1), clampGrid(grid.z(), 2)), block, sharedBytes, 0, params);
    }

    // ---- device memory: freed blocks are kept by size for the next allocation of that size, since a training loop
    // allocates the same sizes every call and cuMemAlloc/cuMemFree cost far more than its kernels at small sizes

    /** Most bytes kept for reuse; beyond it freed blocks go back to the driver. */
    static final long POOL_BYTES = 1L << 31;

    private final java.util.HashMap<Long, java.util.ArrayDeque<Long>> pool = new java.util.HashMap<>();
    private long pooled;

    /**
     * A block of {@code bytes} device bytes: one freed earlier with that size, or a fresh {@code cuMemAlloc}; when
     * the driver is out of memory, the kept blocks are returned to it and the allocation is tried once more.
     */
    long acquire(long bytes) {
        synchronized (pool) {
            var free = pool.get(bytes);
            if (free != null && !free.isEmpty()) {
                pooled -= bytes;
                return free.pop();
            }
        }
        makeCurrent();
        try {
            return api.memAlloc(bytes);
        } catch (CudaException e) {
            if (e.result() != 2 || !trim()) throw e; // 2: CUDA_ERROR_OUT_OF_MEMORY
            return api.memAlloc(bytes);
        }
    }

    /** Takes back a block from {@link #acquire}: kept for reuse, or freed when the pool is full. */
    void release(long pointer, long bytes) {
        synchronized (pool) {
            if (pooled + bytes <= POOL_BYTES) {
                pool.computeIfAbsent(bytes, b -> new java.util.ArrayDeque<>()).push(pointer);
                pooled += bytes;
                return;
            }
        }
        makeCurrent();
        api.memFree(pointer);
    }

    /** Returns every kept block to the driver; whether there were any. */
    public boolean trim() {
        java.util.List<Long> blocks = new java.util.ArrayList<>();
        synchronized (pool) {
            pool.values().forEach(blocks::addAll);
            pool.clear();
            pooled = 0;
        }
        if (blocks.isEmpty()) return false;
        makeCurrent();
        for (long p : blocks) api.memFree(p);
        return true;
    }

    /** Waits for all launched work; a kernel's failure surfaces here as a {@link CudaException}. */
    public void synchronize() {
        api.contextSynchronize();
    }

    @Override
    public String toString() {
        return name + " (" + arch() + ")";
    }
}
