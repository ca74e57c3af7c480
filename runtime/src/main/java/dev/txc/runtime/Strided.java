package dev.txc.runtime;

/** Walks several equally shaped strided operands row by row, so callers write only a tight inner loop. */
final class Strided {
    private Strided() {}

    /** The body of a walk: one row of {@code n} elements starting at {@code pos[k]} with step {@code step[k]} per operand. */
    @FunctionalInterface
    interface Row {
        void run(int[] pos, int[] step, int n);
    }

    /**
     * Calls {@code row} for every innermost row of {@code shape}, in C order. Dims of size 1 are dropped and
     * adjacent dims that every operand lays out contiguously are merged, which makes rows as long as possible.
     * The arrays passed to {@code row} are reused between calls.
     */
    static void rows(int[] shape, int[][] strides, int[] offsets, Row row) {
        int ops = strides.length;
        int[] dims = new int[shape.length];
        int[][] st = new int[ops][shape.length];
        int r = 0;
        for (int d = 0; d < shape.length; d++) {
            if (shape[d] == 0) {
                return;
            }
            if (shape[d] == 1) {
                continue;
            }
            if (r > 0 && mergeable(st, strides, r - 1, d, shape[d])) {
                dims[r - 1] *= shape[d];
                for (int k = 0; k < ops; k++) st[k][r - 1] = strides[k][d];
            } else {
                dims[r] = shape[d];
                for (int k = 0; k < ops; k++) st[k][r] = strides[k][d];
                r++;
            }
        }
        int[] pos = offsets.clone();
        int[] step = new int[ops];
        if (r == 0) {
            row.run(pos, step, 1);
            return;
        }
        for (int k = 0; k < ops; k++) step[k] = st[k][r - 1];
        walk(dims, st, r, pos, step, row);
    }

    private static boolean mergeable(int[][] st, int[][] strides, int prev, int d, int n) {
        for (int k = 0; k < st.length; k++) {
            if ((long) st[k][prev] != (long) strides[k][d] * n) {
                return false;
            }
        }
        return true;
    }

    // odometer over all dims but the last; the last is the row
    private static void walk(int[] dims, int[][] st, int r, int[] pos, int[] step, Row row) {
        int ops = pos.length;
        int n = dims[r - 1];
        int[] idx = new int[r];
        while (true) {
            row.run(pos, step, n);
            int d = r - 2;
            for (; d >= 0; d--) {
                idx[d]++;
                for (int k = 0; k < ops; k++) pos[k] += st[k][d];
                if (idx[d] < dims[d]) {
                    break;
                }
                idx[d] = 0;
                for (int k = 0; k < ops; k++) pos[k] -= st[k][d] * dims[d];
            }
            if (d < 0) {
                return;
            }
        }
    }
}
