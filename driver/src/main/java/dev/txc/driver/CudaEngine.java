package dev.txc.driver;

import dev.txc.cuda.CudaLowering;
import dev.txc.cuda.PtxModule;
import dev.txc.cuda.PtxTarget;
import dev.txc.ir.Function;
import dev.txc.ir.Module;
import dev.txc.ir.SharedVar;
import dev.txc.opt.Pipeline;
import dev.txc.runtime.cuda.Cuda;
import dev.txc.runtime.cuda.CudaDevice;
import dev.txc.runtime.cuda.CudaProgram;
import dev.txc.runtime.cuda.DeviceFunction;
import dev.txc.runtime.cuda.PlanExecutor;
import dev.txc.runtime.model.Program;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs functions on a CUDA GPU ({@code --device cuda}): opens the process's device first (an error naming the
 * missing driver or GPU, exit 1, never a fallback to the CPU), then compiles each lowered function (and each
 * parameter default) to a PTX module and host plan ({@link CudaLowering}) that {@link PlanExecutor} runs, shared
 * variables resident on the device ({@link CudaProgram}).
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

    @Override
    public Program load(Module m) {
        open();
        Map<String, DeviceFunction> fns = new HashMap<>();
        for (var e : modules(m, PtxTarget.DEFAULT).entrySet()) fns.put(e.getKey(), new PlanExecutor(e.getValue().plan()));
        return new CudaProgram(ModelSpecs.of(m, "module"), device, fns);
    }

    /**
     * The PTX module of every function of {@code m} (a lowered module) and of each parameter default, by the class
     * name its {@link dev.txc.runtime.model.FunctionSpec} gives it.
     */
    static Map<String, PtxModule> modules(Module m, PtxTarget target) {
        List<String> shared = m.shared().stream().map(SharedVar::name).toList();
        Map<String, PtxModule> out = new HashMap<>();
        for (Function f : JvmEngine.withDefaults(m)) out.put(JvmEngine.className(f.name()), CudaLowering.lower(f, shared, target));
        return out;
    }
}
