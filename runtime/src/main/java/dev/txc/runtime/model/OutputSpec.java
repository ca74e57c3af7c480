package dev.txc.runtime.model;

/** A named function output and its type (dims may name the parameters' dim variables). */
public record OutputSpec(String name, TensorSpec type) {
    @Override
    public String toString() {
        return name + ": " + type;
    }
}
