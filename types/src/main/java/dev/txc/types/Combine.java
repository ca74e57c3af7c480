package dev.txc.types;

import java.util.Locale;

/**
 * How the partial results of a function split over row blocks combine into the whole-data result (the data-parallel
 * split of {@code txc compile --spark}): each output of a {@code F__part} function is named after its combine and its
 * position, {@code sum0}, {@code max1}, ..., so that a runner that knows only the compiled model can combine them.
 */
public enum Combine {
    /** Elementwise sum: sums, means (already divided by the whole row count) and contractions over rows. */
    SUM,
    /** Elementwise product. */
    PROD,
    /** Elementwise maximum. */
    MAX,
    /** Elementwise minimum. */
    MIN,
    /** Elementwise or of booleans ({@code any}). */
    OR,
    /** Elementwise and of booleans ({@code all}). */
    AND;

    /** The output name of the {@code k}-th partial result: {@code sum0}, {@code max3}. */
    public String outputName(int k) {
        return name().toLowerCase(Locale.ROOT) + k;
    }

    /** The combine an output name written by {@link #outputName} stands for, or null if it is not one. */
    public static Combine ofOutputName(String name) {
        for (Combine c : values()) {
            String p = c.name().toLowerCase(Locale.ROOT);
            if (name.length() > p.length() && name.startsWith(p) && name.substring(p.length()).chars().allMatch(Character::isDigit))
                return c;
        }
        return null;
    }
}
