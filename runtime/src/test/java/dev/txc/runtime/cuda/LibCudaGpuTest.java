package dev.txc.runtime.cuda;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The driver binding on a real GPU; skipped with a message where libcuda.so.1 is absent (CI, development machines). */
@Tag("gpu")
class LibCudaGpuTest {
    @Test
    void theDriverPathWorksOnARealGpu() {
        assumeTrue(LibCudaTest.driverPresent(), "no libcuda.so.1 on this machine: the gpu tests run where an NVIDIA driver is (bench/gpu/run.sh)");
        CudaDevice device;
        try {
            device = CudaDevice.open(LibCuda.load(), 0);
        } catch (CudaUnavailableException e) {
            assumeTrue(false, "libcuda.so.1 is present but there is no GPU: " + e.getMessage());
            return;
        }
        GpuChecks.check(device).forEach(System.out::println);
    }
}
