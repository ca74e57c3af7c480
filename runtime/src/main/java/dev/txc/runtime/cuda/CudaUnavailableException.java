package dev.txc.runtime.cuda;

import dev.txc.runtime.TxRuntimeException;

/**
 * CUDA was asked for and this machine cannot give it: no driver library, or a driver without a GPU. The message
 * names what is missing and how to run on the CPU instead; txc never falls back to the CPU silently.
 */
public final class CudaUnavailableException extends TxRuntimeException {
    private static final long serialVersionUID = 1L;

    /** How to run without CUDA, the end of every such message. */
    public static final String ON_CPU = "run on the CPU with --device cpu (Device.CPU in the Java API)";

    private CudaUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The driver library is absent or unusable; {@code detail} says why. */
    static CudaUnavailableException noDriver(String detail) {
        return new CudaUnavailableException("--device cuda needs the NVIDIA CUDA driver, but " + detail
                + "; install the NVIDIA driver on a machine with a GPU, or " + ON_CPU, null);
    }

    /** The driver is there but shows no GPU; {@code cause} is the failed driver call, if one failed. */
    static CudaUnavailableException noDevice(String detail, CudaException cause) {
        return new CudaUnavailableException("--device cuda: the CUDA driver (" + LibCuda.LIBRARY + ") found no GPU" + detail
                + "; " + ON_CPU, cause);
    }
}
