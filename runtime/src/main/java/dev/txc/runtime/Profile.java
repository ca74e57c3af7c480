package dev.txc.runtime;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Time per node of compiled functions, like Theano's {@code profile=True}: code compiled while profiling is on
 * ({@code -Dtxc.profile=true}, which {@code txc run --profile} sets) calls {@link #record} after each node that does
 * work (a kernel, a library call, a scan), with the node's label, its start time and its operands and result, whose
 * sizes give the bytes it moved at least once (inputs read, result written).
 */
public final class Profile {
    private Profile() {}

    /** The system property that makes the JVM backend emit the calls. */
    public static final String PROPERTY = "txc.profile";

    public static boolean enabled() {
        return Boolean.getBoolean(PROPERTY);
    }

    private static final class Row {
        long calls, nanos, bytes;
    }

    private static final Map<String, Row> ROWS = new LinkedHashMap<>();

    /** Called by generated code after node {@code label} ran from {@code t0} (System.nanoTime) on {@code inputs}. */
    public static void record(String label, long t0, Object result, Object[] inputs) {
        long dt = System.nanoTime() - t0;
        long bytes = bytes(result);
        for (Object in : inputs) bytes += bytes(in);
        synchronized (ROWS) {
            Row r = ROWS.computeIfAbsent(label, k -> new Row());
            r.calls++;
            r.nanos += dt;
            r.bytes += bytes;
        }
    }

    private static long bytes(Object o) {
        return switch (o) {
            case NDArray a -> (long) a.size() * a.dtype().itemSize();
            case NDArray[] as -> {
                long b = 0;
                for (NDArray a : as) b += bytes(a);
                yield b;
            }
            case null, default -> 0;
        };
    }

    /** Forgets every row. */
    public static void reset() {
        synchronized (ROWS) {
            ROWS.clear();
        }
    }

    /**
     * Prints the table, the most expensive node first: calls, total time, share of the profiled time, time per call
     * and the bandwidth its operands' bytes give.
     */
    public static void print(PrintStream out) {
        var rows = new ArrayList<Map.Entry<String, Row>>();
        synchronized (ROWS) {
            rows.addAll(ROWS.entrySet());
        }
        rows.sort(Comparator.comparingLong((Map.Entry<String, Row> e) -> e.getValue().nanos).reversed());
        long total = rows.stream().mapToLong(e -> e.getValue().nanos).sum();
        int width = Math.max(4, rows.stream().mapToInt(e -> e.getKey().length()).max().orElse(4));
        out.printf(Locale.ROOT, "profile: %d nodes, %.3f ms in all%n", rows.size(), total / 1e6);
        out.printf(Locale.ROOT, "%-" + width + "s %9s %11s %7s %11s %9s%n", "node", "calls", "total ms", "share", "us/call", "GB/s");
        for (var e : rows) {
            Row r = e.getValue();
            out.printf(Locale.ROOT, "%-" + width + "s %9d %11.3f %6.1f%% %11.2f %9.2f%n", e.getKey(), r.calls, r.nanos / 1e6,
                    total == 0 ? 0 : 100.0 * r.nanos / total, r.nanos / 1e3 / r.calls, r.nanos == 0 ? 0 : (double) r.bytes / r.nanos);
        }
    }
}
