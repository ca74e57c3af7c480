package dev.txc.runtime;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The threads that share {@link Parallel}'s split loops with the calling thread: {@code CORES - 1} daemon workers that
 * spin for a while after each loop before they park, so that the next loop of a call (a training step runs tens of
 * them, each tens of microseconds long) starts on an awake thread. Waking a parked thread costs 5-10 us on the VMs
 * txc is measured on, as much as the work of a 500 x 500 GEMV on one core; OpenMP and OpenBLAS spin likewise.
 *
 * <p>One loop runs at a time: {@link #run} returns false, and the caller runs the loop another way, when another
 * loop holds the pool (another thread's call, or a loop nested in one of this pool's chunks). The caller takes chunks
 * too and returns when every chunk is done, so a worker that is slow to wake delays nothing. The first exception a
 * chunk throws is rethrown to the caller after the others finish.
 */
final class SpinPool {
    /** How long an idle worker spins before it parks ({@code -Dtxc.parallel.spin.us}, default 200). */
    static final long SPIN_NS = Long.getLong("txc.parallel.spin.us", 200) * 1000;

    private static SpinPool instance;

    private final Worker[] workers;
    private final AtomicBoolean busy = new AtomicBoolean();
    private volatile Job job;

    private SpinPool(int threads) {
        workers = new Worker[threads];
        for (int i = 0; i < threads; i++) {
            workers[i] = new Worker();
            workers[i].setName("txc-parallel-" + (i + 1));
            workers[i].setDaemon(true);
            workers[i].start();
        }
    }

    /** The pool, started on first use, or null on one core. */
    static synchronized SpinPool get() {
        if (instance == null && Parallel.CORES > 1) instance = new SpinPool(Parallel.CORES - 1);
        return instance;
    }

    /** Runs body over [0, n) cut into {@code chunks} parts on this thread and the workers; false if the pool is taken. */
    boolean run(int n, int chunks, Parallel.Range body) {
        if (!busy.compareAndSet(false, true)) return false;
        Job j = new Job(n, chunks, body);
        try {
            job = j;
            for (Worker w : workers) if (w.parked) LockSupport.unpark(w);
            j.work();
            while (j.done.get() < chunks) Thread.onSpinWait();
        } finally {
            job = null;
            busy.set(false);
        }
        if (j.error != null) throw rethrow(j.error);
        return true;
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) throw r;
        if (t instanceof Error e) throw e;
        return new IllegalStateException(t);
    }

    private static final class Job {
        final int n, chunks;
        final Parallel.Range body;
        final AtomicInteger next = new AtomicInteger(), done = new AtomicInteger();
        volatile Throwable error;

        Job(int n, int chunks, Parallel.Range body) {
            this.n = n;
            this.chunks = chunks;
            this.body = body;
        }

        /** Takes chunks until none is left. */
        void work() {
            for (int c; (c = next.getAndIncrement()) < chunks; ) {
                try {
                    if (error == null) body.run((int) ((long) n * c / chunks), (int) ((long) n * (c + 1) / chunks));
                } catch (Throwable t) {
                    if (error == null) error = t;
                } finally {
                    done.incrementAndGet();
                }
            }
        }
    }

    private final class Worker extends Thread {
        volatile boolean parked;

        @Override
        public void run() {
            Job last = null;
            long idle = System.nanoTime();
            while (true) {
                Job j = job;
                if (j != null && j != last) {
                    last = j;
                    j.work();
                    idle = System.nanoTime();
                } else if (System.nanoTime() - idle < SPIN_NS) {
                    Thread.onSpinWait();
                } else {
                    // parked is written before job is read again, and run() writes job before it reads parked: one of
                    // the two threads sees the other's write, so a new job is never left waiting for an unpark.
                    parked = true;
                    j = job;
                    if (j == null || j == last) LockSupport.park(this);
                    parked = false;
                    idle = System.nanoTime();
                }
            }
        }
    }
}
