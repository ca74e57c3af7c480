package dev.txc.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.txc.runtime.cuda.Cuda;
import dev.txc.runtime.cuda.LibCuda;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;

/** {@code --device cuda} where a driver is installed but no GPU is (the driver injected through {@code txc.cuda.api}). */
@ResourceLock("txc.cuda.api")
class CudaCliTest {
    @TempDir
    Path dir;

    static boolean driverPresent() {
        try {
            SymbolLookup.libraryLookup(LibCuda.LIBRARY, Arena.global());
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    @Test
    void aDriverWithoutAGpuIsAUserErrorNamingIt() throws IOException {
        Path f = Files.writeString(dir.resolve("t.tx"), "fn g(x: f64) = x\n");
        String old = System.getProperty(Cuda.API_PROPERTY);
        System.setProperty(Cuda.API_PROPERTY, NoGpuCudaApi.class.getName());
        try {
            Cli r = Cli.run("run", f.toString(), "--fn", "g", "--arg", "x=1", "--device", "cuda");
            assertEquals(1, r.status(), r::toString);
            assertEquals("error: --device cuda: the CUDA driver (libcuda.so.1) found no GPU (cuInit: CUDA_ERROR_NO_DEVICE); "
                    + "run on the CPU with --device cpu (Device.CPU in the Java API)\n", r.err());
            r = Cli.run("run", f.toString(), "--fn", "g", "--arg", "x=1", "--device", "cpu");
            assertEquals("x = 1.0\n", r.out(), r::toString);
        } finally {
            if (old == null) System.clearProperty(Cuda.API_PROPERTY);
            else System.setProperty(Cuda.API_PROPERTY, old);
        }
    }
}
