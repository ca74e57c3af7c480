package dev.txc.cuda;

import dev.txc.runtime.cuda.plan.HostPlan;
import java.util.List;

/**
 * A function compiled for CUDA: the PTX module text (header, error word, routines, entries) for {@code target}, its
 * entries, and the host plan that runs them ({@code plan.module()} is {@code text}).
 */
public record PtxModule(PtxTarget target, String text, List<PtxEntry> entries, HostPlan plan) {
    public PtxModule {
        entries = List.copyOf(entries);
    }

    /** The text of routine {@code name} from the math library (or the floor-division routines), or null where it has none. */
    static String routine(String name) {
        if (dev.txc.cuda.math.PtxFloorDiv.names().contains(name)) return dev.txc.cuda.math.PtxFloorDiv.routine(name);
        return dev.txc.cuda.math.PtxMath.names().contains(name) ? dev.txc.cuda.math.PtxMath.routine(name) : null;
    }
}
