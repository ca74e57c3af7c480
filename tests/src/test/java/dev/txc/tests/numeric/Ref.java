package dev.txc.tests.numeric;

import java.util.ArrayList;
import java.util.List;

/**
 * Plain-Java reference implementations of NumPy definitions used by the numeric suites: broadcasting, reductions
 * over axes, NumPy's float floor-division and modulo, matmul. Written from the NumPy documentation, independent
 * of txc's own kernels and interpreter.
 */
final class Ref {
    private Ref() {}

    /** NumPy's broadcast result shape. */
    static int[] broadcast(int[]... shapes) {
        int r = 0;
        for (int[] s : shapes) r = Math.max(r, s.length);
        int[] out = new int[r];
        java.util.Arrays.fill(out, 1);
        for (int[] s : shapes)
            for (int k = 0; k < s.length; k++) {
                int d = k + r - s.length;
                if (out[d] == 1) out[d] = s[k];
                else if (s[k] != 1 && s[k] != out[d]) throw new IllegalArgumentException("not broadcastable");
            }
        return out;
    }

    /** The element of {@code data} (shaped {@code shape}) that output position {@code outIdx} of a broadcast reads. */
    static double at(double[] data, int[] shape, int[] outIdx) {
        int off = outIdx.length - shape.length, p = 0;
        for (int k = 0; k < shape.length; k++) p = p * shape[k] + (shape[k] == 1 ? 0 : outIdx[k + off]);
        return data[p];
    }

    /** A broadcast binary elementwise op. */
    static double[] binary(double[] a, int[] sa, double[] b, int[] sb, java.util.function.DoubleBinaryOperator f) {
        int[] out = broadcast(sa, sb);
        double[] r = new double[Harness.size(out)];
        for (int i = 0; i < r.length; i++) {
            int[] idx = Harness.unflat(out, i);
            r[i] = f.applyAsDouble(at(a, sa, idx), at(b, sb, idx));
        }
        return r;
    }

    /** The reduced blocks: for each output element (C order), the reduced elements in C order. */
    static List<double[]> blocks(double[] x, int[] shape, int[] axes) {
        boolean[] red = new boolean[shape.length];
        for (int a : axes) red[a] = true;
        int outN = 1, inN = 1;
        for (int d = 0; d < shape.length; d++) {
            if (red[d]) inN *= shape[d];
            else outN *= shape[d];
        }
        var out = new ArrayList<double[]>();
        for (int o = 0; o < outN; o++) out.add(new double[inN]);
        for (int i = 0; i < x.length; i++) {
            int[] idx = Harness.unflat(shape, i);
            int o = 0, p = 0;
            for (int d = 0; d < shape.length; d++) {
                if (red[d]) p = p * shape[d] + idx[d];
                else o = o * shape[d] + idx[d];
            }
            out.get(o)[p] = x[i];
        }
        return out;
    }

    static int[] reducedShape(int[] shape, int[] axes, boolean keep) {
        boolean[] red = new boolean[shape.length];
        for (int a : axes) red[a] = true;
        var l = new ArrayList<Integer>();
        for (int d = 0; d < shape.length; d++) {
            if (!red[d]) l.add(shape[d]);
            else if (keep) l.add(1);
        }
        return l.stream().mapToInt(Integer::intValue).toArray();
    }

    static double[] reduce(double[] x, int[] shape, int[] axes, java.util.function.ToDoubleFunction<double[]> f) {
        return blocks(x, shape, axes).stream().mapToDouble(f).toArray();
    }

    static double sum(double[] b) {
        double s = 0;
        for (double v : b) s += v;
        return s;
    }

    static double mean(double[] b) {
        return sum(b) / b.length;
    }

    static double prod(double[] b) {
        double s = 1;
        for (double v : b) s *= v;
        return s;
    }

    static double max(double[] b) {
        double m = Double.NEGATIVE_INFINITY;
        for (double v : b) m = Math.max(m, v);
        return m;
    }

    static double min(double[] b) {
        double m = Double.POSITIVE_INFINITY;
        for (double v : b) m = Math.min(m, v);
        return m;
    }

    /** Index of the first maximal element, as NumPy's argmax. */
    static double argmax(double[] b) {
        int k = 0;
        for (int i = 1; i < b.length; i++) if (b[i] > b[k]) k = i;
        return k;
    }

    static double argmin(double[] b) {
        int k = 0;
        for (int i = 1; i < b.length; i++) if (b[i] < b[k]) k = i;
        return k;
    }

    /** Population variance (ddof 0), two-pass. */
    static double var(double[] b) {
        double m = mean(b), s = 0;
        for (double v : b) s += (v - m) * (v - m);
        return s / b.length;
    }

    static double logsumexp(double[] b) {
        double m = max(b), s = 0;
        for (double v : b) s += Math.exp(v - m);
        return m + Math.log(s);
    }

    static double norm(double[] b) {
        double s = 0;
        for (double v : b) s += v * v;
        return Math.sqrt(s);
    }

    /** NumPy's npy_divmod for floats: the floored quotient (index 0) and the modulo with the divisor's sign (index 1). */
    static double[] divmod(double a, double b) {
        if (b == 0) return new double[] {a / b, Double.NaN};
        double mod = a % b; // C fmod
        double div = (a - mod) / b;
        if (mod != 0) {
            if ((b < 0) != (mod < 0)) {
                mod += b;
                div -= 1.0;
            }
        } else mod = Math.copySign(0.0, b);
        double floordiv;
        if (div != 0) {
            floordiv = Math.floor(div);
            if (div - floordiv > 0.5) floordiv += 1.0;
        } else floordiv = Math.copySign(0.0, a / b);
        return new double[] {floordiv, mod};
    }

    /** NumPy matmul of two C-order arrays with broadcasting batch dims and 1-d promotion. */
    static double[] matmul(double[] a, int[] sa, double[] b, int[] sb, int[][] outShape) {
        boolean va = sa.length == 1, vb = sb.length == 1;
        int[] a2 = va ? new int[] {1, sa[0]} : sa, b2 = vb ? new int[] {sb[0], 1} : sb;
        int n = a2[a2.length - 2], k = a2[a2.length - 1], m = b2[b2.length - 1];
        if (b2[b2.length - 2] != k) throw new IllegalArgumentException("inner dims");
        int[] ba = java.util.Arrays.copyOf(a2, a2.length - 2), bb = java.util.Arrays.copyOf(b2, b2.length - 2);
        int[] batch = broadcast(ba, bb);
        int nb = Harness.size(batch);
        double[] out = new double[nb * n * m];
        for (int t = 0; t < nb; t++) {
            int[] bi = Harness.unflat(batch, t);
            int pa = batchOffset(ba, bi), pb = batchOffset(bb, bi);
            for (int i = 0; i < n; i++)
                for (int j = 0; j < m; j++) {
                    double s = 0;
                    for (int q = 0; q < k; q++) s += a[pa * n * k + i * k + q] * b[pb * k * m + q * m + j];
                    out[t * n * m + i * m + j] = s;
                }
        }
        var shape = new ArrayList<Integer>();
        for (int d : batch) shape.add(d);
        if (!va) shape.add(n);
        if (!vb) shape.add(m);
        outShape[0] = shape.stream().mapToInt(Integer::intValue).toArray();
        return out;
    }

    private static int batchOffset(int[] bs, int[] bi) {
        int off = bi.length - bs.length, p = 0;
        for (int k = 0; k < bs.length; k++) p = p * bs[k] + (bs[k] == 1 ? 0 : bi[k + off]);
        return p;
    }
}
