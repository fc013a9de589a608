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
     * Inserts or replaces one record exactly as its primary stores it (times included, metadata byte for byte), for a
     * replica applying its primary's feed; logs the change like any other so the file's indexes follow it.
     */
    public long replicate(String id, String text, String metadataJson, String source, Integer chunk, long createdAt,
                          long updatedAt, byte[] blob) throws SQLException {
        long existing = rowId(id);
        String image = image(id, text, metadataJson, source, chunk, createdAt, updatedAt);
        if (existing < 0) {
            insert.setLong(1, collectionId);
            insert.setString(2, id);
            insert.setString(3, text);
            insert.setString(4, metadataJson);
            insert.setBytes(5, blob);
            insert.setString(6, source);
            setInteger(insert, 7, chunk);
            insert.setLong(8, createdAt);
            insert.setLong(9, updatedAt);
            long rowId;
            try (ResultSet rs = insert.executeQuery()) {
                rs.next();
                rowId = rs.getLong(1);
            }
            return log(id, rowId, Change.Operation.INSERT, updatedAt, image, blob, null);
        }
        byte[] before = hashOf(existing);
        update.setString(1, text);
        update.setString(2, metadataJson);
        update.setBytes(3, blob);
        update.setString(4, source);
        setInteger(update, 5, chunk);
        update.setLong(6, updatedAt);
        update.setLong(7, existing);
        try (ResultSet rs = update.executeQuery()) {
            rs.next();
        }
        // The primary's created_at wins (an insert on the primary after a delete here is an update here).
        try (PreparedStatement created = update.getConnection().prepareStatement(
                "UPDATE records SET created_at = ? WHERE row_id = ?")) {
            created.setLong(1, createdAt);
            created.setLong(2, existing);
            created.executeUpdate();
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
