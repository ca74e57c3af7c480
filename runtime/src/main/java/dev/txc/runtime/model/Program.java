package dev.txc.runtime.model;

import dev.txc.runtime.NDArray;
import java.util.List;

/** The callable functions of one model, however they run (generated classes, or the compiler's interpreter). */
@FunctionalInterface
public interface Program {
    /**
     * Calls {@code fn} with arguments in parameter order (null means "use the default"), already converted to the
     * parameter dtypes. Returns the outputs in order, and applies the function's updates to {@code state} after all
     * outputs are computed. Errors are {@link dev.txc.runtime.TxRuntimeException}s naming the function, the parameter
     * and the shapes.
     */
    List<NDArray> call(String fn, List<NDArray> args, ModelState state);

    /**
     * Brings {@code state} up to date with values the program keeps elsewhere between calls (a GPU program keeps the
     * shared variables in device memory); callers invoke it after a run of calls, before they read or save the state.
     * Programs that update {@code state} in each call have nothing to do.
     */
    default void flush(ModelState state) {}
}
