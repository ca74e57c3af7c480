package dev.txc.types;

/** One dimension of a tensor type: a known size, a named dim variable bound at call time, or unknown. */
public sealed interface Dim {
    /** A size known at compile time, {@code >= 0}. */
    record Known(long size) implements Dim {
        @Override
        public String toString() {
            return Long.toString(size);
        }
    }

    /** A dim variable such as {@code N}, unified across a function's parameters: every axis that names it has the same size in one call. */
    record Sym(String name) implements Dim {
        @Override
        public String toString() {
            return name;
        }
    }

    /** A size known only at run time ({@code ?}). */
    record Any() implements Dim {
        @Override
        public String toString() {
            return "?";
        }
    }

    Dim ANY = new Any();
    Dim ONE = new Known(1);

    static Dim of(long n) {
        return n == 1 ? ONE : new Known(n);
    }

    /** The dim spelled {@code s}: digits, {@code ?} or an identifier (as {@link #toString} writes it). */
    static Dim parse(String s) {
        if (s.equals("?")) return ANY;
        if (!s.isEmpty() && Character.isDigit(s.charAt(0))) return of(Long.parseLong(s));
        return new Sym(s);
    }

    default boolean isKnown() {
        return this instanceof Known;
    }

    default boolean isOne() {
        return this instanceof Known(long n) && n == 1;
    }

    /** The known size, or -1. */
    default long size() {
        return this instanceof Known(long n) ? n : -1;
    }
}
