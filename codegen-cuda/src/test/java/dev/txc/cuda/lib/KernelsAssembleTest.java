package dev.txc.cuda.lib;

import dev.txc.cuda.PtxEntry;
import dev.txc.cuda.lib.PtxReduce.Schedule;
import dev.txc.types.DType;
import java.util.ArrayList;
import org.junit.jupiter.api.Test;

/** softmax, matmul, gemv and data-movement entries, over every dtype they accept, assemble for sm_80 and sm_90. */
class KernelsAssembleTest {
    @Test
    void softmaxAssembles() throws Exception {
        var entries = new ArrayList<PtxEntry>();
        for (DType t : new DType[] {DType.F32, DType.F64})
            for (boolean log : new boolean[] {false, true})
                for (int rank : new int[] {0, 1, 3})
                    for (Schedule s : Schedule.values()) entries.add(PtxSoftmax.softmax("s" + entries.size(), t, log, rank, s));
        Ptxas.assembleWithoutSpills(entries);
    }

    @Test
    void matmulAssemblesWithoutSpills() throws Exception {
        for (DType t : DType.values()) {
            if (!t.isNumeric()) continue;
            var entries = new ArrayList<PtxEntry>();
            // each layout once for floats (ptxas takes about a second per tiled entry); integers: plain, and batched
            // with both operands transposed
            for (int batch : new int[] {0, 2})
                for (boolean ta : new boolean[] {false, true})
                    for (boolean tb : new boolean[] {false, true})
                        if ((t.isFloat() && (batch == 0) != (ta && tb)) || (ta == tb && (batch == 0) != ta)) entries.add(PtxMatmul.matmul("mm" + entries.size(), t, batch, ta, tb));
            for (Schedule s : Schedule.values()) entries.add(PtxMatmul.gemv("mv" + entries.size(), t, s));
            Ptxas.assembleWithoutSpills(entries);
        }
    }

    @Test
    void dataMovementAssembles() throws Exception {
        var entries = new ArrayList<PtxEntry>();
        for (DType t : DType.values()) {
            for (int rank : new int[] {0, 1, 2, 4}) entries.add(PtxCopy.copy("c" + entries.size(), t, rank));
            entries.add(PtxCopy.fill("f" + entries.size(), t));
            if (t.isNumeric()) entries.add(PtxCopy.arangeAt("a" + entries.size(), t));
        }
        Ptxas.assembleWithoutSpills(entries);
    }
}
