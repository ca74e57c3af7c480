package dev.txc.runtime.model;

import dev.txc.types.TensorType;

/** A named function output and its type (dims may name the parameters' dim variables). */
public record OutputSpec(String name, TensorType type) {
    @Override
    public String toString() {
        return name + ": " + type;
    }
}
