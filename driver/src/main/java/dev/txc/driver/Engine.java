package dev.txc.driver;

import dev.txc.ir.Module;
import dev.txc.opt.Pipeline;
import dev.txc.runtime.model.Program;

/** A backend that runs the functions of an optimized module: the reference interpreter or compiled JVM code. */
public interface Engine {
    /** The pipeline stage the module handed to {@link #load} must have reached. */
    default Pipeline.Stage stage() {
        return Pipeline.Stage.OPT;
    }

    /** Prepares every function of {@code m} for calls. */
    Program load(Module m);
}
