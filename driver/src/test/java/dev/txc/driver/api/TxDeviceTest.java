package dev.txc.driver.api;

import static dev.txc.driver.api.Tx.*;
import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.txc.runtime.Device;
import dev.txc.runtime.cuda.Cuda;
import dev.txc.runtime.cuda.LibCuda;
import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;

/** The embedding API's device choice where there is no GPU: an error naming what is missing, never the CPU instead. */
@ResourceLock("txc.cuda.api")
class TxDeviceTest {
    private static boolean driverPresent() {
        try {
            SymbolLookup.libraryLookup(LibCuda.LIBRARY, Arena.global());
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static TxFunction twice() {
        Expr x = dvector("x");
        return function(List.of(x), x.times(2.0));
    }

    @Test
    void theCpuIsTheDefaultAndOnCpuIsTheSameFunction() {
        TxFunction f = twice();
        assertEquals(Device.CPU, f.device());
        assertSame(f, f.on(Device.CPU));
        assertEquals(List.of(2.0, -4.0), java.util.Arrays.stream(f.invoke(new double[] {1, -2}).get(0).toDoubleArray()).boxed().toList());
    }

    @Test
    void cudaWithoutTheDriverNamesIt() {
        assumeFalse(driverPresent(), "libcuda.so.1 is present here");
        var e = assertThrows(TxException.class, () -> twice().on(Device.CUDA));
        assertTrue(e.getMessage().startsWith("--device cuda needs the NVIDIA CUDA driver, but libcuda.so.1 cannot be loaded"), e.getMessage());
        assertTrue(e.getMessage().endsWith("run on the CPU with --device cpu (Device.CPU in the Java API)"), e.getMessage());
    }

    @Test
    void cudaWithADriverButNoGpuNamesIt() {
        String old = System.getProperty(Cuda.API_PROPERTY);
        System.setProperty(Cuda.API_PROPERTY, dev.txc.driver.NoGpuCudaApi.class.getName());
        try {
            var e = assertThrows(TxException.class, () -> twice().on(Device.CUDA));
            assertTrue(e.getMessage().startsWith("--device cuda: the CUDA driver (libcuda.so.1) found no GPU"), e.getMessage());
        } finally {
            if (old == null) System.clearProperty(Cuda.API_PROPERTY);
            else System.setProperty(Cuda.API_PROPERTY, old);
        }
    }
}
