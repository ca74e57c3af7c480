package dev.txc.runtime.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import org.junit.jupiter.api.Test;

/** The driver binding where there is no driver (what CI sees): a clear error, never a fallback. */
class LibCudaTest {
    static boolean driverPresent() {
        try {
            SymbolLookup.libraryLookup(LibCuda.LIBRARY, Arena.global());
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    @Test
    void withoutTheDriverLibraryTheErrorNamesItAndTheCpuWay() {
        assumeFalse(driverPresent(), "libcuda.so.1 is present here; the gpu-tagged tests cover the driver");
        var e = assertThrows(CudaUnavailableException.class, LibCuda::load);
        assertTrue(e.getMessage().startsWith("--device cuda needs the NVIDIA CUDA driver, but libcuda.so.1 cannot be loaded"), e.getMessage());
        assertTrue(e.getMessage().endsWith("; install the NVIDIA driver on a machine with a GPU, or run on the CPU with --device cpu (Device.CPU in the Java API)"), e.getMessage());
        assertThrows(CudaUnavailableException.class, Cuda::device);
    }

    @Test
    void aDriverWithoutGpusSaysSo() {
        var noGpu = new FakeCudaApi() {
            @Override
            public void init() {
                throw new CudaException("cuInit", CudaException.NO_DEVICE, "CUDA_ERROR_NO_DEVICE", "no CUDA-capable device is detected", null);
            }
        };
        var e = assertThrows(CudaUnavailableException.class, () -> CudaDevice.open(noGpu, 0));
        assertEquals("--device cuda: the CUDA driver (libcuda.so.1) found no GPU (cuInit: CUDA_ERROR_NO_DEVICE); run on the CPU with --device cpu (Device.CPU in the Java API)", e.getMessage());
        var none = new FakeCudaApi() {
            @Override
            public int deviceCount() {
                return 0;
            }
        };
        assertThrows(CudaUnavailableException.class, () -> CudaDevice.open(none, 0));
    }

    @Test
    void driverErrorsNameTheCallAndTheResult() {
        var e = new CudaException("cuMemAlloc_v2(64 bytes)", 2, "CUDA_ERROR_OUT_OF_MEMORY", "out of memory", null);
        assertEquals("cuMemAlloc_v2(64 bytes) failed: CUDA_ERROR_OUT_OF_MEMORY (out of memory)", e.getMessage());
        assertEquals("cuX failed: CUresult 999", new CudaException("cuX", 999, null, null, "").getMessage());
    }
}
