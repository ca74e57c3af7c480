package dev.txc.runtime;

/**
 * Chooses, for one kernel call site, between its scalar and vector loops on rows too short to warm the vector loop up
 * themselves. Until the JIT's optimizing compiler has compiled a kernel, the Vector API runs its vector loop as boxed
 * Java code, a hundred times slower than the scalar loop (the first run of a vector loop in a JVM costs tens of
 * milliseconds), and a kernel called once per step on short rows reaches that compiler only after hundreds of calls.
 * So calls run the scalar loop; once a site has spent 0.2 s in its calls (and made
 * {@link #FIRST_PUMP}), so that a short run never pays for what follows, every 8th call (every 64th after 512 pumps)
 * also runs both loops on {@link #LENGTH} elements of scratch operands of the site's own (the pump): the calls bring
 * the kernel to the compiler, the pump makes the compiled code include the vector loop, and is timed. After
 * {@link #MIN_PUMPS} pumps, once the pump's vector loop beats its scalar loop {@link #WINS} times in a row, the next
 * {@link #TRIALS} calls run the vector loop, and the loop whose fastest call per element was faster keeps the site (on
 * tiny rows the vector loop's set-up costs more than it saves); a trial the scalar loop wins is repeated after 8000
 * and 32000 more calls, in case it caught the vector loop before its final compilation. A site whose pump has not won
 * {@link #GIVE_UP_NANOS} after its first pump and {@code 2 * MIN_PUMPS} pumps keeps the scalar loop (by time alone,
 * calls of 10 ms gave up before their {@link #MIN_PUMPS}th pump, so the vector loop never had its trial). Both loops give the same bits (a reduction's
 * scalar loop adds per lane, as its vector loop does), so the choice changes no value. Calls over fewer than
 * {@link #MIN_ELEMENTS} elements always take the scalar loop (the vector loop's set-up is most of such a call).
 * Concurrent calls may race on the counters: they only decide which of two equal-valued loops runs.
 * {@code -Dtxc.vector.warmup=false} turns the warm-up off; {@code -Dtxc.vector.warmup.debug=true} prints each decision.
 */
final class VectorWarmup {
    static final int LENGTH = 512, MIN_ELEMENTS = 256, FIRST_PUMP = 200, MIN_PUMPS = 40, WINS = 3, TRIALS = 8;
    static final long GIVE_UP_NANOS = 3_000_000_000L;
    private static final int PUMPING = 0, TRIAL = 1, VECTOR = 2, SCALAR = 3, RETRY = 4, RETRIES = 3;
    private static final boolean DEBUG = Boolean.getBoolean("txc.vector.warmup.debug");
    /** {@code -Dtxc.vector.warmup=false}: short rows always take the scalar loop. */
    static final boolean ON = !"false".equals(System.getProperty("txc.vector.warmup"));

    /** Time in calls before the first pump: 0.2 s, or {@code -Dtxc.vector.warmup.after.ms} when the site is made. */
    private final long pumpAfterNanos = Long.getLong("txc.vector.warmup.after.ms", 200) * 1_000_000L;
    private volatile int state;
    private long calls, pumps, start, retryAt, spent;
    private int wins, trials;
    /** The fastest call per element seen on each loop, in ns. */
    private double scalarBest = Double.MAX_VALUE, vectorBest = Double.MAX_VALUE;
    private Loop scratch;

    /** Runs {@code kernel} over {@code loop} (short rows) on the loop chosen so far, learning while undecided. */
    void run(CompiledFunction fn, int kernel, Loop loop) {
        int s = state;
        loop.vector = s == VECTOR || s == TRIAL;
        if (s == VECTOR || s == SCALAR) {
            loop.run(fn, kernel);
            return;
        }
        long t0 = System.nanoTime();
        loop.run(fn, kernel);
        long t1 = System.nanoTime();
        double perElement = (t1 - t0) / ((double) loop.rows() * loop.rowLength());
        if (s == TRIAL) {
            vectorBest = Math.min(vectorBest, perElement);
            if (++trials % TRIALS != 0) return;
            if (vectorBest < scalarBest) decide(VECTOR, fn, kernel);
            else if (trials >= RETRIES * TRIALS) decide(SCALAR, fn, kernel);
            else {
                // the trial may have caught the vector loop before its final compilation: try again later
                state = RETRY;
                retryAt = calls + (2000L << (2 * (trials / TRIALS)));
            }
            return;
        }
        scalarBest = Math.min(scalarBest, perElement);
        if (s == RETRY) {
            if (++calls >= retryAt) state = TRIAL;
            return;
        }
        calls++;
        spent += t1 - t0;
        if (spent < pumpAfterNanos || calls < FIRST_PUMP) return;
        if (start == 0) start = t1;
        if (t1 - start > GIVE_UP_NANOS && pumps > 2 * MIN_PUMPS) decide(SCALAR, fn, kernel);
        else if ((pumps < 512 ? calls & 7 : calls & 63) == 0) pump(fn, kernel, loop);
    }

    private void pump(CompiledFunction fn, int kernel, Loop real) {
        pumps++;
        try {
            if (scratch == null) scratch = real.scratch(LENGTH);
            scratch.vector = false;
            long t0 = System.nanoTime();
            fn.kernel(kernel, scratch, 0, 1);
            scratch.vector = true;
            long t1 = System.nanoTime();
            fn.kernel(kernel, scratch, 0, 1);
            boolean won = pumps > MIN_PUMPS && System.nanoTime() - t1 < t1 - t0;
            wins = won ? wins + 1 : 0;
            if (wins >= WINS) {
                state = TRIAL;
                scratch = null;
            }
        } catch (RuntimeException e) {
            decide(SCALAR, fn, kernel); // a kernel that cannot run on scratch zeros keeps its scalar loop
        }
    }

    private void decide(int s, CompiledFunction fn, int kernel) {
        state = s;
        scratch = null;
        if (DEBUG) System.err.printf("txc: vector warm-up of %s kernel %d: %s (scalar %.3f, vector %.3f ns per element; %d pumps)%n",
                fn.getClass().getSimpleName(), kernel, s == VECTOR ? "vector loop" : "scalar loop", scalarBest, vectorBest, pumps);
    }
}
