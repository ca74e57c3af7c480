package dev.txc.cuda.sim;

import dev.txc.cuda.PtxEntry;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;
import java.util.Set;

import static dev.txc.cuda.sim.PtxSim.dim;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Hand-written kernels run on the simulator, each against a plain Java loop. */
class PtxSimKernelTest {
    private final Random rnd = new Random(12);

    private float[] floats(int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (rnd.nextGaussian() * 10);
        return v;
    }

    @Test
    void saxpyGridStrideMatchesAJavaLoop() {
        int n = 1000;
        float a = 1.7f;
        float[] x = floats(n), y = floats(n);
        for (int blocks : new int[] {1, 3, 8}) {
            PtxSim sim = PtxSim.load(Kernels.SAXPY);
            long dx = sim.alloc(4L * n), dy = sim.alloc(4L * n);
            sim.write(dx, x);
            sim.write(dy, y);
            sim.launch("saxpy", dim(blocks), dim(128), 0, dx, dy, (long) n, a);
            float[] want = new float[n];
            for (int i = 0; i < n; i++) want[i] = Math.fma(a, x[i], y[i]);
            assertArrayEquals(want, sim.readFloats(dy, n), "blocks=" + blocks);
            assertArrayEquals(x, sim.readFloats(dx, n), "x is unchanged");
        }
    }

    @Test
    void launchOfAPtxEntryUsesItsGeometry() {
        int n = 777;
        float a = -0.5f;
        float[] x = floats(n), y = floats(n);
        PtxEntry e = new PtxEntry("saxpy", Kernels.SAXPY, Set.of(),
                List.of(new PtxEntry.Param("x_ptr", PtxEntry.Kind.PTR), new PtxEntry.Param("y_ptr", PtxEntry.Kind.PTR),
                        new PtxEntry.Param("n", PtxEntry.Kind.U64), new PtxEntry.Param("a", PtxEntry.Kind.F32)),
                new PtxEntry.Launch.Flat("n", 64));
        for (int cap : new int[] {Integer.MAX_VALUE, 2}) {
            PtxSim sim = PtxSim.load(Kernels.SAXPY).maxGrid(cap);
            long dx = sim.alloc(4L * n), dy = sim.alloc(4L * n);
            sim.write(dx, x);
            sim.write(dy, y);
            sim.launch(e, dx, dy, (long) n, a);
            float[] want = new float[n];
            for (int i = 0; i < n; i++) want[i] = Math.fma(a, x[i], y[i]);
            assertArrayEquals(want, sim.readFloats(dy, n), "grid cap " + cap);
        }
    }

    @Test
    void blockReductionWithSharedMemoryAndBarriers() {
        int rows = 5, cols = 300, block = 128;
        double[] x = new double[rows * cols];
        for (int i = 0; i < x.length; i++) x[i] = rnd.nextGaussian();
        PtxSim sim = PtxSim.load(Kernels.ROWSUM);
        long dx = sim.alloc(8L * x.length), dout = sim.alloc(8L * rows);
        sim.write(dx, x);
        sim.launch("rowsum", dim(rows), dim(block), 0, dx, dout, (long) cols);
        double[] got = sim.readDoubles(dout, rows);
        for (int r = 0; r < rows; r++) {
            double[] part = new double[block];
            for (int t = 0; t < block; t++)
                for (int j = t; j < cols; j += block) part[t] += x[r * cols + j];
            for (int s = block / 2; s > 0; s /= 2)
                for (int t = 0; t < s; t++) part[t] += part[t + s];
            assertEquals(part[0], got[r], 0.0, "row " + r + " in the kernel's order");
            double naive = 0;
            for (int j = 0; j < cols; j++) naive += x[r * cols + j];
            assertEquals(naive, got[r], 1e-12 * cols, "row " + r);
        }
    }

    @Test
    void warpShufflesAndVotes() {
        int n = 100, block = 64, grid = 2, threads = block * grid, warps = threads / 32;
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (rnd.nextInt(13) - 3) + 0.25f * rnd.nextInt(4);
        x[3] = 0; // some lanes not positive
        float[] xs = new float[threads]; // threads past n read 0
        System.arraycopy(x, 0, xs, 0, n);
        PtxSim sim = PtxSim.load(Kernels.WARP);
        long dx = sim.alloc(4L * n), down = sim.alloc(4L * warps), bfly = sim.alloc(4L * threads),
                scan = sim.alloc(4L * threads), bcast = sim.alloc(4L * threads), ballot = sim.alloc(4L * warps),
                anyall = sim.alloc(4L * warps);
        sim.write(dx, x);
        sim.launch("warpops", dim(grid), dim(block), 0, dx, (long) n, down, bfly, scan, bcast, ballot, anyall);
        float[] gotDown = sim.readFloats(down, warps), gotBfly = sim.readFloats(bfly, threads),
                gotBcast = sim.readFloats(bcast, threads);
        int[] gotScan = sim.readInts(scan, threads), gotBallot = sim.readInts(ballot, warps),
                gotAnyAll = sim.readInts(anyall, warps);
        for (int w = 0; w < warps; w++) {
            float[] v = new float[32];
            System.arraycopy(xs, 32 * w, v, 0, 32);
            float[] d = v.clone();
            for (int off = 16; off > 0; off >>= 1) {
                float[] nd = new float[32];
                for (int l = 0; l < 32; l++) nd[l] = d[l] + (l + off <= 31 ? d[l + off] : d[l]);
                d = nd;
            }
            assertEquals(d[0], gotDown[w], 0f, "down-tree sum of warp " + w);
            float[] b = v.clone();
            for (int off = 1; off < 32; off <<= 1) {
                float[] nb = new float[32];
                for (int l = 0; l < 32; l++) nb[l] = b[l] + b[l ^ off];
                b = nb;
            }
            int[] s = new int[32];
            for (int l = 0; l < 32; l++) s[l] = (int) v[l];
            int ballotBits = 0;
            for (int l = 0; l < 32; l++) {
                assertEquals(b[l], gotBfly[32 * w + l], 0f, "butterfly sum, lane " + l);
                assertEquals(v[5], gotBcast[32 * w + l], 0f, "broadcast of lane 5, lane " + l);
                int prefix = 0;
                for (int k = 0; k <= l; k++) prefix += s[k];
                assertEquals(prefix, gotScan[32 * w + l], "inclusive scan, warp " + w + " lane " + l);
                if (v[l] > 0) ballotBits |= 1 << l;
            }
            assertEquals(ballotBits, gotBallot[w], "ballot of warp " + w);
            assertEquals((ballotBits != 0 ? 1 : 0) | (ballotBits == -1 ? 2 : 0), gotAnyAll[w], "any/all of warp " + w);
        }
    }

    @Test
    void atomicsInSharedAndGlobalMemory() {
        int n = 1000;
        int[] x = new int[n];
        for (int i = 0; i < n; i++) x[i] = rnd.nextInt(5000);
        PtxSim sim = PtxSim.load(Kernels.ATOMICS);
        long dx = sim.alloc(4L * n), bins = sim.alloc(64), maxv = sim.alloc(4), fsum = sim.alloc(4), last = sim.alloc(4),
                ticket = sim.alloc(4);
        sim.write(dx, x);
        sim.write(bins, new int[16]);
        sim.write(maxv, new int[] {Integer.MIN_VALUE});
        sim.write(fsum, new float[] {0f});
        sim.write(last, new int[] {-1});
        sim.write(ticket, new int[] {0});
        sim.launch("atomics", dim(4), dim(64), 0, dx, (long) n, bins, maxv, fsum, last, ticket);
        int[] wantBins = new int[16];
        int wantMax = Integer.MIN_VALUE;
        float wantSum = 0;
        for (int v : x) {
            wantBins[v & 15]++;
            wantMax = Math.max(wantMax, v);
            wantSum += v;
        }
        assertArrayEquals(wantBins, sim.readInts(bins, 16));
        assertEquals(wantMax, sim.readInts(maxv, 1)[0]);
        assertEquals(wantSum, sim.readFloats(fsum, 1)[0], 0f, "integers below 2^24 add exactly in any order");
        int l = sim.readInts(last, 1)[0];
        assertTrue(l >= 0 && l < n, "exch leaves some thread's index: " + l);
        assertEquals(n, sim.readInts(ticket, 1)[0]);
    }

    static boolean cmp(String c, double x, double t) {
        boolean un = Double.isNaN(x) || Double.isNaN(t);
        return switch (c) {
            case "eq" -> x == t;
            case "ne" -> !un && x != t;
            case "lt" -> x < t;
            case "le" -> x <= t;
            case "gt" -> x > t;
            case "ge" -> x >= t;
            case "equ" -> un || x == t;
            case "neu" -> un || x != t;
            case "ltu" -> un || x < t;
            case "leu" -> un || x <= t;
            case "gtu" -> un || x > t;
            case "geu" -> un || x >= t;
            case "num" -> !un;
            case "nan" -> un;
            default -> throw new IllegalArgumentException(c);
        };
    }

    @Test
    void comparisonsPredicatesAndBranches() {
        double t = 1.5;
        double[] x = {-2, -0.0, 0.0, 0.5, 1, 1.5, 2.5, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
            Double.MIN_VALUE, -Double.MIN_NORMAL / 4, 3e9, -3e9, 1e-300, 7.25, -0.75, 1.4999999999999998};
        int n = x.length;
        PtxSim sim = PtxSim.load(Kernels.BRANCHES);
        long dx = sim.alloc(8L * n), code = sim.alloc(8L * n), pw = sim.alloc(8L * n), sel = sim.alloc(8L * n);
        sim.write(dx, x);
        sim.launch("branches", dim(2), dim(16), 0, dx, (long) n, t, code, pw, sel);
        long[] gotCode = sim.readLongs(code, n);
        double[] gotPw = sim.readDoubles(pw, n), gotSel = sim.readDoubles(sel, n);
        for (int i = 0; i < n; i++) {
            double v = x[i];
            long want = 0;
            for (int k = 0; k < Kernels.CMP_ORDER.length; k++) if (cmp(Kernels.CMP_ORDER[k], v, t)) want |= 1L << k;
            if (Double.isInfinite(v)) want |= 1L << 14;
            if (Double.isFinite(v)) want |= 1L << 15;
            if (v != 0 && Math.abs(v) < Double.MIN_NORMAL) want |= 1L << 16;
            if (v > 0 && v < t) want |= 1L << 17;
            if (!(v > 0) && v < t) want |= 1L << 18;
            if (v < t || Double.isNaN(v)) want |= 1L << 19;
            assertEquals(Long.toBinaryString(want), Long.toBinaryString(gotCode[i]), "comparison bits of " + v);
            double p = v < 0 ? -v : v < 1 ? v * v : Double.isNaN(v) ? 7 : Math.sqrt(v);
            assertEquals(p, gotPw[i], 0.0, "piecewise of " + v);
            assertEquals((int) v >= 0 ? v : t, gotSel[i], 0.0, "slct of " + v);
        }
    }

    @Test
    void funcCallsWithRegisterAndParamConventionsConstTablesAndLocalMemory() {
        int n = 50;
        double c = 0.75;
        int k = 3;
        double[] x = new double[n];
        for (int i = 0; i < n; i++) x[i] = rnd.nextGaussian() * 3;
        PtxSim sim = PtxSim.load(Kernels.CALLS);
        long dx = sim.alloc(8L * n), dy = sim.alloc(8L * n);
        sim.write(dx, x);
        sim.launch("calls", dim(2), dim(32), 0, dx, dy, (long) n, c, k);
        double[] got = sim.readDoubles(dy, n);
        for (int i = 0; i < n; i++) {
            double v = x[i];
            double h = Math.fma(c, c, v * v);
            double s = v * k;
            double p = 4;
            for (int j = 2; j >= 0; j--) p = Math.fma(p, v, j + 1);
            assertEquals(h + s + p, got[i], 0.0, "x=" + v);
        }
    }

    @Test
    void dynamicSharedGenericAddressesSegmentedShufflesReduxAndLocalMemory() {
        int n = 64;
        int[] x = new int[n];
        for (int i = 0; i < n; i++) x[i] = rnd.nextInt(1000);
        x[7] = 3; // (f32) x - 3 == 0: not normal
        PtxSim sim = PtxSim.load(Kernels.MISC);
        long din = sim.alloc(4L * n), dout = sim.alloc(64L * n);
        sim.write(din, x);
        sim.launch("misc", dim(1), dim(n), 272, din, dout);
        int[] got = sim.readInts(dout, 16 * n);
        for (int t = 0; t < n; t++) {
            String at = "thread " + t + ": ";
            int pair = t & ~1;
            assertEquals(x[pair] + x[pair + 1], got[16 * t], at + "pair sum through shared memory");
            assertEquals(x[(t & ~15) + 3], got[16 * t + 1], at + "lane 3 of the 16-lane segment");
            int w = t & ~31, max = 0, sum = 0;
            for (int l = w; l < w + 32; l++) {
                max = Math.max(max, x[l]);
                sum += x[l];
            }
            assertEquals(max, got[16 * t + 2], at + "redux max");
            assertEquals(sum, got[16 * t + 3], at + "redux add");
            assertEquals(n, got[16 * t + 4], at + "CAS count");
            assertEquals(n, got[16 * t + 5], at + "red count");
            int v = x[t] * 65537;
            assertEquals((v >>> 16) | (v << 16), got[16 * t + 6], at + "halves swapped");
            assertEquals((x[t] > 5) ^ (t % 2 == 1) ? 1 : 0, got[16 * t + 7], at + "setp.xor");
            float f = (float) x[t] - 3f;
            int want = (f != 0 ? 100 : 0) + (f >= 0 ? 10 : 20);
            assertEquals(want, got[16 * t + 8], at + "testp.normal and slct through local memory");
        }
    }

    @Test
    void bitwiseMinDecAndWideAtomics() {
        int n = 300;
        int[] x = new int[n];
        for (int i = 0; i < n; i++) x[i] = rnd.nextInt(2000);
        PtxSim sim = PtxSim.load(Kernels.ATOMIC_BITS);
        long dx = sim.alloc(4L * n), w = sim.alloc(20), d = sim.alloc(16);
        sim.write(dx, x);
        sim.write(w, new int[] {0, -1, 0, Integer.MAX_VALUE, 50});
        sim.write(d, new long[] {Double.doubleToRawLongBits(0.0), 0});
        sim.launch("atombits", dim(5), dim(64), 0, dx, (long) n, w, d);
        int or = 0, and = -1, xor = 0, min = Integer.MAX_VALUE, dec = 50;
        double sum = 0;
        long lsum = 0;
        for (int v : x) {
            or |= 1 << (v & 31);
            and &= ~(1 << (v & 31));
            xor ^= v;
            min = Math.min(min, v - 500);
            dec = dec == 0 || dec > 1000 ? 1000 : dec - 1;
            sum += v;
            lsum += v;
        }
        assertArrayEquals(new int[] {or, and, xor, min, dec}, sim.readInts(w, 5));
        assertEquals(sum, sim.readDoubles(d, 1)[0], 0.0, "integers add exactly in any order");
        assertEquals(lsum, sim.readLongs(d + 8, 1)[0]);
    }
}
