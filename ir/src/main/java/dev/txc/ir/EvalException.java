package dev.txc.ir;

/** A run-time error of the reference interpreter (bad shapes, out-of-range index); the message is for users. */
public final class EvalException extends RuntimeException {
    public EvalException(String message) {
        super(message, null, false, false);
    }
}
