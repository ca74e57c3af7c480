package dev.txc.cuda.sim;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The hand-written kernels the simulator tests run are real PTX: ptxas assembles each for sm_80 and sm_90. */
class PtxasAcceptsKernelsTest {
    @Test
    void everyTestKernelAssemblesForSm80AndSm90() throws Exception {
        Path ptxas = Ptxas.find();
        Assumptions.assumeTrue(ptxas != null, "ptxas is not installed (set PTXAS or install CUDA); skipping the assembly check");
        for (Map.Entry<String, String> e : new TreeMap<>(Kernels.all()).entrySet()) {
            for (String arch : new String[] {"sm_80", "sm_90"}) {
                Ptxas.Result r = Ptxas.assemble(ptxas, e.getValue(), arch);
                assertEquals(0, r.status(), e.getKey() + " for " + arch + ":\n" + r.output());
            }
        }
    }
}
