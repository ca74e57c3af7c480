package dev.txc.runtime.model;

/** One declared dimension of a parameter or shared variable: a known size, a dim variable, or {@code ?}. */
public sealed interface DimSpec {
    /** A size fixed at compile time, {@code >= 0}. */
    record Known(long size) implements DimSpec {
        @Override
        public String toString() {
            return Long.toString(size);
        }
    }

    /** A dim variable such as {@code N}: every parameter axis that names it must have the same size in one call. */
    record Var(String name) implements DimSpec {
        @Override
        public String toString() {
            return name;
        }
    }

    /** A size known only at run time, spelled {@code ?}. */
    record Any() implements DimSpec {
        @Override
        public String toString() {
            return "?";
        }
    }

    /** The dim spelled {@code s}: digits, {@code ?} or an identifier. */
    static DimSpec parse(String s) {
        if (s.equals("?")) return new Any();
        if (!s.isEmpty() && Character.isDigit(s.charAt(0))) return new Known(Long.parseLong(s));
        return new Var(s);
    }
}
