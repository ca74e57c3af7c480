package dev.txc.runtime;

import static org.junit.jupiter.api.Assertions.*;

import dev.txc.types.DType;
import org.junit.jupiter.api.Test;

class FormatTest {
    @Test
    void floatsLikeNumpy() {
        assertEquals("8.0", Format.text(NDArray.scalar(8.0)));
        assertEquals("[[0.25, 0.19661193], [0.19661193, 0.10499359]]",
                Format.text(NDArray.ofDoubles(new double[] {0.25, 0.19661193024, 0.19661193024, 0.10499358540}, 2, 2)));
        assertEquals("0.3", Format.text(NDArray.scalar(0.1 + 0.2)));
        assertEquals("-2.5", Format.text(NDArray.scalar(-2.5)));
        assertEquals("1e-05", Format.text(NDArray.scalar(1e-5)));
        assertEquals("1.23456789e+20", Format.text(NDArray.scalar(1.23456789012e20)));
        assertEquals("1.2345679e+20", Format.text(NDArray.wrap(DType.F32, new float[] {1.2345679e20f}, new int[0])));
        assertEquals("1e+16", Format.text(NDArray.scalar(1e16)));
        assertEquals("1000000000000000.0", Format.text(NDArray.scalar(1e15)));
        assertEquals("0.0001", Format.text(NDArray.scalar(1e-4)));
        assertEquals("[nan, inf, -inf, 0.0, -0.0]", Format.text(NDArray.ofDoubles(new double[] {
                Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0.0, -0.0})));
        assertEquals("[1.0e-05, 1.0e+00, 2.5e+00]", Format.text(NDArray.ofDoubles(new double[] {1e-5, 1, 2.5})));
        assertEquals("[1.0, 0.0, nan]", Format.text(NDArray.ofDoubles(new double[] {1, 0, Double.NaN})));
        assertEquals("[0.e+00, 1.e-05]", Format.text(NDArray.ofDoubles(new double[] {0, 1e-5})));
        assertEquals("0.12345679", Format.text(NDArray.scalar(0.1234567851)));
        assertEquals("1.0", Format.text(NDArray.scalar(0.999999999)));
        assertEquals("[1.e+01, 1.e-07]", Format.text(NDArray.ofDoubles(new double[] {9.9999999999, 1e-7})));
        assertEquals("1.5e-07", Format.text(NDArray.scalar(1.5e-7)));
        assertEquals("2.5e-310", Format.text(NDArray.scalar(2.5e-310)));
    }

    @Test
    void roundsHalfToEven() {
        // ties are decided on the shortest decimal digits, not the binary value
        assertEquals("0.12345678", Format.text(NDArray.scalar(0.123456785)));
        assertEquals("0.5", Format.positional(0.5, false));
        assertEquals("0.00000002", Format.positional(0.000000015, false));
        assertEquals("0.00000002", Format.positional(0.000000025, false));
        assertEquals("2.0", Format.positional(2.000000005, false));
        assertEquals("2.00000002", Format.positional(2.000000015, false));
    }

    @Test
    void float32UsesItsShortestDigits() {
        NDArray f = NDArray.ofFloats(new float[] {0.1f, 1f / 3, 16777216f});
        // max/min = 1.7e8 > 1e3: scientific, 7 mantissa digits (the most any f32 element needs), 8 in f64
        assertEquals("[1.0000000e-01, 3.3333334e-01, 1.6777216e+07]", Format.text(f));
        assertEquals("[1.00000001e-01, 3.33333343e-01, 1.67772160e+07]", Format.text(f.astype(DType.F64)));
        assertEquals("[0.1, 0.33333334, 16.0]", Format.text(NDArray.ofFloats(new float[] {0.1f, 1f / 3, 16f})));
        assertEquals("1.0000001e-05", Format.text(NDArray.wrap(DType.F32, new float[] {1.0000001e-5f}, new int[0])));
    }

    @Test
    void integersAndBools() {
        assertEquals("[[0, 1], [-1, -2]]", Format.text(NDArray.ofLongs(new long[] {0, 1, -1, -2}, 2, 2)));
        assertEquals("[True, False]", Format.text(NDArray.ofBooleans(new boolean[] {true, false})));
        assertEquals("255", Format.text(NDArray.wrap(DType.U8, new byte[] {(byte) 255}, new int[0])));
        assertEquals("[]", Format.text(NDArray.zeros(DType.F64, 0)));
        assertEquals("[[], []]", Format.text(NDArray.zeros(DType.I64, 2, 0)));
        assertEquals("True", Format.text(NDArray.scalar(true)));
    }

    /** NumPy: a float32 scalar is scientific from 1e6; padded mantissas show the value's own digits. */
    @Test
    void float32ScalarsAndPaddedDigitsAsNumPy() {
        assertEquals("999999.0", Format.text(NDArray.wrap(DType.F32, new float[] {999999f}, new int[0])));
        assertEquals("1e+06", Format.text(NDArray.wrap(DType.F32, new float[] {1e6f}, new int[0])));
        assertEquals("1.6777216e+07", Format.text(NDArray.wrap(DType.F32, new float[] {16777216f}, new int[0])));
        assertEquals("1000000.0", Format.text(NDArray.scalar(1e6)));
        assertEquals("[1.4e-45, 2.5e-44]", Format.text(NDArray.wrap(DType.F32, new float[] {1e-45f, 2.5e-44f}, new int[] {2})));
        assertEquals("[3.e-45, 1.e+05]", Format.text(NDArray.wrap(DType.F32, new float[] {2.8e-45f, 1e5f}, new int[] {2})));
        assertEquals("[4.9e-324, 1.5e-323, 1.0e-300]", Format.text(NDArray.ofDoubles(new double[] {5e-324, 1.5e-323, 1e-300}, 3)));
        assertEquals("[1.0000000e-01, 1.2345678e-05]", Format.text(NDArray.ofDoubles(new double[] {0.1, 1.2345678e-5}, 2)));
    }

    @Test
    void summarizesLargeArrays() {
        NDArray big = Kernels.arange(0, 2000, 1, DType.I64);
        assertEquals("[0, 1, 2, ..., 1997, 1998, 1999]", Format.text(big));
        assertEquals(1000, Format.text(Kernels.arange(0, 1000, 1, DType.I64)).split(",").length);
        NDArray m = big.reshape(40, 50);
        assertEquals("[[0, 1, 2, ..., 47, 48, 49], [50, 51, 52, ..., 97, 98, 99], [100, 101, 102, ..., 147, 148, 149], ..., "
                + "[1850, 1851, 1852, ..., 1897, 1898, 1899], [1900, 1901, 1902, ..., 1947, 1948, 1949], "
                + "[1950, 1951, 1952, ..., 1997, 1998, 1999]]", Format.text(m));
        NDArray col = big.reshape(2000, 1);
        assertEquals("[[0], [1], [2], ..., [1997], [1998], [1999]]", Format.text(col));
    }

    @Test
    void jsonData() {
        assertEquals("[[0.25, 1e-05], [\"NaN\", \"-Infinity\"]]", Format.json(NDArray.ofDoubles(
                new double[] {0.25, 1e-5, Double.NaN, Double.NEGATIVE_INFINITY}, 2, 2)));
        assertEquals("\"Infinity\"", Format.json(NDArray.scalar(Double.POSITIVE_INFINITY)));
        assertEquals("0.1", Format.json(NDArray.wrap(DType.F32, new float[] {0.1f}, new int[0])));
        assertEquals("0.30000000000000004", Format.json(NDArray.scalar(0.1 + 0.2)));
        assertEquals("[true, false]", Format.json(NDArray.ofBooleans(new boolean[] {true, false})));
        assertEquals("[255]", Format.json(NDArray.wrap(DType.U8, new byte[] {-1}, new int[] {1})));
        assertEquals("[]", Format.json(NDArray.zeros(DType.F64, 0)));
        NDArray big = Kernels.arange(0, 2000, 1, DType.I64);
        assertFalse(Format.json(big).contains("..."));
        for (double v : new double[] {0.1, 1e300, -4.9e-324, 123456.789e-20}) {
            assertEquals(v, Double.parseDouble(Format.json(NDArray.scalar(v))));
        }
    }

    @Test
    void arraysChooseOneNotationLikeNumpyArray2string() {
        // numpy: scientific when max|v| >= 1e8, min nonzero |v| < 1e-4 or max/min > 1e3, all mantissas padded to
        // the longest shortest-digit mantissa: array([1.0005e+03, 1.0000e-03]), array([1.e+08, 1.e+00])
        assertEquals("[1.0005e+03, 1.0000e-03]", Format.text(NDArray.ofDoubles(new double[] {1000.5, 0.001})));
        assertEquals("[1.e+08, 1.e+00]", Format.text(NDArray.ofDoubles(new double[] {1e8, 1})));
        assertEquals("[9.9999999e+07, 1.0000000e+08]",
                Format.text(NDArray.ofDoubles(new double[] {99999999, 1e8})));
        // ratio exactly 1e3 stays positional; just above goes scientific
        assertEquals("[1000.0, 1.0]", Format.text(NDArray.ofDoubles(new double[] {1000, 1})));
        assertEquals("[1.0005e+03, 1.0000e+00]", Format.text(NDArray.ofDoubles(new double[] {1000.5, 1})));
        // zeros, nan and inf do not take part in the choice; nan/inf print as words
        assertEquals("[0.0, 1.5, nan]", Format.text(NDArray.ofDoubles(new double[] {0, 1.5, Double.NaN})));
        assertEquals("[nan, 1.e-05, 0.e+00, -inf]", Format.text(NDArray.ofDoubles(new double[] {
                Double.NaN, 1e-5, 0, Double.NEGATIVE_INFINITY})));
        // three exponent digits widen every exponent
        assertEquals("[1.e-300, 1.e+000]", Format.text(NDArray.ofDoubles(new double[] {1e-300, 1})));
        assertEquals("[[1.5e+10, 2.0e+00], [-1.0e+00, 0.0e+00]]", Format.text(NDArray.ofDoubles(new double[] {1.5e10, 2, -1, 0}, 2, 2)));
        // a scalar keeps NumPy's scalar rule (positional up to 1e16)
        assertEquals("100000000.0", Format.text(NDArray.scalar(1e8)));
    }

    @Test
    void jsonIsPythonReprOfTheValueInItsOwnDtype() {
        assertEquals("5e-324", Format.json(NDArray.scalar(Double.MIN_VALUE)));
        assertEquals("-5e-324", Format.json(NDArray.scalar(-Double.MIN_VALUE)));
        assertEquals("1e-45", Format.json(NDArray.wrap(DType.F32, new float[] {Float.MIN_VALUE}, new int[0])));
        assertEquals("1e+16", Format.json(NDArray.scalar(1e16)));
        assertEquals("1.7976931348623157e+308", Format.json(NDArray.scalar(Double.MAX_VALUE)));
        assertEquals("3.4028235e+38", Format.json(NDArray.wrap(DType.F32, new float[] {Float.MAX_VALUE}, new int[0])));
        assertEquals("0.0001", Format.json(NDArray.scalar(1e-4)));
        assertEquals("[1.0, -0.0, 2.5e-05, 1234.5]", Format.json(NDArray.ofDoubles(new double[] {1, -0.0, 2.5e-5, 1234.5})));
        // every value reads back exactly, in its own dtype
        var rnd = new java.util.Random(9);
        for (int i = 0; i < 20000; i++) {
            double d = Double.longBitsToDouble(rnd.nextLong());
            if (!Double.isFinite(d)) continue;
            String s = Format.json(NDArray.scalar(d));
            assertEquals(d, Double.parseDouble(s), s);
            assertTrue(s.matches("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?"), s);
            float f = Float.intBitsToFloat(rnd.nextInt());
            if (!Float.isFinite(f)) continue;
            String t = Format.json(NDArray.wrap(DType.F32, new float[] {f}, new int[0]));
            assertEquals(f, Float.parseFloat(t), t);
        }
    }

    @Test
    void jsonStrings() {
        assertEquals("\"a\\\"b\\\\c\\nd\\u0001\"", Format.jsonString("a\"b\\c\nd\u0001"));
        assertEquals("\"é\"", Format.jsonString("é"));
    }
}
