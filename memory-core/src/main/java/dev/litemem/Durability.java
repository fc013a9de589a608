package dev.litemem;

/** How hard a commit works to survive failures. */
public enum Durability {
    /**
     * The default: SQLite's {@code synchronous=FULL}. Every acknowledged write survives a process crash and a power
     * loss (the WAL is synced at every commit).
     */
    FULL("FULL"),
    /**
     * SQLite's {@code synchronous=NORMAL} in WAL mode: every acknowledged write survives a process crash, but the
     * last commits before a power loss or an OS crash may be rolled back (the file is never corrupted). Commits are
     * cheaper because the WAL is synced only at checkpoints.
     */
    NORMAL("NORMAL");

    private final String pragma;

    Durability(String pragma) {
        this.pragma = pragma;
    }

    /** The value of SQLite's {@code PRAGMA synchronous}. */
    public String pragmaValue() {
        return pragma;
    }
}
