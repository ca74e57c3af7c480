package dev.txc.driver;

import dev.txc.ir.Module;
import dev.txc.opt.Pipeline;
import dev.txc.runtime.cuda.Cuda;
import dev.txc.runtime.cuda.CudaDevice;
import dev.txc.runtime.model.Program;

/**
 * Runs functions on a CUDA GPU ({@code --device cuda}): opens the process's device first (an error naming the
 * missing driver or GPU, exit 1, never a fallback to the CPU), then renders each lowered function as PTX and runs
 * its host plan through the driver, shared variables resident on the device ({@link dev.txc.runtime.cuda.CudaProgram}).
 */
final class CudaEngine implements Engine {
    private CudaDevice device;

    @Override
    public Pipeline.Stage stage() {
        return Pipeline.Stage.LOWERED;
    }

    @Override
    public void open() {
        if (device == null) device = Cuda.device();
    }

    CudaDevice device() {
        open();
        return device;
    }

    @Override
    public Program load(Module m) {
        open();
        throw new UserException("--device cuda: " + Main.NO_CUDA + " (txc cannot lower functions to PTX in this build); run on the CPU with --device cpu");
    }
}
