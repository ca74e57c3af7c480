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
     * {@code targets[k]} (when it fits) instead of a fresh array, and output k into {@code targets[shared.length + k]}.
     * Passing {@code targets == shared} updates the variables in place: the caller then promises that nothing else
     * reads those arrays during or after the call. {@code targets} may be shorter, or null, and its entries null.
     */
    NDArray[] call(NDArray[] args, NDArray[] shared, NDArray[] targets);

    /**
     * NumPy's {@code out=}: like {@link #call(NDArray[], NDArray[])}, but output k is computed into {@code outs[k]}
     * when it fits (same dtype and shape, contiguous, the whole of its buffer; a fused kernel's output) and does not
     * share memory with an argument, a shared variable or an earlier output; otherwise into a fresh array. Returns the outputs (each is
     * {@code outs[k]} when it was used) and the updates, as {@code call} does.
     */
    default NDArray[] callInto(NDArray[] args, NDArray[] shared, NDArray[] outs) {
        var targets = new NDArray[shared.length + outs.length];
        for (int k = 0; k < outs.length; k++) {
            NDArray o = outs[k];
            if (o == null || !o.isOnHeap()) continue;
            boolean aliased = false;
            for (NDArray a : args) aliased |= a != null && a.isOnHeap() && a.heapArray() == o.heapArray();
            for (NDArray a : shared) aliased |= a != null && a.isOnHeap() && a.heapArray() == o.heapArray();
            for (int j = 0; j < k; j++) aliased |= outs[j] != null && outs[j].isOnHeap() && outs[j].heapArray() == o.heapArray();
            if (!aliased) targets[shared.length + k] = o;
        }
        return call(args, shared, targets);
    }

    /** Runs elementwise kernel {@code kernel} over rows {@code [lo, hi)} of {@code loop}; called by {@link Loop}. */
    void kernel(int kernel, Loop loop, int lo, int hi);
}
