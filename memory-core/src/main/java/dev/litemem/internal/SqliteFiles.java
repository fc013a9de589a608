package dev.litemem.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** The files SQLite keeps beside a database file, as other code of this project looks at them. */
public final class SqliteFiles {
    private SqliteFiles() {
    }

    /** The write-ahead log beside {@code db}: {@code DB-wal}. */
    public static Path wal(Path db) {
        return db.resolveSibling(db.getFileName() + "-wal");
    }

    /**
     * Whether the write-ahead log beside {@code db} exists and holds anything. A log that disappears while it is looked
     * at counts as none: the last connection of another store on the file (a tenant closing while it is opened again)
     * checkpointed it into the file and deleted it, which is not an error.
     */
    public static boolean walHoldsPages(Path db) throws IOException {
        try {
            return Files.size(wal(db)) > 0;
        } catch (NoSuchFileException gone) {
            return false;
        }
    }
}
