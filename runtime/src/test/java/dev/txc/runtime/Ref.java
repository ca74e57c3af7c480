package dev.txc.runtime;

import dev.txc.types.DType;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Slow, obviously correct helpers for kernel tests: index enumeration, random arrays and test views. */
final class Ref {
    private Ref() {}

    /** Every multi-index of {@code shape} in C order. */
    static List<int[]> indices(int[] shape) {
        List<int[]> out = new ArrayList<>();
        int n = 1;
        for (int d : shape) n *= d;
        for (int i = 0; i < n; i++) {
            int[] idx = new int[shape.length];
            int rest = i;
            for (int d = shape.length - 1; d >= 0; d--) {
                idx[d] = rest % shape[d];
                rest /= shape[d];
            }
            out.add(idx);
        }
        return out;
    }

    /** Random values of {@code dtype}: small integers for integer types so products stay interesting. */
    static NDArray random(Random r, DType dtype, int... shape) {
        int n = Shapes.size(shape);
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = switch (dtype) {
                case F32, F64 -> r.nextGaussian() * 3;
                case BOOL -> r.nextInt(2);
                case U8 -> r.nextInt(256);
                case I8, I16, I32, I64 -> r.nextInt(21) - 10;
            };
        }
        return NDArray.ofDoubles(d, shape).astype(dtype);
    }

    /** Arrays of {@code shape} laid out in different ways: contiguous, transposed, broadcast, reversed, offset. */
    static List<NDArray> layouts(Random r, DType dtype, int... shape) {
        List<NDArray> out = new ArrayList<>();
        out.add(random(r, dtype, shape));
        int rank = shape.length;
        int[] rev = new int[rank];
        for (int i = 0; i < rank; i++) rev[i] = shape[rank - 1 - i];
        out.add(random(r, dtype, rev).transpose());
        if (rank > 0) {
            int[] tail = java.util.Arrays.copyOfRange(shape, 1, rank);
            out.add(random(r, dtype, tail).broadcastTo(shape));
            int[] wide = shape.clone();
            wide[rank - 1] = 2 * shape[rank - 1] + 1;
            NDArray w = random(r, dtype, wide);
            out.add(w.slice(rank - 1, wide[rank - 1] - 1, 0, -2));
        }
        return out;
    }

    static int[] merge(int[] kept, int[] reducedIdx, boolean[] reduced) {
        int[] full = new int[kept.length];
        for (int d = 0, k = 0; d < full.length; d++) full[d] = reduced[d] ? reducedIdx[k++] : kept[d];
        return full;
    }
}
