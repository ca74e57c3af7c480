package dev.txc.runtime;

import static dev.txc.runtime.ScalarOps.*;
import static org.junit.jupiter.api.Assertions.*;

import java.math.BigInteger;
import java.util.Random;
import java.util.function.DoubleUnaryOperator;
import org.apache.commons.math3.special.Erf;
import org.apache.commons.math3.util.FastMath;
import org.junit.jupiter.api.Test;

class ScalarOpsTest {
    static final double NAN = Double.NaN;
    static final double INF = Double.POSITIVE_INFINITY;

    static void assertRel(double expected, double actual, double tol, String what) {
        if (Double.isNaN(expected) || Double.isInfinite(expected) || expected == 0) {
            assertEquals(expected, actual, what);
        } else {
            assertEquals(expected, actual, Math.abs(expected) * tol, what);
        }
    }

    static void assertUlps(double expected, double actual, int ulps, String what) {
        if (!Double.isFinite(expected)) {
            assertEquals(expected, actual, what);
            return;
        }
        assertEquals(expected, actual, ulps * Math.ulp(expected), what);
    }

    @Test
    void erfMatchesHighPrecisionValues() {
        // reference digits from a 40-digit evaluation
        double[][] erfc = {{10, 2.088487583762544757e-45}, {5, 1.5374597944280348502e-12}, {1, 0.15729920705028513066},
                {0.5, 0.47950012218695346232}, {-3, 1.9999779095030014146}, {26, 5.6631924088561428465e-296},
                {1e-10, 0.99999999988716208329}, {2, 0.0046777349810472658379}, {-1, 1.8427007929497148693},
                {0.99, 0.16149193044463020018}, {1.01, 0.1531895037717232985}, {8.142578125, 1.1041748668714948822e-30},
                {3.5, 7.4309837234141274552e-7}, {12.3, 9.0299251494820678338e-68}, {22.708984375, 2.6916836103847489398e-226},
                {20, 5.3958656116079009289e-176}, {15.5, 1.6632016400488723341e-106}, {25, 8.300172571196522752e-274}};
        for (double[] c : erfc) {
            assertRel(c[1], erfc(c[0]), 2e-15, "erfc(" + c[0] + ")");
        }
        double[][] erf = {{5, 0.99999999999846254021}, {1, 0.84270079294971486934}, {0.5, 0.52049987781304653768},
                {1e-10, 1.1283791670955125739e-10}, {2, 0.99532226501895273416}, {-1, -0.84270079294971486934}};
        for (double[] c : erf) {
            assertRel(c[1], erf(c[0]), 2e-15, "erf(" + c[0] + ")");
        }
        assertEquals(5.237048923789255685e-319, erfc(27.0), 1e-321);
        assertEquals(0.0, erfc(28.0));
        assertEquals(2.0, erfc(-30.0));
        assertEquals(1.0, erf(INF));
        assertEquals(-1.0, erf(-INF));
        assertEquals(0.0, erfc(INF));
        assertEquals(2.0, erfc(-INF));
        assertTrue(Double.isNaN(erf(NAN)));
        assertTrue(Double.isNaN(erfc(NAN)));
        assertEquals(-0.0, erf(-0.0));
        assertEquals(1e-300 * 1.1283791670955126, erf(1e-300), 1e-315);
    }

    @Test
    void erfMatchesCommonsMathAcrossTheLine() {
        for (double x = -8; x <= 27; x += 0.001953125 * 3) {
            // commons-math is itself good to a few 1e-14 in the tail; the tight checks are the 40-digit values above
            assertRel(Erf.erfc(x), erfc(x), 1e-12, "erfc(" + x + ")");
            assertRel(Erf.erf(x), erf(x), 5e-14, "erf(" + x + ")");
        }
        assertEquals((float) Erf.erf((double) 0.3f), erf(0.3f));
        assertEquals((float) Erf.erfc(3.0), erfc(3f), Math.ulp((float) Erf.erfc(3.0)));
    }

    @Test
    void inverseHyperbolicsAreAccurateEverywhere() {
        assertEquals(1e-20, asinh(1e-20));
        assertRel(9.9999999998333333333e-6, asinh(1e-5), 3e-16, "asinh 1e-5");
        assertRel(0.4812118250596034475, asinh(0.5), 3e-16, "asinh .5");
        assertRel(1.8184464592320668235, asinh(3.0), 3e-16, "asinh 3");
        assertRel(23.71899811050040215, asinh(1e10), 3e-16, "asinh 1e10");
        assertRel(691.46867507877365051, asinh(1e300), 3e-16, "asinh 1e300");
        assertRel(-691.46867507877365051, asinh(-1e300), 3e-16, "asinh -1e300");
        assertEquals(INF, asinh(INF));
        assertEquals(-INF, asinh(-INF));
        assertEquals(-0.0, asinh(-0.0));
        assertRel(0.000014142136208675861355, acosh(1.0000000001), 1e-15, "acosh near 1");
        assertRel(0.962423650119206895, acosh(1.5), 2e-16, "acosh 1.5");
        assertRel(23.71899811050040215, acosh(1e10), 2e-16, "acosh 1e10");
        assertRel(691.46867507877365051, acosh(1e300), 2e-16, "acosh 1e300");
        assertEquals(0.0, acosh(1.0));
        assertEquals(INF, acosh(INF));
        assertTrue(Double.isNaN(acosh(0.5)));
        assertTrue(Double.isNaN(acosh(-INF)));
        assertEquals(1e-20, atanh(1e-20));
        assertRel(0.000010000000000333333333, atanh(1e-5), 3e-16, "atanh 1e-5");
        assertRel(0.30951960420311170327, atanh(0.3), 3e-16, "atanh .3");
        assertRel(1.4722194895832203469, atanh(0.9), 3e-16, "atanh .9");
        assertRel(7.2543286192476693673, atanh(0.999999), 1e-15, "atanh near 1");
        assertEquals(INF, atanh(1.0));
        assertEquals(-INF, atanh(-1.0));
        assertTrue(Double.isNaN(atanh(1.5)));
        Random r = new Random(3);
        for (int i = 0; i < 2000; i++) {
            double x = Math.scalb(r.nextDouble() * 2 - 1, r.nextInt(80) - 40);
            // FastMath itself is off by a few ulps here (our results match 40-digit values), so the bound is loose
            assertUlps(FastMath.asinh(x), asinh(x), 8, "asinh " + x);
            double z = x / (1 << 21);
            assertUlps(FastMath.atanh(z), atanh(z), 8, "atanh " + z);
            // FastMath.acosh loses digits just above 1, so compare there with the series sqrt(2t)(1 - t/12 + 3t^2/160)
            double y = 1 + Math.abs(x);
            double t = y - 1;
            if (t >= 1) {
                assertUlps(FastMath.acosh(y), acosh(y), 3, "acosh " + y);
            } else if (t < 1e-5) {
                assertRel(Math.sqrt(2 * t) * (1 - t / 12 + 3 * t * t / 160), acosh(y), 4e-16, "acosh " + y);
            }
        }
    }

    @Test
    void logisticFunctionsAreStable() {
        assertEquals(1.0, sigmoid(1e308));
        assertEquals(0.0, sigmoid(-1e308));
        assertEquals(1.0, sigmoid(INF));
        assertEquals(0.0, sigmoid(-INF));
        assertEquals(0.5, sigmoid(0.0));
        assertTrue(Double.isNaN(sigmoid(NAN)));
        assertEquals(1.0f, sigmoid(3e38f));
        assertEquals(1000.0, softplus(1000.0));
        assertEquals(0.0, softplus(-1000.0));
        assertEquals(Math.log(2), softplus(0.0));
        assertEquals(INF, softplus(INF));
        assertEquals(0.0, softplus(-INF));
        assertTrue(Double.isNaN(softplus(NAN)));
        for (double x = -30; x <= 30; x += 0.37) {
            assertRel(1 / (1 + FastMath.exp(-x)), sigmoid(x), 1e-15, "sigmoid " + x);
            assertRel(FastMath.log1p(FastMath.exp(x)), softplus(x), 1e-14, "softplus " + x);
            // f32 is computed in float arithmetic (Exp.exp(float)): within 2 float ulps of the double result rounded.
            float want = (float) sigmoid((double) (float) x);
            assertEquals(want, sigmoid((float) x), 2 * Math.ulp(want), "f32 sigmoid " + x);
        }
    }

    @Test
    void logAndExpInBaseTwoAreExactOnPowers() {
        for (int k = -1074; k <= 1023; k++) {
            double p = Math.scalb(1.0, k);
            assertEquals(k, log2(p), "log2 2^" + k);
            assertEquals(p, exp2((double) k), "exp2 " + k);
        }
        for (int k = -30; k <= 30; k++) {
            assertEquals(k, log10(Double.parseDouble("1e" + k)), "log10 1e" + k);
        }
        assertEquals(3.0f, log2(8f));
        assertEquals(-INF, log2(0.0));
        assertTrue(Double.isNaN(log2(-1.0)));
        assertEquals(INF, log2(INF));
        Random r = new Random(4);
        for (int i = 0; i < 2000; i++) {
            double x = Math.scalb(r.nextDouble() + 0.5, r.nextInt(2000) - 1000);
            assertEquals(FastMath.log(x) / FastMath.log(2), log2(x), 2 * Math.ulp(log2(x)) + 1e-300, "log2 " + x);
            double e = r.nextDouble() * 200 - 100;
            assertUlps(FastMath.pow(2.0, e), exp2(e), 2, "exp2 " + e);
        }
    }

    @Test
    void transcendentalsDelegateFaithfully() {
        DoubleUnaryOperator[][] pairs = {
                {ScalarOps::exp, FastMath::exp}, {ScalarOps::expm1, FastMath::expm1}, {ScalarOps::log, FastMath::log},
                {ScalarOps::log1p, FastMath::log1p}, {ScalarOps::sqrt, FastMath::sqrt}, {ScalarOps::sin, FastMath::sin},
                {ScalarOps::cos, FastMath::cos}, {ScalarOps::tan, FastMath::tan}, {ScalarOps::asin, FastMath::asin},
                {ScalarOps::acos, FastMath::acos}, {ScalarOps::atan, FastMath::atan}, {ScalarOps::sinh, FastMath::sinh},
                {ScalarOps::cosh, FastMath::cosh}, {ScalarOps::tanh, FastMath::tanh}, {ScalarOps::log10, FastMath::log10}};
        double[] xs = {0.1, 0.5, 0.9, 1.7, 3.0, 10.0, -0.3};
        for (DoubleUnaryOperator[] p : pairs) {
            for (double x : xs) {
                double expected = p[1].applyAsDouble(x);
                assertUlps(expected, p[0].applyAsDouble(x), 2, "at " + x);
            }
        }
        assertEquals((float) Math.exp(1.5), exp(1.5f));
        assertEquals((float) Math.tanh(0.25), tanh(0.25f));
        assertEquals((float) Math.sqrt(2), sqrt(2f));
    }

    @Test
    void unaryOnEveryType() {
        assertEquals(-2.5, neg(2.5));
        assertEquals(Long.MIN_VALUE, neg(Long.MIN_VALUE));
        assertEquals(-3, neg(3));
        assertEquals(2.5f, abs(-2.5f));
        assertEquals(0.0, abs(-0.0));
        assertEquals(Long.MIN_VALUE, abs(Long.MIN_VALUE)); // wraps, as NumPy
        assertEquals(-1.0, sign(-7.0));
        assertEquals(0.0, sign(0.0));
        assertTrue(Double.isNaN(sign(NAN)));
        assertEquals(1L, sign(99L));
        assertEquals(-1, sign(-5));
        assertEquals(0, sign(0));
        assertEquals(0.0, relu(-3.0));
        assertEquals(3.0, relu(3.0));
        assertTrue(Double.isNaN(relu(NAN)));
        assertTrue(Float.isNaN(relu(Float.NaN)));
        assertEquals(0L, relu(-4L));
        assertEquals(4, relu(4));
        assertEquals(INF, relu(INF));
        assertEquals(0.0, relu(-INF));
    }

    @Test
    void roundingIsHalfToEven() {
        assertEquals(0.0, round(0.5));
        assertEquals(2.0, round(1.5));
        assertEquals(2.0, round(2.5));
        assertEquals(-0.0, round(-0.5));
        assertEquals(-2.0, round(-2.5));
        assertEquals(2.0f, round(2.5f));
        assertEquals(-3.0, floor(-2.5));
        assertEquals(-2.0, ceil(-2.5));
        assertEquals(3.0f, ceil(2.1f));
        assertEquals(7L, round(7L));
        assertEquals(-7, floor(-7));
        assertEquals(8, ceil(8));
        assertTrue(Double.isNaN(floor(NAN)));
    }

    @Test
    void predicatesAndLogic() {
        assertTrue(isnan(NAN));
        assertFalse(isnan(INF));
        assertTrue(isnan(Float.NaN));
        assertTrue(isinf(-INF));
        assertFalse(isinf(NAN));
        assertTrue(isinf(Float.POSITIVE_INFINITY));
        assertFalse(not(true));
        assertTrue(and(true, true));
        assertFalse(and(true, false));
        assertTrue(or(false, true));
        assertTrue(xor(true, false));
        assertFalse(xor(true, true));
    }

    @Test
    void floorDivisionAndModuloFollowPython() {
        double[][] cases = { // a, b, a // b, a % b (values printed by CPython)
                {7, 2, 3, 1}, {-7, 2, -4, 1}, {7, -2, -4, -1}, {-7, -2, 3, -1},
                {0.3, 0.1, 2, 0.09999999999999998}, {-0.5, 0.25, -2, 0}, {5.5, -2, -3, -0.5},
                {1, INF, 0, 1}, {-1, INF, -1, INF}};
        for (double[] c : cases) {
            if (!Double.isNaN(c[2])) {
                assertEquals(c[2], floordiv(c[0], c[1]), c[0] + " // " + c[1]);
            }
            assertEquals(c[3], mod(c[0], c[1]), c[0] + " % " + c[1]);
        }
        assertEquals(INF, floordiv(1.0, 0.0));
        assertEquals(-INF, floordiv(-1.0, 0.0));
        assertTrue(Double.isNaN(floordiv(0.0, 0.0)));
        assertTrue(Double.isNaN(mod(1.0, 0.0)));
        assertTrue(Double.isNaN(mod(INF, 3.0)));
        assertEquals(0.0, mod(-0.0, 3.0));
        assertEquals(-0.0, mod(3.0, -1.0));
        assertEquals(-0.0, floordiv(-0.0, 5.0));
        assertEquals(-4.0f, floordiv(-7f, 2f));
        assertEquals(1.0f, mod(-7f, 2f));
        assertEquals(0L, floordiv(5L, 0L));
        assertEquals(0L, mod(5L, 0L));
        assertEquals(0, floordiv(5, 0));
        assertEquals(0, mod(5, 0));
        Random r = new Random(5);
        for (int i = 0; i < 10000; i++) {
            long a = r.nextInt(2001) - 1000;
            long b = r.nextInt(41) - 20;
            if (b == 0) {
                continue;
            }
            long q = floordiv(a, b);
            long m = mod(a, b);
            assertEquals(a, q * b + m);
            assertTrue(m == 0 || (m < 0) == (b < 0), "sign of divisor");
            assertTrue(Math.abs(m) < Math.abs(b));
            assertEquals((int) q, floordiv((int) a, (int) b));
            assertEquals((int) m, mod((int) a, (int) b));
            assertEquals((double) q, floordiv((double) a, (double) b) + 0.0);
            assertEquals((double) m, mod((double) a, (double) b) + 0.0);
        }
    }

    @Test
    void powers() {
        assertEquals(1.0, pow(1.0, NAN));
        assertEquals(1.0, pow(-1.0, INF));
        assertEquals(1.0, pow(NAN, 0.0));
        assertEquals(Math.sqrt(2), pow(2.0, 0.5));
        assertTrue(Double.isNaN(pow(-8.0, 1.0 / 3)));
        assertEquals(0.125f, pow(2f, -3f));
        assertEquals(1024L, pow(2L, 10L));
        assertEquals(1L, pow(0L, 0L));
        assertEquals(-27, pow(-3, 3));
        Random r = new Random(6);
        BigInteger mod64 = BigInteger.ONE.shiftLeft(64);
        for (int i = 0; i < 500; i++) {
            long a = r.nextLong();
            int b = r.nextInt(200);
            long expected = BigInteger.valueOf(a).pow(b).mod(mod64).longValue();
            assertEquals(expected, pow(a, (long) b));
            assertEquals((int) expected, pow((int) a, b));
        }
        var e = assertThrows(TxRuntimeException.class, () -> pow(2L, -1L));
        assertEquals("integers to negative integer powers are not allowed", e.getMessage());
        assertThrows(TxRuntimeException.class, () -> pow(1, -2));
    }

    @Test
    void arithmeticAndExtremes() {
        assertEquals(5.0, add(2.0, 3.0));
        assertEquals(Integer.MIN_VALUE, add(Integer.MAX_VALUE, 1));
        assertEquals(-1L, sub(2L, 3L));
        assertEquals(6f, mul(2f, 3f));
        assertEquals(0.5, div(1.0, 2.0));
        assertEquals(INF, div(1.0, 0.0));
        assertEquals(0.25f, div(1f, 4f));
        assertTrue(Double.isNaN(maximum(NAN, 1.0)));
        assertTrue(Double.isNaN(maximum(1.0, NAN)));
        assertTrue(Double.isNaN(minimum(1.0, NAN)));
        assertTrue(Float.isNaN(minimum(Float.NaN, 1f)));
        assertEquals(3L, maximum(3L, -4L));
        assertEquals(-4, minimum(3, -4));
        assertEquals(Math.atan2(1, -1), atan2(1.0, -1.0));
        assertEquals((float) Math.atan2(1, 2), atan2(1f, 2f));
    }

    @Test
    void comparisonsTreatNanAsUnordered() {
        assertFalse(eq(NAN, NAN));
        assertTrue(ne(NAN, NAN));
        assertFalse(lt(NAN, 1.0));
        assertFalse(ge(NAN, 1.0));
        assertTrue(le(1f, 1f));
        assertTrue(gt(2L, 1L));
        assertTrue(lt(-1, 0));
        assertTrue(eq(true, true));
        assertTrue(ne(true, false));
        assertTrue(eq(0.0, -0.0));
    }

    @Test
    void selectionAndClipping() {
        assertEquals(1.0, where(true, 1.0, 2.0));
        assertEquals(2f, where(false, 1f, 2f));
        assertEquals(2L, where(false, 1L, 2L));
        assertEquals(1, where(true, 1, 2));
        assertFalse(where(true, false, true));
        assertEquals(1.0, clip(-5.0, 1.0, 3.0));
        assertEquals(3.0, clip(5.0, 1.0, 3.0));
        assertEquals(2.0, clip(2.0, 1.0, 3.0));
        assertEquals(1.0, clip(2.0, 3.0, 1.0)); // hi wins when the bounds cross, as np.clip
        assertTrue(Double.isNaN(clip(NAN, 1.0, 3.0)));
        assertEquals(3L, clip(9L, 0L, 3L));
        assertEquals(0, clip(-9, 0, 3));
        assertEquals(0.5f, clip(0.5f, 0f, 1f));
    }
}
