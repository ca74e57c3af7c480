package dev.txc.driver;

import dev.txc.ir.Module;
import dev.txc.opt.Pipeline;
import dev.txc.runtime.model.Program;

/** A backend that runs the functions of an optimized module: the reference interpreter, compiled JVM code or a GPU. */
public interface Engine {
    /** The pipeline stage the module handed to {@link #load} must have reached. */
    default Pipeline.Stage stage() {
        return Pipeline.Stage.OPT;
    }

    /**
     * Acquires what the engine runs on before anything is compiled, so that a missing device is reported at once
     * (the CUDA engine opens the GPU here). The CPU engines have nothing to acquire.
     */
    default void open() {}

    /** Prepares every function of {@code m} for calls. */
    Program load(Module m);

    /** As {@link #load(Module)}, for {@code m} made by {@code c}, whose other stages the engine may use. */
    default Program load(Module m, Compiler c) {
        return load(m);
    }
}
