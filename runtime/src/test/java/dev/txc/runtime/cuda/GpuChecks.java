package dev.txc.runtime.cuda;

import dev.txc.runtime.NDArray;
import dev.txc.types.DType;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * The checks of the real driver path, runnable without JUnit (the GPU machine has a JDK runtime but no Maven): the
 * {@code gpu}-tagged {@link LibCudaGpuTest} runs {@link #check}, and {@code bench/gpu/run.sh} runs {@link #main},
 * which adds the device-to-device copy bandwidth that the CUDA benchmarks are measured against. Expected values are
 * computed here with plain Java (a product of doubles is exact IEEE arithmetic on both sides).
 */
public final class GpuChecks {
    private GpuChecks() {}

    /** A hand-written grid-stride kernel {@code scale(out, x, a, n)}: out[i] = a * x[i]; sets txc_error to 7 when n is 0. */
    static String scalePtx() {
        try (InputStream in = GpuChecks.class.getResourceAsStream("scale.ptx")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs every check on {@code device}; returns one line per check; throws AssertionError on the first failure. */
    public static List<String> check(CudaDevice device) {
        var lines = new ArrayList<String>();
        lines.add("device: " + device + ", driver " + device.api().driverVersion());
        expect(device.sm() >= 70, "compute capability " + device.arch() + " >= sm_70");
        roundTrips(device);
        lines.add("ok: host<->device copies of f64, f32, i64, i32, bool (1e6 f64 elements)");
        scaleKernel(device);
        lines.add("ok: PTX module load, function lookup, launch with kernelParams, clamped grid (grid-stride)");
        errorWord(device);
        lines.add("ok: the module's txc_error word is read through cuModuleGetGlobal_v2");
        badPtx(device);
        lines.add("ok: a failed module load shows the JIT error log; an unknown entry is CUDA_ERROR_NOT_FOUND");
        return lines;
    }

    private static void expect(boolean ok, String what) {
        if (!ok) throw new AssertionError("expected " + what);
    }

    private static void roundTrips(CudaDevice device) {
        var r = new Random(42);
        double[] d = new double[1_000_000];
        for (int i = 0; i < d.length; i++) d[i] = r.nextGaussian();
        for (NDArray a : List.of(NDArray.ofDoubles(d, 1000, 1000), NDArray.ofFloats(new float[] {1.5f, -2f, Float.NaN}),
                NDArray.ofLongs(new long[] {Long.MIN_VALUE, 0, 7}), NDArray.ofInts(new int[] {1, -1}),
                NDArray.ofBooleans(new boolean[] {true, false, true, true}), NDArray.ofDoubles(d, 1000, 1000).transpose())) {
            DeviceArray on = DeviceArray.fromHost(device, a);
            DeviceArray copy = device.zeros(a.dtype(), a.shape());
            copy.copyFrom(on);
            expect(copy.toHost().equals(a.contiguous()), "a device round trip of " + a.dtype().spelling() + " to give the same elements");
            on.free();
            copy.free();
        }
    }

    private static void scaleKernel(CudaDevice device) {
        int n = 1_000_003;
        double[] x = new double[n];
        for (int i = 0; i < n; i++) x[i] = i * 0.5 - 1000;
        DeviceArray dx = DeviceArray.fromHost(device, NDArray.ofDoubles(x)), out = device.zeros(DType.F64, n);
        CudaModule m = device.module(scalePtx());
        // 64 blocks of 256 threads cover n only by striding
        device.launch(m, "scale", CudaApi.Dim3.of(64), CudaApi.Dim3.of(256), 0, out.pointer(), dx.pointer(), -3.0, (long) n);
        device.synchronize();
        double[] got = (double[]) out.toHost().heapArray();
        for (int i = 0; i < n; i++) if (got[i] != -3.0 * x[i]) throw new AssertionError("scale: element " + i + " is " + got[i] + ", expected " + (-3.0 * x[i]));
        dx.free();
        out.free();
    }

    private static void errorWord(CudaDevice device) {
        CudaModule m = device.module(scalePtx());
        long word = m.global("txc_error");
        device.api().memsetD8(word, (byte) 0, 4);
        DeviceArray out = device.zeros(DType.F64, 1);
        device.launch(m, "scale", CudaApi.Dim3.of(1), CudaApi.Dim3.of(32), 0, out.pointer(), out.pointer(), 1.0, 0L);
        device.synchronize();
        MemorySegment host = MemorySegment.ofArray(new int[1]);
        device.api().memcpyDtoH(host, word);
        expect(host.get(ValueLayout.JAVA_INT, 0) == 7, "txc_error == 7 after scale with n = 0, got " + host.get(ValueLayout.JAVA_INT, 0));
        device.api().memsetD8(word, (byte) 0, 4);
        out.free();
    }

    private static void badPtx(CudaDevice device) {
        try {
            device.module(scalePtx().replace("mul.f64", "mul.f65"));
            throw new AssertionError("expected invalid PTX to fail to load");
        } catch (CudaException e) {
            expect(e.getMessage().startsWith("cuModuleLoadDataEx failed: CUDA_ERROR_INVALID_PTX"), "the load error to name the call and result: " + e.getMessage());
            expect(e.getMessage().contains("the PTX JIT compiler says:") && e.getMessage().contains("mul.f65"), "the JIT log in the message: " + e.getMessage());
        }
        try {
            device.module(scalePtx()).function("no_such_entry");
            throw new AssertionError("expected an unknown entry to fail");
        } catch (CudaException e) {
            expect(e.getMessage().contains("CUDA_ERROR_NOT_FOUND"), "CUDA_ERROR_NOT_FOUND: " + e.getMessage());
        }
    }

    /**
     * The bandwidth of a device-to-device copy and of the scale kernel (bytes read + written per second), the best of
     * {@code reps} runs over {@code bytes} bytes.
     */
    static List<String> bandwidth(CudaDevice device, long bytes, int reps) {
        int n = (int) (bytes / 8);
        DeviceArray a = device.zeros(DType.F64, n), b = device.zeros(DType.F64, n);
        CudaModule m = device.module(scalePtx());
        long bestCopy = Long.MAX_VALUE, bestScale = Long.MAX_VALUE;
        for (int k = 0; k < reps + 2; k++) {
            device.synchronize();
            long t0 = System.nanoTime();
            b.copyFrom(a);
            device.synchronize();
            long t1 = System.nanoTime();
            device.launch(m, "scale", CudaApi.Dim3.of(device.clampGrid((n + 255) / 256, 0)), CudaApi.Dim3.of(256), 0, b.pointer(), a.pointer(), 2.0, (long) n);
            device.synchronize();
            long t2 = System.nanoTime();
            if (k >= 2) {
                bestCopy = Math.min(bestCopy, t1 - t0);
                bestScale = Math.min(bestScale, t2 - t1);
            }
        }
        a.free();
        b.free();
        return List.of(String.format(Locale.ROOT, "device-to-device copy of %d MiB: %.1f GB/s (read + write), best of %d", bytes >> 20, 2.0 * bytes / bestCopy, reps),
                String.format(Locale.ROOT, "scale kernel (f64, one load and one store per element) over %d MiB: %.1f GB/s, best of %d", bytes >> 20, 2.0 * bytes / bestScale, reps));
    }

    /** Runs the checks and the bandwidth measurement on the real driver; exit status 1 when a check fails. */
    public static void main(String[] args) {
        CudaDevice device;
        try {
            device = CudaDevice.open(LibCuda.load(), 0);
        } catch (CudaUnavailableException e) {
            System.out.println("SKIPPED: " + e.getMessage());
            System.exit(2);
            return;
        }
        try {
            for (String line : check(device)) System.out.println(line);
            for (String line : bandwidth(device, 256L << 20, 20)) System.out.println(line);
        } catch (AssertionError e) {
            System.out.println("FAILED: " + e.getMessage());
            System.exit(1);
        }
    }
}
