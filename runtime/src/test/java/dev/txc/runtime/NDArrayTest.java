package dev.txc.runtime;

import static org.junit.jupiter.api.Assertions.*;

import dev.txc.types.DType;
import org.junit.jupiter.api.Test;

class NDArrayTest {
    static final int ABSENT = Integer.MIN_VALUE;

    static NDArray range(int n, int... shape) {
        double[] d = new double[n];
        for (int i = 0; i < n; i++) d[i] = i;
        return NDArray.ofDoubles(d, shape);
    }

    @Test
    void factoriesAndAccessors() {
        NDArray z = NDArray.zeros(DType.I32, 2, 3);
        assertEquals(DType.I32, z.dtype());
        assertArrayEquals(new int[] {2, 3}, z.shape());
        assertArrayEquals(new int[] {3, 1}, z.strides());
        assertEquals(6, z.size());
        assertEquals(2, z.rank());
        assertInstanceOf(int[].class, z.heapArray());
        NDArray f = NDArray.full(DType.I8, 3.9, 2);
        assertArrayEquals(new long[] {3, 3}, f.toLongArray());
        assertEquals(0, NDArray.scalar(2.5).rank());
        assertEquals(2.5, NDArray.scalar(2.5).getDouble());
        assertEquals(7L, NDArray.scalar(7L).getLong());
        assertTrue(NDArray.scalar(true).getBoolean());
        assertEquals(DType.BOOL, NDArray.ofBooleans(new boolean[] {true}).dtype());
        assertEquals(DType.F32, NDArray.ofFloats(new float[] {1f}).dtype());
        assertEquals(DType.I32, NDArray.ofInts(new int[] {1, 2}).dtype());
        assertArrayEquals(new int[] {2}, NDArray.ofLongs(new long[] {1, 2}).shape());
    }

    @Test
    void factoriesCopyTheirInputAndCheckStorage() {
        double[] d = {1, 2};
        NDArray a = NDArray.ofDoubles(d);
        d[0] = 99;
        assertEquals(1.0, a.getDouble(0));
        assertThrows(IllegalArgumentException.class, () -> NDArray.wrap(DType.F32, new double[2], new int[] {2}));
        assertThrows(IllegalArgumentException.class, () -> NDArray.wrap(DType.F64, new double[3], new int[] {2}));
        assertThrows(IllegalArgumentException.class,
                () -> NDArray.strided(DType.F64, new double[4], new int[] {2, 2}, new int[] {2, 2}, 0));
        assertThrows(IllegalArgumentException.class,
                () -> NDArray.strided(DType.F64, new double[4], new int[] {2}, new int[] {-1}, 0));
        NDArray rev = NDArray.strided(DType.F64, new double[] {0, 1, 2, 3}, new int[] {4}, new int[] {-1}, 3);
        assertArrayEquals(new double[] {3, 2, 1, 0}, rev.toDoubleArray());
    }

    @Test
    void unsignedBytesReadAsUnsigned() {
        NDArray u = NDArray.wrap(DType.U8, new byte[] {(byte) 200, 1}, new int[] {2});
        assertEquals(200, u.getLong(0));
        assertEquals(200.0, u.getDouble(0));
        NDArray i = NDArray.wrap(DType.I8, new byte[] {(byte) 200}, new int[] {1});
        assertEquals(-56, i.getLong(0));
    }

    @Test
    void elementAccessChecksBounds() {
        NDArray a = range(6, 2, 3);
        assertEquals(5.0, a.getDouble(1, 2));
        assertEquals(4.0, a.getDoubleFlat(4));
        var e = assertThrows(TxRuntimeException.class, () -> a.getDouble(0, 3));
        assertEquals("index 3 is out of bounds for axis 1 with size 3", e.getMessage());
        assertThrows(TxRuntimeException.class, () -> a.getDouble(0));
        assertThrows(TxRuntimeException.class, () -> a.getDoubleFlat(6));
    }

    @Test
    void transposeIsAView() {
        NDArray a = range(6, 2, 3);
        NDArray t = a.transpose();
        assertSame(a.heapArray(), t.heapArray());
        assertArrayEquals(new int[] {3, 2}, t.shape());
        assertFalse(t.isContiguous());
        assertArrayEquals(new double[] {0, 3, 1, 4, 2, 5}, t.toDoubleArray());
        assertEquals(t, a.transpose(1, 0));
        assertThrows(TxRuntimeException.class, () -> a.transpose(0, 0));
        assertThrows(TxRuntimeException.class, () -> a.transpose(0));
        NDArray b = range(24, 2, 3, 4).transpose(2, 0, 1);
        assertArrayEquals(new int[] {4, 2, 3}, b.shape());
        assertEquals(13.0, b.getDouble(1, 1, 0));
    }

    @Test
    void expandAndSqueeze() {
        NDArray a = range(6, 2, 3);
        NDArray e = a.expandDims(0, 2, 4);
        assertArrayEquals(new int[] {1, 2, 1, 3, 1}, e.shape());
        assertTrue(e.isContiguous());
        assertEquals(a, e.squeeze(0, 2, 4));
        assertEquals(a, e.squeezeAll());
        assertEquals(e, e.squeeze());
        assertArrayEquals(new int[] {2, 1, 3, 1}, e.squeeze(-5).shape());
        var err = assertThrows(TxRuntimeException.class, () -> e.squeeze(1));
        assertTrue(err.getMessage().startsWith("cannot select an axis to squeeze out which has size not equal to one"));
        assertThrows(TxRuntimeException.class, () -> a.expandDims(3));
        assertThrows(TxRuntimeException.class, () -> a.expandDims(1, 0));
        assertArrayEquals(new int[] {1}, NDArray.scalar(1.0).expandDims(0).shape());
    }

    @Test
    void broadcastUsesZeroStrides() {
        NDArray a = range(3, 3);
        NDArray b = a.broadcastTo(2, 3);
        assertArrayEquals(new int[] {0, 1}, b.strides());
        assertArrayEquals(new double[] {0, 1, 2, 0, 1, 2}, b.toDoubleArray());
        NDArray c = range(2, 2, 1).broadcastTo(2, 3);
        assertArrayEquals(new double[] {0, 0, 0, 1, 1, 1}, c.toDoubleArray());
        assertArrayEquals(new double[] {5, 5}, NDArray.scalar(5.0).broadcastTo(2).toDoubleArray());
        assertArrayEquals(new int[] {0, 3}, a.broadcastTo(0, 3).shape());
        var e = assertThrows(TxRuntimeException.class, () -> a.broadcastTo(4));
        assertEquals("cannot broadcast array of shape (3,) to shape (4,)", e.getMessage());
        assertThrows(TxRuntimeException.class, () -> range(6, 2, 3).broadcastTo(3));
    }

    @Test
    void sliceWithNormalizedBounds() {
        NDArray a = range(10);
        assertArrayEquals(new double[] {2, 4, 6}, a.slice(0, 2, 8, 2).toDoubleArray());
        assertArrayEquals(new double[] {9, 8, 7, 6, 5, 4, 3, 2, 1, 0}, a.slice(0, 9, -1, -1).toDoubleArray());
        assertEquals(0, a.slice(0, 5, 5, 1).size());
        assertEquals(0, a.slice(0, 10, 10, 1).size());
        assertThrows(TxRuntimeException.class, () -> a.slice(0, 0, 11, 1));
        assertThrows(TxRuntimeException.class, () -> a.slice(0, 0, 5, 0));
        NDArray m = range(12, 3, 4);
        assertArrayEquals(new double[] {1, 5, 9}, m.slice(1, 1, 2, 1).toDoubleArray());
    }

    @Test
    void sliceNumpyClampsLikePython() {
        NDArray a = range(10);
        assertSlice(a, new double[] {9, 8, 7, 6, 5, 4, 3, 2, 1, 0}, ABSENT, ABSENT, -1);
        assertSlice(a, new double[] {8, 6, 4}, 8, 2, -2);
        assertSlice(a, new double[] {7, 8, 9}, -3, ABSENT, 1);
        assertSlice(a, new double[] {}, ABSENT, -100, 1);
        assertSlice(a, new double[] {}, 100, ABSENT, 1);
        assertSlice(a, new double[] {9, 6, 3, 0}, ABSENT, ABSENT, -3);
        assertSlice(a, new double[] {5, 4, 3, 2, 1, 0}, 5, -100, -1);
        assertSlice(a, new double[] {0, 1, 2}, -100, 3, 1);
        assertSlice(a, new double[] {9}, 100, 8, -1);
        assertSlice(a, new double[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, Integer.MAX_VALUE, Integer.MAX_VALUE, ABSENT);
        assertSlice(a, new double[] {9, 8}, Integer.MAX_VALUE, 7, -1);
        assertSlice(range(0), new double[] {}, ABSENT, ABSENT, -1);
        var e = assertThrows(TxRuntimeException.class, () -> a.sliceNumpy(new int[] {0}, new int[] {1}, new int[] {0}));
        assertEquals("slice step cannot be zero", e.getMessage());
        NDArray m = range(12, 3, 4);
        NDArray s = m.sliceNumpy(new int[] {ABSENT, 1}, new int[] {ABSENT, ABSENT}, new int[] {-1, 2});
        assertArrayEquals(new int[] {3, 2}, s.shape());
        assertArrayEquals(new double[] {9, 11, 5, 7, 1, 3}, s.toDoubleArray());
        assertArrayEquals(new double[] {4, 5, 6, 7}, m.sliceNumpy(new int[] {1}, new int[] {2}, new int[] {1}).toDoubleArray());
    }

    private static void assertSlice(NDArray a, double[] expected, int start, int stop, int step) {
        assertArrayEquals(expected, a.sliceNumpy(new int[] {start}, new int[] {stop}, new int[] {step}).toDoubleArray(),
                start + ":" + stop + ":" + step);
    }

    @Test
    void indexDropsTheAxis() {
        NDArray m = range(12, 3, 4);
        assertArrayEquals(new double[] {4, 5, 6, 7}, m.index(0, 1).toDoubleArray());
        assertArrayEquals(new double[] {3, 7, 11}, m.index(1, -1).toDoubleArray());
        assertEquals(11.0, m.index(0, 2).index(0, 3).getDouble());
        var e = assertThrows(TxRuntimeException.class, () -> m.index(0, 5));
        assertEquals("index 5 is out of bounds for axis 0 with size 3", e.getMessage());
        var neg = assertThrows(TxRuntimeException.class, () -> m.index(1, -5));
        assertEquals("index -5 is out of bounds for axis 1 with size 4", neg.getMessage());
    }

    @Test
    void copyAndContiguous() {
        NDArray m = range(12, 3, 4);
        assertSame(m, m.contiguous());
        NDArray v = m.slice(1, 3, -1, -1).transpose();
        NDArray c = v.contiguous();
        assertNotSame(v, c);
        assertTrue(c.isContiguous());
        assertEquals(0, c.offset());
        assertEquals(v, c);
        assertArrayEquals(new double[] {3, 7, 11, 2, 6, 10, 1, 5, 9, 0, 4, 8}, c.toDoubleArray());
        NDArray row = m.index(0, 1);
        assertTrue(row.isContiguous());
        assertNotSame(row, row.contiguous());
    }

    @Test
    void reshapeViewsOrCopies() {
        NDArray a = range(6);
        NDArray r = a.reshape(2, -1);
        assertSame(a.heapArray(), r.heapArray());
        assertArrayEquals(new int[] {2, 3}, r.shape());
        NDArray t = r.transpose().reshape(6);
        assertArrayEquals(new double[] {0, 3, 1, 4, 2, 5}, t.toDoubleArray());
        assertArrayEquals(new int[] {}, range(1).reshape().shape());
        assertArrayEquals(new int[] {0, 5}, range(0).reshape(0, 5).shape());
        var e = assertThrows(TxRuntimeException.class, () -> a.reshape(4));
        assertEquals("cannot reshape array of size 6 into shape (4,)", e.getMessage());
        assertThrows(TxRuntimeException.class, () -> a.reshape(-1, -1));
        assertThrows(TxRuntimeException.class, () -> a.reshape(4, -1));
        assertThrows(TxRuntimeException.class, () -> range(0).reshape(0, -1));
    }

    @Test
    void astypeConvertsLikeNumpy() {
        NDArray f = NDArray.ofDoubles(new double[] {2.7, -2.7, 300, -1, 0, 0.5, Double.NaN});
        assertArrayEquals(new long[] {2, -2, 300, -1, 0, 0, 0}, f.astype(DType.I64).toLongArray());
        // Out-of-range floats saturate (DECISIONS.md: float to integer casts); NumPy leaves them undefined.
        assertArrayEquals(new long[] {2, 0, 255, 0, 0, 0}, NDArray.ofDoubles(new double[] {2.7, -2.7, 300, -1, 0, 0.5})
                .astype(DType.U8).toLongArray());
        NDArray b = f.astype(DType.BOOL);
        assertArrayEquals(new long[] {1, 1, 1, 1, 0, 1, 1}, b.toLongArray());
        NDArray big = NDArray.ofLongs(new long[] {(1L << 40) + 3, -129});
        assertArrayEquals(new long[] {3, 127}, big.astype(DType.I8).toLongArray());
        assertArrayEquals(new long[] {3, -129}, big.astype(DType.I16).toLongArray());
        assertEquals((float) ((1L << 40) + 3), ((float[]) big.astype(DType.F32).heapArray())[0]);
        assertSame(f, f.astype(DType.F64));
        NDArray view = f.slice(0, 6, -1, -2).astype(DType.F32);
        assertArrayEquals(new float[] {Float.NaN, 0, 300, 2.7f}, (float[]) view.heapArray());
        assertEquals(Long.MAX_VALUE, NDArray.ofLongs(new long[] {Long.MAX_VALUE}).astype(DType.I64).getLong(0));
        assertArrayEquals(new long[] {1, 0}, NDArray.ofBooleans(new boolean[] {true, false}).astype(DType.I32).toLongArray());
    }

    @Test
    void equalityByValues() {
        NDArray a = NDArray.ofDoubles(new double[] {1, Double.NaN, 3, 4}, 2, 2);
        NDArray b = NDArray.ofDoubles(new double[] {1, 3, Double.NaN, 4}, 2, 2).transpose();
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertNotEquals(a, a.astype(DType.F32));
        assertNotEquals(a, a.reshape(4));
        assertNotEquals(NDArray.scalar(0.0), NDArray.scalar(-0.0));
        assertEquals("[[1.0, nan], [3.0, 4.0]]", a.toString());
    }
}
