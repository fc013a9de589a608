package dev.litemem.internal.store;

import dev.litemem.LiteMemException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jdbi.v3.core.Handle;

/**
 * Row images (docs/ARCHITECTURE.md, "Row images and the state hash"): while a file keeps its change images
 * ({@code change_images = all}), an AFTER INSERT / UPDATE / DELETE trigger on every table that holds data logs each
 * row change into the change log, in the writing transaction, as an entry of entity {@value #ENTITY}: its table as
 * {@code record_id}, its rowid as {@code row_id} (null for a WITHOUT ROWID table), and as {@code image} the row before
 * and after, every column typed:
 *
 * <pre>
 * {"c": [column names], "o": [typeof, value, ...] | absent, "or": old rowid, "n": [typeof, value, ...], "nr": new rowid}
 * value: an integer as a JSON number, a real as text printf('%!.17g') (round-trips a double), text as a JSON string,
 *        a blob as upper-case hex, null as null
 * </pre>
 *
 * The tables are LiteMem's own data tables and the users' own: every ordinary table but {@link #EXCLUDED} and SQLite's
 * (FTS shadow tables and virtual tables are not ordinary). The triggers are generated from {@code PRAGMA table_info},
 * so {@link #sync} (at open, when images are turned on, after migrations and before each backup pass) re-creates
 * those whose table changed shape. Each change of the trigger set gets a new {@value #EPOCH_KEY}, so that a backup
 * chain never spans a time when rows were not logged (the schema fingerprint changes).
 */
public final class RowTriggers {
    /** The change-log entity of a row image. */
    public static final String ENTITY = "row";
    /** Trigger names start with this. */
    public static final String PREFIX = "litemem_row_";
    /** Meta key: a random id, new whenever the row triggers were (re)installed or dropped. */
    public static final String EPOCH_KEY = "row_images.epoch";
    /**
     * LiteMem's tables that hold no data of their own, with why: the change log itself ({@code changes}); per-file
     * bookkeeping that a restore resets (incarnation, pruning mark, replica role: {@code meta}; readers' positions:
     * {@code changelog_consumers}); derived structures rebuilt from the rows ({@code index_checkpoints},
     * {@code index_checkpoint_pages}, the FTS index {@code records_fts}); a cache of model output recomputed on demand
     * ({@code embedding_cache}).
     */
    public static final Set<String> EXCLUDED = Set.of("changes", "meta", "changelog_consumers", "index_checkpoints",
            "index_checkpoint_pages", "embedding_cache", "records_fts");

    /**
     * The time in epoch milliseconds, exact (julianday arithmetic in floating point can land 1 ms early, before the
     * time the writer took): 'now' is the same instant within one statement.
     */
    private static final String NOW_MILLIS = "CAST(strftime('%s', 'now') AS INTEGER) * 1000"
            + " + CAST(substr(strftime('%f', 'now'), 4) AS INTEGER)";

    private RowTriggers() {
    }

    /** A table the state hash covers: its name, its columns in order, and whether it has a rowid. */
    public record Table(String name, List<String> columns, boolean rowid) {
    }

    /** The tables that hold data, sorted by name. */
    public static List<Table> tables(Connection c) throws SQLException {
        List<String[]> listed = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA main.table_list")) {
            while (rs.next()) {
                String name = rs.getString("name");
                if ("table".equals(rs.getString("type")) && !name.toLowerCase(java.util.Locale.ROOT).startsWith("sqlite_")
                        && !EXCLUDED.contains(name)) {
                    listed.add(new String[] {name, rs.getString("wr")});
                }
            }
        }
        listed.sort((a, b) -> a[0].compareTo(b[0]));
        List<Table> out = new ArrayList<>();
        for (String[] t : listed) {
            List<String> columns = new ArrayList<>();
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("PRAGMA main.table_info(" + quote(t[0]) + ")")) {
                while (rs.next()) {
                    columns.add(rs.getString("name"));
                }
            }
            out.add(new Table(t[0], List.copyOf(columns), !"1".equals(t[1])));
        }
        return out;
    }

    /**
     * Makes the row triggers match the tables as they are now: drops those of gone or changed tables, creates the
     * missing, in the caller's write transaction. Returns whether anything changed (then with a new epoch).
     */
    public static boolean sync(Handle h) {
        try {
            Map<String, String> wanted = new LinkedHashMap<>();
            for (Table t : tables(h.getConnection())) {
                for (String op : List.of("insert", "update", "delete")) {
                    wanted.put(PREFIX + op + "_" + t.name(), triggerSql(t, op));
                }
            }
            Map<String, String> existing = existing(h.getConnection());
            boolean changed = false;
            for (Map.Entry<String, String> e : existing.entrySet()) {
                if (!e.getValue().equals(wanted.get(e.getKey()))) {
                    h.execute("DROP TRIGGER " + quote(e.getKey()));
                    changed = true;
                }
            }
            for (Map.Entry<String, String> e : wanted.entrySet()) {
                if (!e.getValue().equals(existing.get(e.getKey()))) {
                    h.execute(e.getValue());
                    changed = true;
                }
            }
            if (changed) {
                LedgerRows.setMeta(h, EPOCH_KEY, UUID.randomUUID().toString());
            }
            return changed;
        } catch (SQLException e) {
            throw new LiteMemException("cannot install the row-image triggers: " + e.getMessage(), e);
        }
    }

    /** Whether {@link #sync} would change anything (a read). */
    public static boolean outOfDate(Connection c) throws SQLException {
        Map<String, String> existing = existing(c);
        int n = 0;
        for (Table t : tables(c)) {
            for (String op : List.of("insert", "update", "delete")) {
                n++;
                if (!triggerSql(t, op).equals(existing.get(PREFIX + op + "_" + t.name()))) {
                    return true;
                }
            }
        }
        return n != existing.size();
    }

    /** Drops every row trigger (images off, or before a migration that may drop a column a trigger names). */
    public static void dropAll(Handle h) {
        try {
            Map<String, String> existing = existing(h.getConnection());
            for (String name : existing.keySet()) {
                h.execute("DROP TRIGGER " + quote(name));
            }
            if (!existing.isEmpty()) {
                LedgerRows.setMeta(h, EPOCH_KEY, UUID.randomUUID().toString());
            }
        } catch (SQLException e) {
            throw new LiteMemException("cannot drop the row-image triggers: " + e.getMessage(), e);
        }
    }

    private static Map<String, String> existing(Connection c) throws SQLException {
        Map<String, String> out = new LinkedHashMap<>();
        try (PreparedStatement s = c.prepareStatement("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"
                + " AND substr(name, 1, " + PREFIX.length() + ") = ? ORDER BY name")) {
            s.setString(1, PREFIX);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getString(2));
                }
            }
        }
        return out;
    }

    /** The CREATE TRIGGER statement of one table and operation, exactly as sqlite_master keeps it. */
    static String triggerSql(Table t, String op) {
        StringBuilder names = new StringBuilder();
        for (String col : t.columns()) {
            names.append(names.isEmpty() ? "" : ", ").append(literal(col));
        }
        StringBuilder image = new StringBuilder("json_object('c', json_array(").append(names).append(")");
        if (!"insert".equals(op)) {
            image.append(", 'o', ").append(values(t, "OLD"));
            if (t.rowid()) {
                image.append(", 'or', OLD.rowid");
            }
        }
        if (!"delete".equals(op)) {
            image.append(", 'n', ").append(values(t, "NEW"));
            if (t.rowid()) {
                image.append(", 'nr', NEW.rowid");
            }
        }
        image.append(")");
        String rowid = !t.rowid() ? "NULL" : "delete".equals(op) ? "OLD.rowid" : "NEW.rowid";
        return "CREATE TRIGGER " + quote(PREFIX + op + "_" + t.name()) + " AFTER " + op.toUpperCase(java.util.Locale.ROOT)
                + " ON " + quote(t.name()) + " WHEN (SELECT value FROM meta WHERE key = '" + ChangeLog.IMAGES_KEY
                + "') = 'all' BEGIN INSERT INTO changes (at, entity, record_id, row_id, op, image) VALUES ("
                + NOW_MILLIS + ", '" + ENTITY + "', " + literal(t.name())
                + ", " + rowid + ", '" + op + "', " + image + "); END";
    }

    private static String values(Table t, String which) {
        StringBuilder out = new StringBuilder("json_array(");
        for (int i = 0; i < t.columns().size(); i++) {
            String v = which + "." + quote(t.columns().get(i));
            out.append(i == 0 ? "" : ", ").append("typeof(").append(v).append("), CASE typeof(").append(v)
                    .append(") WHEN 'real' THEN printf('%!.17g', ").append(v).append(") WHEN 'blob' THEN hex(")
                    .append(v).append(") ELSE ").append(v).append(" END");
        }
        return out.append(")").toString();
    }

    /** An SQL identifier, quoted. */
    public static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    private static String literal(String s) {
        return "'" + s.replace("'", "''") + "'";
    }
}
