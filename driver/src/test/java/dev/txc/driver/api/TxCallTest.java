package dev.txc.driver.api;

import static dev.txc.driver.api.Tx.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.txc.runtime.NDArray;
import dev.txc.types.DType;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Repeated calls through the embedding API (the path issue 13's call overhead measures): numbers of every boxed type,
 * results that stay intact across later calls, shapes that change between calls, and shared state updated step after
 * step, each against values computed by hand in plain Java.
 */
class TxCallTest {
    @Test
    void aScalarFunctionTakesEveryKindOfNumber() {
        Expr x = dscalar("x");
        TxFunction f = function(List.of(x), x.times(2).plus(1));
        assertEquals(4.0, f.invoke(1.5).toDouble());
        assertEquals(4.0, f.invoke(1.5f).toDouble());
        assertEquals(7.0, f.invoke(3).toDouble());
        assertEquals(7.0, f.invoke(3L).toDouble());
        assertEquals(7.0, f.invoke((short) 3).toDouble());
        assertEquals(7.0, f.invoke((byte) 3).toDouble());
        assertEquals(-5.0, f.invoke(NDArray.scalar(-3.0)).toDouble());
        NDArray first = f.invoke(2.0).value();
        NDArray second = f.invoke(10.0).value();
        assertEquals(5.0, first.getDouble(), "a later call must not overwrite an earlier result");
        assertEquals(21.0, second.getDouble());
        Expr n = lscalar("n");
        TxFunction g = function(List.of(n), n.times(3));
        assertEquals(9L, g.invoke(3).value().getLong());
        var e = assertThrows(TxException.class, () -> g.invoke(1.5));
        assertTrue(e.getMessage().contains("got the number 1.5 (not an integer)"), e.getMessage());
    }

    /** A number the dtype cannot hold is refused, as txc run --arg and NumPy 2 refuse it, not wrapped or saturated. */
    @Test
    void literalsOutOfRangeAreRefused() {
        Expr b = scalar("b", DType.I8), u = vector("u", DType.U8), i = iscalar("i"), f = fscalar("f");
        TxFunction fb = function(List.of(b), b.times(1)), fu = function(List.of(u), u.times(1));
        TxFunction fi = function(List.of(i), i.times(1)), ff = function(List.of(f), f.times(1));
        assertEquals(127L, fb.invoke(127).value().getLong());
        assertEquals(-128L, fb.invoke(-128L).value().getLong());
        assertEquals(255L, fu.invoke(new int[] {255, 0}).value().getLong(0));
        assertEquals(3.4e38, ff.invoke(3.4e38).toDouble(), 1e32);
        String[][] cases = {
            {"300", "got the number 300 (out of range for i8)"},
            {"-1", "got the number -1 (out of range for u8)"},
            {"1099511627776", "got the number 1099511627776 (out of range for i32)"},
            {"3e9", "got the number 3.0E9 (out of range for i32)"},
            {"1e300", "got the number 1.0E300 (out of range for f32)"},
        };
        var calls = List.<java.util.function.Supplier<Object>>of(() -> fb.invoke(300), () -> fu.invoke(List.of(7, -1)),
                () -> fi.invoke(1L << 40), () -> fi.invoke(3e9), () -> ff.invoke(new double[] {1e300}[0]));
        for (int k = 0; k < cases.length; k++) {
            var call = calls.get(k);
            var e = assertThrows(TxException.class, call::get, cases[k][0]);
            assertTrue(e.getMessage().contains(cases[k][1]), e.getMessage());
        }
    }

    @Test
    void elementwiseResultsSurviveLaterCallsOfOtherShapes() {
        Expr x = dmatrix("x"), y = dvector("y");
        TxFunction f = function(List.of(x, y), fn -> List.of(exp(x.unaryMinus()).times(y).plus(1), sum(tanh(x).times(y), 1)));
        var r = new Random(1);
        int[][] shapes = {{3, 4}, {3, 4}, {1, 1}, {0, 4}, {5, 7}, {3, 4}, {1, 9}, {3, 4}};
        var kept = new ArrayList<Outputs>();
        var inputs = new ArrayList<double[][]>();
        for (int[] s : shapes) {
            double[][] xs = new double[s[0]][s[1]];
            double[] ys = new double[s[1]];
            for (double[] row : xs) for (int j = 0; j < s[1]; j++) row[j] = r.nextGaussian();
            for (int j = 0; j < s[1]; j++) ys[j] = r.nextGaussian();
            kept.add(f.invoke(NDArray.ofDoubles(flat(xs), s[0], s[1]), NDArray.ofDoubles(ys.clone(), s[1])));
            inputs.add(new double[][] {flat(xs), ys});
        }
        for (int c = 0; c < shapes.length; c++) {
            int rows = shapes[c][0], cols = shapes[c][1];
            double[] xs = inputs.get(c)[0], ys = inputs.get(c)[1];
            double[] a = kept.get(c).get(0).toDoubleArray(), s = kept.get(c).get(1).toDoubleArray();
            assertEquals(rows * cols, a.length);
            assertEquals(rows, s.length);
            for (int i = 0; i < rows; i++) {
                double sum = 0;
                for (int j = 0; j < cols; j++) {
                    assertEquals(Math.exp(-xs[i * cols + j]) * ys[j] + 1, a[i * cols + j], 1e-12, "call " + c + " at " + i + "," + j);
                    sum += Math.tanh(xs[i * cols + j]) * ys[j];
                }
                assertEquals(sum, s[i], 1e-12, "call " + c + " row sum " + i);
            }
        }
    }

    /**
     * A product that only feeds other ops (tanh(x @ w), and x @ w again inside the sum) is computed into the buffer the
     * previous call of the same shapes used; the returned product is not. Every call's results must stay right after
     * later calls, shapes may change (an empty inner dimension too, whose product is all zeros), f64 and f32.
     */
    @Test
    void productsSeenOnlyInsideAFunctionReuseTheirBufferAndStayRight() {
        for (DType dt : new DType[] {DType.F64, DType.F32}) {
            Expr x = tensor("x", dt, "M", "K"), w = tensor("w", dt, "K", "N");
            TxFunction f = function(List.of(x, w), fn -> List.of(tanh(dot(x, w)), dot(w.T(), x.T()), sum(dot(x, w), 0)));
            var r = new Random(2);
            int[][] shapes = {{40, 30, 20}, {40, 30, 20}, {40, 30, 20}, {3, 0, 5}, {40, 30, 20}, {7, 300, 9}, {1, 4, 6}, {40, 30, 20}};
            var kept = new ArrayList<Outputs>();
            var inputs = new ArrayList<double[][]>();
            for (int[] s : shapes) {
                double[] xs = new double[s[0] * s[1]], ws = new double[s[1] * s[2]];
                for (int i = 0; i < xs.length; i++) xs[i] = dt == DType.F32 ? (float) r.nextGaussian() : r.nextGaussian();
                for (int i = 0; i < ws.length; i++) ws[i] = dt == DType.F32 ? (float) r.nextGaussian() : r.nextGaussian();
                kept.add(f.invoke(NDArray.ofDoubles(xs, s[0], s[1]).astype(dt), NDArray.ofDoubles(ws, s[1], s[2]).astype(dt)));
                inputs.add(new double[][] {xs, ws});
            }
            double tol = dt == DType.F32 ? 1e-4 : 1e-12;
            for (int c = 0; c < shapes.length; c++) {
                int m = shapes[c][0], k = shapes[c][1], n = shapes[c][2];
                double[] xs = inputs.get(c)[0], ws = inputs.get(c)[1];
                double[] t = kept.get(c).get(0).toDoubleArray(), tr = kept.get(c).get(1).toDoubleArray(), cs = kept.get(c).get(2).toDoubleArray();
                assertEquals(m * n, t.length);
                double[] colSum = new double[n];
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < n; j++) {
                        double p = 0;
                        for (int q = 0; q < k; q++) p += xs[i * k + q] * ws[q * n + j];
                        String at = dt + " call " + c + " at " + i + "," + j;
                        assertEquals(Math.tanh(p), t[i * n + j], tol, at);
                        assertEquals(p, tr[j * m + i], tol * (1 + Math.abs(p)), at + " (returned product)");
                        colSum[j] += p;
                    }
                }
                for (int j = 0; j < n; j++) assertEquals(colSum[j], cs[j], tol * (1 + Math.abs(colSum[j])) * 10, dt + " call " + c + " column sum " + j);
            }
        }
    }

    @Test
    void logisticStepsWithSharedStateMatchAHandWrittenStep() {
        Shared w = shared(NDArray.ofDoubles(new double[] {0.5, -0.25, 1.0}), "w");
        Shared b = shared(0.1, "b");
        Expr x = tensor("x", DType.F64, "N", 3), y = tensor("y", DType.F64, "N");
        TxFunction train = function("train", List.of(x, y), fn -> {
            Expr p1 = constant(1).div(constant(1).plus(exp(dot(x, w).unaryMinus().minus(b))));
            Expr xent = y.unaryMinus().times(log(p1)).minus(constant(1).minus(y).times(log(constant(1).minus(p1))));
            Expr cost = mean(xent).plus(constant(0.01).times(sum(w.pow(2))));
            List<Expr> g = grad(cost, List.of(w, b));
            fn.update(w, w.minus(constant(0.1).times(g.get(0))));
            fn.update(b, b.minus(constant(0.1).times(g.get(1))));
            return List.of(p1.gt(0.5), xent);
        });
        double[] wv = {0.5, -0.25, 1.0};
        double bv = 0.1;
        var r = new Random(4);
        var kept = new ArrayList<Outputs>();
        var wantXent = new ArrayList<double[]>();
        for (int n : new int[] {10, 10, 1, 10, 400, 7, 10}) {
            double[][] xs = new double[n][3];
            double[] ys = new double[n];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < 3; j++) xs[i][j] = r.nextGaussian();
                ys[i] = r.nextInt(2);
            }
            Outputs o = train.invoke(xs, ys);
            // the step by hand: p = sigmoid(x.w + b), xent, then gw = x^T (p - y) / n + 0.02 w, gb = mean(p - y)
            double[] p = new double[n], xent = new double[n], gw = new double[3];
            double gb = 0;
            for (int i = 0; i < n; i++) {
                double z = bv;
                for (int j = 0; j < 3; j++) z += xs[i][j] * wv[j];
                p[i] = 1 / (1 + Math.exp(-z));
                xent[i] = -ys[i] * Math.log(p[i]) - (1 - ys[i]) * Math.log(1 - p[i]);
                for (int j = 0; j < 3; j++) gw[j] += xs[i][j] * (p[i] - ys[i]) / n;
                gb += (p[i] - ys[i]) / n;
            }
            double[] pred = o.get(0).toDoubleArray();
            for (int i = 0; i < n; i++) assertEquals(p[i] > 0.5 ? 1.0 : 0.0, pred[i], "N=" + n + " prediction " + i);
            for (int j = 0; j < 3; j++) wv[j] -= 0.1 * (gw[j] + 0.02 * wv[j]);
            bv -= 0.1 * gb;
            assertArrayEquals(wv, w.get().toDoubleArray(), 1e-12, "w after the step with N=" + n);
            assertEquals(bv, b.get().getDouble(), 1e-12, "b after the step with N=" + n);
            kept.add(o);
            wantXent.add(xent);
        }
        for (int c = 0; c < kept.size(); c++)
            assertArrayEquals(wantXent.get(c), kept.get(c).get(1).toDoubleArray(), 1e-12, "xent of step " + c + ", read after every step");
    }

    private static double[] flat(double[][] m) {
        int cols = m.length == 0 ? 0 : m[0].length;
        if (m.length == 0) return new double[0];
        double[] out = new double[m.length * cols];
        for (int i = 0; i < m.length; i++) System.arraycopy(m[i], 0, out, i * cols, cols);
        return out;
    }
}
