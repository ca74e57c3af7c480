package dev.txc.ir;

/**
 * The error function for the reference interpreter, from textbook expansions chosen for accuracy, not speed:
 * a series with positive terms for erf, and a continued fraction for erfc in the tail.
 */
final class RefErf {
    private RefErf() {}

    private static final double TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

    static double erf(double x) {
        if (Double.isNaN(x)) return x;
        double ax = Math.abs(x);
        if (ax >= 3) return Math.copySign(1 - erfcTail(ax), x);
        return Math.copySign(series(ax), x);
    }

    static double erfc(double x) {
        if (Double.isNaN(x)) return x;
        if (x >= 2) return erfcTail(x);
        if (x <= -3) return 2 - erfcTail(-x);
        return 1 - Math.copySign(series(Math.abs(x)), x);
    }

    // erf x = 2/sqrt(pi) e^{-x^2} sum_n 2^n x^{2n+1} / (1*3*...*(2n+1)); every term is positive.
    private static double series(double x) {
        double term = x, sum = x, x2 = x * x;
        for (int n = 1; n < 200; n++) {
            term *= 2 * x2 / (2 * n + 1);
            sum += term;
            if (term < sum * 1e-17) break;
        }
        return TWO_OVER_SQRT_PI * Math.exp(-x2) * sum;
    }

    // erfc x = e^{-x^2}/sqrt(pi) * 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + ...))))), evaluated bottom-up.
    private static double erfcTail(double x) {
        if (x > 27) return 0;
        double f = x;
        for (int n = 120; n >= 1; n--) f = x + (n / 2.0) / f;
        return Math.exp(-x * x) / Math.sqrt(Math.PI) / f;
    }
}
