package dev.txc.cuda.lib;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** A strided view of a flat test array: shape, element strides (any sign, 0 to broadcast) and offset. */
record View(String what, int[] shape, long[] strides, long offset) {
    static View contiguous(int... shape) {
        return new View("contiguous " + Arrays.toString(shape), shape, cStrides(shape), 0);
    }

    static long[] cStrides(int[] shape) {
        long[] s = new long[shape.length];
        long m = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            s[d] = m;
            m *= shape[d];
        }
        return s;
    }

    int rank() {
        return shape.length;
    }

    long size() {
        long n = 1;
        for (int d : shape) n *= d;
        return n;
    }

    /** The flat positions (in the underlying array) of the view's elements, in C order. */
    long[] positions() {
        long[] out = new long[(int) size()];
        int[] idx = new int[rank()];
        for (int i = 0; i < out.length; i++) {
            long p = offset;
            for (int d = 0; d < rank(); d++) p += idx[d] * strides[d];
            out[i] = p;
            for (int d = rank() - 1; d >= 0; d--) {
                if (++idx[d] < shape[d]) break;
                idx[d] = 0;
            }
        }
        return out;
    }

    /** The smallest underlying array length the view needs. */
    int extent() {
        long max = offset;
        for (long p : positions()) max = Math.max(max, p);
        return (int) max + 1;
    }

    /** Dims split into kept (not in axes) and reduced (in axes, in order). */
    List<Integer> dims(int[] axes, boolean reduced) {
        var out = new ArrayList<Integer>();
        for (int d = 0; d < rank(); d++) {
            boolean in = false;
            for (int a : axes) in |= a == d;
            if (in == reduced) out.add(d);
        }
        return out;
    }
}
