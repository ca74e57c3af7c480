package dev.txc.runtime;

/** A function compiled to JVM bytecode; instances are immutable and, without updates, reentrant. */
public interface CompiledFunction {
    /**
     * Runs the function. {@code args} are in parameter order, already checked against the signature;
     * {@code shared} holds the module's shared variables in declaration order. Returns the outputs followed by
     * the new values of the updated shared variables, which the caller applies. Never writes into any argument.
     */
    default NDArray[] call(NDArray[] args, NDArray[] shared) {
        return call(args, shared, null);
    }

    /**
     * Like {@link #call(NDArray[], NDArray[])}, but the new value of shared variable k may be computed into
     * {@code targets[k]} (when it fits) instead of a fresh array. Passing {@code targets == shared} updates the
     * variables in place: the caller then promises that nothing else reads those arrays during or after the call.
     * {@code targets} or its entries may be null.
     */
    NDArray[] call(NDArray[] args, NDArray[] shared, NDArray[] targets);

    /** Runs elementwise kernel {@code kernel} over rows {@code [lo, hi)} of {@code loop}; called by {@link Loop}. */
    void kernel(int kernel, Loop loop, int lo, int hi);
}
