package dev.litemem.internal.changes;

import dev.litemem.changes.ChangeBatch;
import dev.litemem.changes.ChangeFeed;
import dev.litemem.changes.ChangesGoneException;

import dev.litemem.Change;
import dev.litemem.LiteMemException;
import dev.litemem.internal.store.Database;
import dev.litemem.internal.store.RecordRows;
import dev.litemem.internal.store.RecordWriter;
import dev.litemem.internal.store.Retention;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;

/** The change feed of a file, read from its change log and rows: see {@link ChangeFeed}. */
public final class FeedReader implements ChangeFeed {
    private final Database db;

    public FeedReader(Database db) {
        this.db = db;
    }

    /**
     * The changes after {@code after}, reading at most {@code limit} change-log entries, in one read transaction.
     *
     * @throws ChangesGoneException if changes after {@code after} were pruned, or {@code after} is beyond anything
     *                              this file ever numbered (another history): start again from a snapshot
     */
    @Override
    public ChangeBatch read(long after, int limit) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new dev.litemem.InvalidInputException("limit", "limit must be 1 to " + MAX_LIMIT);
        }
        return db.readSnapshot(h -> {
            try {
                return read(h, after, limit);
            } catch (SQLException e) {
                throw new LiteMemException("reading the change feed failed: " + e.getMessage(), e);
            }
        });
    }

    private static ChangeBatch read(Handle h, long after, int limit) throws SQLException {
        String incarnation = RecordRows.incarnation(h);
        long pruned = Retention.prunedThrough(h);
        long latest = RecordRows.lastSequence(h);
        long highWater = Math.max(latest, h.createQuery("SELECT coalesce(max(seq), 0) FROM sqlite_sequence"
                + " WHERE name = 'changes'").mapTo(Long.class).one());
        if (after < pruned) {
            throw new ChangesGoneException("the changes after " + after + " are no longer kept (the log keeps those"
                    + " after " + pruned + "): start again from a snapshot (the export)", pruned, incarnation);
        }
        if (after > highWater) {
            throw new ChangesGoneException("position " + after + " is beyond this file's history (its newest change"
                    + " is " + highWater + "): the position belongs to another history; start again from a snapshot",
                    pruned, incarnation);
        }
        Connection c = h.getConnection();
        // Last change per row, in the order of those last changes.
        Map<String, long[]> last = new LinkedHashMap<>();
        Map<String, String> ids = new HashMap<>();
        // Last change per agent-memory or work-state entity: seq, entity, key, log row id, collection id.
        Map<String, Object[]> lastEntity = new LinkedHashMap<>();
        long position = after;
        try (PreparedStatement s = c.prepareStatement("SELECT seq, entity, collection_id, record_id, row_id FROM changes"
                + " WHERE seq > ? ORDER BY seq LIMIT ?")) {
            s.setLong(1, after);
            s.setInt(2, limit);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    long seq = rs.getLong(1);
                    position = seq;
                    long collectionId = rs.getLong(3);
                    boolean noCollection = rs.wasNull();
                    String entity = rs.getString(2);
                    if (EntityRows.CARRIED.contains(entity)) {
                        long logRow = rs.getLong(5);
                        Long logRowId = rs.wasNull() ? null : logRow;
                        String key = EntityRows.identity(entity, rs.getString(4), logRowId);
                        lastEntity.remove(key);
                        lastEntity.put(key, new Object[] {seq, entity, rs.getString(4), logRowId,
                                noCollection ? null : collectionId});
                        continue;
                    }
                    if (!Change.RECORD.equals(entity) || noCollection) {
                        continue;
                    }
                    String recordId = rs.getString(4);
                    String key = collectionId + "\u0000" + recordId;
                    last.remove(key);
                    last.put(key, new long[] {seq, collectionId});
                    ids.put(key, recordId);
                }
            }
        }
        Map<Long, ChangeBatch.CollectionDef> collections = new HashMap<>();
        List<ChangeBatch.RowChange> rows = new ArrayList<>(last.size());
        try (PreparedStatement collection = c.prepareStatement("SELECT name, model, dimension, metric, hnsw_m,"
                + " hnsw_ef_construction, hnsw_ef_search FROM collections WHERE id = ?");
             PreparedStatement row = c.prepareStatement("SELECT text, metadata, source, chunk, created_at, updated_at,"
                     + " embedding, row_id FROM records WHERE collection_id = ? AND id = ?")) {
            for (Map.Entry<String, long[]> e : last.entrySet()) {
                long seq = e.getValue()[0];
                long collectionId = e.getValue()[1];
                ChangeBatch.CollectionDef def = collections.get(collectionId);
                if (def == null) {
                    collection.setLong(1, collectionId);
                    try (ResultSet rs = collection.executeQuery()) {
                        if (!rs.next()) {
                            continue; // the collection is gone, and its records with it
                        }
                        def = new ChangeBatch.CollectionDef(rs.getString(1), rs.getString(2), rs.getInt(3),
                                rs.getString(4), rs.getInt(5), rs.getInt(6), rs.getInt(7));
                    }
                    collections.put(collectionId, def);
                }
                String id = ids.get(e.getKey());
                row.setLong(1, collectionId);
                row.setString(2, id);
                try (ResultSet rs = row.executeQuery()) {
                    if (!rs.next()) {
                        rows.add(ChangeBatch.RowChange.tombstone(seq, def.name(), id));
                        continue;
                    }
                    int chunk = rs.getInt(4);
                    Integer chunkOrNull = rs.wasNull() ? null : chunk;
                    rows.add(new ChangeBatch.RowChange(seq, def.name(), id, false, rs.getString(1), rs.getString(2),
                            rs.getString(3), chunkOrNull, rs.getLong(5), rs.getLong(6), rs.getBytes(7), rs.getLong(8)));
                }
            }
        }
        List<ChangeBatch.EntityChange> entities = new ArrayList<>(lastEntity.size());
        Long memoriesId = null;
        if (!lastEntity.isEmpty()) {
            try (PreparedStatement s = c.prepareStatement("SELECT id FROM collections WHERE name = ?")) {
                s.setString(1, dev.litemem.memory.Memory.COLLECTION);
                try (ResultSet rs = s.executeQuery()) {
                    memoriesId = rs.next() ? rs.getLong(1) : null;
                }
            }
        }
        for (Object[] e : lastEntity.values()) {
            String entity = (String) e[1];
            if (EntityRows.MEMORY.equals(entity)) {
                if (memoriesId == null) {
                    continue; // no memory collection, so no memories
                }
                collections.computeIfAbsent(memoriesId, id -> collectionDefOrFail(c, id));
            }
            var now = EntityRows.read(c, entity, memoriesId == null ? -1 : memoriesId, (String) e[2], (Long) e[3]);
            entities.add(new ChangeBatch.EntityChange((Long) e[0], entity, (String) e[2], now.map(EntityRows.Row::rowId)
                    .orElse((Long) e[3]), now.map(EntityRows.Row::json).orElse(null),
                    now.map(EntityRows.Row::vector).orElse(null)));
        }
        return new ChangeBatch(incarnation, after, position, latest, new ArrayList<>(collections.values()), rows,
                entities);
    }

    private static ChangeBatch.CollectionDef collectionDefOrFail(Connection c, long id) {
        try {
            return collectionDef(c, id);
        } catch (SQLException e) {
            throw new LiteMemException("reading the change feed failed: " + e.getMessage(), e);
        }
    }

    private static ChangeBatch.CollectionDef collectionDef(Connection c, long id) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT name, model, dimension, metric, hnsw_m,"
                + " hnsw_ef_construction, hnsw_ef_search FROM collections WHERE id = ?")) {
            s.setLong(1, id);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? new ChangeBatch.CollectionDef(rs.getString(1), rs.getString(2), rs.getInt(3),
                        rs.getString(4), rs.getInt(5), rs.getInt(6), rs.getInt(7)) : null;
            }
        }
    }

    /** The file's incarnation and newest sequence number, read together. */
    @Override
    public Position current() {
        return db.readSnapshot(h -> new Position(RecordRows.incarnation(h), RecordRows.lastSequence(h)));
    }

    /** How many write transactions this store has committed; pass it to {@link #awaitCommit}. */
    @Override
    public String recordsDigest() {
        return db.readSnapshot(h -> {
            java.security.MessageDigest all;
            try {
                all = java.security.MessageDigest.getInstance("SHA-256");
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new LiteMemException("this Java has no SHA-256", e);
            }
            h.createQuery("SELECT k.name, r.id, r.text, r.metadata, r.source, r.chunk, r.created_at, r.updated_at,"
                            + " r.embedding FROM records r JOIN collections k ON k.id = r.collection_id"
                            + " WHERE k.name NOT LIKE '\\_%' ESCAPE '\\' ORDER BY k.name, r.id")
                    .map((rs, ctx) -> {
                        int chunk = rs.getInt(6);
                        Integer chunkOrNull = rs.wasNull() ? null : chunk;
                        all.update(rs.getString(1).getBytes(java.nio.charset.StandardCharsets.UTF_8));
                        all.update((byte) 0);
                        all.update(RecordWriter.hashOfRow(rs.getString(2), rs.getString(3), rs.getString(4),
                                rs.getString(5), chunkOrNull, rs.getLong(7), rs.getLong(8), rs.getBytes(9)));
                        return 0;
                    }).forEach(x -> { });
            return java.util.HexFormat.of().formatHex(all.digest());
        });
    }

    @Override
    public long commitCount() {
        return db.commitCount();
    }

    /**
     * Waits, without polling, until this store commits after {@code seenCommits} (from {@link #commitCount()}), it
     * closes, or {@code timeout} passes. Writers in other processes are not seen: callers wait in bounded slices.
     */
    @Override
    public void awaitCommit(long seenCommits, Duration timeout) throws InterruptedException {
        db.awaitCommit(seenCommits, timeout.toNanos());
    }
}
