package dev.txc.cuda.sim;

/** A PTX text the simulator cannot parse or execute, or a fault of the executed kernel; the message names the line. */
public final class PtxSimException extends RuntimeException {
    public PtxSimException(String message) {
        super(message);
    }

    static PtxSimException at(int line, String text, String message) {
        return new PtxSimException("line " + line + ": " + message + (text == null ? "" : "\n    " + text.strip()));
    }
}
