package dev.txc.ir;

/** Small conversions shared by the IR classes. */
final class Math2 {
    private Math2() {}

    static int[] toInts(long[] l) {
        int[] r = new int[l.length];
        for (int k = 0; k < l.length; k++) {
            // -1 passes: reshape infers it; other negative sizes are the consumer's error (its message is better)
            if (l[k] < Integer.MIN_VALUE || l[k] > Integer.MAX_VALUE)
                throw new EvalException(l[k] < 0 ? "negative dimensions are not allowed: " + text(l) : "array of shape " + text(l) + " is too big (more than 2^31-1 elements)");
            r[k] = (int) l[k];
        }
        return r;
    }

    private static String text(long[] l) {
        var sb = new StringBuilder("(");
        for (int k = 0; k < l.length; k++) sb.append(k > 0 ? ", " : "").append(l[k]);
        return sb.append(l.length == 1 ? ",)" : ")").toString();
    }
}
