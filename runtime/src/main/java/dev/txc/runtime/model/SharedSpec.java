package dev.txc.runtime.model;

/** A shared variable: state that lives across calls, with a fixed declared type. */
public record SharedSpec(String name, TensorSpec type) {
    @Override
    public String toString() {
        return name + ": " + type;
    }
}
