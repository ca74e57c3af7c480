package dev.txc.runtime;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** txc's exp, tanh, log, log1p and softplus against StrictMath (fdlibm); codegen-jvm's TranscendentalKernelTest checks their vector forms. */
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

    @Test
    void logAndLog1pWithinOneUlpOfStrictMath() {
        var r = new Random(5);
        double worstLog = 0, worstLog1p = 0;
        for (int i = 0; i < 2_000_000; i++) {
            // every positive finite double, by its bits (so all exponents and the subnormals)
            double x = Double.longBitsToDouble(r.nextLong() & 0x7fefffffffffffffL);
            worstLog = Math.max(worstLog, ulps(StrictMath.log(x), Exp.log(x)));
            double y = switch (i % 4) {
                case 0 -> -r.nextDouble();                       // (-1, 0]
                case 1 -> 1e-3 * (2 * r.nextDouble() - 1);      // near 0, where 1 + y rounds
                case 2 -> 3 * r.nextDouble();
                default -> x;
            };
            worstLog1p = Math.max(worstLog1p, ulps(StrictMath.log1p(y), Exp.log1p(y)));
        }
        for (double x = 0.7; x < 1.42; x += 1e-6) worstLog = Math.max(worstLog, ulps(StrictMath.log(x), Exp.log(x)));
        assertTrue(worstLog <= 1, "log: max ulp error " + worstLog);
        assertTrue(worstLog1p <= 1, "log1p: max ulp error " + worstLog1p);
    }

    @Test
    void logSpecialValues() {
        assertEquals(Double.NEGATIVE_INFINITY, Exp.log(0.0));
        assertEquals(Double.NEGATIVE_INFINITY, Exp.log(-0.0));
        assertEquals(Double.POSITIVE_INFINITY, Exp.log(Double.POSITIVE_INFINITY));
        assertTrue(Double.isNaN(Exp.log(-1e-300)));
        assertTrue(Double.isNaN(Exp.log(Double.NEGATIVE_INFINITY)));
        assertTrue(Double.isNaN(Exp.log(Double.NaN)));
        assertEquals(0.0, Exp.log(1.0));
        assertEquals(StrictMath.log(Double.MIN_VALUE), Exp.log(Double.MIN_VALUE));
        for (int k = -1074; k <= 1023; k++) assertEquals(StrictMath.log(Math.scalb(1.0, k)), Exp.log(Math.scalb(1.0, k)), "log(2^" + k + ")");
        assertEquals(Double.NEGATIVE_INFINITY, Exp.log1p(-1.0));
        assertTrue(Double.isNaN(Exp.log1p(-1.5)));
        assertEquals(Double.POSITIVE_INFINITY, Exp.log1p(Double.POSITIVE_INFINITY));
        assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(Exp.log1p(-0.0)));
        assertEquals(1e-300, Exp.log1p(1e-300));
        assertEquals(Float.NEGATIVE_INFINITY, Exp.log(0f));
        assertEquals((float) StrictMath.log(3f), Exp.log(3f));
    }

    @Test
    void softplusWithinTwoUlpsAndFinite() {
        var r = new Random(6);
        double worst = 0;
        for (int i = 0; i < 1_000_000; i++) {
            double x = 80 * (2 * r.nextDouble() - 1);
            // log(1 + e^x) by fdlibm, arranged so that it does not overflow
            double want = x > 0 ? x + StrictMath.log1p(StrictMath.exp(-x)) : StrictMath.log1p(StrictMath.exp(x));
            worst = Math.max(worst, ulps(want, Exp.softplus(x)));
        }
        assertTrue(worst <= 2, "softplus: max ulp error " + worst);
        assertEquals(1e300, Exp.softplus(1e300));
        assertEquals(0.0, Exp.softplus(Double.NEGATIVE_INFINITY));
        assertEquals(Double.POSITIVE_INFINITY, Exp.softplus(Double.POSITIVE_INFINITY));
        assertEquals(StrictMath.log(2), Exp.softplus(0.0), Math.ulp(0.7));
    }

    /** softplus computes only log1p's core: the bits of its definition on txc's exp and log1p, everywhere. */
    @Test
    void softplusIsItsDefinitionOnExpAndLog1p() {
        var r = new Random(8);
        double[] special = {0.0, -0.0, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 37.5, -37.5, 38, 745.2,
            -745.2, 746, 1e-300, -1e-300, Double.MIN_VALUE, Double.MAX_VALUE, -Double.MAX_VALUE, Math.log(2), -Math.log(2)};
        for (int i = 0; i < 1_000_000; i++) {
            double x = i < special.length ? special[i] : (2 * r.nextDouble() - 1) * Math.pow(10, r.nextInt(7) - 3);
            double want = Math.max(x, 0) + Exp.log1p(Exp.exp(-Math.abs(x)));
            assertEquals(Double.doubleToLongBits(want), Double.doubleToLongBits(Exp.softplus(x)), "softplus(" + x + ")");
        }
    }
    /** The vector form of exp over arrays (VectorExp, behind ArrayExp) gives Exp.exp's bits in every lane and the tail. */
    @Test
    void arrayExpInVectorLanesGivesTheScalarBits() {
        assertTrue(VectorSupport.available(), "tests run with jdk.incubator.vector (surefire's argLine)");
        var r = new Random(3);
        double[] special = {0.0, -0.0, 1, -1, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Exp.LO, Exp.HI,
            -745.2, -708.4, 709.78, 709.79, 710.5, -1e300, 1e300, Double.MIN_VALUE, 0.5 * Math.log(2), -0.5 * Math.log(2)};
        double[] x = new double[100_003];
        for (int i = 0; i < x.length; i++) x[i] = i < special.length ? special[i] : i % 3 == 0 ? -800 + 1600 * r.nextDouble() : 4 * r.nextGaussian();
        double[] vector = new double[x.length + 5];
        ArrayExp.VECTOR.exp(x, 0, x.length, vector, 5);
        for (int i = 0; i < x.length; i++) {
            double xi = x[i];
            assertEquals(Double.doubleToRawLongBits(Exp.exp(xi)), Double.doubleToRawLongBits(vector[i + 5]), () -> "exp(" + xi + ")");
        }
        double[] head = new double[ArrayExp.VECTOR_MIN + 3];
        ArrayExp.apply(x, 7, 7 + head.length, head, 0);
        for (int i = 0; i < head.length; i++) assertEquals(Exp.exp(x[7 + i]), head[i], "exp(" + x[7 + i] + ")");
    }
}
