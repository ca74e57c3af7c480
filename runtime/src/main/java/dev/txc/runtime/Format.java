package dev.txc.runtime;

import dev.txc.types.DType;
import java.math.BigDecimal;
import java.math.RoundingMode;

/** Renders arrays as NumPy-style text and as JSON data; both are pure functions of the array's values. */
public final class Format {
    private static final int SUMMARY_THRESHOLD = 1000;
    private static final int EDGE_ITEMS = 3;
    private static final int PRECISION = 8;

    private Format() {}

    /** An element printer: the text for the element at storage position {@code pos}. */
    @FunctionalInterface
    private interface Element {
        String at(int pos);
    }

    /**
     * NumPy-style text: nested lists with ", " separators, ints plain, bools {@code True}/{@code False}; more than
     * 1000 elements are summarized with {@code ...}. Floats follow NumPy's choice of notation: a scalar is positional
     * unless a nonzero |v| is below 1e-4 or at least 1e16 (1e6 for f32; NumPy's scalar str); an array is scientific as a whole
     * when, over its shown finite nonzero values, max |v| >= 1e8, min |v| < 1e-4 or max/min > 1e3 (NumPy's
     * array2string), and then every element has the same number of mantissa digits ({@code [1.0005e+03, 1.0000e-03]}).
     * Positional floats have at most 8 fractional digits; NumPy's padding with spaces is left out.
     */
    public static String text(NDArray a) {
        boolean summarize = a.size() > SUMMARY_THRESHOLD;
        Element e = switch (a.dtype()) {
            case BOOL -> p -> a.buffer().getBoolean(p) ? "True" : "False";
            case I8, I16, I32, I64, U8 -> p -> Long.toString(a.buffer().getLong(p));
            case F32, F64 -> floatElement(a, summarize);
        };
        StringBuilder sb = new StringBuilder();
        nest(sb, a, 0, a.offset(), summarize, e);
        return sb.toString();
    }

    private static Element floatElement(NDArray a, boolean summarize) {
        boolean f32 = a.dtype() == DType.F32;
        double[] range = {Double.POSITIVE_INFINITY, 0};
        int[] digits = {0, 2};
        nest(new StringBuilder(), a, 0, a.offset(), summarize, p -> {
            double v = a.buffer().getDouble(p);
            if (Double.isFinite(v)) {
                double m = Math.abs(v);
                if (m != 0) {
                    range[0] = Math.min(range[0], m);
                    range[1] = Math.max(range[1], m);
                }
                String s = scientific(v, f32);
                int dot = s.indexOf('.'), e = s.indexOf('e');
                digits[0] = Math.max(digits[0], dot < 0 ? 0 : e - dot - 1);
                digits[1] = Math.max(digits[1], s.length() - e - 2);
            }
            return "";
        });
        double min = range[0], max = range[1];
        boolean any = max > 0;
        // NumPy's scalar str is positional below 1e16 for a float64 and below 1e6 for a float32
        boolean scientific = a.rank() == 0
                ? any && (min < 1e-4 || max >= (f32 ? 1e6 : 1e16))
                : any && (max >= 1e8 || min < 1e-4 || max / min > 1e3);
        if (!scientific) return p -> positional(a.buffer().getDouble(p), f32);
        if (a.rank() == 0) return p -> scientific(a.buffer().getDouble(p), f32);
        return p -> padded(a.buffer().getDouble(p), f32, digits[0], digits[1]);
    }

    /**
     * v in scientific notation with exactly {@code frac} mantissa digits after a kept point and {@code exp} exponent
     * digits. Digits beyond v's shortest form are v's own, as NumPy prints them: the float32 1e-45 (whose shortest form
     * is 1e-45) shows as 1.4e-45 next to 2.5e-44, not 1.0e-45.
     */
    private static String padded(double v, boolean f32, int frac, int exp) {
        String s = scientific(v, f32);
        int e = s.indexOf('e');
        if (e < 0) return s; // nan, inf
        int dot = s.indexOf('.');
        int have = dot < 0 || dot > e ? 0 : e - dot - 1;
        if (have < frac) {
            // the exact binary value (a float32 widens to double exactly), rounded to frac digits at v's exponent
            int p = Integer.parseInt(s.substring(e + 1));
            BigDecimal exact = new BigDecimal(v), m = exact.movePointLeft(p).setScale(frac, RoundingMode.HALF_EVEN);
            if (m.abs().compareTo(BigDecimal.TEN) >= 0) m = exact.movePointLeft(++p).setScale(frac, RoundingMode.HALF_EVEN);
            String digits = Integer.toString(Math.abs(p));
            s = m.toPlainString() + "e" + (p < 0 ? "-" : "+") + (digits.length() < 2 ? "0" : "") + digits;
            e = s.indexOf('e');
        }
        String mant = s.substring(0, e), expDigits = s.substring(e + 2);
        return (mant.indexOf('.') < 0 ? mant + "." : mant) + s.substring(e, e + 2) + "0".repeat(Math.max(0, exp - expDigits.length())) + expDigits;
    }

    private static void nest(StringBuilder sb, NDArray a, int axis, int pos, boolean summarize, Element e) {
        if (axis == a.rank()) {
            sb.append(e.at(pos));
            return;
        }
        int n = a.dim(axis);
        boolean cut = summarize && n > 2 * EDGE_ITEMS;
        sb.append('[');
        for (int i = 0; i < n; i++) {
            if (cut && i == EDGE_ITEMS) {
                sb.append(", ...");
                i = n - EDGE_ITEMS;
            }
            if (i > 0) {
                sb.append(", ");
            }
            nest(sb, a, axis + 1, pos + i * a.stride(axis), summarize, e);
        }
        sb.append(']');
    }

    /** A float in positional notation: shortest digits rounded half-even to 8 places, at least one fractional digit. */
    static String positional(double v, boolean f32) {
        if (!Double.isFinite(v) || v == 0) {
            return special(v, "0.0");
        }
        String s = shortest(v, f32).setScale(PRECISION, RoundingMode.HALF_EVEN).stripTrailingZeros().toPlainString();
        return s.indexOf('.') < 0 ? s + ".0" : s;
    }

    /** A float as {@code d.ddddddddde+XX} with at most 8 fractional mantissa digits, trailing zeros dropped. */
    static String scientific(double v, boolean f32) {
        if (!Double.isFinite(v) || v == 0) {
            return special(v, "0e+00");
        }
        BigDecimal d = shortest(v, f32);
        int exp = d.precision() - d.scale() - 1;
        BigDecimal mant = d.movePointLeft(exp).setScale(PRECISION, RoundingMode.HALF_EVEN);
        if (mant.abs().compareTo(BigDecimal.TEN) >= 0) {
            exp++;
            mant = d.movePointLeft(exp).setScale(PRECISION, RoundingMode.HALF_EVEN);
        }
        String m = mant.stripTrailingZeros().toPlainString();
        String digits = Integer.toString(Math.abs(exp));
        return m + "e" + (exp < 0 ? "-" : "+") + (digits.length() < 2 ? "0" : "") + digits;
    }

    /**
     * The shortest decimal that reads back as {@code v} in its dtype. Java's toString is shortest except that it
     * always keeps two significant digits ({@code 4.9E-324}, where {@code 5e-324} reads back the same), so a
     * one-digit candidate is tried first.
     */
    private static BigDecimal shortest(double v, boolean f32) {
        BigDecimal java = new BigDecimal(f32 ? Float.toString((float) v) : Double.toString(v));
        if (java.stripTrailingZeros().precision() <= 1) return java;
        for (RoundingMode mode : new RoundingMode[] {RoundingMode.HALF_EVEN, RoundingMode.FLOOR, RoundingMode.CEILING}) {
            BigDecimal one = java.round(new java.math.MathContext(1, mode));
            if (f32 ? Float.parseFloat(one.toString()) == (float) v : Double.parseDouble(one.toString()) == v) return one;
        }
        return java;
    }

    private static String special(double v, String zero) {
        if (Double.isNaN(v)) {
            return "nan";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "inf" : "-inf";
        }
        return Double.doubleToRawLongBits(v) < 0 ? "-" + zero : zero;
    }

    /**
     * The {@code data} part of a JSON rendering: nested arrays (a bare value for rank 0), floats in shortest
     * round-trip form, non-finite floats as the strings "NaN", "Infinity", "-Infinity", bools as true/false.
     */
    public static String json(NDArray a) {
        Element e = switch (a.dtype()) {
            case BOOL -> p -> Boolean.toString(a.buffer().getBoolean(p));
            case I8, I16, I32, I64, U8 -> p -> Long.toString(a.buffer().getLong(p));
            case F32 -> p -> jsonFloat((float) a.buffer().getDouble(p));
            case F64 -> p -> jsonDouble(a.buffer().getDouble(p));
        };
        StringBuilder sb = new StringBuilder();
        nest(sb, a, 0, a.offset(), false, e);
        return sb.toString();
    }

    private static String jsonDouble(double v) {
        return Double.isFinite(v) ? repr(v, false) : nonFinite(v);
    }

    private static String jsonFloat(float v) {
        return Float.isFinite(v) ? repr(v, true) : nonFinite(v);
    }

    /**
     * Python's {@code repr} of a float (NumPy's of a float32 for {@code f32}): the fewest significant digits that
     * read back as the same value in its own dtype, positional when 1e-4 <= |v| < 1e16, else {@code 5e-324} form.
     */
    static String repr(double v, boolean f32) {
        if (v == 0) return Double.doubleToRawLongBits(v) < 0 ? "-0.0" : "0.0";
        BigDecimal d = shortest(v, f32).stripTrailingZeros();
        double m = Math.abs(v);
        if (m >= 1e-4 && m < 1e16) {
            String s = d.toPlainString();
            return s.indexOf('.') < 0 ? s + ".0" : s;
        }
        int exp = d.precision() - d.scale() - 1;
        String mant = d.movePointLeft(exp).toPlainString(), digits = Integer.toString(Math.abs(exp));
        return mant + "e" + (exp < 0 ? "-" : "+") + (digits.length() < 2 ? "0" : "") + digits;
    }

    private static String nonFinite(double v) {
        return Double.isNaN(v) ? "\"NaN\"" : v > 0 ? "\"Infinity\"" : "\"-Infinity\"";
    }

    /** {@code s} as a quoted JSON string literal. */
    public static String jsonString(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    if (c < 0x20 || c == '\u2028' || c == '\u2029') {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
