package dev.txc.driver;

/** A malformed command line: printed as a one-line message plus a pointer to {@code --help}, exit status 2. */
public final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UsageException(String message) {
        super(message, null, false, false);
    }
}
