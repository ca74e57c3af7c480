package dev.txc.runtime.cuda;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Where the process's CUDA device comes from: {@link LibCuda} (the NVIDIA driver) unless the system property
 * {@value #API_PROPERTY} names another {@link CudaApi} implementation (a class with a public no-argument
 * constructor), which is how the tests run the whole {@code --device cuda} path on a simulated driver. The device is
 * opened once per process and implementation; a failure to open it is reported each time it is asked for, never
 * replaced by the CPU.
 */
public final class Cuda {
    /** The system property naming a {@link CudaApi} class to use instead of the driver. */
    public static final String API_PROPERTY = "txc.cuda.api";

    private static final ConcurrentHashMap<String, CudaDevice> DEVICES = new ConcurrentHashMap<>();

    private Cuda() {}

    /**
     * The first GPU, opened on first use.
     *
     * @throws CudaUnavailableException when there is no driver or no GPU, naming what is missing
     */
    public static CudaDevice device() {
        String impl = System.getProperty(API_PROPERTY, "");
        return DEVICES.computeIfAbsent(impl, k -> CudaDevice.open(api(k), 0));
    }

    private static CudaApi api(String impl) {
        if (impl.isEmpty()) return LibCuda.load();
        try {
            Class<?> c = Class.forName(impl, true, Thread.currentThread().getContextClassLoader());
            return (CudaApi) c.getConstructor().newInstance();
        } catch (ReflectiveOperationException | ClassCastException e) {
            throw new IllegalStateException("-D" + API_PROPERTY + "=" + impl + " is not a CudaApi class with a public no-argument constructor: " + e, e);
        }
    }
}
