package dev.litemem.migrate;

import dev.litemem.IncompatibleFileException;
import dev.litemem.LiteMemException;
import dev.litemem.internal.store.ChangeLog;
import dev.litemem.internal.store.FileCheck;
import dev.litemem.internal.store.LedgerRows;
import dev.litemem.internal.store.Migrations;
import dev.litemem.internal.store.RowTriggers;
import dev.litemem.internal.store.Schema;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteOpenMode;

/**
 * Migrates one LiteMem file as a unit: every pending schema step and every pending user migration in ONE write
 * transaction, so that a file that fails anywhere is left exactly as it was. For migrating many tenant files as a
 * job ({@code litemem migrate}, docs/OPERATIONS.md); {@code LiteMem.open} migrates the schema by itself otherwise.
 * Nothing else may hold the file open meanwhile (a running server would keep its old view of the schema).
 */
public final class FileMigration {
    /** The table that records the user's migrations applied to a file (created by the first one). */
    public static final String TABLE = "user_migrations";

    private FileMigration() {
    }

    /** The schema version files are migrated to: this LiteMem's. */
    public static int currentSchemaVersion() {
        return Schema.CURRENT_VERSION;
    }

    /** Brings the file to {@link Schema#CURRENT_VERSION} and applies the pending user migrations, in one transaction. */
    public static MigrationResult migrate(Path file, List<UserMigration> user) {
        return run(file, user, false);
    }

    /** What {@link #migrate} would apply, read-only: nothing is executed. */
    public static MigrationResult plan(Path file, List<UserMigration> user) {
        return run(file, user, true);
    }

    private static MigrationResult run(Path file, List<UserMigration> user, boolean planOnly) {
        int before = -1;
        try {
            FileCheck.requireExisting(file);
        } catch (IncompatibleFileException e) {
            return new MigrationResult(file, MigrationResult.Status.FAILED, before, before, List.of(), e.getMessage());
        }
        try (Connection c = open(file, planOnly); Handle h = Jdbi.open(c)) {
            before = Migrations.currentVersion(h);
            if (planOnly) {
                List<Integer> pending = pending(h, user, before);
                boolean any = before < Schema.CURRENT_VERSION || !pending.isEmpty();
                return new MigrationResult(file, any ? MigrationResult.Status.PENDING : MigrationResult.Status.CURRENT,
                        before, before, pending, null);
            }
            h.execute("BEGIN IMMEDIATE");
            boolean committed = false;
            try {
                Migrations.migrateInTransaction(h, file);
                List<Integer> pending = pending(h, user, Schema.CURRENT_VERSION);
                if (!pending.isEmpty()) {
                    // A user migration may drop a column a row-image trigger names: they are re-created below.
                    RowTriggers.dropAll(h);
                    h.execute("CREATE TABLE IF NOT EXISTS " + TABLE + " (version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
                            + " sha256 TEXT NOT NULL, applied_at INTEGER NOT NULL)");
                    for (UserMigration u : user) {
                        if (pending.contains(u.version())) {
                            apply(h, u);
                        }
                    }
                }
                if ((before < Schema.CURRENT_VERSION || !pending.isEmpty())
                        && LedgerRows.meta(h, ChangeLog.IMAGES_KEY).map("all"::equals).orElse(false)) {
                    RowTriggers.sync(h); // the tables' new shapes, in the same transaction
                }
                if (before == Schema.CURRENT_VERSION && pending.isEmpty()) {
                    return new MigrationResult(file, MigrationResult.Status.CURRENT, before, before, List.of(), null);
                }
                h.execute("COMMIT");
                committed = true;
                return new MigrationResult(file, MigrationResult.Status.MIGRATED, before, Schema.CURRENT_VERSION, pending,
                        null);
            } finally {
                if (!committed) {
                    h.execute("ROLLBACK");
                }
            }
        } catch (SQLException | RuntimeException e) {
            return new MigrationResult(file, MigrationResult.Status.FAILED, before, before, List.of(), message(e));
        }
    }

    /** The user migrations not yet applied, in order; refuses one changed since it was applied, or one out of order. */
    private static List<Integer> pending(Handle h, List<UserMigration> user, int version) {
        Map<Integer, String> applied = new TreeMap<>();
        boolean hasTable = h.createQuery("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = ?")
                .bind(0, TABLE).mapTo(Integer.class).one() > 0;
        if (hasTable) {
            h.createQuery("SELECT version, sha256 FROM " + TABLE).map((rs, ctx) -> applied.put(rs.getInt(1), rs.getString(2)))
                    .forEach(x -> { });
        }
        int highest = applied.keySet().stream().mapToInt(Integer::intValue).max().orElse(0);
        List<Integer> pending = new ArrayList<>();
        for (UserMigration u : user) {
            String sha = applied.get(u.version());
            if (sha == null) {
                if (u.version() < highest) {
                    throw new LiteMemException("user migration " + u.version() + " (" + u.name() + ") is new, but " + highest
                            + " was applied to this file already: give new migrations numbers above the highest applied");
                }
                pending.add(u.version());
            } else if (!sha.equals(u.sha256())) {
                throw new LiteMemException("user migration " + u.version() + " (" + u.name() + ") changed since it was"
                        + " applied to this file: never edit an applied migration; add a new one");
            }
        }
        return pending;
    }

    private static void apply(Handle h, UserMigration u) {
        try (Statement s = h.getConnection().createStatement()) {
            s.executeUpdate(u.sql());
        } catch (SQLException e) {
            throw new LiteMemException("user migration " + u.version() + " (" + u.name() + ") failed: " + e.getMessage(), e);
        }
        h.createUpdate("INSERT INTO " + TABLE + " (version, name, sha256, applied_at) VALUES (?, ?, ?, ?)")
                .bind(0, u.version()).bind(1, u.name()).bind(2, u.sha256()).bind(3, System.currentTimeMillis()).execute();
    }

    private static Connection open(Path file, boolean readOnly) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setBusyTimeout(10_000);
        if (readOnly) {
            config.setReadOnly(true);
            config.setOpenMode(SQLiteOpenMode.READONLY);
        }
        return config.createConnection("jdbc:sqlite:" + file.toAbsolutePath());
    }

    private static String message(Exception e) {
        return e instanceof LiteMemException || e instanceof SQLException ? e.getMessage()
                : e.getClass().getSimpleName() + ": " + e.getMessage();
    }
}
