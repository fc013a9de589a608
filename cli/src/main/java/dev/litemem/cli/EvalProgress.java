package dev.litemem.cli;

import java.io.PrintWriter;

/**
 * What {@code eval} is doing, as a bar on stderr redrawn at most ten times a second: reading the set, embedding and
 * storing the records, then the queries of each mode. Silent unless on a terminal, so that pipes, logs and
 * {@code --json} consumers see only the results.
 */
final class EvalProgress {
    private static final int WIDTH = 30;
    private final PrintWriter err;
    private final boolean enabled;
    private long started;
    private long lastDrawn;
    private boolean drawn;

    EvalProgress(PrintWriter err, boolean enabled) {
        this.err = err;
        this.enabled = enabled;
    }

    /** A step without a count (reading the set, rebuilding the index). */
    void step(String what) {
        if (enabled) {
            err.printf("\r\033[K%s ...", what);
            err.flush();
            drawn = true;
        }
    }

    /** Starts a counted phase: the rate shown is from here. */
    void phase() {
        started = System.nanoTime();
        lastDrawn = 0;
    }

    /** {@code done} of {@code total} {@code unit}s of {@code what}; drawn when 100 ms have passed or at the end. */
    void update(String what, int done, int total, String unit) {
        if (!enabled) {
            return;
        }
        long now = System.nanoTime();
        if (done < total && now - lastDrawn < 100_000_000L) {
            return;
        }
        lastDrawn = now;
        double seconds = (now - started) / 1e9;
        int filled = total == 0 ? WIDTH : (int) ((long) Math.min(done, total) * WIDTH / total);
        err.printf("\r\033[K[%s%s] %s %d/%d %s  %.1f %s/s", "#".repeat(filled), " ".repeat(WIDTH - filled), what, done,
                total, unit, seconds > 0 ? done / seconds : 0.0, unit);
        err.flush();
        drawn = true;
    }

    /** Clears the bar, so results print on a clean line. */
    void clear() {
        if (enabled && drawn) {
            err.print("\r\033[K");
            err.flush();
            drawn = false;
        }
    }
}
