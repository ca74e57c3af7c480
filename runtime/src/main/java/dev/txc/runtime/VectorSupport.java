package dev.txc.runtime;

/**
 * Whether the JDK Vector API ({@code jdk.incubator.vector}) is in the boot layer. Vectorized code is reached only
 * through this check, so that a JVM started without {@code --add-modules jdk.incubator.vector} runs the plain scalar
 * path instead of failing to link. {@code -Dtxc.vector=false} turns vector code off in a JVM that has the module.
 */
public final class VectorSupport {
    private VectorSupport() {}

    private static final boolean AVAILABLE = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
            && !"false".equals(System.getProperty("txc.vector"));

    /** True when vectorized kernels may run. */
    public static boolean available() {
        return AVAILABLE;
    }

    /** "vector" or "scalar", for {@code --verbose} reports. */
    public static String describe() {
        return AVAILABLE ? "vector (jdk.incubator.vector)" : "scalar (jdk.incubator.vector is not in this JVM, or -Dtxc.vector=false)";
    }
}
