package dev.txc.cuda.sim;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.Random;

import static dev.txc.cuda.sim.PtxSim.dim;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Conversions and arithmetic, instruction by instruction, against Java's own operations and definitions. */
class PtxSimArithTest {
    private final Random rnd = new Random(5);

    /** r is x rounded to float toward -inf (down) or +inf (up): checked by bracketing, exactly, in double. */
    private static void assertDirected(double x, float r, String mode) {
        String what = mode + " of " + x + " gave " + r;
        if (Double.isNaN(x)) {
            assertTrue(Float.isNaN(r), what);
            return;
        }
        if ((float) x == x) {
            assertEquals((float) x, r, 0f, what);
            return;
        }
        boolean up = switch (mode) {
            case "rp" -> true;
            case "rm" -> false;
            default -> x < 0; // rz: toward zero
        };
        if (up) {
            assertTrue(r > x && Math.nextDown(r) < x, what);
        } else {
            assertTrue(r < x && Math.nextUp(r) > x, what);
        }
    }

    private static void assertDirected(BigDecimal x, double r, String mode, boolean isFloat) {
        String what = mode + " of " + x + " gave " + r;
        BigDecimal br = new BigDecimal(r);
        int c = br.compareTo(x);
        if (c == 0) return;
        boolean up = switch (mode) {
            case "rp" -> true;
            case "rm" -> false;
            case "rz" -> x.signum() < 0;
            default -> c > 0; // rn: either side, checked below
        };
        double other = up ? (isFloat ? Math.nextDown((float) r) : Math.nextDown(r)) : (isFloat ? Math.nextUp((float) r) : Math.nextUp(r));
        assertEquals(up ? 1 : -1, c, what);
        assertEquals(up ? -1 : 1, new BigDecimal(other).compareTo(x), what);
        if (mode.equals("rn")) {
            BigDecimal dr = br.subtract(x).abs(), dOther = new BigDecimal(other).subtract(x).abs();
            assertTrue(dr.compareTo(dOther) <= 0, what + " is not the nearest");
        }
    }

    @Test
    void floatConversionsRoundAsTheirModifiersSay() {
        double[] fixed = {0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 2.4999999999999996, -2.5000000000000004, 1e10, -1e10,
            Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 1e39, -1e39, 1e-50, -1e-50,
            1.0000000596046448, 1.0000000596046450, 255.7, 300, -3, 0.0, -0.0, 4294967295.5, 2147483647.5,
            -2147483648.7, 9.3e18, -9.3e18, 0.3, 0.7};
        int n = fixed.length + 200;
        double[] x = new double[n];
        System.arraycopy(fixed, 0, x, 0, fixed.length);
        for (int i = fixed.length; i < n; i++) x[i] = rnd.nextGaussian() * Math.pow(10, rnd.nextInt(12) - 4);
        PtxSim sim = PtxSim.load(Kernels.CVT);
        long dx = sim.alloc(8L * n), out = sim.alloc(128L * n);
        sim.write(dx, x);
        sim.launch("cvts", dim((n + 63) / 64), dim(64), 0, dx, (long) n, out);
        long[] got = sim.readLongs(out, 16 * n);
        for (int i = 0; i < n; i++) {
            double v = x[i];
            String at = "x=" + v + ": ";
            assertEquals((int) Math.rint(v), got[16 * i], at + "rni.s32");
            assertEquals((int) v, got[16 * i + 1], at + "rzi.s32");
            assertEquals((int) Math.floor(v), got[16 * i + 2], at + "rmi.s32");
            assertEquals((int) Math.ceil(v), got[16 * i + 3], at + "rpi.s32");
            assertEquals(Math.clamp((long) v, 0L, 0xFFFF_FFFFL), got[16 * i + 4], at + "rzi.u32 saturates");
            assertEquals((long) Math.rint(v), got[16 * i + 5], at + "rni.s64");
            float rn = Float.intBitsToFloat((int) got[16 * i + 6]);
            assertEquals(Float.floatToIntBits((float) v), Float.floatToIntBits(rn), at + "rn.f32");
            assertDirected(v, Float.intBitsToFloat((int) got[16 * i + 7]), "rz");
            assertDirected(v, Float.intBitsToFloat((int) got[16 * i + 8]), "rm");
            assertDirected(v, Float.intBitsToFloat((int) got[16 * i + 9]), "rp");
            assertEquals(Math.rint(v), Double.longBitsToDouble(got[16 * i + 10]), 0.0, at + "rni.f64");
            double trunc = v < 0 ? Math.ceil(v) : Math.floor(v);
            assertEquals(trunc, Double.longBitsToDouble(got[16 * i + 11]), 0.0, at + "rzi.f64");
            assertEquals(Math.floor(v), Double.longBitsToDouble(got[16 * i + 12]), 0.0, at + "rmi.f64");
            assertEquals(Math.ceil(v), Double.longBitsToDouble(got[16 * i + 13]), 0.0, at + "rpi.f64");
            float f = (float) v;
            double sat = Float.isNaN(f) ? 0 : Math.clamp(f, 0f, 1f);
            assertEquals(sat, Double.longBitsToDouble(got[16 * i + 14]), 0.0, at + "rn.sat.f32");
            assertEquals(Math.clamp((long) v, 0L, 255L), got[16 * i + 15], at + "rzi.u8 saturates");
        }
    }

    @Test
    void integerConversionsRoundNarrowAndSaturate() {
        long[] fixed = {0, 1, -1, (1L << 24) + 1, (1L << 24) + 3, (1L << 53) + 1, Long.MAX_VALUE, Long.MIN_VALUE,
            -(1L << 53) - 3, 70000, -40000, 300, -129, 128, 0x1_2345_6789L, Integer.MAX_VALUE + 1L, Integer.MIN_VALUE - 1L};
        int n = fixed.length + 100;
        long[] v = new long[n];
        System.arraycopy(fixed, 0, v, 0, fixed.length);
        for (int i = fixed.length; i < n; i++) v[i] = rnd.nextLong() >> rnd.nextInt(64);
        PtxSim sim = PtxSim.load(Kernels.CVT_INT);
        long dv = sim.alloc(8L * n), out = sim.alloc(64L * n), out2 = sim.alloc(32L * n);
        sim.write(dv, v);
        sim.launch("cvti", dim((n + 31) / 32), dim(32), 0, dv, (long) n, out, out2);
        long[] got = sim.readLongs(out, 8 * n), got2 = sim.readLongs(out2, 4 * n);
        String[] modes = {"rn", "rz", "rm", "rp"};
        for (int i = 0; i < n; i++) {
            BigDecimal exact = new BigDecimal(v[i]);
            assertEquals((float) v[i], Float.intBitsToFloat((int) got[8 * i]), 0f, "rn.f32.s64 of " + v[i]);
            assertEquals((double) v[i], Double.longBitsToDouble(got[8 * i + 4]), 0.0, "rn.f64.s64 of " + v[i]);
            for (int k = 0; k < 4; k++) {
                assertDirected(exact, Float.intBitsToFloat((int) got[8 * i + k]), modes[k], true);
                assertDirected(exact, Double.longBitsToDouble(got[8 * i + 4 + k]), modes[k], false);
            }
            assertEquals(v[i] & 0xFFFF_FFFFL, got2[4 * i], "u32.s64 of " + v[i]);
            assertEquals(Math.clamp(v[i], Integer.MIN_VALUE, Integer.MAX_VALUE), got2[4 * i + 1], "sat.s32.s64 of " + v[i]);
            assertEquals(Math.clamp(v[i], 0, 65535), got2[4 * i + 2], "sat.u16.s64 of " + v[i]);
            assertEquals((byte) v[i], got2[4 * i + 3], "s8.s64 of " + v[i]);
        }
    }

    private static float ftz(float x) {
        return Math.abs(x) < Float.MIN_NORMAL ? Math.copySign(0f, x) : x;
    }

    private static void assertBits(float want, float got, String what) {
        if (Float.isNaN(want)) assertTrue(Float.isNaN(got), what + ": " + got);
        else assertEquals(Float.floatToIntBits(want), Float.floatToIntBits(got), what + ": want " + want + ", got " + got);
    }

    private static void assertClose(double want, float got, String what) {
        if (Double.isNaN(want)) assertTrue(Float.isNaN(got), what + ": " + got);
        else if (Double.isInfinite(want)) assertEquals(want, got, 0.0, what);
        else assertEquals(want, got, 2e-7 * Math.abs(want) + 1e-37, what);
    }

    @Test
    void integerAndFloatArithmetic() {
        int[][] ints = {{7, 3}, {-7, 3}, {Integer.MIN_VALUE, -1}, {123456789, 987654321}, {-1, 31}, {5, 40},
            {0xF0F0F0F0, 4}, {Integer.MAX_VALUE, 1}, {0, 0}, {-123456, -7}, {0x12345678, 33}};
        float[][] fls = {{1.5f, 2.25f}, {Float.NaN, 1}, {1, Float.NaN}, {-0.0f, 0.0f}, {1e-40f, 3}, {0.75f, 0.5f},
            {2, -3}, {1e30f, 1e30f}, {0.0f, -0.0f}, {-2.5f, 0.1f}, {3, 7}};
        int n = ints.length;
        PtxSim sim = PtxSim.load(Kernels.ARITH);
        long ia = sim.alloc(8L * n), fa = sim.alloc(8L * n), out = sim.alloc(256L * n);
        for (int i = 0; i < n; i++) {
            sim.write(ia + 8L * i, ints[i]);
            sim.write(fa + 8L * i, fls[i]);
        }
        sim.launch("arith", dim(1), dim(32), 0, ia, fa, (long) n, out);
        for (int i = 0; i < n; i++) {
            int a = ints[i][0], b = ints[i][1];
            long ua = a & 0xFFFF_FFFFL, ub = b & 0xFFFF_FFFFL;
            int[] g = sim.readInts(out + 256L * i, 64);
            long[] gl = sim.readLongs(out + 256L * i, 32);
            String at = "a=" + a + " b=" + b + ": ";
            assertEquals((int) (((long) a * b) >> 32), g[0], at + "mul.hi.s32");
            assertEquals((int) ((ua * ub) >>> 32), g[1], at + "mul.hi.u32");
            assertEquals((long) a * b, gl[1], at + "mul.wide.s32");
            assertEquals(ua * ub, gl[2], at + "mul.wide.u32");
            assertEquals((int) Math.clamp((long) a + b, Integer.MIN_VALUE, Integer.MAX_VALUE), g[6], at + "add.sat.s32");
            assertEquals((int) Math.clamp((long) a - b, Integer.MIN_VALUE, Integer.MAX_VALUE), g[7], at + "sub.sat.s32");
            assertEquals(Math.min(a, b), g[8], at + "min.s32");
            assertEquals(Integer.compareUnsigned(a, b) <= 0 ? a : b, g[9], at + "min.u32");
            assertEquals(Math.max(a, b), g[10], at + "max.s32");
            assertEquals(Integer.compareUnsigned(a, b) >= 0 ? a : b, g[11], at + "max.u32");
            assertEquals(ub >= 32 ? a >> 31 : a >> b, g[12], at + "shr.s32");
            assertEquals(ub >= 32 ? 0 : a >>> b, g[13], at + "shr.u32");
            assertEquals(ub >= 32 ? 0 : a << b, g[14], at + "shl.b32");
            assertEquals(Integer.bitCount(a), g[15], at + "popc");
            assertEquals(Integer.numberOfLeadingZeros(a), g[16], at + "clz");
            assertEquals(Integer.reverse(a), g[17], at + "brev");
            assertEquals((a >>> 4) & 0xFF, g[18], at + "bfe.u32");
            assertEquals((byte) ((a >>> 4) & 0xFF), g[19], at + "bfe.s32");
            assertEquals((a & ~0xF00) | ((b & 0xF) << 8), g[20], at + "bfi.b32");
            assertEquals(~a, g[21], at + "not");
            assertEquals(Math.abs(a), g[22], at + "abs.s32");
            assertEquals(-a, g[23], at + "neg.s32");
            assertEquals(a * b + 7, g[24], at + "mad.lo.s32");
            assertEquals((int) ((ua * ub) >>> 32) + 7, g[25], at + "mad.hi.u32");
            assertEquals(a ^ b, g[26], at + "xor");
            assertEquals(a == 0 ? 1 : 0, g[27], at + "cnot");
            assertEquals(a / 7, g[50], at + "div.s32");
            assertEquals(a % 7, g[51], at + "rem.s32");
            assertEquals(Integer.divideUnsigned(a, 7), g[52], at + "div.u32");
            assertEquals(Integer.remainderUnsigned(a, 7), g[53], at + "rem.u32");

            float p = fls[i][0], q = fls[i][1];
            float[] f = sim.readFloats(out + 256L * i, 64);
            String fat = "p=" + p + " q=" + q + ": ";
            assertBits(p + q, f[28], fat + "add");
            assertBits(p - q, f[29], fat + "sub");
            assertBits(p * q, f[30], fat + "mul");
            assertBits(p / q, f[31], fat + "div.rn");
            assertBits(Math.fma(p, q, p), f[32], fat + "fma.rn");
            assertBits((float) Math.sqrt(p), f[33], fat + "sqrt.rn");
            assertBits(Float.isNaN(p) ? q : Float.isNaN(q) ? p : Math.min(p, q), f[34], fat + "min");
            assertBits(Float.isNaN(p) ? q : Float.isNaN(q) ? p : Math.max(p, q), f[35], fat + "max");
            assertBits(Math.min(p, q), f[36], fat + "min.NaN");
            assertBits(Math.max(p, q), f[37], fat + "max.NaN");
            assertBits(1f / p, f[38], fat + "rcp.rn");
            assertBits(Math.copySign(p, q), f[39], fat + "copysign");
            assertBits(Math.abs(p), f[40], fat + "abs");
            assertBits(-p, f[41], fat + "neg");
            float s = p + q;
            assertBits(Float.isNaN(s) ? 0f : Math.clamp(s, 0f, 1f), f[42], fat + "add.sat");
            assertBits(ftz(ftz(p) * ftz(q)), f[43], fat + "mul.ftz");
            assertClose(Math.pow(2, p), f[44], fat + "ex2.approx");
            assertClose(Math.log(p) / Math.log(2), f[45], fat + "lg2.approx");
            assertClose(Math.sin(p), f[46], fat + "sin.approx");
            assertClose(Math.cos(p), f[47], fat + "cos.approx");
            assertClose(1 / Math.sqrt(p), f[48], fat + "rsqrt.approx");
            assertClose(Math.tanh(p), f[49], fat + "tanh.approx");
        }
    }
}
