package dev.txc.ir;

/** A run-time error of the reference interpreter (bad shapes, out-of-range index); the message is for users. */
public final class EvalException extends RuntimeException {
    private final transient Node node;

    public EvalException(String message) {
        this(message, null);
    }

    private EvalException(String message, Node node) {
        super(message, null, false, false);
        this.node = node;
    }

    /** The node whose evaluation failed (the innermost one), or null when the failure is not one node's. */
    public Node node() {
        return node;
    }

    /** This error, as raised by {@code n}; an error that already names its node keeps it. */
    EvalException at(Node n) {
        return node != null ? this : new EvalException(getMessage(), n);
    }
}
