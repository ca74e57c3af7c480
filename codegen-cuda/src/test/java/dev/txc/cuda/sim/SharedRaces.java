package dev.txc.cuda.sim;

import java.util.Arrays;

/**
 * Data races on a block's shared memory. Threads run one at a time, so a kernel that forgets a barrier still gives the
 * right answer here; this makes it an error instead. Two accesses to a byte race when they come from different threads,
 * at least one writes, and no barrier completed between them (for two lanes of one warp, no warp collective either:
 * {@code bar.warp.sync}, {@code shfl/vote/redux.sync}). Atomics are not tracked. With several readers of a byte since
 * the last barrier, a write by any thread counts as racing with them (a slight over-approximation within a warp).
 */
final class SharedRaces {
    private final int[] wTid, wBar, wWarp, rTid, rBar, rWarp;
    /** Completed block barriers, and warp collectives per warp. */
    int barriers;
    final int[] warpSyncs;

    SharedRaces(int bytes, int warps) {
        wTid = new int[bytes];
        rTid = new int[bytes];
        Arrays.fill(wTid, -1);
        Arrays.fill(rTid, -1);
        wBar = new int[bytes];
        wWarp = new int[bytes];
        rBar = new int[bytes];
        rWarp = new int[bytes];
        warpSyncs = new int[warps];
    }

    private boolean concurrent(int tid, int bar, int warpSync, PtxSim.Thr t) {
        if (tid == t.linear || bar != barriers) return false;
        return tid >> 5 != t.warp || warpSync == warpSyncs[t.warp];
    }

    void read(int off, int size, PtxSim.Thr t) {
        for (int i = off; i < off + size; i++) {
            if (wTid[i] >= 0 && concurrent(wTid[i], wBar[i], wWarp[i], t))
                throw race("reads shared byte " + i + ", which thread " + wTid[i] + " wrote", t);
            if (rTid[i] == -1 || rBar[i] != barriers) {
                rTid[i] = t.linear;
                rBar[i] = barriers;
                rWarp[i] = warpSyncs[t.warp];
            } else if (rTid[i] != t.linear) {
                rTid[i] = -2;
            }
        }
    }

    void write(int off, int size, PtxSim.Thr t) {
        for (int i = off; i < off + size; i++) {
            if (wTid[i] >= 0 && concurrent(wTid[i], wBar[i], wWarp[i], t))
                throw race("writes shared byte " + i + ", which thread " + wTid[i] + " also wrote", t);
            if (rTid[i] >= 0 && concurrent(rTid[i], rBar[i], rWarp[i], t))
                throw race("writes shared byte " + i + ", which thread " + rTid[i] + " read", t);
            if (rTid[i] == -2 && rBar[i] == barriers)
                throw race("writes shared byte " + i + ", which several threads read", t);
            wTid[i] = t.linear;
            wBar[i] = barriers;
            wWarp[i] = warpSyncs[t.warp];
            rTid[i] = -1;
        }
    }

    private static PtxSimException race(String what, PtxSim.Thr t) {
        return new PtxSimException("shared-memory race: thread " + t.linear + " " + what
                + " with no barrier between (bar.sync, or bar.warp.sync within a warp)");
    }
}
