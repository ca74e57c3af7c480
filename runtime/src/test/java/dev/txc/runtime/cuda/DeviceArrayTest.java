package dev.txc.runtime.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.txc.runtime.Buffer;
import dev.txc.runtime.NDArray;
import dev.txc.types.DType;
import org.junit.jupiter.api.Test;

/** Device arrays over the fake driver: copies in every direction keep the runtime's byte layout. */
class DeviceArrayTest {
    private final FakeCudaApi api = new FakeCudaApi();
    private final CudaDevice device = CudaDevice.open(api, 0);

    @Test
    void f64RoundTripsAndLaysOutLittleEndian() {
        NDArray a = NDArray.ofDoubles(new double[] {1.5, -2, 3e300, Double.NaN, 0, 7}, 2, 3);
        DeviceArray d = DeviceArray.fromHost(device, a);
        assertEquals(48, d.byteSize());
        assertEquals(a, d.toHost());
        // the device bytes are the IEEE 754 doubles, little-endian
        var bytes = api.memory(d.pointer(), 8);
        assertEquals(Double.doubleToRawLongBits(1.5), bytes.get(java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN), 0));
    }

    @Test
    void boolIsOneByteZeroOrOne() {
        NDArray a = NDArray.ofBooleans(new boolean[] {true, false, true});
        DeviceArray d = DeviceArray.fromHost(device, a);
        var bytes = api.memory(d.pointer(), 3);
        assertArrayEquals(new byte[] {1, 0, 1}, bytes.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
        assertEquals(a, d.toHost());
    }

    @Test
    void viewsAndNativeMemoryUploadTheirElementsInCOrder() {
        NDArray base = NDArray.ofFloats(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        NDArray t = base.transpose(); // [[1,4],[2,5],[3,6]]
        assertEquals(NDArray.ofFloats(new float[] {1, 4, 2, 5, 3, 6}, 3, 2), DeviceArray.fromHost(device, t).toHost());
        NDArray row = base.index(0, 1); // [4,5,6], offset 3
        assertEquals(NDArray.ofFloats(new float[] {4, 5, 6}), DeviceArray.fromHost(device, row).toHost());
        NDArray onNative = NDArray.ofLongs(new long[] {9, -8, 7}).to(Buffer.Allocator.nativeMemory());
        assertEquals(NDArray.ofLongs(new long[] {9, -8, 7}), DeviceArray.fromHost(device, onNative).toHost());
    }

    @Test
    void freshArraysAreZeroAndDeviceCopiesCopy() {
        DeviceArray z = device.zeros(DType.I32, 4);
        assertEquals(NDArray.ofInts(new int[4]), z.toHost());
        DeviceArray a = DeviceArray.fromHost(device, NDArray.ofInts(new int[] {1, 2, 3, 4}));
        z.copyFrom(a);
        assertEquals(NDArray.ofInts(new int[] {1, 2, 3, 4}), z.toHost());
        assertTrue(api.calls.contains("DtoD 16"));
    }

    @Test
    void emptyArraysCopyNothing() {
        DeviceArray e = DeviceArray.fromHost(device, NDArray.zeros(DType.F64, 0, 3));
        assertEquals(NDArray.zeros(DType.F64, 0, 3), e.toHost());
    }

    @Test
    void shapeOrDtypeMismatchIsRefused() {
        DeviceArray d = device.zeros(DType.F64, 2);
        var e = assertThrows(IllegalArgumentException.class, () -> d.upload(NDArray.ofDoubles(new double[] {1, 2, 3})));
        assertTrue(e.getMessage().contains("f64(3,) into a device array of f64(2,)"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> d.upload(NDArray.ofFloats(new float[] {1, 2})));
    }

    @Test
    void freedMemoryIsReusedBySizeAndTrimmedBackToTheDriver() {
        DeviceArray d = device.zeros(DType.F32, 8);
        long p = d.pointer();
        int live = api.allocations.size();
        d.free();
        d.free();
        DeviceArray again = device.zeros(DType.I32, 8); // 32 bytes again: the same block, no cuMemAlloc
        assertEquals(p, again.pointer());
        assertEquals(live, api.allocations.size());
        assertEquals(NDArray.ofInts(new int[8]), again.toHost());
        again.free();
        assertTrue(device.trim());
        assertEquals(live - 1, api.allocations.size());
        assertTrue(!device.trim());
    }

    @Test
    void gridsAreClampedToTheDeviceLimit() {
        api.maxGridX = 1000;
        CudaDevice small = CudaDevice.open(api, 0);
        assertEquals(1000, small.clampGrid(1L << 40, 0));
        assertEquals(1, small.clampGrid(0, 0));
        assertEquals(17, small.clampGrid(17, 0));
    }

    @Test
    void aFailedModuleLoadShowsTheJitLog() {
        var e = assertThrows(CudaException.class, () -> device.module("syntax error here"));
        assertTrue(e.getMessage().startsWith("cuModuleLoadDataEx failed: CUDA_ERROR_INVALID_PTX (a PTX JIT compilation failed); the PTX JIT compiler says:"), e.getMessage());
        assertTrue(e.getMessage().contains("line 1; error   : syntax error"), e.getMessage());
    }

    @Test
    void modulesAndFunctionsAreLoadedOnce() {
        api.kernels.put("k", (fake, l) -> { });
        CudaModule m = device.module(".entry k");
        assertEquals(m, device.module(".entry k"));
        device.launch(m, "k", CudaApi.Dim3.of(3), CudaApi.Dim3.of(128), 0, 5L);
        device.launch(m, "k", CudaApi.Dim3.of(3), CudaApi.Dim3.of(128), 0, 5L);
        assertEquals(1, api.calls.stream().filter(c -> c.equals("moduleLoad")).count());
        assertEquals(1, api.calls.stream().filter(c -> c.equals("function k")).count());
    }
}
