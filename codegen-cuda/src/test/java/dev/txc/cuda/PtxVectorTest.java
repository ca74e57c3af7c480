package dev.txc.cuda;

import static org.junit.jupiter.api.Assertions.*;

import dev.txc.cuda.sim.PtxSim;
import dev.txc.ir.Module;
import dev.txc.types.DType;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Elementwise kernels whose operands share an item size of 4 or 8 bytes read and write 16-byte vectors
 * (ld.global.v2.f64, ld.global.v4.f32) on the flat path when every base is 16-byte aligned, and fall back to the scalar
 * loop inside the kernel otherwise: on the PTX interpreter, aligned, misaligned and strided calls all give the plain
 * Java loop's values, for lengths around multiples of the vector width, and the aligned call runs fewer instructions
 * (the vector path ran). Kernels with bool or narrow operands keep scalar accesses. (ptxas assembles them without
 * spills: CudaLoweringTest, AcceptanceProgramsTest.)
 */
class PtxVectorTest {
    static final String SRC = """
        fn f(x: f64[n], y: f64[n]) = x * 2.0 + sqrt(abs(y))
        fn g(x: f32[n], y: f32[n]) = x * 2.0 + sqrt(abs(y))
        fn h(x: f64[n], y: f64[n]) = x > y
        fn k(x: i32[n], y: i32[n]) = x * y - 7
        """;

    private static PtxEntry entry(Module m, String fn) {
        var pm = CudaLoweringTest.lower(m, fn, PtxTarget.DEFAULT);
        return pm.entries().getFirst();
    }

    @Test
    void sameWidthKernelsUseVectorAccessesAndOthersDoNot() {
        Module m = CudaLoweringTest.compile(SRC);
        String f = entry(m, "f").text(), g = entry(m, "g").text(), h = entry(m, "h").text(), k = entry(m, "k").text();
        assertTrue(f.contains("ld.global.v2.f64") && f.contains("st.global.v2.f64"), f);
        assertTrue(g.contains("ld.global.v4.f32") && g.contains("st.global.v4.f32"), g);
        assertTrue(k.contains("ld.global.v4.s32") && k.contains("st.global.v4.s32"), k);
        assertFalse(h.contains(".v2") || h.contains(".v4"), h);
    }

    @Test
    void alignedMisalignedAndStridedCallsGiveTheScalarValues() {
        Module m = CudaLoweringTest.compile(SRC);
        var r = new Random(4);
        for (String fn : List.of("f", "g", "k")) {
            PtxEntry e = entry(m, fn);
            DType t = fn.equals("f") ? DType.F64 : fn.equals("g") ? DType.F32 : DType.I32;
            int size = t.itemSize();
            for (int n : new int[] {0, 1, 3, 4, 5, 8, 37, 600, 4096}) {
                double[] x = new double[n + 8], y = new double[n + 8];
                for (int i = 0; i < x.length; i++) {
                    x[i] = t == DType.I32 ? r.nextInt(200) - 100 : r.nextGaussian();
                    y[i] = t == DType.I32 ? r.nextInt(200) - 100 : r.nextGaussian();
                }
                long aligned = -1;
                for (int shift : new int[] {0, 1, 2}) { // elements: 0 aligned, 1 misaligned, 2 (f64: aligned; f32: misaligned)
                    PtxSim sim = PtxSim.load(CudaLoweringTest.lower(m, fn, PtxTarget.DEFAULT).text()).maxGrid(1);
                    long xs = sim.alloc((n + 8L) * size), ys = sim.alloc((n + 8L) * size), out = sim.alloc((n + 8L) * size);
                    write(sim, t, xs, x);
                    write(sim, t, ys, y);
                    long off = (long) shift * size;
                    sim.launch(e, out + off, xs + off, ys + off, (long) n, 1L, (long) n, 1L, 1L);
                    long steps = sim.steps();
                    double[] got = read(sim, t, out + off, n);
                    for (int i = 0; i < n; i++) {
                        double a = x[i + shift], b = y[i + shift];
                        double want = switch (t) {
                            case F64 -> a * 2.0 + Math.sqrt(Math.abs(b));
                            case F32 -> (float) ((float) a * 2.0f + (float) Math.sqrt((float) Math.abs((float) b)));
                            default -> (int) a * (int) b - 7;
                        };
                        assertEquals(want, got[i], 0.0, fn + " n=" + n + " shift " + shift + " element " + i);
                    }
                    boolean vector = (off & 15) == 0;
                    if (shift == 0) aligned = steps;
                    else if (!vector && n >= 4096) assertTrue(aligned < steps, fn + " n=" + n + ": " + aligned + " instructions aligned, " + steps + " misaligned");
                }
                // the strided path (flat = 0) over every other element
                PtxSim sim = PtxSim.load(CudaLoweringTest.lower(m, fn, PtxTarget.DEFAULT).text()).maxGrid(1);
                long xs = sim.alloc((2L * n + 8) * size), ys = sim.alloc((2L * n + 8) * size), out = sim.alloc((n + 8L) * size);
                double[] x2 = new double[2 * n + 8], y2 = new double[2 * n + 8];
                for (int i = 0; i < n; i++) {
                    x2[2 * i] = x[i];
                    y2[2 * i] = y[i];
                }
                write(sim, t, xs, x2);
                write(sim, t, ys, y2);
                sim.launch(e, out, xs, ys, (long) n, 0L, (long) n, 2L, 2L);
                double[] got = read(sim, t, out, n);
                for (int i = 0; i < n; i++) {
                    double want = switch (t) {
                        case F64 -> x[i] * 2.0 + Math.sqrt(Math.abs(y[i]));
                        case F32 -> (float) ((float) x[i] * 2.0f + (float) Math.sqrt((float) Math.abs((float) y[i])));
                        default -> (int) x[i] * (int) y[i] - 7;
                    };
                    assertEquals(want, got[i], 0.0, fn + " strided n=" + n + " element " + i);
                }
            }
        }
    }

    private static void write(PtxSim sim, DType t, long addr, double[] v) {
        switch (t) {
            case F64 -> sim.write(addr, v);
            case F32 -> {
                float[] f = new float[v.length];
                for (int i = 0; i < v.length; i++) f[i] = (float) v[i];
                sim.write(addr, f);
            }
            default -> {
                int[] n = new int[v.length];
                for (int i = 0; i < v.length; i++) n[i] = (int) v[i];
                sim.write(addr, n);
            }
        }
    }

    private static double[] read(PtxSim sim, DType t, long addr, int n) {
        double[] out = new double[n];
        switch (t) {
            case F64 -> out = sim.readDoubles(addr, n);
            case F32 -> {
                float[] f = sim.readFloats(addr, n);
                for (int i = 0; i < n; i++) out[i] = f[i];
            }
            default -> {
                int[] v = sim.readInts(addr, n);
                for (int i = 0; i < n; i++) out[i] = v[i];
            }
        }
        return out;
    }
}
