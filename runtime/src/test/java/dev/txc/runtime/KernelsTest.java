package dev.txc.runtime;

import static org.junit.jupiter.api.Assertions.*;

import dev.txc.types.DType;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class KernelsTest {
    static final int ABSENT = Integer.MIN_VALUE;
    static final double INF = Double.POSITIVE_INFINITY;

    static NDArray vec(double... v) {
        return NDArray.ofDoubles(v);
    }

    // ---------------------------------------------------------------- softmax family

    @Test
    void softmaxMatchesTheDefinitionOnEveryLayoutAndAxis() {
        Random r = new Random(31);
        for (DType t : new DType[] {DType.F64, DType.F32}) {
            for (NDArray x : Ref.layouts(r, t, 3, 4, 5)) {
                for (int axis = -3; axis < 3; axis++) {
                    NDArray sm = Kernels.softmax(x, axis);
                    NDArray lsm = Kernels.logSoftmax(x, axis);
                    assertEquals(t, sm.dtype());
                    assertTrue(sm.isContiguous() && lsm.isContiguous());
                    int ax = Shapes.normalizeAxis(axis, 3);
                    for (int[] idx : Ref.indices(x.shape())) {
                        double denom = 0;
                        int[] j = idx.clone();
                        for (int k = 0; k < x.dim(ax); k++) {
                            j[ax] = k;
                            denom += Math.exp(x.getDouble(j));
                        }
                        double tol = t == DType.F32 ? 1e-6 : 1e-14;
                        assertEquals(Math.exp(x.getDouble(idx)) / denom, sm.getDouble(idx), tol);
                        assertEquals(x.getDouble(idx) - Math.log(denom), lsm.getDouble(idx), tol * 10);
                    }
                }
            }
        }
    }

    /**
     * Many rows, short and long, take the exponential of whole blocks of rows in vector lanes (Softmax.rows): every
     * value against the definition in StrictMath, f64 and f32, with rows holding -inf, +inf and NaN; logsumexp, which
     * takes the same block path, too.
     */
    @Test
    void softmaxOfManyRowsMatchesTheDefinition() {
        Random r = new Random(33);
        for (int n : new int[] {1, 3, 10, 37, 2049, 5000}) {
            int rows = Math.max(3, 20_000 / n);
            double[] x = new double[rows * n];
            for (int i = 0; i < x.length; i++) x[i] = 5 * r.nextGaussian();
            x[0] = Double.NEGATIVE_INFINITY;
            if (rows > 2) {
                x[n] = Double.POSITIVE_INFINITY;
                x[2 * n] = Double.NaN;
            }
            for (DType t : new DType[] {DType.F64, DType.F32}) {
                NDArray a = NDArray.ofDoubles(x, rows, n).astype(t);
                double[] v = a.toDoubleArray(), sm = Kernels.softmax(a, 1).toDoubleArray(), lsm = Kernels.logSoftmax(a, -1).toDoubleArray();
                double[] lse = Kernels.logsumexp(a, new int[] {1}, false).toDoubleArray();
                for (int row = 0; row < rows; row++) {
                    double m = Double.NEGATIVE_INFINITY, s = 0;
                    for (int i = 0; i < n; i++) m = Math.max(m, v[row * n + i]);
                    for (int i = 0; i < n; i++) s += StrictMath.exp(v[row * n + i] - m);
                    double wantLse = Double.isFinite(m) ? m + StrictMath.log(s) : m;
                    String lseAt = t.spelling() + " logsumexp n=" + n + " row " + row;
                    if (Double.isFinite(wantLse)) assertEquals(wantLse, lse[row], (t == DType.F32 ? 1e-6 : 1e-14) * Math.max(1, Math.abs(wantLse)), lseAt);
                    else assertEquals(wantLse, lse[row], lseAt);
                    for (int i = 0; i < n; i++) {
                        int at = row * n + i;
                        double z = v[at] - m, wantSm = StrictMath.exp(z) / s, wantLsm = z - StrictMath.log(s);
                        double tol = t == DType.F32 ? 1e-6 : 1e-14;
                        String where = t.spelling() + " n=" + n + " row " + row + " element " + i;
                        if (Double.isNaN(wantSm)) assertTrue(Double.isNaN(sm[at]) && Double.isNaN(lsm[at]), where);
                        else {
                            assertEquals(wantSm, sm[at], tol, where);
                            assertEquals(wantLsm, lsm[at], tol * Math.max(1, Math.abs(wantLsm)), where);
                        }
                    }
                }
            }
        }
    }

    @Test
    void softmaxFamilyIsStable() {
        assertEquals(vec(0.5, 0.5), Kernels.softmax(vec(1000, 1000), 0));
        assertEquals(vec(0, 1), Kernels.softmax(vec(-1000, 0), 0));
        assertEquals(vec(0, -1000), Kernels.logSoftmax(vec(1000, 0), 0));
        assertEquals(vec(-Math.log(2), -Math.log(2)), Kernels.logSoftmax(vec(-1000, -1000), -1));
        assertEquals(NDArray.scalar(1000 + Math.log(2)), Kernels.logsumexp(vec(1000, 1000), new int[] {0}, false));
        assertEquals(NDArray.scalar(-1000 + Math.log(2)), Kernels.logsumexp(vec(-1000, -1000), new int[] {0}, false));
        assertEquals(NDArray.scalar(Double.NEGATIVE_INFINITY), Kernels.logsumexp(vec(-INF, -INF), new int[] {0}, false));
        assertEquals(NDArray.scalar(INF), Kernels.logsumexp(vec(INF, 1), new int[] {0}, false));
        assertTrue(Double.isNaN(Kernels.logsumexp(vec(Double.NaN, 1), new int[] {0}, false).getDouble()));
        assertEquals(NDArray.scalar(Double.NEGATIVE_INFINITY), Kernels.logsumexp(vec(), new int[] {0}, false));
        assertEquals(vec(0, 1), Kernels.softmax(vec(-INF, 0), 0));
    }

    @Test
    void logsumexpOverAxisSets() {
        Random r = new Random(32);
        for (NDArray x : Ref.layouts(r, DType.F64, 3, 4, 5)) {
            for (int[] axes : ReduceTest.AXES_3D) {
                for (boolean keep : new boolean[] {false, true}) {
                    NDArray got = Kernels.logsumexp(x, axes, keep);
                    NDArray exp = NDArray.ofDoubles(Arrays.stream(x.toDoubleArray()).map(Math::exp).toArray(), x.shape());
                    NDArray expected = Kernels.reduce(ReduceOp.SUM, exp, axes, keep);
                    NDArray logged = NDArray.ofDoubles(Arrays.stream(expected.toDoubleArray()).map(Math::log).toArray(),
                            expected.size()).reshape(expected.shape());
                    ReduceTest.assertClose(logged, got, 1e-13, Arrays.toString(axes) + keep);
                }
            }
        }
        NDArray f = Kernels.logsumexp(Ref.random(r, DType.F32, 2, 3), new int[] {1}, true);
        assertEquals(DType.F32, f.dtype());
        assertArrayEquals(new int[] {2, 1}, f.shape());
    }

    @Test
    void softmaxRejectsNonFloatsAndScalars() {
        assertThrows(TxRuntimeException.class, () -> Kernels.softmax(NDArray.zeros(DType.I64, 3), 0));
        assertThrows(TxRuntimeException.class, () -> Kernels.softmax(NDArray.scalar(1.0), 0));
        assertThrows(TxRuntimeException.class, () -> Kernels.logSoftmax(vec(1, 2), 1));
        assertThrows(TxRuntimeException.class, () -> Kernels.logsumexp(NDArray.zeros(DType.I32, 3), new int[] {0}, false));
        assertEquals(0, Kernels.softmax(NDArray.zeros(DType.F64, 0, 3), 1).size());
    }

    // ---------------------------------------------------------------- shape kernels

    @Test
    void concatJoinsViews() {
        NDArray a = NDArray.ofDoubles(new double[] {0, 1, 2, 3, 4, 5}, 2, 3);
        NDArray b = NDArray.ofDoubles(new double[] {6, 7, 8}, 3).broadcastTo(1, 3);
        assertEquals(NDArray.ofDoubles(new double[] {0, 1, 2, 3, 4, 5, 6, 7, 8}, 3, 3), Kernels.concat(new NDArray[] {a, b}, 0));
        NDArray t = a.transpose();
        NDArray c = Kernels.concat(new NDArray[] {a, t.transpose().slice(1, 2, -1, -1)}, -1);
        assertEquals(NDArray.ofDoubles(new double[] {0, 1, 2, 2, 1, 0, 3, 4, 5, 5, 4, 3}, 2, 6), c);
        assertEquals(a, Kernels.concat(new NDArray[] {a, NDArray.zeros(DType.F64, 2, 0)}, 1));
        assertEquals(NDArray.ofLongs(new long[] {1, 2}), Kernels.concat(new NDArray[] {NDArray.ofLongs(new long[] {1}),
                NDArray.ofLongs(new long[] {2})}, 0));
        var dims = assertThrows(TxRuntimeException.class, () -> Kernels.concat(new NDArray[] {a, b}, 1));
        assertTrue(dims.getMessage().contains("along dimension 0, the array at index 0 has size 2 and the array at index 1 has size 1"));
        assertThrows(TxRuntimeException.class, () -> Kernels.concat(new NDArray[] {a, a.astype(DType.F32)}, 0));
        assertThrows(TxRuntimeException.class, () -> Kernels.concat(new NDArray[] {a, vec(1)}, 0));
        assertThrows(TxRuntimeException.class, () -> Kernels.concat(new NDArray[] {NDArray.scalar(1.0)}, 0));
        assertThrows(TxRuntimeException.class, () -> Kernels.concat(new NDArray[0], 0));
        assertThrows(TxRuntimeException.class, () -> Kernels.concat(new NDArray[] {a}, 2));
    }

    @Test
    void unsliceIsTheAdjointOfSlicing() {
        Random r = new Random(33);
        NDArray x = Ref.random(r, DType.F64, 5, 6);
        int[][] cases = {{1, 4, 1, ABSENT, ABSENT, 2}, {ABSENT, ABSENT, -1, 4, 0, -2}, {-2, ABSENT, 1, -100, 100, 1}, {3, 3, 1, 0, 6, 1}};
        for (int[] c : cases) {
            int[] starts = {c[0], c[3]};
            int[] stops = {c[1], c[4]};
            int[] steps = {c[2], c[5]};
            NDArray g = x.sliceNumpy(starts, stops, steps);
            NDArray u = Kernels.unslice(g.copy(), x.shape(), starts, stops, steps);
            assertArrayEquals(x.shape(), u.shape());
            assertEquals(g, u.sliceNumpy(starts, stops, steps));
            double total = Arrays.stream(u.toDoubleArray()).map(Math::abs).sum();
            double inside = Arrays.stream(g.toDoubleArray()).map(Math::abs).sum();
            assertEquals(inside, total, 1e-12, "zeros outside the region");
        }
        var e = assertThrows(TxRuntimeException.class,
                () -> Kernels.unslice(vec(1, 2), new int[] {5}, new int[] {0}, new int[] {3}, new int[] {1}));
        assertTrue(e.getMessage().contains("(2,)") && e.getMessage().contains("(3,)"));
        assertEquals(NDArray.ofLongs(new long[] {0, 7, 0}), Kernels.unslice(NDArray.ofLongs(new long[] {7}), new int[] {3},
                new int[] {1}, new int[] {2}, new int[] {1}));
    }

    @Test
    void unindexWritesOneSlice() {
        NDArray g = vec(1, 2, 3);
        assertEquals(NDArray.ofDoubles(new double[] {0, 0, 0, 1, 2, 3}, 2, 3), Kernels.unindex(g, new int[] {2, 3}, 0, -1));
        assertEquals(NDArray.ofDoubles(new double[] {0, 1, 0, 2, 0, 3}, 3, 2), Kernels.unindex(g.slice(0, 0, 3, 1), new int[] {3, 2}, 1, 1));
        assertEquals(vec(0, 5, 0), Kernels.unindex(NDArray.scalar(5.0), new int[] {3}, 0, 1));
        var e = assertThrows(TxRuntimeException.class, () -> Kernels.unindex(g, new int[] {2, 3}, 0, 2));
        assertEquals("index 2 is out of bounds for axis 0 with size 2", e.getMessage());
        assertThrows(TxRuntimeException.class, () -> Kernels.unindex(g, new int[] {2, 4}, 0, 0));
    }

    @Test
    void sumToUndoesBroadcasting() {
        Random r = new Random(34);
        NDArray g = Ref.random(r, DType.F64, 4, 2, 3);
        assertSame(g, Kernels.sumTo(g, new int[] {4, 2, 3}));
        NDArray s = Kernels.sumTo(g, new int[] {3});
        NDArray t = Kernels.sumTo(g, new int[] {2, 1});
        NDArray u = Kernels.sumTo(g, new int[] {1, 1, 3});
        NDArray w = Kernels.sumTo(g, new int[] {});
        assertArrayEquals(new int[] {3}, s.shape());
        assertArrayEquals(new int[] {2, 1}, t.shape());
        assertArrayEquals(new int[] {1, 1, 3}, u.shape());
        assertArrayEquals(new int[] {}, w.shape());
        double total = 0;
        for (int[] idx : Ref.indices(g.shape())) total += g.getDouble(idx);
        assertEquals(total, w.getDouble(), 1e-12);
        for (int k = 0; k < 3; k++) {
            double e = 0;
            for (int i = 0; i < 4; i++) for (int j = 0; j < 2; j++) e += g.getDouble(i, j, k);
            assertEquals(e, s.getDouble(k), 1e-12);
            assertEquals(e, u.getDouble(0, 0, k), 1e-12);
        }
        for (int j = 0; j < 2; j++) {
            double e = 0;
            for (int i = 0; i < 4; i++) for (int k = 0; k < 3; k++) e += g.getDouble(i, j, k);
            assertEquals(e, t.getDouble(j, 0), 1e-12);
        }
        NDArray b = vec(1, 2).broadcastTo(3, 2);
        assertEquals(vec(3, 6), Kernels.sumTo(b, new int[] {2}));
        var e = assertThrows(TxRuntimeException.class, () -> Kernels.sumTo(g, new int[] {2}));
        assertTrue(e.getMessage().contains("could not be broadcast together with shapes (2,) (4,2,3)"), e.getMessage());
        assertThrows(TxRuntimeException.class, () -> Kernels.sumTo(vec(1, 2), new int[] {3, 2}));
        assertThrows(TxRuntimeException.class, () -> Kernels.sumTo(vec(1, 2), new int[] {1, 1, 2}));
    }

    // ---------------------------------------------------------------- matrices and construction

    @Test
    void diagonals() {
        NDArray m = NDArray.ofDoubles(new double[] {0, 1, 2, 3, 4, 5}, 2, 3);
        assertEquals(vec(0, 4), Kernels.diagonal(m));
        assertEquals(vec(0, 4), Kernels.diagonal(m.transpose()));
        assertEquals(vec(2, 4), Kernels.diagonal(m.slice(1, 2, -1, -1)));
        assertEquals(0, Kernels.diagonal(NDArray.zeros(DType.F64, 0, 3)).size());
        assertThrows(TxRuntimeException.class, () -> Kernels.diagonal(vec(1, 2)));
        NDArray d = Kernels.diagEmbed(NDArray.ofLongs(new long[] {1, 2, 3}).slice(0, 2, -1, -1), new int[] {3, 3});
        assertEquals(NDArray.ofLongs(new long[] {3, 0, 0, 0, 2, 0, 0, 0, 1}, 3, 3), d);
        assertEquals(NDArray.ofDoubles(new double[] {5, 0, 0, 0, 6, 0}, 2, 3), Kernels.diagEmbed(vec(5, 6), new int[] {2, 3}));
        assertArrayEquals(new int[] {0, 0}, Kernels.diagEmbed(vec(), new int[] {0, 0}).shape());
        assertThrows(TxRuntimeException.class, () -> Kernels.diagEmbed(NDArray.scalar(1.0), new int[] {1, 1}));
        assertThrows(TxRuntimeException.class, () -> Kernels.diagEmbed(vec(1, 2), new int[] {3, 3}));
    }

    @Test
    void arangeHasNumpyLength() {
        assertEquals(vec(0, 1, 2, 3, 4), Kernels.arange(0, 5, 1, DType.F64));
        assertEquals(4, Kernels.arange(0, 1, 0.3, DType.F64).size());
        assertEquals(vec(5, 3, 1), Kernels.arange(5, 0, -2, DType.F64));
        assertEquals(0, Kernels.arange(5, 0, 1, DType.F64).size());
        assertEquals(NDArray.ofLongs(new long[] {-2, -1, 0}), Kernels.arange(-2, 1, 1, DType.I64));
        assertEquals(DType.F32, Kernels.arange(0, 3, 1, DType.F32).dtype());
        var e = assertThrows(TxRuntimeException.class, () -> Kernels.arange(0, 5, 0, DType.F64));
        assertTrue(e.getMessage().contains("step"));
        assertThrows(TxRuntimeException.class, () -> Kernels.arange(0, Double.NaN, 1, DType.F64));
    }

    @Test
    void shapeOfIsAnI64Vector() {
        assertEquals(NDArray.ofLongs(new long[] {2, 0, 3}), Kernels.shapeOf(NDArray.zeros(DType.BOOL, 2, 0, 3)));
        assertArrayEquals(new int[] {0}, Kernels.shapeOf(NDArray.scalar(1.0)).shape());
    }

    @Test
    void randomArraysAreDeterministic() {
        NDArray a = Kernels.randn(7, DType.F64, 3, 4);
        assertEquals(a, Kernels.randn(7, DType.F64, 3, 4));
        assertNotEquals(a, Kernels.randn(8, DType.F64, 3, 4));
        Random r = new Random(7);
        for (int i = 0; i < 12; i++) assertEquals(r.nextGaussian(), a.getDoubleFlat(i));
        NDArray f = Kernels.randn(7, DType.F32, 12);
        assertEquals(DType.F32, f.dtype());
        assertEquals((float) a.getDoubleFlat(5), (float) f.getDoubleFlat(5));
        NDArray u = Kernels.uniform(-2, 3, 9, DType.F64, 1000);
        Random q = new Random(9);
        for (int i = 0; i < 1000; i++) {
            double v = u.getDoubleFlat(i);
            assertEquals(-2 + 5 * q.nextDouble(), v);
            assertTrue(v >= -2 && v < 3);
        }
        assertArrayEquals(new int[] {}, Kernels.randn(1, DType.F64).shape());
        assertThrows(TxRuntimeException.class, () -> Kernels.randn(1, DType.I64, 2));
        assertThrows(TxRuntimeException.class, () -> Kernels.uniform(0, 1, 1, DType.BOOL, 2));
    }
}
