package dev.txc.runtime;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** txc's exp and tanh against StrictMath (fdlibm); codegen-jvm's TranscendentalKernelTest checks their vector forms. */
class ExpTest {
    private static double ulps(double want, double got) {
        if (want == got) return 0;
        return Math.abs(want - got) / Math.ulp(want);
    }

    @Test
    void doubleWithinOneUlpOfStrictMath() {
        var r = new Random(1);
        double worst = 0;
        for (int i = 0; i < 2_000_000; i++) {
            double x = -745 + 1455 * r.nextDouble();
            worst = Math.max(worst, ulps(StrictMath.exp(x), Exp.exp(x)));
        }
        for (double x = -1; x <= 1; x += 1e-5) worst = Math.max(worst, ulps(StrictMath.exp(x), Exp.exp(x)));
        assertTrue(worst <= 1, "max ulp error " + worst);
    }

    @Test
    void floatWithinTwoUlpsOfTheRoundedDoubleResult() {
        var r = new Random(2);
        double worst = 0;
        for (int i = 0; i < 2_000_000; i++) {
            float x = (float) (-103 + 191 * r.nextDouble());
            float want = (float) StrictMath.exp(x), got = Exp.exp(x);
            if (want == got) continue;
            worst = Math.max(worst, Math.abs(want - got) / Math.ulp(want));
        }
        assertTrue(worst <= 2, "max float ulp error " + worst);
    }

    @Test
    void specialValuesAndRangeEnds() {
        assertEquals(1.0, Exp.exp(0.0));
        assertEquals(1.0, Exp.exp(-0.0));
        assertEquals(Double.POSITIVE_INFINITY, Exp.exp(710.0));
        assertEquals(Double.POSITIVE_INFINITY, Exp.exp(Double.POSITIVE_INFINITY));
        assertEquals(0.0, Exp.exp(Double.NEGATIVE_INFINITY));
        assertEquals(0.0, Exp.exp(-746.0));
        assertTrue(Double.isNaN(Exp.exp(Double.NaN)));
        // Near overflow and in the subnormal range the result is still within an ulp.
        for (double x : new double[] {709.78, 709.7827, -708.5, -720, -740, -745.1})
            assertTrue(ulps(StrictMath.exp(x), Exp.exp(x)) <= 1, "exp(" + x + ")");
        assertEquals(Float.POSITIVE_INFINITY, Exp.exp(89f));
        assertEquals(0f, Exp.exp(-105f));
        assertTrue(Float.isNaN(Exp.exp(Float.NaN)));
        assertEquals((float) StrictMath.exp(-100), Exp.exp(-100f), Math.ulp((float) StrictMath.exp(-100)) * 2);
    }

    @Test
    void tanhWithinThreeUlpsOfStrictMath() {
        var r = new Random(4);
        double worst = 0;
        for (int i = 0; i < 2_000_000; i++) {
            double x = (r.nextBoolean() ? 1 : -1) * (i % 2 == 0 ? 25 * r.nextDouble() : r.nextDouble());
            worst = Math.max(worst, ulps(StrictMath.tanh(x), Exp.tanh(x)));
        }
        for (double x = 0.5; x < 0.6; x += 1e-6) worst = Math.max(worst, ulps(StrictMath.tanh(x), Exp.tanh(x)));
        for (double x = 1e-300; x < 1e-3; x *= 1.01) worst = Math.max(worst, ulps(StrictMath.tanh(x), Exp.tanh(x)));
        assertTrue(worst <= 3, "max ulp error " + worst);
        assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(Exp.tanh(-0.0)));
        assertEquals(1.0, Exp.tanh(Double.POSITIVE_INFINITY));
        assertEquals(-1.0, Exp.tanh(-30.0));
        assertEquals(Double.MIN_VALUE, Exp.tanh(Double.MIN_VALUE));
        assertTrue(Double.isNaN(Exp.tanh(Double.NaN)));
        assertEquals((float) StrictMath.tanh(0.3f), Exp.tanh(0.3f), Math.ulp(0.29f));
    }

}
