package dev.litemem.check;

import dev.litemem.CollectionInfo;
import dev.litemem.check.Finding.Kind;
import dev.litemem.index.Metric;
import dev.litemem.internal.index.Checkpoints;
import dev.litemem.internal.index.CollectionIndex;
import dev.litemem.internal.store.CollectionRows;
import dev.litemem.internal.store.Retention;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Handle;
import org.sqlite.SQLiteConnection;

/**
 * The checks themselves, each on the caller's read transaction, each reporting what it finds instead of stopping:
 * a check that cannot run (the file is damaged under it) is itself a finding of its kind. Guarded by the file's schema
 * version where a table or column came later (docs/ARCHITECTURE.md lists them).
 */
final class Checks {
    private static final Pattern MISSING_FROM_INDEX = Pattern.compile("row (\\d+) missing from index (\\S+)");
    private static final Pattern WRONG_ENTRIES = Pattern.compile("wrong # of entries in index (\\S+)");
    private static final Pattern IN_TABLE = Pattern.compile("(?:NULL value|CHECK constraint failed|NOT NULL constraint failed)"
            + " in (\\w+)");
    private final Handle h;
    private final int version;
    private final Findings findings;
    /** The newest sound checkpoint of each collection that has one, for comparing its labels with the rows. */
    private final Map<Long, Checkpoints.Verified> newestSound = new HashMap<>();

    Checks(Handle h, int version, Findings findings) {
        this.h = h;
        this.version = version;
        this.findings = findings;
    }

    /** SQLite's integrity_check (quick_check: without matching indexes to tables or checking constraints). */
    void integrity(boolean quick) {
        try {
            List<String> lines = h.createQuery("PRAGMA " + (quick ? "quick_check" : "integrity_check") + "(200)")
                    .mapTo(String.class).list();
            if (lines.equals(List.of("ok"))) {
                return;
            }
            for (String line : lines) {
                String table = null;
                Long row = null;
                Matcher m = MISSING_FROM_INDEX.matcher(line);
                Matcher w = WRONG_ENTRIES.matcher(line);
                Matcher t = IN_TABLE.matcher(line);
                if (m.find()) {
                    row = Long.parseLong(m.group(1));
                    table = tableOfIndex(m.group(2));
                } else if (w.find()) {
                    table = tableOfIndex(w.group(1));
                } else if (t.find()) {
                    table = t.group(1);
                }
                findings.add(Kind.INTEGRITY, table, row, "SQLite's integrity check: " + line
                        + "; restore the file from a backup (or export what is readable and re-import it)");
            }
        } catch (RuntimeException e) {
            findings.add(Kind.INTEGRITY, null, null, "SQLite's integrity check could not run: " + e.getMessage()
                    + "; restore the file from a backup");
        }
    }

    private String tableOfIndex(String index) {
        try {
            return h.createQuery("SELECT tbl_name FROM sqlite_schema WHERE type = 'index' AND name = ?").bind(0, index)
                    .mapTo(String.class).findOne().orElse(index);
        } catch (RuntimeException e) {
            return index;
        }
    }

    /**
     * FTS5's integrity-check with rank 1 (the index against its external content, the records table). FTS5 runs it as
     * an INSERT, which a read-only connection refuses, so it runs on a scratch copy made with SQLite's backup API
     * (a page-for-page copy of one consistent snapshot) in the system's temporary folder, deleted afterwards.
     */
    void fts(Path file, Connection source) {
        if (version < 4) {
            return;
        }
        Path scratch = null;
        try {
            scratch = Files.createTempFile("litemem-check-", ".db");
            ((SQLiteConnection) source).getDatabase().backup("main", scratch.toString(), null);
            try (Connection copy = DriverManager.getConnection("jdbc:sqlite:" + scratch);
                 Statement s = copy.createStatement()) {
                s.execute("INSERT INTO records_fts (records_fts, rank) VALUES ('integrity-check', 1)");
            } catch (SQLException e) {
                findings.add(Kind.FTS, "records_fts", null, "the keyword index does not match the records table (FTS5"
                        + " integrity-check: " + e.getMessage() + "); rebuild it while nothing else uses the file: sqlite3 "
                        + file.getFileName() + " \"INSERT INTO records_fts (records_fts) VALUES ('rebuild')\"");
            }
        } catch (IOException | SQLException | RuntimeException e) {
            findings.add(Kind.FTS, "records_fts", null, "the keyword index could not be checked: " + e.getMessage());
        } finally {
            if (scratch != null) {
                for (String suffix : new String[] {"", "-wal", "-shm", "-journal"}) {
                    try {
                        Files.deleteIfExists(scratch.resolveSibling(scratch.getFileName() + suffix));
                    } catch (IOException e) {
                        findings.add(Kind.FTS, null, null, "the check's scratch copy " + scratch + suffix
                                + " could not be deleted: " + e.getMessage() + "; delete it by hand");
                    }
                }
            }
        }
    }

    /**
     * Every stored checkpoint of every collection: header checksum, then the bytes' own checksum, structure and identity
     * (the codec's checks, as the loader makes them). Checkpoints without a header checksum (written before schema
     * version 7) are not findings: the loader rebuilds them once. Needs schema version 7.
     */
    void checkpoints(boolean keepForIndex) {
        if (version < 7) {
            return;
        }
        try {
            List<Long> ids = h.createQuery("SELECT id FROM collections ORDER BY id").mapTo(Long.class).list();
            for (long id : ids) {
                String name = h.createQuery("SELECT name FROM collections WHERE id = ?").bind(0, id).mapTo(String.class).one();
                CollectionInfo info = CollectionRows.find(h, name).orElseThrow();
                Checkpoints.Verified newest = null;
                for (Checkpoints.Verified v : Checkpoints.verifyAll(h, id, CollectionIndex.identity(id, info))) {
                    if (v.problem() != null) {
                        findings.add(Kind.CHECKPOINT, "index_checkpoints", v.id(), "the index checkpoint of collection '"
                                + name + "' is damaged: " + v.problem() + "; it is rebuilt from the rows when the"
                                + " collection is opened, but damage there means the disk or a tool changed the file:"
                                + " check the rest of it");
                    } else if (!v.legacy() && (newest == null || v.seq() > newest.seq()
                            || v.seq() == newest.seq() && v.id() > newest.id())) {
                        newest = v;
                    }
                }
                if (keepForIndex && newest != null) {
                    newestSound.put(id, newest);
                }
            }
        } catch (RuntimeException e) {
            findings.add(Kind.CHECKPOINT, "index_checkpoints", null, "the index checkpoints could not be checked: "
                    + e.getMessage());
        }
    }

    /**
     * The change log's order: every seq positive, none beyond the AUTOINCREMENT high-water mark (sqlite_sequence: a
     * later write would reuse it), and no entry missing above the point pruning has reached ({@code meta}
     * changelog.pruned_through): pruning deletes only at or below it (keeping unshipped outbox entries), nothing else
     * deletes entries, and a rolled-back write gives its seq back, so above it the seqs are consecutive.
     */
    void changeLog() {
        try {
            h.createQuery("SELECT seq FROM changes WHERE seq <= 0 ORDER BY seq").mapTo(Long.class).forEach(seq ->
                    findings.add(Kind.CHANGE_LOG, "changes", seq, "change " + seq + " has a sequence number below 1;"
                            + " the change log was edited outside LiteMem: restore the file from a backup"));
            long highWater = h.createQuery("SELECT coalesce(max(seq), 0) FROM sqlite_sequence WHERE name = 'changes'")
                    .mapTo(Long.class).one();
            h.createQuery("SELECT seq FROM changes WHERE seq > ? ORDER BY seq").bind(0, highWater).mapTo(Long.class)
                    .forEach(seq -> findings.add(Kind.CHANGE_LOG, "changes", seq, "change " + seq + " is beyond the"
                            + " log's high-water mark " + highWater + " (sqlite_sequence), so sequence numbers were"
                            + " rewritten outside LiteMem; readers of the log may miss or repeat changes: restore the file"
                            + " from a backup"));
            long pruned = version >= 8 ? Retention.prunedThrough(h) : 0;
            h.createQuery("SELECT prev, seq FROM (SELECT seq, lag(seq, 1, ?) OVER (ORDER BY seq) AS prev FROM changes"
                            + " WHERE seq > ?) WHERE prev IS NOT NULL AND seq <> prev + 1 ORDER BY seq")
                    .bind(0, pruned > 0 ? Long.valueOf(pruned) : null).bind(1, pruned)
                    .map((rs, ctx) -> new long[] {rs.getLong(1), rs.getLong(2)})
                    .forEach(gap -> findings.add(Kind.CHANGE_LOG, "changes", gap[1], "changes " + (gap[0] + 1) + " to "
                            + (gap[1] - 1) + " are missing before change " + gap[1] + (pruned > 0 ? ", above the point"
                            + " the log was pruned to (" + pruned + ")" : "") + ": entries were deleted or renumbered"
                            + " outside LiteMem, and readers of the log (indexes, replicas, the ledger) would skip them:"
                            + " restore the file from a backup"));
        } catch (RuntimeException e) {
            findings.add(Kind.CHANGE_LOG, "changes", null, "the change log could not be checked: " + e.getMessage());
        }
    }

    private record Spec(String name, int dimension, boolean cosine) {
    }

    /**
     * Every stored vector: 4 × the collection's dimension bytes, finite, not all zero under cosine. Then each
     * collection's newest sound checkpoint against the rows: the same labels as the rows with a vector (rows changed
     * after the checkpoint's seq excepted: loading replays those), and as many as its header says.
     */
    void vectorsAndIndex() {
        Map<Long, Spec> specs = new HashMap<>();
        Map<Long, Set<Long>> withVector = new HashMap<>();
        try {
            h.createQuery("SELECT id, name, dimension, metric FROM collections").map((rs, ctx) -> specs.put(rs.getLong(1),
                    new Spec(rs.getString(2), rs.getInt(3), Metric.COSINE.id().equals(rs.getString(4))))).forEach(x -> { });
            for (long id : newestSound.keySet()) {
                withVector.put(id, new HashSet<>());
            }
            try (PreparedStatement s = h.getConnection().prepareStatement(
                    "SELECT row_id, collection_id, embedding FROM records WHERE embedding IS NOT NULL");
                 ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    long rowId = rs.getLong(1);
                    long collection = rs.getLong(2);
                    Spec spec = specs.get(collection);
                    String problem = spec == null ? "its collection (" + collection + ") does not exist"
                            : vectorProblem(rs.getBytes(3), spec);
                    if (problem != null) {
                        findings.add(Kind.VECTOR, "records", rowId, "the stored vector of row " + rowId
                                + (spec == null ? "" : " (collection '" + spec.name() + "')") + " " + problem
                                + "; it is left out of vector search: write the record again, or delete it");
                    } else if (withVector.containsKey(collection)) {
                        withVector.get(collection).add(rowId);
                    }
                }
            }
        } catch (SQLException | RuntimeException e) {
            findings.add(Kind.VECTOR, "records", null, "the stored vectors could not be checked: " + e.getMessage());
            return;
        }
        for (Map.Entry<Long, Checkpoints.Verified> e : newestSound.entrySet()) {
            indexAgainstRows(specs.get(e.getKey()).name(), e.getKey(), e.getValue(), withVector.get(e.getKey()));
        }
    }

    private static String vectorProblem(byte[] blob, Spec spec) {
        if (blob.length != spec.dimension() * Float.BYTES) {
            return "has " + blob.length + " bytes, but the collection's dimension " + spec.dimension() + " takes "
                    + spec.dimension() * Float.BYTES;
        }
        ByteBuffer b = ByteBuffer.wrap(blob).order(ByteOrder.LITTLE_ENDIAN);
        boolean nonZero = false;
        for (int i = 0; i < spec.dimension(); i++) {
            float x = b.getFloat(i * Float.BYTES);
            if (!Float.isFinite(x)) {
                return "has a component that is not a finite number (component " + i + ")";
            }
            nonZero |= x != 0;
        }
        return spec.cosine() && !nonZero ? "is all zeros, which cosine similarity cannot compare" : null;
    }

    private void indexAgainstRows(String name, long collection, Checkpoints.Verified cp, Set<Long> rows) {
        try {
            if (Retention.prunedThroughFor(h, collection) > cp.seq()) {
                return; // the log after it is gone: the loader rebuilds from the rows instead (not damage)
            }
            Set<Long> changedSince = new HashSet<>(h.createQuery("SELECT row_id FROM changes WHERE collection_id = ?"
                    + " AND seq > ? AND row_id IS NOT NULL").bind(0, collection).bind(1, cp.seq()).mapTo(Long.class).list());
            if (cp.labels().length != cp.nodeCount()) {
                findings.add(Kind.INDEX, "index_checkpoints", cp.id(), "the index checkpoint of collection '" + name
                        + "' holds " + cp.labels().length + " rows, its header row says " + cp.nodeCount());
            }
            Set<Long> labels = new HashSet<>();
            for (long label : cp.labels()) {
                labels.add(label);
                if (!rows.contains(label) && !changedSince.contains(label)) {
                    findings.add(Kind.INDEX, "records", label, "the index checkpoint of collection '" + name + "' (id "
                            + cp.id() + ") holds row " + label + ", which has no usable vector, and no change since the"
                            + " checkpoint explains it: the row was deleted or changed outside LiteMem; rebuild the index"
                            + " (litemem stats shows it; Collection.rebuildIndex()) and check what else was changed");
                }
            }
            for (long row : rows) {
                if (!labels.contains(row) && !changedSince.contains(row)) {
                    findings.add(Kind.INDEX, "records", row, "row " + row + " of collection '" + name + "' is missing from"
                            + " its index checkpoint (id " + cp.id() + ") and no change since the checkpoint explains it:"
                            + " the row was added outside LiteMem; rebuild the index (Collection.rebuildIndex())");
                }
            }
        } catch (RuntimeException e) {
            findings.add(Kind.INDEX, "index_checkpoints", cp.id(), "the index of collection '" + name
                    + "' could not be compared with its rows: " + e.getMessage());
        }
    }

    /** Every record's metadata is a JSON object (the schema's CHECK says so; a file edited around it may not be). */
    void metadata() {
        try {
            h.createQuery("SELECT row_id FROM records WHERE CASE WHEN json_valid(metadata) THEN json_type(metadata) <> 'object'"
                            + " ELSE 1 END ORDER BY row_id").mapTo(Long.class)
                    .forEach(row -> findings.add(Kind.METADATA, "records", row, "the metadata of row " + row + " is not a"
                            + " JSON object; reading the record fails or loses it: write the record again with object"
                            + " metadata, or delete it"));
        } catch (RuntimeException e) {
            findings.add(Kind.METADATA, "records", null, "the metadata could not be checked: " + e.getMessage());
        }
    }
}
