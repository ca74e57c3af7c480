package dev.txc.runtime;

import static org.junit.jupiter.api.Assertions.*;

import dev.txc.types.DType;
import java.util.Random;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.RealMatrix;
import org.junit.jupiter.api.Test;

class MatmulTest {
    static RealMatrix toMatrix(NDArray m) {
        double[][] d = new double[m.dim(0)][m.dim(1)];
        for (int i = 0; i < d.length; i++) for (int j = 0; j < d[i].length; j++) d[i][j] = m.getDouble(i, j);
        return new Array2DRowRealMatrix(d, false);
    }

    static void assertMatrix(RealMatrix expected, NDArray actual, double tol) {
        assertArrayEquals(new int[] {expected.getRowDimension(), expected.getColumnDimension()}, actual.shape());
        for (int i = 0; i < expected.getRowDimension(); i++) {
            for (int j = 0; j < expected.getColumnDimension(); j++) {
                double e = expected.getEntry(i, j);
                assertEquals(e, actual.getDouble(i, j), tol * Math.max(1, Math.abs(e)), "at " + i + "," + j);
            }
        }
    }

    @Test
    void matchesCommonsMathOnEveryLayout() {
        Random r = new Random(21);
        int[][] sizes = {{1, 1, 1}, {3, 4, 5}, {7, 13, 5}, {300, 263, 270}, {65, 129, 257}, {2, 1, 3}};
        for (int[] s : sizes) {
            for (NDArray a : Ref.layouts(r, DType.F64, s[0], s[1])) {
                for (NDArray b : Ref.layouts(r, DType.F64, s[1], s[2])) {
                    NDArray c = Kernels.matmul(a, b);
                    assertTrue(c.isContiguous());
                    assertMatrix(toMatrix(a).multiply(toMatrix(b)), c, 1e-12);
                }
            }
        }
    }

    @Test
    void float32AccumulatesInFloat() {
        Random r = new Random(22);
        NDArray a = Ref.random(r, DType.F32, 40, 70);
        NDArray b = Ref.random(r, DType.F32, 70, 30).transpose().copy().transpose();
        NDArray c = Kernels.matmul(a, b);
        assertEquals(DType.F32, c.dtype());
        assertMatrix(toMatrix(a).multiply(toMatrix(b)), c, 1e-4); // 70 float roundings of terms near 10
    }

    @Test
    void vectorsArePromotedAndDemoted() {
        NDArray m = NDArray.ofDoubles(new double[] {1, 2, 3, 4, 5, 6}, 2, 3);
        NDArray v3 = NDArray.ofDoubles(new double[] {1, 0, -1});
        NDArray v2 = NDArray.ofDoubles(new double[] {1, 1});
        assertEquals(NDArray.ofDoubles(new double[] {-2, -2}), Kernels.matmul(m, v3));
        assertEquals(NDArray.ofDoubles(new double[] {5, 7, 9}), Kernels.matmul(v2, m));
        assertEquals(NDArray.scalar(-2.0), Kernels.matmul(v3, v3.slice(0, 2, -1, -1)));
        assertEquals(NDArray.scalar(2.0), Kernels.matmul(v3, v3));
    }

    @Test
    void batchDimsBroadcast() {
        Random r = new Random(23);
        NDArray a = Ref.random(r, DType.F64, 2, 1, 3, 4);
        NDArray b = Ref.random(r, DType.F64, 5, 4, 2);
        NDArray c = Kernels.matmul(a, b);
        assertArrayEquals(new int[] {2, 5, 3, 2}, c.shape());
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 5; j++) {
                RealMatrix e = toMatrix(a.index(0, i).index(0, 0)).multiply(toMatrix(b.index(0, j)));
                assertMatrix(e, c.index(0, i).index(0, j), 1e-13);
            }
        }
        NDArray v = Ref.random(r, DType.F64, 4);
        NDArray cv = Kernels.matmul(a, v);
        assertArrayEquals(new int[] {2, 1, 3}, cv.shape());
        NDArray many = Ref.random(r, DType.F64, 64, 3, 4);
        NDArray w = Ref.random(r, DType.F64, 4, 4);
        NDArray cm = Kernels.matmul(many, w.broadcastTo(64, 4, 4));
        assertArrayEquals(new int[] {64, 3, 4}, cm.shape());
        for (int i : new int[] {0, 17, 63}) {
            assertMatrix(toMatrix(many.index(0, i)).multiply(toMatrix(w)), cm.index(0, i), 1e-13);
        }
    }

    @Test
    void integersWrapAndBoolsAreLogical() {
        NDArray a = NDArray.ofLongs(new long[] {100, 100}).astype(DType.I8);
        NDArray b = NDArray.ofLongs(new long[] {100, 100}).astype(DType.I8);
        NDArray c = Kernels.matmul(a, b);
        assertEquals(DType.I8, c.dtype());
        assertEquals((byte) 20000, c.getLong());
        NDArray x = NDArray.ofLongs(new long[] {1, 2, 3, 4}, 2, 2);
        assertEquals(NDArray.ofLongs(new long[] {7, 10, 15, 22}, 2, 2), Kernels.matmul(x, x));
        NDArray t = NDArray.ofBooleans(new boolean[] {true, false, true, true}, 2, 2);
        assertEquals(NDArray.ofBooleans(new boolean[] {true, false, true, true}, 2, 2), Kernels.matmul(t, t));
    }

    /** Matrix-vector, vector-matrix and vector-vector products (the unbatched path) on strided operands, f64 and f32. */
    @Test
    void vectorProductsOnEveryLayoutMatchAPlainLoop() {
        Random r = new Random(23);
        for (DType dt : new DType[] {DType.F64, DType.F32}) {
            for (int[] s : new int[][] {{1, 1}, {3, 5}, {10, 3}, {1, 7}, {33, 17}}) {
                int m = s[0], k = s[1];
                NDArray v = Ref.random(r, dt, 2 * k).slice(0, 2 * k - 1, -1, -2); // k elements, stride -2
                NDArray u = Ref.random(r, dt, m);
                for (NDArray a : Ref.layouts(r, dt, m, k)) {
                    double tol = dt == DType.F32 ? 1e-5 : 1e-12;
                    NDArray av = Kernels.matmul(a, v), ua = Kernels.matmul(u, a);
                    assertEquals(dt, av.dtype());
                    assertArrayEquals(new int[] {m}, av.shape());
                    assertArrayEquals(new int[] {k}, ua.shape());
                    for (int i = 0; i < m; i++) {
                        double e = 0;
                        for (int t = 0; t < k; t++) e += a.getDouble(i, t) * v.getDouble(t);
                        assertEquals(e, av.getDouble(i), tol * Math.max(1, Math.abs(e)), dt + " a @ v at " + i);
                    }
                    for (int t = 0; t < k; t++) {
                        double e = 0;
                        for (int i = 0; i < m; i++) e += u.getDouble(i) * a.getDouble(i, t);
                        assertEquals(e, ua.getDouble(t), tol * Math.max(1, Math.abs(e)), dt + " u @ a at " + t);
                    }
                }
                double e = 0;
                for (int t = 0; t < k; t++) e += v.getDouble(t) * v.getDouble(t);
                NDArray vv = Kernels.matmul(v, v);
                assertEquals(0, vv.rank());
                assertEquals(e, vv.getDouble(), (dt == DType.F32 ? 1e-5 : 1e-12) * Math.max(1, e));
            }
        }
    }

    @Test
    void emptyDims() {
        assertEquals(NDArray.zeros(DType.F64, 3, 5), Kernels.matmul(NDArray.zeros(DType.F64, 3, 0), NDArray.zeros(DType.F64, 0, 5)));
        assertArrayEquals(new int[] {0, 5}, Kernels.matmul(NDArray.zeros(DType.F64, 0, 2), NDArray.zeros(DType.F64, 2, 5)).shape());
        assertArrayEquals(new int[] {0, 2, 2}, Kernels.matmul(NDArray.zeros(DType.F32, 0, 2, 3), NDArray.zeros(DType.F32, 3, 2)).shape());
    }

    @Test
    void errorsLikeNumpy() {
        var e = assertThrows(TxRuntimeException.class,
                () -> Kernels.matmul(NDArray.zeros(DType.F64, 2, 4), NDArray.zeros(DType.F64, 3, 2)));
        assertEquals("matmul: Input operand 1 has a mismatch in its core dimension 0, with gufunc core with signature "
                + "(n?,k),(k,m?)->(n?,m?) (size 3 is different from 4)", e.getMessage());
        var s = assertThrows(TxRuntimeException.class, () -> Kernels.matmul(NDArray.scalar(1.0), NDArray.zeros(DType.F64, 2)));
        assertTrue(s.getMessage().contains("Input operand 0 does not have enough dimensions"));
        var d = assertThrows(TxRuntimeException.class, () -> Kernels.matmul(NDArray.zeros(DType.F64, 2), NDArray.zeros(DType.F32, 2)));
        assertTrue(d.getMessage().contains("same dtype"));
        var b = assertThrows(TxRuntimeException.class,
                () -> Kernels.matmul(NDArray.zeros(DType.F64, 2, 2, 2), NDArray.zeros(DType.F64, 3, 2, 2)));
        assertTrue(b.getMessage().contains("(2,2,2) (3,2,2)"), b.getMessage());
        assertArrayEquals(new int[] {2}, Kernels.matmul(NDArray.zeros(DType.F64, 2, 3), NDArray.zeros(DType.F64, 3)).shape());
    }
}
