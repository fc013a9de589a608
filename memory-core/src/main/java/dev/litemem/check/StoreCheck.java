package dev.litemem.check;

import dev.litemem.IncompatibleFileException;
import dev.litemem.InvalidInputException;
import dev.litemem.internal.store.FileCheck;
import dev.litemem.internal.store.SharedSql;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import org.jdbi.v3.core.Handle;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteOpenMode;

/**
 * Checks a LiteMem file through a read-only connection: it never writes to the file (SQLite may create the {@code -shm}
 * and {@code -wal} side files a write-ahead-logged file needs for reading, as any reader does). Safe while a server or
 * another process uses the file: the checks read one snapshot, in one read transaction. See docs/OPERATIONS.md.
 */
public final class StoreCheck {
    private StoreCheck() {
    }

    /**
     * Every check: the file's header, {@code PRAGMA integrity_check}, the keyword index's own integrity check against
     * the records (on a private scratch copy, since FTS5 runs it as an INSERT, which SQLite refuses on a read-only
     * connection), every index checkpoint's checksums and the rows it indexes, the change log's order, vectors and
     * metadata. Reads the whole file.
     *
     * @throws InvalidInputException when the path does not exist or is a directory
     */
    public static CheckReport check(Path file) {
        return run(file, false);
    }

    /**
     * The cheap part, for a server opening a tenant: the file's header, {@code PRAGMA quick_check} (pages and
     * b-trees, without matching indexes to their tables) and every index checkpoint's checksums and structure.
     *
     * @throws InvalidInputException when the path does not exist or is a directory
     */
    public static CheckReport quickCheck(Path file) {
        return run(file, true);
    }

    private static CheckReport run(Path file, boolean quick) {
        if (!Files.exists(file) || Files.isDirectory(file)) {
            throw new InvalidInputException("file", file + (Files.isDirectory(file) ? " is a directory" : " does not exist")
                    + ": give the path of a LiteMem file");
        }
        long started = System.nanoTime();
        Findings findings = new Findings();
        int version = -1;
        try {
            FileCheck.requireExisting(file);
        } catch (IncompatibleFileException e) {
            findings.add(Finding.Kind.FILE, null, null, e.getMessage());
            return new CheckReport(file, version, quick, findings.list(), millisSince(started));
        }
        // The stores' Jdbi and SQL parser: a Jdbi of its own would build its configuration and parse every statement of
        // the check again per file (a third of a cold tenant's first query in a server, which checks each file it opens).
        try (Connection c = openReadOnly(file); Handle h = SharedSql.open(() -> c)) {
            version = h.createQuery("PRAGMA user_version").mapTo(Integer.class).one();
            Checks checks = new Checks(h, version, findings);
            if (!quick) {
                checks.fts(file, c); // on a copy, before the read transaction below
            }
            h.execute("BEGIN");
            try {
                checks.integrity(quick);
                checks.checkpoints(!quick);
                if (!quick) {
                    checks.changeLog();
                    checks.vectorsAndIndex();
                    checks.metadata();
                }
            } finally {
                h.execute("ROLLBACK");
            }
        } catch (SQLException | RuntimeException e) {
            findings.add(Finding.Kind.FILE, null, null, "the file cannot be read as a SQLite database: " + e.getMessage()
                    + "; restore it from a backup");
        }
        return new CheckReport(file, version, quick, findings.list(), millisSince(started));
    }

    static Connection openReadOnly(Path file) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        config.setOpenMode(SQLiteOpenMode.READONLY);
        config.setBusyTimeout(10_000);
        return config.createConnection("jdbc:sqlite:" + file.toAbsolutePath());
    }

    private static long millisSince(long started) {
        return (System.nanoTime() - started) / 1_000_000;
    }
}
