package dev.litemem.internal.store;

import dev.litemem.IncompatibleFileException;
import java.nio.file.Path;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Applies the pending {@link Schema#MIGRATIONS}, each in its own BEGIN IMMEDIATE transaction. */
public final class Migrations {
    private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);

    private Migrations() {
    }

    /**
     * Migrates the file of the writer handle {@code h} up to {@code target} (normally {@link Schema#CURRENT_VERSION};
     * lower in tests).
     */
    static void migrate(Handle h, Path file, int target) {
        int start = currentVersion(h);
        if (start >= target) {
            return; // the common case: one statement
        }
        for (int version = start; version < target; version = currentVersion(h)) {
            h.execute("BEGIN IMMEDIATE");
            boolean committed = false;
            try {
                // Re-read inside the transaction: another process may have migrated in the meantime.
                int now = currentVersion(h);
                if (now != version) {
                    h.execute("COMMIT");
                    committed = true;
                    continue;
                }
                int applicationId = h.createQuery("PRAGMA application_id").mapTo(Integer.class).one();
                if (version > 0 && applicationId != Schema.APPLICATION_ID) {
                    throw new IncompatibleFileException(file + " is not a LiteMem file");
                }
                List<String> steps = Schema.MIGRATIONS.get(version);
                // A step may drop or rebuild a table a row-image trigger names: LiteMem.open re-creates them after.
                RowTriggers.dropAll(h);
                for (String sql : steps) {
                    h.execute(sql);
                }
                if (version == 0) {
                    h.execute("PRAGMA application_id = " + Schema.APPLICATION_ID);
                }
                h.execute("PRAGMA user_version = " + (version + 1));
                h.execute("COMMIT");
                committed = true;
            } finally {
                if (!committed) {
                    h.execute("ROLLBACK");
                }
            }
        }
        int end = currentVersion(h);
        if (start > 0 && end > start) {
            LOG.info("Migrated {} from schema version {} to {}", file, start, end);
        }
    }

    /**
     * Applies every pending schema step inside the caller's write transaction, all of them or (when the transaction
     * rolls back) none: for migrating many files as one job, where a file that fails must stay exactly as it was.
     * The file must already be a LiteMem file (schema version 1 or more). Returns the version it had.
     */
    public static int migrateInTransaction(Handle h, Path file) {
        int start = currentVersion(h);
        if (start < 1 || h.createQuery("PRAGMA application_id").mapTo(Integer.class).one() != Schema.APPLICATION_ID) {
            throw new IncompatibleFileException(file + " is not a LiteMem file");
        }
        if (start > Schema.CURRENT_VERSION) {
            throw new IncompatibleFileException(file + " was written by a newer LiteMem (schema version " + start
                    + "; this LiteMem reads up to " + Schema.CURRENT_VERSION + "): upgrade LiteMem to migrate it");
        }
        if (start < Schema.CURRENT_VERSION) {
            RowTriggers.dropAll(h); // re-created by the caller (or the next LiteMem.open) once the tables are migrated
        }
        for (int version = start; version < Schema.CURRENT_VERSION; version++) {
            for (String sql : Schema.MIGRATIONS.get(version)) {
                h.execute(sql);
            }
            h.execute("PRAGMA user_version = " + (version + 1));
        }
        return start;
    }

    public static int currentVersion(Handle h) {
        return h.createQuery("PRAGMA user_version").mapTo(Integer.class).one();
    }
}
