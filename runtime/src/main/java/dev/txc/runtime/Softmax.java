package dev.txc.runtime;

import dev.txc.types.DType;

/** Softmax, log-softmax and logsumexp, stabilized by subtracting each slice's maximum before exponentiating. */
final class Softmax {
    private Softmax() {}

    static NDArray softmax(NDArray x, int axis, boolean log) {
        checkFloat(x, log ? "log_softmax" : "softmax");
        int ax = Shapes.normalizeAxis(axis, Math.max(x.rank(), 1));
        if (x.rank() == 0) {
            throw new TxRuntimeException((log ? "log_softmax" : "softmax") + ": expected an array of dimension >= 1, got a scalar");
        }
        Rows rows = Rows.of(x, new int[] {ax}, DType.F64);
        double[] in = (double[]) rows.data();
        int n = rows.inner();
        Object out = Buffers.allocate(x.dtype(), rows.outer() * n);
        Parallel.forRange(rows.outer(), (long) rows.outer() * n * 8, (from, to) -> {
            double[] row = out instanceof double[] d ? d : new double[n];
            for (int r = from; r < to; r++) {
                int p = rows.offset() + r * n, q = row == out ? r * n : 0;
                double m = max(in, p, n);
                double s = 0;
                for (int i = 0; i < n; i++) {
                    double z = in[p + i] - m;
                    double e = Math.exp(z);
                    s += e;
                    row[q + i] = log ? z : e;
                }
                if (log) {
                    double logS = Math.log(s);
                    for (int i = 0; i < n; i++) row[q + i] -= logS;
                } else {
                    for (int i = 0; i < n; i++) row[q + i] /= s;
                }
                if (row != out) store(row, out, r * n);
            }
        });
        return rows.unpermute(x.dtype(), out);
    }

    private static void store(double[] row, Object out, int at) {
        switch (out) {
            case float[] f -> { for (int i = 0; i < row.length; i++) f[at + i] = (float) row[i]; }
            default -> throw new IllegalStateException("softmax writes floats, not " + out.getClass());
        }
    }

    static NDArray logsumexp(NDArray x, int[] axes, boolean keepdims) {
        checkFloat(x, "logsumexp");
        Shapes.checkAxes(axes, x.rank(), "logsumexp");
        Rows rows = Rows.of(x, axes, DType.F64);
        double[] in = (double[]) rows.data();
        int n = rows.inner();
        Object out = Buffers.allocate(x.dtype(), rows.outer());
        Parallel.forRange(rows.outer(), (long) rows.outer() * n * 8, (from, to) -> {
            for (int r = from; r < to; r++) {
                Buffers.setDouble(out, x.dtype(), r, logsumexp(in, rows.offset() + r * n, n));
            }
        });
        return NDArray.wrap(x.dtype(), out, Reductions.reducedShape(x.shape(), axes, keepdims));
    }

    // m + log(sum(exp(x - m))); an infinite or empty maximum is the answer itself (avoids inf - inf = NaN)
    private static double logsumexp(double[] a, int p, int n) {
        double m = max(a, p, n);
        if (Double.isInfinite(m)) {
            return m;
        }
        double s = 0;
        for (int i = 0; i < n; i++) s += Math.exp(a[p + i] - m);
        return m + Math.log(s);
    }

    // NaN-propagating maximum; -inf for an empty row
    private static double max(double[] a, int p, int n) {
        double m = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            double v = a[p + i];
            if (v != v) {
                return v;
            }
            m = Math.max(m, v);
        }
        return m;
    }

    private static void checkFloat(NDArray x, String what) {
        if (!x.dtype().isFloat()) {
            throw new TxRuntimeException(what + ": expected a float array, got " + x.dtype().spelling());
        }
    }
}
