package dev.txc.runtime;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Random;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

/** txc's exponential against StrictMath (fdlibm) and against itself on vectors. */
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
    void vectorsGiveTheScalarBits() {
        var r = new Random(3);
        var ds = DoubleVector.SPECIES_PREFERRED;
        var fs = FloatVector.SPECIES_PREFERRED;
        double[] d = new double[ds.length() * 4000];
        float[] f = new float[fs.length() * 4000];
        for (int i = 0; i < d.length; i++) d[i] = i % 97 == 0 ? new double[] {Double.NaN, 1e300, -1e300, -0.0}[i % 4] : -800 + 1600 * r.nextDouble();
        for (int i = 0; i < f.length; i++) f[i] = (float) (-120 + 240 * r.nextDouble());
        for (int i = 0; i < d.length; i += ds.length()) {
            double[] out = new double[ds.length()];
            VectorMath.exp(DoubleVector.fromArray(ds, d, i)).intoArray(out, 0);
            for (int j = 0; j < out.length; j++) assertEquals(Exp.exp(d[i + j]), out[j], "exp(" + d[i + j] + ")");
            VectorMath.sigmoid(DoubleVector.fromArray(ds, d, i)).intoArray(out, 0);
            for (int j = 0; j < out.length; j++) assertEquals(Exp.sigmoid(d[i + j]), out[j], "sigmoid(" + d[i + j] + ")");
        }
        for (int i = 0; i < f.length; i += fs.length()) {
            float[] out = new float[fs.length()];
            VectorMath.exp(FloatVector.fromArray(fs, f, i)).intoArray(out, 0);
            for (int j = 0; j < out.length; j++) assertEquals(Exp.exp(f[i + j]), out[j], "exp(" + f[i + j] + ")");
        }
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
    void vectorTanhGivesTheScalarBits() {
        var r = new Random(5);
        var ds = DoubleVector.SPECIES_PREFERRED;
        double[] d = new double[ds.length() * 5000];
        for (int i = 0; i < d.length; i++)
            d[i] = i % 89 == 0 ? new double[] {Double.NaN, -0.0, 0.55, -0.55, Double.NEGATIVE_INFINITY}[i % 5] : (r.nextDouble() - 0.5) * (i % 3 == 0 ? 2 : 40);
        double[] out = new double[ds.length()];
        for (int i = 0; i < d.length; i += ds.length()) {
            VectorMath.tanh(DoubleVector.fromArray(ds, d, i)).intoArray(out, 0);
            for (int j = 0; j < out.length; j++)
                assertEquals(Double.doubleToLongBits(Exp.tanh(d[i + j])), Double.doubleToLongBits(out[j]), "tanh(" + d[i + j] + ")");
        }
        var fs = FloatVector.SPECIES_PREFERRED;
        float[] f = new float[fs.length() * 3000];
        for (int i = 0; i < f.length; i++) f[i] = (float) d[i % d.length];
        float[] fout = new float[fs.length()];
        for (int i = 0; i < f.length; i += fs.length()) {
            VectorMath.tanh(FloatVector.fromArray(fs, f, i)).intoArray(fout, 0);
            for (int j = 0; j < fout.length; j++)
                assertEquals(Float.floatToIntBits(Exp.tanh(f[i + j])), Float.floatToIntBits(fout[j]), "f32 tanh(" + f[i + j] + ")");
        }
    }
}
