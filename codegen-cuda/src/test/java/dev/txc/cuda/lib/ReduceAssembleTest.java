package dev.txc.cuda.lib;

import dev.txc.cuda.PtxEntry;
import dev.txc.cuda.lib.PtxReduce.Schedule;
import dev.txc.ir.Op;
import dev.txc.types.DType;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every reduction entry, over every dtype it accepts and several static configurations, assembles for sm_80 and sm_90. */
class ReduceAssembleTest {
    static final List<Op> OPS = List.of(Op.SUM, Op.PROD, Op.MAX, Op.MIN, Op.MEAN, Op.ANY, Op.ALL, Op.ARGMAX, Op.ARGMIN, Op.LOGSUMEXP);

    static boolean accepts(Op op, DType t) {
        return switch (op.accepts()) {
            case ANY -> true;
            case NUMERIC -> t.isNumeric();
            case FLOAT -> t.isFloat();
            case BOOL -> t == DType.BOOL;
        };
    }

    @Test
    void everyReductionAssembles() throws Exception {
        var entries = new ArrayList<PtxEntry>();
        int[][] ranks = {{0, 1}, {2, 2}, {3, 0}};
        for (Op op : OPS)
            for (DType t : DType.values()) {
                if (!accepts(op, t)) continue;
                for (int[] kr : ranks)
                    for (Schedule s : Schedule.values())
                        entries.add(PtxReduce.reduce("r" + entries.size(), op, t, kr[0], kr[1], s));
            }
        for (DType t : DType.values()) {
            if (!t.isNumeric()) continue;
            for (boolean max : new boolean[] {true, false})
                for (Schedule s : Schedule.values()) entries.add(PtxReduce.argMask("m" + entries.size(), t, max, 1, 2, s));
        }
        Ptxas.assemble(entries);
    }

    @Test
    void everyTwoPassReductionAssembles() throws Exception {
        var entries = new ArrayList<PtxEntry>();
        for (Op op : OPS)
            for (DType t : DType.values()) {
                if (!accepts(op, t) || op == Op.LOGSUMEXP) continue;
                entries.add(PtxReduce.partials("p" + entries.size(), op, t, 0, 1));
                entries.add(PtxReduce.partials("p" + entries.size(), op, t, 1, 2));
                entries.add(PtxReduce.finish("f" + entries.size(), op, t));
            }
        Ptxas.assemble(entries);
    }
}
