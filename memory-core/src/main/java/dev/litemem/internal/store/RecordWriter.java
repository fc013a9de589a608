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
    private final boolean withImages;
    private final ChangeLog changeLog;
    private final PreparedStatement findRow;
    private final PreparedStatement insert;
    private final PreparedStatement update;
    private final PreparedStatement delete;

    /** A writer whose log entries carry no after-image (see {@link #RecordWriter(Handle, long, Actor, boolean)}). */
    public RecordWriter(Handle h, long collectionId, Actor actor) {
        this(h, collectionId, actor, false);
    }

    /**
     * @param actor      who makes the changes, recorded with each, or null
     * @param withImages whether each log entry carries the record's after-image (text, metadata, vector). Only changes
     *                   a reader outside the file will replay need one (those bound for the ledger): an image is a
     *                   second copy of the record, so logging it for every change would double the file and keep
     *                   deleted text and vectors in it until the log is pruned
     */
    public RecordWriter(Handle h, long collectionId, Actor actor, boolean withImages) {
        this.collectionId = collectionId;
        this.actor = actor;
        this.withImages = withImages;
        this.changeLog = new ChangeLog(h);
        Connection c = h.getConnection();
        try {
            findRow = c.prepareStatement("SELECT row_id FROM records WHERE collection_id = ? AND id = ?");
            insert = c.prepareStatement("INSERT INTO records (collection_id, id, text, metadata, embedding, source, chunk,"
                    + " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING row_id");
            update = c.prepareStatement("UPDATE records SET text = ?, metadata = ?, embedding = ?, source = ?, chunk = ?,"
                    + " updated_at = ? WHERE row_id = ? RETURNING created_at");
            delete = c.prepareStatement("DELETE FROM records WHERE row_id = ?");
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
            return log(r.id(), rowId, Change.Operation.INSERT, now,
                    withImages ? image(r, metadataJson, now, now) : null, withImages ? blob : null);
        }
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
        return log(r.id(), existing, Change.Operation.UPDATE, now,
                withImages ? image(r, metadataJson, createdAt, now) : null, withImages ? blob : null);
    }

    /** Deletes one row and logs it; returns the change's sequence number. */
    public long delete(long rowId, String id, long now) throws SQLException {
        delete.setLong(1, rowId);
        delete.executeUpdate();
        return log(id, rowId, Change.Operation.DELETE, now, null, null);
    }

    private long log(String recordId, long rowId, Change.Operation op, long now, String image, byte[] vector)
            throws SQLException {
        return changeLog.log(Change.RECORD, collectionId, recordId, rowId, RecordRows.op(op), actor, now, image, vector);
    }

    /**
     * A record's after-image in the change log: its columns but the vector (logged beside it as bytes) and the ids the
     * log has in columns of its own. The metadata is the JSON object exactly as stored.
     */
    static String image(Record r, String metadataJson, long createdAt, long updatedAt) {
        StringBuilder out = new StringBuilder(64 + metadataJson.length() + (r.text() == null ? 0 : r.text().length()));
        out.append("{\"id\":").append(quote(r.id()))
                .append(",\"text\":").append(r.text() == null ? "null" : quote(r.text()))
                .append(",\"metadata\":").append(metadataJson)
                .append(",\"source\":").append(r.source() == null ? "null" : quote(r.source()))
                .append(",\"chunk\":").append(r.chunk() == null ? "null" : r.chunk().toString())
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
        for (PreparedStatement s : new PreparedStatement[] {findRow, insert, update, delete}) {
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
