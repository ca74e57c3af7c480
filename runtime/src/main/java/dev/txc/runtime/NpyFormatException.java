package dev.txc.runtime;

/** A .npy file that cannot be read; the message names the file and what is wrong with it. */
public final class NpyFormatException extends TxRuntimeException {
    private static final long serialVersionUID = 1L;

    public NpyFormatException(String message) {
        super(message);
    }
}
