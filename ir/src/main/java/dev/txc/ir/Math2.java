package dev.txc.ir;

/** Small conversions shared by the IR classes. */
final class Math2 {
    private Math2() {}

    static int[] toInts(long[] l) {
        int[] r = new int[l.length];
        for (int k = 0; k < l.length; k++) r[k] = Math.toIntExact(l[k]);
        return r;
    }
}
