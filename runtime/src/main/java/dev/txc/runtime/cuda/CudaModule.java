package dev.txc.runtime.cuda;

import java.util.concurrent.ConcurrentHashMap;

/** A PTX module loaded into a device's context, with its entries looked up once each ({@code cuModuleGetFunction}). */
public final class CudaModule {
    private final CudaDevice device;
    private final long handle;
    private final ConcurrentHashMap<String, Long> functions = new ConcurrentHashMap<>();

    CudaModule(CudaDevice device, long handle) {
        this.device = device;
        this.handle = handle;
    }

    public CudaDevice device() {
        return device;
    }

    /** The driver's handle. */
    public long handle() {
        return handle;
    }

    /** The device address of the module's {@code .global} variable {@code name}. */
    public long global(String name) {
        return device.api().moduleGlobal(handle, name);
    }

    /** The name of the module's error word: a .u32 global that kernels set to a nonzero code where the JVM would throw. */
    public static final String ERROR_WORD = "txc_error";

    private volatile long errorWord;

    /** The device address of the error word ({@link #ERROR_WORD}), looked up on first use. */
    public long errorWord() {
        if (errorWord == 0) errorWord = global(ERROR_WORD);
        return errorWord;
    }

    /** The function handle of entry {@code name}, looked up on first use. */
    public long function(String name) {
        return functions.computeIfAbsent(name, n -> device.api().moduleFunction(handle, n));
    }
}
