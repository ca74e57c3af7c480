package dev.txc.cuda.math;

import dev.txc.cuda.PtxTarget;
import dev.txc.cuda.sim.PtxSim;
import dev.txc.ir.Op;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Issue 12 item 4(c), second half: the PTX of every math routine, executed by the PTX interpreter (PtxSim) inside a
 * small entry (PtxMathPtxasTest.module), gives the Java mirror's bits on a sample of arguments (special values,
 * branch points and random arguments over the whole range).
 */
class PtxMathSimTest {
    static final int N = 256;

    @TestFactory
    List<DynamicTest> ptxGivesTheMirrorsBits() {
        List<DynamicTest> tests = new ArrayList<>();
        for (String name : PtxMath.names()) {
            tests.add(DynamicTest.dynamicTest(name, () -> {
                Op op = MathMirrorTest.op(name);
                boolean f32 = name.endsWith("_f32");
                PtxSim sim = PtxSim.load(PtxMathPtxasTest.module(name, PtxTarget.DEFAULT));
                Random r = new Random(name.hashCode() + 1);
                boolean binary = PtxMath.def(name).binary() != null;
                double[] x = new double[binary ? 2 * N : N];
                for (int i = 0; i < x.length; i++)
                    x[i] = i < MathCheck.SPECIALS.length ? MathCheck.SPECIALS[i]
                            : binary && i >= N && i - N < MathCheck.SPECIALS.length ? MathCheck.SPECIALS[MathCheck.SPECIALS.length - 1 - (i - N)]
                            : MathCheck.sample(op, r, f32);
                long in = sim.alloc((long) x.length * 8), out = sim.alloc((long) N * 8);
                int blocks = (N + 127) / 128;
                if (f32) {
                    float[] xf = new float[x.length];
                    for (int i = 0; i < x.length; i++) xf[i] = (float) x[i];
                    sim.write(in, xf);
                    sim.launch("test_" + name, PtxSim.dim(blocks), PtxSim.dim(128), 0, out, in, (long) N);
                    float[] got = sim.readFloats(out, N);
                    for (int i = 0; i < N; i++) {
                        float want = binary ? MathMirror.f32(name, xf[i], xf[N + i]) : MathMirror.f32(name, xf[i]);
                        assertEquals(Float.isNaN(want) ? "NaN" : Integer.toHexString(Float.floatToRawIntBits(want)),
                                Float.isNaN(got[i]) ? "NaN" : Integer.toHexString(Float.floatToRawIntBits(got[i])),
                                name + "(" + xf[i] + "f): PTX " + got[i] + ", mirror " + want);
                    }
                } else {
                    sim.write(in, x);
                    sim.launch("test_" + name, PtxSim.dim(blocks), PtxSim.dim(128), 0, out, in, (long) N);
                    double[] got = sim.readDoubles(out, N);
                    for (int i = 0; i < N; i++) {
                        double want = binary ? MathMirror.f64(name, x[i], x[N + i]) : MathMirror.f64(name, x[i]);
                        assertEquals(Double.isNaN(want) ? "NaN" : Long.toHexString(Double.doubleToRawLongBits(want)),
                                Double.isNaN(got[i]) ? "NaN" : Long.toHexString(Double.doubleToRawLongBits(got[i])),
                                name + "(" + x[i] + "): PTX " + got[i] + ", mirror " + want);
                    }
                }
            }));
        }
        return tests;
    }
}
