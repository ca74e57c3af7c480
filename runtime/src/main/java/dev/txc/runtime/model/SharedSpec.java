package dev.txc.runtime.model;

import dev.txc.types.TensorType;

/** A shared variable: state that lives across calls, with a fixed declared type. */
public record SharedSpec(String name, TensorType type) {
    @Override
    public String toString() {
        return name + ": " + type;
    }
}
