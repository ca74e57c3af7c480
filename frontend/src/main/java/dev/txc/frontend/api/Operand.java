package dev.txc.frontend.api;

import dev.txc.ir.Node;
import dev.txc.types.DType;
import dev.txc.types.TensorType;

/**
 * A lowered tensor value as the {@code .tx} frontend sees it: an IR node and whether it is weak. A weak value is a
 * literal number (or an expression of literals only) whose dtype yields to the tensor it meets, as in JAX. A weak
 * float under floatX f32 may carry its {@code exact} f64 value, used when it meets an f64 tensor (else null).
 */
public record Operand(Node node, boolean weak, Node exact) {
    public Operand {
        if (node == null) throw new IllegalArgumentException("operand without a node");
    }

    public Operand(Node node, boolean weak) {
        this(node, weak, null);
    }

    /** A strong operand: its dtype is fixed. */
    public static Operand of(Node node) {
        return new Operand(node, false);
    }

    public TensorType type() {
        return node.tt();
    }

    public DType dtype() {
        return node.dtype();
    }
}
