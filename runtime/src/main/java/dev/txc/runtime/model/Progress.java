package dev.txc.runtime.model;

import java.io.PrintStream;

/** A one-line progress bar with rate and ETA, redrawn in place on a terminal; draws nothing when disabled. */
public final class Progress {
    private static final long REDRAW_NANOS = 100_000_000L;
    private static final int WIDTH = 30;

    private final PrintStream err;
    private final long total;
    private final boolean enabled;
    private final long start = System.nanoTime();
    private long lastDraw;
    private long done;
    private boolean drawn;

    public Progress(PrintStream err, long total, boolean enabled) {
        this.err = err;
        this.total = total;
        this.enabled = enabled && total > 1;
    }

    public void update(long done) {
        this.done = done;
        if (!enabled) return;
        long now = System.nanoTime();
        if (now - lastDraw < REDRAW_NANOS && done < total) return;
        lastDraw = now;
        draw(now);
    }

    private void draw(long now) {
        double secs = (now - start) / 1e9;
        double rate = secs > 0 ? done / secs : 0;
        int filled = (int) (WIDTH * done / total);
        var bar = new StringBuilder("\r[");
        for (int k = 0; k < WIDTH; k++) bar.append(k < filled ? '=' : k == filled ? '>' : ' ');
        bar.append("] ").append(done).append('/').append(total).append(String.format(java.util.Locale.ROOT, " %3d%%", 100 * done / total));
        bar.append(String.format(java.util.Locale.ROOT, "  %.1f calls/s", rate));
        if (rate > 0 && done < total) bar.append("  ETA ").append(duration((total - done) / rate));
        else bar.append("  ").append(duration(secs));
        bar.append("   ");
        err.print(bar);
        err.flush();
        drawn = true;
    }

    public static String duration(double secs) {
        long s = Math.round(secs);
        if (s < 60) return s + "s";
        if (s < 3600) return String.format("%d:%02d", s / 60, s % 60);
        return String.format("%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
    }

    /** Erases the bar so that a line can be printed; the next update redraws it. */
    public void clear() {
        if (!drawn) return;
        err.print("\r" + " ".repeat(WIDTH + 60) + "\r");
        err.flush();
        drawn = false;
        lastDraw = 0;
    }
}
