package dev.txc.ir;

import dev.txc.types.TensorType;

/** A shared variable: state with a fixed type that lives across calls, and how it starts. */
public record SharedVar(String name, TensorType type, Init init) {
    /** How a shared variable gets its first value. */
    public sealed interface Init {
        /** A literal value (broadcast to the type's shape). */
        record Value(Tensor value) implements Init {}

        record Randn(long seed) implements Init {}

        record Uniform(double low, double high, long seed) implements Init {}

        /** A .npy file, the path relative to the source file. */
        record Load(String path) implements Init {}
    }
}
