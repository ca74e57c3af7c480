package dev.txc.driver;

import dev.txc.ir.Module;
import dev.txc.opt.Pipeline;
import dev.txc.runtime.NDArray;
import java.util.List;

/** A backend that runs the functions of an optimized module: the reference interpreter or compiled JVM code. */
public interface Engine {
    /** The pipeline stage the module handed to {@link #load} must have reached. */
    default Pipeline.Stage stage() {
        return Pipeline.Stage.OPT;
    }

    /** Prepares every function of {@code m} for calls. */
    Program load(Module m);

    /** The loaded functions of one module. */
    interface Program {
        /**
         * Calls {@code fn} with arguments in parameter order (null means "use the default"), already converted to
         * the parameter dtypes. Returns the outputs in order, and applies the function's updates to {@code state}
         * after all outputs are computed. Errors are {@link dev.txc.runtime.TxRuntimeException}s naming the
         * function, the parameter and the shapes.
         */
        List<NDArray> call(String fn, List<NDArray> args, State state);
    }
}
