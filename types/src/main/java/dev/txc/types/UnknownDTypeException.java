package dev.txc.types;

/** A dtype spelling that names no {@link DType}; the message is a complete one-line explanation. */
public class UnknownDTypeException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public UnknownDTypeException(String message) {
        super(message);
    }
}
