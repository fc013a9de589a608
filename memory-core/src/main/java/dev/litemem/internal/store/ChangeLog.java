package dev.litemem.internal.store;

import dev.litemem.Actor;
import dev.litemem.LiteMemException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import org.jdbi.v3.core.Handle;

/**
 * Appends entries to the change log ({@code changes}) inside the caller's write transaction: the one place that
 * writes it, for records and for every other entity a capability logs. Prepare one per transaction (or batch) and
 * close it with the transaction's statements.
 */
public final class ChangeLog implements AutoCloseable {
    private final PreparedStatement insert;

    public ChangeLog(Handle h) {
        try {
            insert = h.getConnection().prepareStatement("INSERT INTO changes (at, entity, collection_id, record_id, row_id,"
                    + " op, actor, on_behalf_of, model, authority, request_id, image, image_vector)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING seq");
        } catch (SQLException e) {
            throw new LiteMemException("cannot prepare the change-log statement: " + e.getMessage(), e);
        }
    }

    /** Logs one change without an after-image; see {@link #log(String, Long, String, Long, String, Actor, long, String, byte[])}. */
    public long log(String entity, Long collectionId, String key, Long rowId, String op, Actor actor, long now)
            throws SQLException {
        return log(entity, collectionId, key, rowId, op, actor, now, null, null);
    }

    /**
     * Logs one change and returns its sequence number.
     *
     * @param entity       what changed ({@code record}, or another capability's kind)
     * @param collectionId the record's collection, or null outside collections
     * @param key          the key of what changed (a record id, a memory id, a state key, ...)
     * @param rowId        the row in the entity's table, or null
     * @param op           the operation's name as stored ({@code insert}, {@code update}, {@code delete}, ...)
     * @param actor        who made it, or null
     * @param image        the after-image of what changed as written now (a JSON object, the entity's own shape), or
     *                     null when it is gone (a delete) or when no reader outside the file will replay this change.
     *                     Changes bound for the ledger carry one, so it records every intermediate state exactly;
     *                     others do not, since an image is a second copy of the row kept until the log is pruned
     * @param imageVector  a record's vector (little-endian float32), or null
     */
    public long log(String entity, Long collectionId, String key, Long rowId, String op, Actor actor, long now,
                    String image, byte[] imageVector) throws SQLException {
        insert.setLong(1, now);
        insert.setString(2, entity);
        setLong(3, collectionId);
        insert.setString(4, key);
        setLong(5, rowId);
        insert.setString(6, op);
        insert.setString(7, actor == null ? null : actor.id());
        insert.setString(8, actor == null ? null : actor.onBehalfOf());
        insert.setString(9, actor == null ? null : actor.model());
        insert.setString(10, actor == null ? null : actor.authority());
        insert.setString(11, actor == null ? null : actor.requestId());
        insert.setString(12, image);
        insert.setBytes(13, imageVector);
        try (ResultSet rs = insert.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private void setLong(int index, Long value) throws SQLException {
        if (value == null) {
            insert.setNull(index, Types.INTEGER);
        } else {
            insert.setLong(index, value);
        }
    }

    @Override
    public void close() {
        try {
            insert.close();
        } catch (SQLException e) {
            throw new LiteMemException("closing a statement failed: " + e.getMessage(), e);
        }
    }
}
