package dev.litemem.internal.store;

import dev.litemem.IncompatibleFileException;
import dev.litemem.internal.SqliteFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteOpenMode;

/**
 * Decides, without modifying the file, whether a path may be opened as a LiteMem store: it must be absent, empty, an
 * empty SQLite database, or a LiteMem database of this version or older.
 */
public final class FileCheck {
    private static final int USER_VERSION_OFFSET = 60;
    private static final int APPLICATION_ID_OFFSET = 68;
    private static final byte[] SQLITE_MAGIC = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);

    enum State { NEW, LITEMEM }

    private FileCheck() {
    }

    /**
     * Refuses, with an {@link IncompatibleFileException} that says why, a path that is not an existing LiteMem file of
     * this version or older (absent, empty, a directory, not SQLite, another application's, a newer LiteMem's). Reads
     * the file only.
     */
    public static void requireExisting(Path file) {
        if (check(file, false) == State.NEW) {
            throw new IncompatibleFileException(file + " is an empty SQLite database, not a LiteMem store");
        }
    }

    /** @param create whether an absent or empty file may become a new store (else it is refused as missing or damaged) */
    static State check(Path file, boolean create) {
        try {
            if (!Files.exists(file)) {
                if (!create) {
                    throw new IncompatibleFileException(file + " does not exist; nothing was created: restore the file, or"
                            + " create the store anew");
                }
                return State.NEW;
            }
            if (Files.isDirectory(file)) {
                throw new IncompatibleFileException(file + " is a directory: give the path of a LiteMem file, such as agent-42.db");
            }
            if (Files.size(file) == 0) {
                return empty(file, create);
            }
            byte[] header = new byte[100];
            int read;
            try (InputStream in = Files.newInputStream(file)) {
                read = in.readNBytes(header, 0, header.length);
            }
            if (read < header.length || !Arrays.equals(header, 0, SQLITE_MAGIC.length, SQLITE_MAGIC, 0, SQLITE_MAGIC.length)) {
                throw new IncompatibleFileException(file + " is not a SQLite database, so it cannot be a LiteMem file;"
                        + " it was left unchanged: give the path of a LiteMem file, or a new path to create one");
            }
            if (SqliteFiles.walHoldsPages(file)) {
                // Committed changes may still sit in the WAL: ask SQLite, which reads through it.
                return probe(file);
            }
            // Reading the header ourselves leaves no -wal/-shm files beside a file we may refuse.
            ByteBuffer fields = ByteBuffer.wrap(header).order(ByteOrder.BIG_ENDIAN);
            int version = fields.getInt(USER_VERSION_OFFSET);
            int applicationId = fields.getInt(APPLICATION_ID_OFFSET);
            if (applicationId == 0) {
                return probe(file);
            }
            return decide(file, applicationId, version, true);
        } catch (IOException e) {
            throw new IncompatibleFileException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * A 0-byte file is a new store only when the caller allows it and no write-ahead log beside it holds pages: SQLite
     * writes a store's first page before anything reaches its WAL, so an empty file with a non-empty WAL was truncated
     * (and SQLite would rebuild a torn database from the WAL alone).
     */
    private static State empty(Path file, boolean create) throws IOException {
        if (SqliteFiles.walHoldsPages(file)) {
            throw new IncompatibleFileException(file + " is empty (0 bytes) while its write-ahead log is not: it was"
                    + " truncated or damaged; it was left unchanged: restore it from a backup");
        }
        if (!create) {
            throw new IncompatibleFileException(file + " is empty (0 bytes), but a store was created there before: it was"
                    + " truncated or damaged; it was left unchanged: restore it from a backup");
        }
        return State.NEW;
    }

    private static State decide(Path file, int applicationId, int version, boolean hasObjects) {
        if (applicationId == Schema.APPLICATION_ID) {
            if (version > Schema.CURRENT_VERSION) {
                throw new IncompatibleFileException(file + " was written by a newer LiteMem (schema version " + version
                        + "; this LiteMem reads up to version " + Schema.CURRENT_VERSION
                        + "); it was left unchanged: upgrade LiteMem to open it");
            }
            return State.LITEMEM;
        }
        if (applicationId == 0 && !hasObjects) {
            return State.NEW;
        }
        throw new IncompatibleFileException(file + " is a SQLite database of another application (application_id "
                + applicationId + "), not a LiteMem file; it was left unchanged: give the path of a LiteMem file, or a"
                + " new path to create one");
    }

    private static State probe(Path file) {
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        config.setOpenMode(SQLiteOpenMode.READONLY);
        try (Connection c = config.createConnection("jdbc:sqlite:" + file.toAbsolutePath());
             Statement s = c.createStatement()) {
            int applicationId = intPragma(s, "application_id");
            int version = intPragma(s, "user_version");
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM sqlite_schema")) {
                rs.next();
                return decide(file, applicationId, version, rs.getInt(1) > 0);
            }
        } catch (SQLException e) {
            throw new IncompatibleFileException("cannot read " + file + " as a SQLite database (" + e.getMessage()
                    + "); it was left unchanged", e);
        }
    }

    private static int intPragma(Statement s, String name) throws SQLException {
        try (ResultSet rs = s.executeQuery("PRAGMA " + name)) {
            return rs.next() ? rs.getInt(1) : 0;
        }
    }
}
