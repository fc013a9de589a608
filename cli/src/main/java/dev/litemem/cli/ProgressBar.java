package dev.litemem.cli;

/** The text progress bar the commands draw on a terminal ({@code ingest}, {@code migrate}). */
final class ProgressBar {
    static final int WIDTH = 30;

    private ProgressBar() {
    }

    /** {@code [#####     ]}: done out of total, {@link #WIDTH} characters inside the brackets. */
    static String bar(long done, long total) {
        int filled = total <= 0 ? WIDTH : (int) Math.min(WIDTH, done * WIDTH / total);
        return "[" + "#".repeat(filled) + " ".repeat(WIDTH - filled) + "]";
    }
}
