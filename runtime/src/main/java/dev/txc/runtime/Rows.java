package dev.txc.runtime;

import dev.txc.types.DType;

/**
 * An array regrouped as a row-major {@code [outer, inner]} block of one compute dtype: the kept axes (in order)
 * index the rows and the chosen axes (in order) run along each row, so row {@code r} starts at {@code offset + r * inner}.
 */
record Rows(Object data, int offset, int outer, int inner, int[] perm, int[] permutedShape) {

    /** {@code x} with {@code axes} (sorted, unique) moved last, converted to {@code compute}, contiguous. */
    static Rows of(NDArray x, int[] axes, DType compute) {
        int rank = x.rank();
        // Every axis of a contiguous array of the compute dtype: one row, the array itself (no view, no copy).
        if (axes.length == rank && x.dtype() == compute && x.isContiguous()) return new Rows(x.heapArray(), x.offset(), 1, x.size(), identity(rank), x.shape());
        int[] perm = new int[rank];
        boolean[] inner = new boolean[rank];
        for (int a : axes) inner[a] = true;
        int p = 0;
        for (int d = 0; d < rank; d++) if (!inner[d]) perm[p++] = d;
        for (int a : axes) perm[p++] = a;
        NDArray t = x.transpose(perm);
        NDArray c = t.dtype() != compute ? t.astype(compute) : t.isContiguous() ? t : t.copy();
        int outerSize = 1;
        for (int d = 0; d < rank - axes.length; d++) outerSize *= t.dim(d);
        int innerSize = 1;
        for (int d = rank - axes.length; d < rank; d++) innerSize *= t.dim(d);
        return new Rows(c.heapArray(), c.offset(), outerSize, innerSize, perm, t.shape());
    }

    private static int[] identity(int rank) {
        int[] p = new int[rank];
        for (int i = 0; i < rank; i++) p[i] = i;
        return p;
    }

    /** A result laid out like these rows (shape {@code permutedShape}), returned in the original axis order. */
    NDArray unpermute(DType dtype, Object out) {
        NDArray a = NDArray.wrap(dtype, out, permutedShape);
        int[] inverse = new int[perm.length];
        boolean identity = true;
        for (int i = 0; i < perm.length; i++) {
            inverse[perm[i]] = i;
            identity &= perm[i] == i;
        }
        return identity ? a : a.transpose(inverse).copy();
    }
}
