package dev.txc.runtime.model;

/** A malformed command line (a flag, its value, {@code --arg} syntax): exit status 2 with a pointer to {@code --help}. */
public final class CliUsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CliUsageException(String message) {
        super(message, null, false, false);
    }
}
