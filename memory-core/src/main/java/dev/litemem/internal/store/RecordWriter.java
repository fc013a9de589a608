package dev.litemem.internal.store;

import dev.litemem.Actor;
import dev.litemem.Change;
import dev.litemem.LiteMemException;
import dev.litemem.Record;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import org.jdbi.v3.core.Handle;

/**
 * Writes records and their change-log entries inside one write transaction, with each statement prepared once per
 * batch (the write path's cost is per row, so per-row statement preparation would dominate it).
 */
public final class RecordWriter implements AutoCloseable {
    private final long collectionId;
    private final Actor actor;
    private final ChangeLog changeLog;
    private final PreparedStatement findRow;
    private final PreparedStatement insert;
    private final PreparedStatement update;
    private final PreparedStatement delete;
    private final PreparedStatement readRow;

    /** @param actor who makes the changes, recorded with each, or null */
    public RecordWriter(Handle h, long collectionId, Actor actor) {
        this(h, collectionId, actor, false);
    }

    /** @param replicaApply true only for a replica applying its primary's feed ({@link ChangeLog#ChangeLog(Handle, boolean)}) */
    public RecordWriter(Handle h, long collectionId, Actor actor, boolean replicaApply) {
        this.collectionId = collectionId;
        this.actor = actor;
        this.changeLog = new ChangeLog(h, replicaApply);
        Connection c = h.getConnection();
        try {
            findRow = c.prepareStatement("SELECT row_id FROM records WHERE collection_id = ? AND id = ?");
            insert = c.prepareStatement("INSERT INTO records (collection_id, id, text, metadata, embedding, source, chunk,"
                    + " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING row_id");
            update = c.prepareStatement("UPDATE records SET text = ?, metadata = ?, embedding = ?, source = ?, chunk = ?,"
                    + " updated_at = ? WHERE row_id = ? RETURNING created_at");
            delete = c.prepareStatement("DELETE FROM records WHERE row_id = ?");
            readRow = c.prepareStatement("SELECT id, text, metadata, source, chunk, created_at, updated_at, embedding"
                    + " FROM records WHERE row_id = ?");
        } catch (SQLException e) {
            close();
            throw new LiteMemException("cannot prepare the record statements: " + e.getMessage(), e);
        }
    }

    /** The row id of a record, or -1. */
    public long rowId(String id) throws SQLException {
        findRow.setLong(1, collectionId);
        findRow.setString(2, id);
        try (ResultSet rs = findRow.executeQuery()) {
            return rs.next() ? rs.getLong(1) : -1;
        }
    }

    /** Inserts or replaces one record and logs the change; returns the change's sequence number. */
    public long upsert(Record r, String metadataJson, float[] vector, long now) throws SQLException {
        long existing = rowId(r.id());
        byte[] blob = vector == null ? null : VectorCodec.encode(vector);
        if (existing < 0) {
            insert.setLong(1, collectionId);
            insert.setString(2, r.id());
            insert.setString(3, r.text());
            insert.setString(4, metadataJson);
            insert.setBytes(5, blob);
            insert.setString(6, r.source());
            setInteger(insert, 7, r.chunk());
            insert.setLong(8, now);
            insert.setLong(9, now);
            long rowId;
            try (ResultSet rs = insert.executeQuery()) {
                rs.next();
                rowId = rs.getLong(1);
            }
            return log(r.id(), rowId, Change.Operation.INSERT, now, image(r, metadataJson, now, now), blob, null);
        }
        byte[] before = hashOf(existing);
        update.setString(1, r.text());
        update.setString(2, metadataJson);
        update.setBytes(3, blob);
        update.setString(4, r.source());
        setInteger(update, 5, r.chunk());
        update.setLong(6, now);
        update.setLong(7, existing);
        long createdAt;
        try (ResultSet rs = update.executeQuery()) {
            rs.next();
            createdAt = rs.getLong(1);
        }
        return log(r.id(), existing, Change.Operation.UPDATE, now, image(r, metadataJson, createdAt, now), blob, before);
    }

    /**
     * Inserts or replaces one record exactly as its primary stores it (times included, metadata byte for byte, and its
     * row id when given), for a replica applying its primary's feed; logs the change like any other so the file's
     * indexes follow it. A row of another record holding that row id is deleted first (logged, and its collection
     * passed to {@code otherCollection}): in the primary's state that record moved or went, and the feed sends its
     * own state later in the same batch.
     */
    public long replicate(Long wantedRowId, String id, String text, String metadataJson, String source, Integer chunk,
                          long createdAt, long updatedAt, byte[] blob, java.util.function.LongConsumer otherCollection)
            throws SQLException {
        long existing = rowId(id);
        if (wantedRowId != null && existing >= 0 && existing != wantedRowId) {
            delete(existing, id, updatedAt); // the primary deleted and inserted it again: it has another row id
            existing = -1;
        }
        if (wantedRowId != null && existing < 0) {
            try (PreparedStatement occupant = findRow.getConnection().prepareStatement(
                    "SELECT collection_id, id FROM records WHERE row_id = ?")) {
                occupant.setLong(1, wantedRowId);
                try (ResultSet rs = occupant.executeQuery()) {
                    if (rs.next()) {
                        long otherId = rs.getLong(1);
                        String otherKey = rs.getString(2);
                        byte[] before = hashOf(wantedRowId);
                        try (PreparedStatement gone = findRow.getConnection().prepareStatement(
                                "DELETE FROM records WHERE row_id = ?")) {
                            gone.setLong(1, wantedRowId);
                            gone.executeUpdate();
                        }
                        changeLog.log(Change.RECORD, otherId, otherKey, wantedRowId, RecordRows.op(Change.Operation.DELETE),
                                actor, updatedAt, null, null, before);
                        otherCollection.accept(otherId);
                    }
                }
            }
        }
        String image = image(id, text, metadataJson, source, chunk, createdAt, updatedAt);
        if (existing < 0) {
            long rowId;
            try (PreparedStatement at = findRow.getConnection().prepareStatement("INSERT INTO records (row_id,"
                    + " collection_id, id, text, metadata, embedding, source, chunk, created_at, updated_at)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING row_id")) {
                if (wantedRowId == null) {
                    at.setNull(1, Types.INTEGER);
                } else {
                    at.setLong(1, wantedRowId);
                }
                at.setLong(2, collectionId);
                at.setString(3, id);
                at.setString(4, text);
                at.setString(5, metadataJson);
                at.setBytes(6, blob);
                at.setString(7, source);
                setInteger(at, 8, chunk);
                at.setLong(9, createdAt);
                at.setLong(10, updatedAt);
                try (ResultSet rs = at.executeQuery()) {
                    rs.next();
                    rowId = rs.getLong(1);
                }
            }
            return log(id, rowId, Change.Operation.INSERT, updatedAt, image, blob, null);
        }
        byte[] before = hashOf(existing);
        try (PreparedStatement all = findRow.getConnection().prepareStatement("UPDATE records SET text = ?,"
                + " metadata = ?, embedding = ?, source = ?, chunk = ?, created_at = ?, updated_at = ? WHERE row_id = ?")) {
            all.setString(1, text);
            all.setString(2, metadataJson);
            all.setBytes(3, blob);
            all.setString(4, source);
            setInteger(all, 5, chunk);
            all.setLong(6, createdAt);
            all.setLong(7, updatedAt);
            all.setLong(8, existing);
            all.executeUpdate();
        }
        return log(id, existing, Change.Operation.UPDATE, updatedAt, image, blob, before);
    }

    /** Deletes one row and logs it; returns the change's sequence number. */
    public long delete(long rowId, String id, long now) throws SQLException {
        byte[] before = hashOf(rowId);
        delete.setLong(1, rowId);
        delete.executeUpdate();
        return log(id, rowId, Change.Operation.DELETE, now, null, null, before);
    }

    private long log(String recordId, long rowId, Change.Operation op, long now, String image, byte[] vector,
                     byte[] before) throws SQLException {
        return changeLog.log(Change.RECORD, collectionId, recordId, rowId, RecordRows.op(op), actor, now, image, vector,
                before);
    }

    /** The canonical hash ({@link RowHash}) of a stored record row as it is now, or null when it does not exist. */
    private byte[] hashOf(long rowId) throws SQLException {
        readRow.setLong(1, rowId);
        try (ResultSet rs = readRow.executeQuery()) {
            if (!rs.next()) {
                return null;
            }
            int chunk = rs.getInt(5);
            Integer chunkOrNull = rs.wasNull() ? null : chunk;
            String image = image(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), chunkOrNull,
                    rs.getLong(6), rs.getLong(7));
            return RowHash.of(Change.RECORD, image, rs.getBytes(8));
        }
    }

    /** The canonical hash of a record row read back from {@code records} (for tools that verify rows). */
    public static byte[] hashOfRow(String id, String text, String metadataJson, String source, Integer chunk,
                                   long createdAt, long updatedAt, byte[] embedding) {
        return RowHash.of(Change.RECORD, image(id, text, metadataJson, source, chunk, createdAt, updatedAt), embedding);
    }

    /**
     * A record's after-image in the change log: its columns but the vector (logged beside it as bytes) and the ids the
     * log has in columns of its own. The metadata is the JSON object exactly as stored.
     */
    static String image(Record r, String metadataJson, long createdAt, long updatedAt) {
        return image(r.id(), r.text(), metadataJson, r.source(), r.chunk(), createdAt, updatedAt);
    }

    static String image(String id, String text, String metadataJson, String source, Integer chunk, long createdAt,
                        long updatedAt) {
        StringBuilder out = new StringBuilder(64 + metadataJson.length() + (text == null ? 0 : text.length()));
        out.append("{\"id\":").append(quote(id))
                .append(",\"text\":").append(text == null ? "null" : quote(text))
                .append(",\"metadata\":").append(metadataJson)
                .append(",\"source\":").append(source == null ? "null" : quote(source))
                .append(",\"chunk\":").append(chunk == null ? "null" : chunk.toString())
                .append(",\"created_at\":").append(createdAt)
                .append(",\"updated_at\":").append(updatedAt).append('}');
        return out.toString();
    }

    private static String quote(String s) {
        try {
            return Json.MAPPER.writeValueAsString(s);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new LiteMemException("cannot write a string as JSON", e);
        }
    }

    private static void setInteger(PreparedStatement s, int index, Integer value) throws SQLException {
        if (value == null) {
            s.setNull(index, Types.INTEGER);
        } else {
            s.setInt(index, value);
        }
    }

    @Override
    public void close() {
        if (changeLog != null) {
            changeLog.close();
        }
        for (PreparedStatement s : new PreparedStatement[] {findRow, insert, update, delete, readRow}) {
            if (s != null) {
                try {
                    s.close();
                } catch (SQLException e) {
                    throw new LiteMemException("closing a statement failed: " + e.getMessage(), e);
                }
            }
        }
    }
}
