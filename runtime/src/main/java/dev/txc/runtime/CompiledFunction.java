package dev.txc.runtime;

/** A function compiled to JVM bytecode; instances are immutable and, without updates, reentrant. */
public interface CompiledFunction {
    /**
     * Runs the function. {@code args} are in parameter order, already checked against the signature;
     * {@code shared} holds the module's shared variables in declaration order. Returns the outputs followed by
     * the new values of the updated shared variables, which the caller applies.
     */
    NDArray[] call(NDArray[] args, NDArray[] shared);

    /** Runs elementwise kernel {@code kernel} over rows {@code [lo, hi)} of {@code loop}; called by {@link Loop}. */
    void kernel(int kernel, Loop loop, int lo, int hi);
}
