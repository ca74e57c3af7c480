package dev.txc.ir;

/** A type or shape rule was violated while building a node; the message is written for users. */
public final class IrTypeException extends RuntimeException {
    public IrTypeException(String message) {
        super(message, null, false, false);
    }
}
