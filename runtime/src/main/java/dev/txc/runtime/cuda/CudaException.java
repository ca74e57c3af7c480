package dev.txc.runtime.cuda;

import dev.txc.runtime.TxRuntimeException;

/**
 * A CUDA driver call that returned an error: the message names the call, the {@code CUresult}'s name and its
 * description, and (for a module load) the JIT's error log.
 */
public final class CudaException extends TxRuntimeException {
    private static final long serialVersionUID = 1L;

    /** The {@code CUresult} of a device without a driver-visible GPU ({@code CUDA_ERROR_NO_DEVICE}). */
    public static final int NO_DEVICE = 100;

    private final String call;
    private final int result;

    /**
     * @param call        the driver entry point, e.g. {@code cuMemAlloc_v2}
     * @param result      the {@code CUresult}
     * @param name        its name ({@code cuGetErrorName}), or null when unknown
     * @param description its description ({@code cuGetErrorString}), or null when unknown
     * @param log         the JIT error log of a module load, or null or empty
     */
    public CudaException(String call, int result, String name, String description, String log) {
        super(message(call, result, name, description, log));
        this.call = call;
        this.result = result;
    }

    private static String message(String call, int result, String name, String description, String log) {
        String what = (name == null ? "CUresult " + result : name) + (description == null ? "" : " (" + description + ")");
        String jit = log == null || log.isBlank() ? "" : "; the PTX JIT compiler says:\n" + log.strip();
        return call + " failed: " + what + jit;
    }

    /** The driver entry point that failed. */
    public String call() {
        return call;
    }

    /** The {@code CUresult} it returned. */
    public int result() {
        return result;
    }
}
