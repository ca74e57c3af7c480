package dev.txc.driver;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Where the time of one command went, for {@code --timings}: wall-clock stages measured with
 * {@link System#nanoTime}, each from the end of the previous one, printed in milliseconds to stderr.
 */
final class Timings {
    private record Stage(String name, long nanos) {}

    private final long start = System.nanoTime();
    private long last = start;
    private final List<Stage> stages = new ArrayList<>();

    /** Ends the current stage, named {@code name}. */
    void mark(String name) {
        long now = System.nanoTime();
        stages.add(new Stage(name, now - last));
        last = now;
    }

    /** Adds a stage measured elsewhere (not counted in the total, as it lies inside another). */
    void part(String name, long nanos) {
        stages.add(new Stage("  of which " + name, -1 - nanos));
    }

    void print(PrintStream err, double untilMainMs) {
        var sb = new StringBuilder("timings (ms, wall clock):\n");
        if (untilMainMs >= 0) line(sb, "JVM start until this command", untilMainMs);
        long total = 0;
        for (Stage s : stages) {
            line(sb, s.name, (s.nanos < 0 ? -1 - s.nanos : s.nanos) / 1e6);
            if (s.nanos >= 0) total += s.nanos;
        }
        line(sb, "total in main", total / 1e6);
        err.print(sb);
    }

    /** The milliseconds from the JVM's start to the creation of {@code this}, measured now. */
    double untilMain() {
        long up = java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime();
        return Math.max(0, up - (System.nanoTime() - start) / 1e6);
    }

    private static void line(StringBuilder sb, String name, double ms) {
        sb.append(String.format(Locale.ROOT, "  %-50s %9.2f%n", name, ms));
    }
}
