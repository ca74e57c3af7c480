package dev.txc.runtime.model;

import dev.txc.types.TensorType;

/**
 * A function parameter: its name, declared type, and the binary name of the generated class computing its default
 * from the parameters before it ({@code null} when the parameter has no default and must be given).
 */
public record ParamSpec(String name, TensorType type, String defaultClass) {
    public boolean hasDefault() {
        return defaultClass != null;
    }

    /** {@code x: f64[N]} or {@code b: f64[M] = default}. */
    @Override
    public String toString() {
        return name + ": " + type + (hasDefault() ? " = default" : "");
    }
}
