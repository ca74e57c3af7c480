package dev.txc.cuda.sim;

import dev.txc.runtime.NDArray;
import dev.txc.runtime.cuda.CudaApi;
import dev.txc.runtime.cuda.CudaApi.Dim3;
import dev.txc.runtime.cuda.CudaDevice;
import dev.txc.runtime.cuda.CudaException;
import dev.txc.runtime.cuda.CudaModule;
import dev.txc.runtime.cuda.DeviceArray;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The runtime's driver interface over the simulator: modules, functions, memory, launches and their failures. */
class SimCudaApiTest {
    @Test
    void theRuntimeRunsAKernelThroughTheSimulatedDriver() {
        CudaDevice device = CudaDevice.open(new SimCudaApi(2), 0);
        assertEquals("sm_80", device.arch());
        CudaModule m = device.module(Kernels.SAXPY);
        int n = 1000;
        float[] x = new float[n], y = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = i * 0.5f - 7;
            y[i] = 3 - i * 0.25f;
        }
        DeviceArray dx = DeviceArray.fromHost(device, NDArray.ofFloats(x, n)), dy = DeviceArray.fromHost(device, NDArray.ofFloats(y, n));
        device.launch(m, "saxpy", Dim3.of(100), Dim3.of(128), 0, dx.pointer(), dy.pointer(), (long) n, 2.5f);
        device.synchronize();
        float[] want = new float[n];
        for (int i = 0; i < n; i++) want[i] = Math.fma(2.5f, x[i], y[i]);
        NDArray got = dy.toHost();
        for (int i = 0; i < n; i++) assertEquals(want[i], (float) got.getDouble(i), 0f, "element " + i);
        dx.free();
        dy.free();
    }

    @Test
    void modulesShareDeviceMemoryAndExposeTheirGlobals() {
        SimCudaApi api = new SimCudaApi();
        api.contextSetCurrent(api.primaryContextRetain(0));
        String flag = Kernels.HEADER + """
                .global .align 4 .u32 txc_error;
                .visible .entry raise(.param .u32 code)
                {
                    .reg .b32 %r<3>;
                    ld.param.u32 %r1, [code];
                    mov.u64 %rd1, txc_error;
                    atom.global.max.u32 %r2, [txc_error], %r1;
                    ret;
                }
                """.replace(".reg .b32 %r<3>;", ".reg .b32 %r<3>;\n    .reg .b64 %rd<2>;");
        long m1 = api.moduleLoad(flag), m2 = api.moduleLoad(Kernels.SAXPY);
        long err = api.moduleGlobal(m1, "txc_error");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment word = arena.allocate(4);
            api.memcpyDtoH(word, err);
            assertEquals(0, word.get(ValueLayout.JAVA_INT, 0), "module globals start zeroed");
            api.launch(api.moduleFunction(m1, "raise"), Dim3.of(1), Dim3.of(1), 0, 0, 7);
            api.memcpyDtoH(word, err);
            assertEquals(7, word.get(ValueLayout.JAVA_INT, 0));
            // a buffer written by one module's kernel is read by another's
            long x = api.memAlloc(8), y = api.memAlloc(8);
            api.memsetD8(y, (byte) 0, 8);
            api.memcpyDtoD(x, err, 4);
            api.memcpyDtoD(x + 4, err, 4);
            api.launch(api.moduleFunction(m2, "saxpy"), Dim3.of(1), Dim3.of(32), 0, 0, x, y, 2L, 1.0f);
            MemorySegment out = arena.allocate(8);
            api.memcpyDtoH(out, y);
            assertEquals(Float.intBitsToFloat(7), out.get(ValueLayout.JAVA_FLOAT, 0), 0f);
            assertEquals(Float.intBitsToFloat(7), out.get(ValueLayout.JAVA_FLOAT, 4), 0f);
        }
        assertThrows(CudaException.class, () -> api.moduleGlobal(m2, "txc_error"));
        assertThrows(CudaException.class, () -> api.moduleFunction(m1, "saxpy"));
    }

    @Test
    void failuresAreDriverErrorsCarryingTheSimulatorsMessage() {
        SimCudaApi api = new SimCudaApi();
        api.contextSetCurrent(api.primaryContextRetain(0));
        CudaException bad = assertThrows(CudaException.class, () -> api.moduleLoad(Kernels.HEADER + ".visible .entry k() { foo; }"));
        assertEquals(218, bad.result());
        assertTrue(bad.getMessage().contains("PTX simulator: line 5"), bad.getMessage());
        long m = api.moduleLoad(Kernels.SAXPY);
        long f = api.moduleFunction(m, "saxpy");
        long x = api.memAlloc(16), y = api.memAlloc(16);
        CudaException oob = assertThrows(CudaException.class, () -> api.launch(f, Dim3.of(1), Dim3.of(32), 0, 0, x, y, 5L, 1f));
        assertEquals(700, oob.result());
        assertTrue(oob.getMessage().contains("outside every allocation") && oob.getMessage().contains("thread (4,0,0)"), oob.getMessage());
        assertEquals(1, assertThrows(CudaException.class, () -> api.memcpyDtoD(x, y, 17)).result());
        api.memFree(x);
        assertEquals(1, assertThrows(CudaException.class, () -> api.memFree(x)).result());
        api.contextSetCurrent(0);
        assertEquals(201, assertThrows(CudaException.class, () -> api.memAlloc(8)).result());
    }

    @Test
    void theSystemPropertyCanNameIt() throws ReflectiveOperationException {
        Object api = Class.forName("dev.txc.cuda.sim.SimCudaApi").getConstructor().newInstance();
        assertTrue(api instanceof CudaApi);
    }
}
