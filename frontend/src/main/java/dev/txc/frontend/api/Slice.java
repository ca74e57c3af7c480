package dev.txc.frontend.api;

/** A slice {@code start:stop:step} in a subscript, NumPy's basic slicing; a null bound is absent ({@code x[:, 0]}). */
public record Slice(Long start, Long stop, Long step) {
    /** The bare {@code :}, every element of the axis. */
    public static final Slice ALL = new Slice(null, null, null);

    public Slice {
        if (step != null && step == 0) throw new IllegalArgumentException("slice step cannot be zero");
    }
}
