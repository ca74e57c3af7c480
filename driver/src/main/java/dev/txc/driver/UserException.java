package dev.txc.driver;

/** A mistake of the user (bad argument, missing file, unknown name): printed as {@code error: MESSAGE}, exit status 1. */
public final class UserException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UserException(String message) {
        super(message, null, false, false);
    }
}
