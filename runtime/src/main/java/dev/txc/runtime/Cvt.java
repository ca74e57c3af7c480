package dev.txc.runtime;

/** Conversions to bool for generated casts (NumPy: nonzero is true, NaN is true). */
public final class Cvt {
    private Cvt() {}

    public static boolean toBool(double x) {
        return x != 0;
    }

    public static boolean toBool(float x) {
        return x != 0;
    }

    public static boolean toBool(long x) {
        return x != 0;
    }

    public static boolean toBool(int x) {
        return x != 0;
    }
}
