package dev.txc.runtime;

import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * What one call of a compiled function keeps for the next: the {@link Loop} of each kernel call site (its layout,
 * and for an intermediate value its output buffer) and the operand arrays handed to those loops; the sites' vector
 * warm-up states ({@link VectorWarmup}) are the function's, shared by its workspaces. A workspace belongs to
 * one call at a time: a call takes the idle one from its function's {@link Pool} (or makes one when another call
 * holds it) and gives it back when it returns, so concurrent calls never share buffers.
 */
public final class Workspace {
    private final Loop[] loops;
    private final NDArray[][] arrays;
    /** Per site, the last result of a product that no caller sees (JvmOps.matmulAt), whose buffer the next call reuses. */
    private final NDArray[] kept;
    /** The function's per-site vector warm-up states, shared by its workspaces. */
    private final VectorWarmup[] warm;

    private Workspace(int sites, int arrays, VectorWarmup[] warm) {
        this.loops = new Loop[sites];
        this.arrays = new NDArray[arrays][];
        this.kept = new NDArray[sites];
        this.warm = warm;
    }

    VectorWarmup warm(int site) {
        return warm[site];
    }

    Loop loop(int site) {
        return loops[site];
    }

    NDArray kept(int site) {
        return kept[site];
    }

    NDArray keep(int site, NDArray a) {
        kept[site] = a;
        return a;
    }

    Loop keep(int site, Loop loop) {
        loops[site] = loop;
        return loop;
    }

    /** Operand array {@code id} of length {@code n}, made at the first call and refilled by each. */
    public NDArray[] array(int id, int n) {
        NDArray[] a = arrays[id];
        if (a == null || a.length != n) arrays[id] = a = new NDArray[n];
        return a;
    }

    /** Drops every reference to this call's arguments and results: only kept intermediate buffers stay. */
    private void clear() {
        for (Loop l : loops) if (l != null) l.forget();
        for (NDArray[] a : arrays) if (a != null) java.util.Arrays.fill(a, null);
    }

    /** The workspaces of one compiled function: at most one idle workspace is kept. */
    public static final class Pool {
        private final int sites, arrays;
        /** Idle workspaces, one slot per core: as many calls as there are cores (row tiling's block runs) reuse theirs. */
        private final AtomicReferenceArray<Workspace> idle = new AtomicReferenceArray<>(Math.max(1, Parallel.CORES));
        private final VectorWarmup[] warm;

        public Pool(int sites, int arrays) {
            this.sites = sites;
            this.arrays = arrays;
            this.warm = new VectorWarmup[sites];
            for (int s = 0; s < sites; s++) warm[s] = new VectorWarmup();
        }

        /** An idle workspace, or a new one when other calls hold them all (or earlier calls threw). */
        public Workspace acquire() {
            for (int k = 0; k < idle.length(); k++) {
                Workspace w = idle.getAndSet(k, null);
                if (w != null) return w;
            }
            return new Workspace(sites, arrays, warm);
        }

        /** Gives a call's workspace back, after its results have been collected. */
        public void release(Workspace w) {
            w.clear();
            for (int k = 0; k < idle.length(); k++) if (idle.compareAndSet(k, null, w)) return;
        }
    }
}
