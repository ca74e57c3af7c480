package dev.txc.types;

/** The static type of an IR value: a tensor or a tuple (of scan results). */
public sealed interface Type permits TensorType, TupleType {
    default TensorType tensor() {
        if (this instanceof TensorType t) return t;
        throw new IllegalStateException("not a tensor type: " + this);
    }
}
