package dev.txc.runtime;

/** A user-facing run-time error whose message is a complete one-line explanation. */
public class TxRuntimeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TxRuntimeException(String message) {
        super(message);
    }

    public TxRuntimeException(String message, Throwable cause) {
        super(message, cause);
    }
}
