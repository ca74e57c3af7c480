package dev.txc.driver;

import dev.txc.runtime.cuda.CudaApi;
import dev.txc.runtime.cuda.CudaException;
import java.lang.foreign.MemorySegment;

/** A driver that is installed but sees no GPU: {@code cuInit} returns {@code CUDA_ERROR_NO_DEVICE}, as on a machine without one. */
public final class NoGpuCudaApi implements CudaApi {
    private static CudaException noDevice(String call) {
        return new CudaException(call, CudaException.NO_DEVICE, "CUDA_ERROR_NO_DEVICE", "no CUDA-capable device is detected", null);
    }

    @Override public void init() { throw noDevice("cuInit"); }
    @Override public int driverVersion() { return 12080; }
    @Override public int deviceCount() { throw noDevice("cuDeviceGetCount"); }
    @Override public String deviceName(int ordinal) { throw noDevice("cuDeviceGetName"); }
    @Override public int attribute(int ordinal, Attribute a) { throw noDevice("cuDeviceGetAttribute"); }
    @Override public long primaryContextRetain(int ordinal) { throw noDevice("cuDevicePrimaryCtxRetain"); }
    @Override public void primaryContextRelease(int ordinal) { throw noDevice("cuDevicePrimaryCtxRelease_v2"); }
    @Override public void contextSetCurrent(long context) { throw noDevice("cuCtxSetCurrent"); }
    @Override public void contextSynchronize() { throw noDevice("cuCtxSynchronize"); }
    @Override public long moduleLoad(String ptx) { throw noDevice("cuModuleLoadDataEx"); }
    @Override public void moduleUnload(long module) { throw noDevice("cuModuleUnload"); }
    @Override public long moduleFunction(long module, String name) { throw noDevice("cuModuleGetFunction"); }
    @Override public long moduleGlobal(long module, String name) { throw noDevice("cuModuleGetGlobal_v2"); }
    @Override public long memAlloc(long bytes) { throw noDevice("cuMemAlloc_v2"); }
    @Override public void memFree(long pointer) { throw noDevice("cuMemFree_v2"); }
    @Override public void memsetD8(long pointer, byte value, long bytes) { throw noDevice("cuMemsetD8_v2"); }
    @Override public void memcpyHtoD(long dst, MemorySegment src) { throw noDevice("cuMemcpyHtoD_v2"); }
    @Override public void memcpyDtoH(MemorySegment dst, long src) { throw noDevice("cuMemcpyDtoH_v2"); }
    @Override public void memcpyDtoD(long dst, long src, long bytes) { throw noDevice("cuMemcpyDtoD_v2"); }
    @Override public long streamCreate() { throw noDevice("cuStreamCreate"); }
    @Override public void streamDestroy(long stream) { throw noDevice("cuStreamDestroy_v2"); }
    @Override public void streamSynchronize(long stream) { throw noDevice("cuStreamSynchronize"); }
    @Override public void launch(long function, Dim3 grid, Dim3 block, int sharedBytes, long stream, Object... params) { throw noDevice("cuLaunchKernel"); }
    @Override public String errorName(int result) { return null; }
    @Override public String errorString(int result) { return null; }
}
