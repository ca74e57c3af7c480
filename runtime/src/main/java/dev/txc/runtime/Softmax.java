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
        Parallel.forRange(rows.outer(), (long) rows.outer() * n * 8, (from, to) -> rows(in, rows.offset(), n, from, to, out, log));
        return rows.unpermute(x.dtype(), out);
    }

    /** Elements per block of rows: the block's differences and exponentials stay in L1 between the passes. */
    private static final int BLOCK = 2048;

    /**
     * Rows [from, to) of length n starting at in[off]: z = x - max(row), then e^z for the whole block of rows at once
     * (vector lanes even when rows are short: rows of 10 ran Math.exp element by element at 10 ns each), then each
     * row's sum in order, and z - log(sum) or e^z / sum into out (f64, or f32 through a double row).
     */
    private static void rows(double[] in, int off, int n, int from, int to, Object out, boolean log) {
        int block = Math.max(1, BLOCK / Math.max(n, 1));
        double[] z = out instanceof double[] d ? d : new double[Math.min(to - from, block) * n];
        double[] e = new double[Math.min(to - from, block) * n];
        for (int r0 = from; r0 < to; r0 += block) {
            int r1 = Math.min(to, r0 + block), zo = z == out ? r0 * n : 0;
            for (int r = r0; r < r1; r++) {
                int p = off + r * n, q = zo + (r - r0) * n;
                double m = max(in, p, n);
                for (int i = 0; i < n; i++) z[q + i] = in[p + i] - m;
            }
            ArrayExp.apply(z, zo, zo + (r1 - r0) * n, e, 0);
            for (int r = r0; r < r1; r++) {
                int q = zo + (r - r0) * n, eo = (r - r0) * n;
                double s = 0;
                for (int i = 0; i < n; i++) s += e[eo + i];
                if (log) {
                    double logS = Math.log(s);
                    for (int i = 0; i < n; i++) z[q + i] -= logS;
                } else {
                    for (int i = 0; i < n; i++) z[q + i] = e[eo + i] / s;
                }
                if (z != out) store(z, q, n, out, r * n);
            }
        }
    }

    private static void store(double[] row, int from, int n, Object out, int at) {
        switch (out) {
            case float[] f -> { for (int i = 0; i < n; i++) f[at + i] = (float) row[from + i]; }
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
        Parallel.forRange(rows.outer(), (long) rows.outer() * n * 8, (from, to) -> logsumexp(in, rows.offset(), n, from, to, out, x.dtype()));
        return NDArray.wrap(x.dtype(), out, Reductions.reducedShape(x.shape(), axes, keepdims));
    }

    /**
     * Rows [from, to) of length n starting at in[off]: m + log(sum(e^(x - m))) with m the row's maximum, exponentiated a
     * block of rows at a time as in {@link #rows}, so that logsumexp(x) and log(sum(softmax's e^z)) take the same exp.
     * A row whose maximum is infinite or NaN (or an empty row, -inf) has that maximum as its answer: inf - inf is NaN.
     */
    private static void logsumexp(double[] in, int off, int n, int from, int to, Object out, DType dtype) {
        int block = Math.max(1, BLOCK / Math.max(n, 1));
        double[] z = new double[Math.min(to - from, block) * n], e = new double[z.length], m = new double[block];
        for (int r0 = from; r0 < to; r0 += block) {
            int r1 = Math.min(to, r0 + block);
            for (int r = r0; r < r1; r++) {
                int p = off + r * n, q = (r - r0) * n;
                double mr = max(in, p, n);
                m[r - r0] = mr;
                if (Double.isFinite(mr)) for (int i = 0; i < n; i++) z[q + i] = in[p + i] - mr;
                else java.util.Arrays.fill(z, q, q + n, 0);
            }
            ArrayExp.apply(z, 0, (r1 - r0) * n, e, 0);
            for (int r = r0; r < r1; r++) {
                int q = (r - r0) * n;
                double mr = m[r - r0], s = 0;
                for (int i = 0; i < n; i++) s += e[q + i];
                Buffers.setDouble(out, dtype, r, Double.isFinite(mr) ? mr + Math.log(s) : mr);
            }
        }
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
