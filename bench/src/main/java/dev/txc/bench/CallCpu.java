package dev.txc.bench;

import java.lang.management.ManagementFactory;

/**
 * {@link CallBench}'s workloads timed by the calling thread's CPU time, which other processes on a shared machine
 * disturb less than wall time: 3 s of warm-up, then 7 rounds of 0.7 s; prints the minimum and median CPU ns per call,
 * the minimum wall ns per call and the bytes the thread allocated per call. Arguments, when given, pick the workloads
 * whose names contain one of them (e.g. {@code logregBare}).
 *
 * <pre>java --add-modules jdk.incubator.vector -Xms1g -Xmx1g -cp bench/target/benchmarks.jar dev.txc.bench.CallCpu [NAME...]</pre>
 */
public final class CallCpu {
    public static void main(String[] args) {
        filter = args;
        var s = new CallBench.Scalar();
        s.setup();
        var b = new CallBench();
        run("scalarBare", () -> b.scalarBare(s));
        run("scalarInvokeDouble", () -> b.scalarInvokeDouble(s));
        run("scalarInvokeNd", () -> b.scalarInvokeNd(s));
        for (int n : new int[] {10, 400}) {
            var l = new CallBench.Logreg();
            l.n = n;
            l.setup();
            run("logregBare n=" + n, () -> b.logregBare(l));
            run("logregInvoke n=" + n, () -> b.logregInvoke(l));
        }
    }

    static Object sink;
    static String[] filter = {};

    static void run(String name, java.util.function.Supplier<Object> body) {
        if (filter.length > 0 && java.util.Arrays.stream(filter).noneMatch(name::contains)) return;
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().threadId();
        long end = System.nanoTime() + Long.getLong("callcpu.warmupMs", 3000) * 1_000_000L;
        while (System.nanoTime() < end) for (int i = 0; i < 1000; i++) sink = body.get();
        double bestCpu = Double.MAX_VALUE, bestWall = Double.MAX_VALUE, alloc = 0;
        double[] cpus = new double[7], order = new double[7];
        for (int round = 0; round < 7; round++) {
            long calls = 0, w0 = System.nanoTime(), c0 = mx.getCurrentThreadCpuTime(), a0 = mx.getThreadAllocatedBytes(tid);
            while (System.nanoTime() - w0 < 700_000_000L) {
                for (int i = 0; i < 200; i++) sink = body.get();
                calls += 200;
            }
            double cpu = (double) (mx.getCurrentThreadCpuTime() - c0) / calls, wall = (double) (System.nanoTime() - w0) / calls;
            alloc = (double) (mx.getThreadAllocatedBytes(tid) - a0) / calls;
            cpus[round] = cpu;
            order[round] = Math.round(cpu);
            bestCpu = Math.min(bestCpu, cpu);
            bestWall = Math.min(bestWall, wall);
        }
        java.util.Arrays.sort(cpus);
        System.out.printf(java.util.Locale.ROOT, "%-22s cpu ns/call min %9.1f median %9.1f   wall min %9.1f   B/call %8.0f%n", name, bestCpu, cpus[3], bestWall, alloc);
        if (Boolean.getBoolean("callcpu.rounds")) System.out.println("  rounds " + java.util.Arrays.toString(order));
    }
}
