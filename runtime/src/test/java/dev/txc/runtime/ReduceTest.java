package dev.txc.runtime;

import static org.junit.jupiter.api.Assertions.*;

import dev.txc.types.DType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ReduceTest {
    /** Reference reduction by enumeration: the values of each slice in C order over the reduced axes. */
    static NDArray reference(ReduceOp op, NDArray x, int[] axes, boolean keepdims) {
        int[] shape = x.shape();
        boolean[] reduced = new boolean[shape.length];
        for (int a : axes) reduced[a] = true;
        int[] keptShape = shape.clone();
        int[] redShape = Arrays.stream(axes).map(a -> shape[a]).toArray();
        for (int a : axes) keptShape[a] = 1;
        List<int[]> outs = Ref.indices(keptShape);
        double[] vals = new double[outs.size()];
        long[] lvals = new long[outs.size()];
        for (int o = 0; o < outs.size(); o++) {
            List<Double> slice = new ArrayList<>();
            List<Long> longs = new ArrayList<>();
            for (int[] ri : Ref.indices(redShape)) {
                int[] full = Ref.merge(outs.get(o), ri, reduced);
                slice.add(x.getDouble(full));
                longs.add(x.getLong(full));
            }
            if (x.dtype().isFloat()) {
                vals[o] = floatOp(op, slice);
            } else {
                lvals[o] = intOp(op, longs);
            }
        }
        DType outType = switch (op) {
            case ARGMAX, ARGMIN -> DType.I64;
            case ANY, ALL -> DType.BOOL;
            case SUM, PROD -> x.dtype() == DType.BOOL ? DType.I64 : x.dtype();
            case MAX, MIN, MEAN -> x.dtype();
        };
        int[] outShape = keepdims ? keptShape
                : java.util.stream.IntStream.range(0, shape.length).filter(d -> !reduced[d]).map(d -> shape[d]).toArray();
        int[] flat = {outs.size()};
        NDArray values = x.dtype().isFloat() ? NDArray.ofDoubles(vals, flat) : NDArray.ofLongs(lvals, flat);
        return values.reshape(outShape).astype(outType);
    }

    private static double floatOp(ReduceOp op, List<Double> s) {
        return switch (op) {
            case SUM -> s.stream().mapToDouble(Double::doubleValue).sum();
            case MEAN -> s.stream().mapToDouble(Double::doubleValue).sum() / s.size();
            case PROD -> s.stream().mapToDouble(Double::doubleValue).reduce(1, (a, b) -> a * b);
            case MAX -> s.stream().mapToDouble(Double::doubleValue).reduce(Double.NEGATIVE_INFINITY, Math::max);
            case MIN -> s.stream().mapToDouble(Double::doubleValue).reduce(Double.POSITIVE_INFINITY, Math::min);
            case ANY -> s.stream().anyMatch(v -> v != 0) ? 1 : 0;
            case ALL -> s.stream().allMatch(v -> v != 0) ? 1 : 0;
            case ARGMAX, ARGMIN -> {
                int best = 0;
                for (int i = 0; i < s.size(); i++) {
                    if (Double.isNaN(s.get(i))) {
                        yield i;
                    }
                    if (op == ReduceOp.ARGMAX ? s.get(i) > s.get(best) : s.get(i) < s.get(best)) best = i;
                }
                yield best;
            }
        };
    }

    private static long intOp(ReduceOp op, List<Long> s) {
        long r = switch (op) {
            case SUM -> s.stream().mapToLong(Long::longValue).sum();
            case PROD -> s.stream().mapToLong(Long::longValue).reduce(1, (a, b) -> a * b);
            case MAX -> s.stream().mapToLong(Long::longValue).max().orElseThrow();
            case MIN -> s.stream().mapToLong(Long::longValue).min().orElseThrow();
            case ANY -> s.stream().anyMatch(v -> v != 0) ? 1 : 0;
            case ALL -> s.stream().allMatch(v -> v != 0) ? 1 : 0;
            case ARGMAX, ARGMIN -> {
                int best = 0;
                for (int i = 0; i < s.size(); i++) {
                    if (op == ReduceOp.ARGMAX ? s.get(i) > s.get(best) : s.get(i) < s.get(best)) best = i;
                }
                yield best;
            }
            case MEAN -> throw new AssertionError();
        };
        return r;
    }

    static void assertClose(NDArray expected, NDArray actual, double rel, String what) {
        assertEquals(expected.dtype(), actual.dtype(), what);
        assertArrayEquals(expected.shape(), actual.shape(), what);
        assertTrue(actual.isContiguous(), what);
        double[] e = expected.toDoubleArray();
        double[] a = actual.toDoubleArray();
        for (int i = 0; i < e.length; i++) {
            if (Double.isNaN(e[i])) {
                assertTrue(Double.isNaN(a[i]), what + " at " + i);
            } else {
                assertEquals(e[i], a[i], rel * Math.max(1, Math.abs(e[i])), what + " at " + i);
            }
        }
    }

    static final int[][] AXES_3D = {{}, {0}, {1}, {2}, {0, 1}, {0, 2}, {1, 2}, {0, 1, 2}};

    @Test
    void everyOpDtypeLayoutAndAxisSet() {
        Random r = new Random(11);
        for (DType t : DType.values()) {
            for (NDArray x : Ref.layouts(r, t, 3, 4, 5)) {
                for (ReduceOp op : ReduceOp.values()) {
                    if (op == ReduceOp.MEAN && !t.isFloat()) {
                        continue;
                    }
                    for (int[] axes : AXES_3D) {
                        for (boolean keep : new boolean[] {false, true}) {
                            String what = op + " " + t + " " + Arrays.toString(axes) + " keep=" + keep;
                            NDArray expected = axes.length == 0 && (op == ReduceOp.ARGMAX || op == ReduceOp.ARGMIN)
                                    ? NDArray.zeros(DType.I64, x.shape()) : reference(op, x, axes, keep);
                            if (axes.length == 0 && (op == ReduceOp.ANY || op == ReduceOp.ALL)) {
                                expected = x.astype(DType.BOOL);
                            }
                            double tol = t == DType.F32 ? 1e-6 : 1e-12;
                            assertClose(expected, Kernels.reduce(op, x, axes, keep), tol, what);
                        }
                    }
                }
            }
        }
    }

    @Test
    void nanHandlingFollowsNumpy() {
        NDArray x = NDArray.ofDoubles(new double[] {1, Double.NaN, 3, Double.NaN});
        assertTrue(Double.isNaN(Kernels.reduce(ReduceOp.MAX, x, new int[] {0}, false).getDouble()));
        assertTrue(Double.isNaN(Kernels.reduce(ReduceOp.MIN, x, new int[] {0}, false).getDouble()));
        assertEquals(1L, Kernels.reduce(ReduceOp.ARGMAX, x, new int[] {0}, false).getLong());
        assertEquals(1L, Kernels.reduce(ReduceOp.ARGMIN, x, new int[] {0}, false).getLong());
        NDArray first = NDArray.ofDoubles(new double[] {Double.NaN, 5});
        assertEquals(0L, Kernels.reduce(ReduceOp.ARGMAX, first, new int[] {0}, false).getLong());
        assertTrue(Kernels.reduce(ReduceOp.ANY, x, new int[] {0}, false).getBoolean());
        NDArray ties = NDArray.ofLongs(new long[] {2, 7, 7, -1, -1});
        assertEquals(1L, Kernels.reduce(ReduceOp.ARGMAX, ties, new int[] {0}, false).getLong());
        assertEquals(3L, Kernels.reduce(ReduceOp.ARGMIN, ties, new int[] {0}, false).getLong());
    }

    @Test
    void emptyAndRankZero() {
        NDArray e = NDArray.zeros(DType.F64, 3, 0);
        assertArrayEquals(new double[] {0, 0, 0}, Kernels.reduce(ReduceOp.SUM, e, new int[] {1}, false).toDoubleArray());
        assertArrayEquals(new double[] {1, 1, 1}, Kernels.reduce(ReduceOp.PROD, e, new int[] {1}, false).toDoubleArray());
        assertTrue(Double.isNaN(Kernels.reduce(ReduceOp.MEAN, e, new int[] {1}, false).getDouble(0)));
        assertFalse(Kernels.reduce(ReduceOp.ANY, e, new int[] {1}, false).getBoolean(0));
        assertTrue(Kernels.reduce(ReduceOp.ALL, e, new int[] {1}, false).getBoolean(0));
        assertArrayEquals(new int[] {0}, Kernels.reduce(ReduceOp.MAX, e, new int[] {0}, false).shape());
        var err = assertThrows(TxRuntimeException.class, () -> Kernels.reduce(ReduceOp.MAX, e, new int[] {1}, false));
        assertEquals("zero-size array to reduction operation maximum which has no identity", err.getMessage());
        var arg = assertThrows(TxRuntimeException.class, () -> Kernels.reduce(ReduceOp.ARGMIN, e, new int[] {0, 1}, false));
        assertEquals("attempt to get argmin of an empty sequence", arg.getMessage());
        NDArray s = NDArray.scalar(4.5);
        assertEquals(s, Kernels.reduce(ReduceOp.SUM, s, new int[0], false));
        assertEquals(NDArray.scalar(0L), Kernels.reduce(ReduceOp.ARGMAX, s, new int[0], true));
        assertEquals(NDArray.scalar(0L), Kernels.reduce(ReduceOp.SUM, NDArray.zeros(DType.BOOL, 0), new int[] {0}, false));
    }

    @Test
    void rejectsBadArguments() {
        NDArray x = NDArray.zeros(DType.I64, 2, 3);
        var e = assertThrows(TxRuntimeException.class, () -> Kernels.reduce(ReduceOp.MEAN, x, new int[] {0}, false));
        assertTrue(e.getMessage().contains("mean: expected a float array, got i64"));
        assertThrows(TxRuntimeException.class, () -> Kernels.reduce(ReduceOp.SUM, x, new int[] {1, 0}, false));
        assertThrows(TxRuntimeException.class, () -> Kernels.reduce(ReduceOp.SUM, x, new int[] {2}, false));
        assertThrows(TxRuntimeException.class, () -> Kernels.reduce(ReduceOp.SUM, x, new int[] {0, 0}, false));
    }

    @Test
    void integerSumsWrapLikeTheDtype() {
        NDArray u = NDArray.wrap(DType.U8, new byte[] {(byte) 200, (byte) 100}, new int[] {2});
        assertEquals(44L, Kernels.reduce(ReduceOp.SUM, u, new int[] {0}, false).getLong());
        NDArray i = NDArray.ofInts(new int[] {Integer.MAX_VALUE, 1});
        assertEquals(Integer.MIN_VALUE, Kernels.reduce(ReduceOp.SUM, i, new int[] {0}, false).getLong());
        NDArray b = NDArray.ofBooleans(new boolean[] {true, true, false});
        assertEquals(NDArray.scalar(2L), Kernels.reduce(ReduceOp.SUM, b, new int[] {0}, false));
        assertEquals(NDArray.scalar(true), Kernels.reduce(ReduceOp.MAX, b, new int[] {0}, false));
        assertEquals(NDArray.scalar(false), Kernels.reduce(ReduceOp.MIN, b, new int[] {0}, false));
    }

    @Test
    void longSumsStayAccurate() {
        int n = 10_000_000;
        double[] d = new double[n];
        Random r = new Random(12);
        for (int i = 0; i < n; i++) d[i] = r.nextDouble() * 2 + (i % 3 == 0 ? 1e6 : 1e-3);
        // Neumaier's compensated sum: accurate to a few ulps whatever the order
        double s = 0;
        double c = 0;
        for (double v : d) {
            double t = s + v;
            c += Math.abs(s) >= Math.abs(v) ? (s - t) + v : (v - t) + s;
            s = t;
        }
        double exact = s + c;
        NDArray x = NDArray.ofDoubles(d);
        double got = Kernels.reduce(ReduceOp.SUM, x, new int[] {0}, false).getDouble();
        assertEquals(exact, got, Math.abs(exact) * 1e-14);
        NDArray f = x.astype(DType.F32);
        double fexact = 0;
        for (float v : (float[]) f.heapArray()) fexact += v;
        assertEquals((float) fexact, (float) Kernels.reduce(ReduceOp.SUM, f, new int[] {0}, false).getDouble(), Math.ulp((float) fexact));
    }

    @Test
    void largeParallelReductionsMatchSmallOnes() {
        Random r = new Random(13);
        NDArray x = Ref.random(r, DType.F64, 300, 1000);
        for (int[] axes : new int[][] {{0}, {1}}) {
            NDArray got = Kernels.reduce(ReduceOp.SUM, x, axes, false);
            NDArray argmax = Kernels.reduce(ReduceOp.ARGMAX, x, axes, false);
            int other = 1 - axes[0];
            for (int i = 0; i < x.dim(other); i++) {
                NDArray slice = x.index(other, i);
                assertEquals(reference(ReduceOp.SUM, slice, new int[] {0}, false).getDouble(), got.getDouble(i), 1e-10);
                assertEquals(reference(ReduceOp.ARGMAX, slice, new int[] {0}, false).getLong(), argmax.getLong(i));
            }
        }
    }

    @Test
    void leadingAxisSumsMatchTheGeneralPath() {
        Random r = new Random(15);
        for (DType t : new DType[] {DType.F64, DType.F32}) {
            for (int[] shape : new int[][] {{1000, 1100}, {3, 0}, {0, 3}, {70, 2, 3}, {5000, 3}}) {
                NDArray x = Ref.random(r, t, shape);
                for (int lead = 1; lead < shape.length; lead++) {
                    int[] axes = java.util.stream.IntStream.range(0, lead).toArray();
                    for (ReduceOp op : new ReduceOp[] {ReduceOp.SUM, ReduceOp.MEAN}) {
                        // the transposed copy is not contiguous, so it takes the general path
                        NDArray general = Kernels.reduce(op, x.transpose().copy().transpose(), axes, false);
                        ReduceTest.assertClose(general, Kernels.reduce(op, x, axes, false), t == DType.F32 ? 1e-6 : 1e-12,
                                op + " " + Arrays.toString(shape));
                        if (shape[0] == 70) {
                            ReduceTest.assertClose(reference(op, x, axes, true), Kernels.reduce(op, x, axes, true), 1e-6, "ref");
                        }
                    }
                }
            }
        }
    }

    @Test
    void argMaskMarksTheFirstExtreme() {
        Random r = new Random(14);
        for (DType t : new DType[] {DType.F64, DType.F32, DType.I32, DType.U8}) {
            for (NDArray x : Ref.layouts(r, t, 3, 4, 5)) {
                for (int[] axes : AXES_3D) {
                    for (boolean isMax : new boolean[] {true, false}) {
                        NDArray mask = Kernels.argMask(x, axes, isMax);
                        assertEquals(DType.BOOL, mask.dtype());
                        assertArrayEquals(x.shape(), mask.shape());
                        NDArray arg = axes.length == 0 ? NDArray.zeros(DType.I64, x.shape())
                                : reference(isMax ? ReduceOp.ARGMAX : ReduceOp.ARGMIN, x, axes, true);
                        checkMask(mask, arg, axes);
                    }
                }
            }
        }
        NDArray ties = NDArray.ofDoubles(new double[] {1, 3, 3, 0, 0, 1}, 2, 3);
        assertEquals(NDArray.ofBooleans(new boolean[] {false, true, false, false, false, true}, 2, 3),
                Kernels.argMask(ties, new int[] {1}, true));
        assertEquals(NDArray.ofBooleans(new boolean[] {true, false, false, true, false, false}, 2, 3),
                Kernels.argMask(ties, new int[] {1}, false));
    }

    private static void checkMask(NDArray mask, NDArray arg, int[] axes) {
        boolean[] reduced = new boolean[mask.rank()];
        for (int a : axes) reduced[a] = true;
        int[] redShape = Arrays.stream(axes).map(mask::dim).toArray();
        for (int[] idx : Ref.indices(mask.shape())) {
            int[] kept = idx.clone();
            int flat = 0;
            for (int k = 0; k < axes.length; k++) {
                flat = flat * redShape[k] + idx[axes[k]];
                kept[axes[k]] = 0;
            }
            assertEquals(flat == arg.getLong(kept), mask.getBoolean(idx), Arrays.toString(idx));
        }
    }
}
