package dev.txc.runtime;

import static org.junit.jupiter.api.Assertions.*;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Parallel.forRange on SpinPool: every index once, errors reach the caller, concurrent and nested loops complete. */
class ParallelTest {
    private static final long BIG = Long.MAX_VALUE;

    /** Counts how often each index of [0, n) was visited by forRange. */
    private static AtomicIntegerArray visits(int n) {
        var seen = new AtomicIntegerArray(n);
        Parallel.forRange(n, BIG, (from, to) -> {
            assertTrue(0 <= from && from <= to && to <= n, "chunk [" + from + ", " + to + ") of [0, " + n + ")");
            for (int i = from; i < to; i++) seen.incrementAndGet(i);
        });
        return seen;
    }

    @Test
    void everyIndexOnceOverManyLoops() {
        // back to back, as a training step's loops come: the workers are awake for most, parked for some
        for (int round = 0; round < 2000; round++) {
            int n = 1 + round % 97;
            var seen = visits(n);
            for (int i = 0; i < n; i++) assertEquals(1, seen.get(i), "index " + i + " of " + n + " in round " + round);
            if (round % 500 == 499) sleep(SpinPool.SPIN_NS / 1_000_000 + 5); // let the workers park
        }
    }

    @Test
    void anExceptionInAChunkReachesTheCallerAndThePoolStaysUsable() {
        var e = assertThrows(TxRuntimeException.class, () -> Parallel.forRange(64, BIG, (from, to) -> {
            if (from <= 40 && 40 < to) throw new TxRuntimeException("chunk with 40 failed");
        }));
        assertEquals("chunk with 40 failed", e.getMessage());
        var seen = visits(64);
        for (int i = 0; i < 64; i++) assertEquals(1, seen.get(i));
    }

    @Test
    void nestedLoopsRunInside() {
        var seen = new AtomicIntegerArray(16 * 16);
        Parallel.forRange(16, BIG, (from, to) -> {
            for (int r = from; r < to; r++) {
                int row = r;
                Parallel.forRange(16, BIG, (a, b) -> { for (int c = a; c < b; c++) seen.incrementAndGet(row * 16 + c); });
            }
        });
        for (int i = 0; i < seen.length(); i++) assertEquals(1, seen.get(i), "element " + i);
    }

    @Test
    void concurrentCallersEachGetTheirWholeRange() throws Exception {
        int threads = 4;
        var start = new CountDownLatch(1);
        var failure = new AtomicReference<Throwable>();
        Thread[] ts = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            ts[t] = new Thread(() -> {
                try {
                    start.await();
                    for (int round = 0; round < 300; round++) {
                        int n = 10 + round % 50;
                        var seen = visits(n);
                        for (int i = 0; i < n; i++) assertEquals(1, seen.get(i));
                    }
                } catch (Throwable x) {
                    failure.compareAndSet(null, x);
                }
            });
            ts[t].start();
        }
        start.countDown();
        for (Thread t : ts) t.join();
        if (failure.get() != null) throw new AssertionError(failure.get());
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
