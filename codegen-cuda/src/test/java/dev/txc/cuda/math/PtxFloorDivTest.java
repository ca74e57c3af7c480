package dev.txc.cuda.math;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.txc.cuda.PtxTarget;
import dev.txc.cuda.sim.PtxSim;
import dev.txc.runtime.ScalarOps;
import java.nio.file.Files;
import java.util.Random;
import java.util.function.DoubleBinaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Float {@code //} and {@code %} on the GPU (PtxFloorDiv): each routine assembles for sm_80 and sm_90 without a
 * stack frame or spills, and the PTX interpreter gives runtime.ScalarOps' bits (NumPy's formulas on Java's exact
 * {@code %}) for all pairs of special values, pairs around ties and exact multiples, subnormals, and random pairs
 * whose exponents lie up to 2000 apart (so the remainder loop runs its longest).
 */
class PtxFloorDivTest {
    private static final double[] SPECIAL = {0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 3.0, -3.0, 7.5, -7.5, 1e-310, -1e-310,
        Double.MIN_VALUE, -Double.MIN_VALUE, Double.MIN_NORMAL, Double.MAX_VALUE, -Double.MAX_VALUE, 0.1, 1e300, -1e-300,
        Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 6.0, 2.0, -2.0, 0x1p52, 0x1p53 + 2, 1e16};

    private static String module(String name, PtxTarget target) {
        return target.header() + "\n" + PtxFloorDiv.routine(name) + "\n"
                + ".visible .entry test_" + name + "(.param .u64 out, .param .u64 in, .param .u64 n)\n{\n"
                + "\t.reg .pred %q<2>;\n\t.reg .b64 %a<8>;\n\t.reg .b32 %t<4>;\n\t.reg .f64 %v<4>;\n"
                + "\tld.param.u64 %a1, [out];\n\tld.param.u64 %a2, [in];\n\tld.param.u64 %a3, [n];\n"
                + "\tcvta.to.global.u64 %a1, %a1;\n\tcvta.to.global.u64 %a2, %a2;\n"
                + "\tmov.u32 %t1, %ctaid.x;\n\tmov.u32 %t2, %ntid.x;\n\tmov.u32 %t3, %tid.x;\n"
                + "\tmad.lo.s32 %t1, %t1, %t2, %t3;\n\tcvt.u64.u32 %a4, %t1;\n"
                + "\tsetp.ge.u64 %q1, %a4, %a3;\n\t@%q1 bra DONE;\n"
                + "\tmul.lo.u64 %a5, %a4, 8;\n\tadd.u64 %a6, %a2, %a5;\n\tld.global.f64 %v1, [%a6];\n"
                + "\tmul.lo.u64 %a7, %a3, 8;\n\tadd.u64 %a7, %a6, %a7;\n\tld.global.f64 %v2, [%a7];\n"
                + "\tcall (%v3), " + name + ", (%v1, %v2);\n"
                + "\tadd.u64 %a6, %a1, %a5;\n\tst.global.f64 [%a6], %v3;\nDONE:\n\tret;\n}\n";
    }

    @Test
    void assemblesWithoutSpills() throws Exception {
        assumeTrue(Files.isExecutable(PtxMathPtxasTest.PTXAS), "ptxas not found at " + PtxMathPtxasTest.PTXAS + " (set TXC_PTXAS): skipped");
        for (int sm : new int[] {80, 90})
            for (String name : PtxFloorDiv.names()) {
                String log = PtxMathPtxasTest.ptxas(module(name, new PtxTarget(sm)), sm);
                assertTrue(log.contains("0 bytes stack frame, 0 bytes spill stores, 0 bytes spill loads"), log);
            }
    }

    @Test
    void floordivGivesTheJvmsBits() {
        check("txc_floordiv_f64", ScalarOps::floordiv);
    }

    @Test
    void modGivesTheJvmsBits() {
        check("txc_mod_f64", ScalarOps::mod);
    }

    private static void check(String name, DoubleBinaryOperator jvm) {
        var xs = new java.util.ArrayList<Double>();
        var ys = new java.util.ArrayList<Double>();
        for (double a : SPECIAL)
            for (double b : SPECIAL) {
                xs.add(a);
                ys.add(b);
            }
        Random r = new Random(name.hashCode());
        for (int i = 0; i < 1500; i++) {
            double a, b;
            switch (i % 5) {
                case 0 -> { // anywhere: exponents far apart
                    a = Double.longBitsToDouble(r.nextLong());
                    b = Double.longBitsToDouble(r.nextLong());
                }
                case 1 -> { // moderate quotients, both signs
                    a = r.nextGaussian() * Math.pow(10, r.nextInt(12));
                    b = r.nextGaussian() * Math.pow(10, r.nextInt(4) - 2);
                }
                case 2 -> { // exact multiples and their neighbours
                    b = r.nextGaussian();
                    a = Math.nextAfter(b * (r.nextInt(2001) - 1000), r.nextBoolean() ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY);
                    if (r.nextBoolean()) a = b * (r.nextInt(2001) - 1000);
                }
                case 3 -> { // subnormals
                    a = Double.longBitsToDouble(r.nextLong() & 0x800FFFFFFFFFFFFFL);
                    b = Double.longBitsToDouble(r.nextLong() & 0x800FFFFFFFFFFFFFL);
                    if (r.nextBoolean()) a = r.nextGaussian();
                }
                default -> { // small integers
                    a = r.nextInt(41) - 20;
                    b = r.nextInt(11) - 5;
                }
            }
            xs.add(a);
            ys.add(b);
        }
        int n = xs.size();
        double[] in = new double[2 * n];
        for (int i = 0; i < n; i++) {
            in[i] = xs.get(i);
            in[n + i] = ys.get(i);
        }
        PtxSim sim = PtxSim.load(module(name, PtxTarget.DEFAULT));
        long inp = sim.alloc(16L * n), out = sim.alloc(8L * n);
        sim.write(inp, in);
        sim.launch("test_" + name, PtxSim.dim((n + 127) / 128), PtxSim.dim(128), 0, out, inp, (long) n);
        double[] got = sim.readDoubles(out, n);
        for (int i = 0; i < n; i++) {
            double want = jvm.applyAsDouble(in[i], in[n + i]);
            final int j = i;
            assertEquals(Double.isNaN(want) ? "NaN" : Long.toHexString(Double.doubleToRawLongBits(want)),
                    Double.isNaN(got[i]) ? "NaN" : Long.toHexString(Double.doubleToRawLongBits(got[i])),
                    () -> name + "(" + in[j] + ", " + in[n + j] + "): PTX " + got[j] + ", JVM " + want);
        }
    }
}
