package dev.litemem.internal.store;

import dev.litemem.Actor;
import dev.litemem.Change;
import dev.litemem.Record;
import dev.litemem.internal.filter.SqlWhere;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** Reading and writing rows of the records and changes tables. */
public final class RecordRows {
    public static final String COLUMNS = "r.row_id, r.id, r.text, r.metadata, r.embedding, r.source, r.chunk, r.created_at, r.updated_at";
    /** {@link #COLUMNS} without reading the vector ({@link #map} gives a record without one). */
    public static final String COLUMNS_WITHOUT_VECTOR = "r.row_id, r.id, r.text, r.metadata, NULL AS embedding, r.source, r.chunk, r.created_at, r.updated_at";

    private RecordRows() {
    }

    public static Record map(ResultSet rs) throws SQLException {
        int chunk = rs.getInt("chunk");
        Integer chunkOrNull = rs.wasNull() ? null : chunk;
        return Record.builder()
                .id(rs.getString("id"))
                .text(rs.getString("text"))
                .metadata(Json.readStored(rs.getString("metadata")))
                .vector(VectorCodec.decodeOrNull(rs.getBytes("embedding")))
                .source(rs.getString("source"), chunkOrNull)
                .timestamps(Instant.ofEpochMilli(rs.getLong("created_at")), Instant.ofEpochMilli(rs.getLong("updated_at")))
                .build();
    }

    /** One record of a collection by id. */
    public static Optional<Record> byId(Handle h, long collectionId, String id) {
        return h.createQuery("SELECT " + COLUMNS + " FROM records r WHERE r.collection_id = ? AND r.id = ?")
                .bind(0, collectionId).bind(1, id).map((rs, ctx) -> map(rs)).findOne();
    }

    /** How many records the clause keeps. */
    public static long count(Handle h, SqlWhere where) {
        return where.bind(h.createQuery("SELECT count(*) FROM " + where.from() + " WHERE " + where.sql())).mapTo(Long.class).one();
    }

    /** Up to {@code limit} records the clause keeps, in id order. */
    public static List<Record> inIdOrder(Handle h, SqlWhere where, int limit) {
        return where.bind(h.createQuery("SELECT " + COLUMNS + " FROM " + where.from() + " WHERE " + where.sql()
                + " ORDER BY r.id LIMIT " + limit)).map((rs, ctx) -> map(rs)).list();
    }

    /** Row ids and ids of the records of a collection that match the clause. */
    public static List<Object[]> matching(Handle h, SqlWhere where) {
        return where.bind(h.createQuery("SELECT r.row_id, r.id FROM " + where.from() + " WHERE " + where.sql()))
                .map((rs, ctx) -> new Object[] {rs.getLong(1), rs.getString(2)}).list();
    }

    /** Every record id of a collection by row id. */
    public static Map<Long, String> ids(Handle h, long collectionId) {
        Map<Long, String> ids = new HashMap<>();
        h.createQuery("SELECT row_id, id FROM records WHERE collection_id = ?").bind(0, collectionId)
                .map((rs, ctx) -> ids.put(rs.getLong(1), rs.getString(2))).forEach(x -> { });
        return ids;
    }

    /** The sequence number of the newest change in the file, or 0. */
    public static long lastSequence(Handle h) {
        return h.createQuery("SELECT coalesce(max(seq), 0) FROM changes").mapTo(Long.class).one();
    }

    /** Up to {@code limit} changes after {@code afterSeq}, oldest first. */
    public static List<Change> changesSince(Handle h, long afterSeq, int limit) {
        return h.createQuery("SELECT c.seq, c.at, k.name, c.record_id, c.op, c.actor, c.entity, c.on_behalf_of, c.model,"
                        + " c.authority, c.request_id FROM changes c LEFT JOIN collections k ON k.id = c.collection_id"
                        + " WHERE c.seq > ? AND c.entity <> '" + RowTriggers.ENTITY + "' ORDER BY c.seq LIMIT ?")
                .bind(0, afterSeq).bind(1, limit)
                .map((rs, ctx) -> {
                    String actor = rs.getString(6);
                    // Read back as stored: an actor written by a newer or another tool is shown, not re-validated.
                    Actor attribution = actor == null || actor.isBlank() ? null : new Actor(actor, rs.getString(8),
                            rs.getString(9), rs.getString(10), rs.getString(11));
                    return new Change(rs.getLong(1), Instant.ofEpochMilli(rs.getLong(2)), rs.getString(3),
                            rs.getString(4), op(rs.getString(5)), actor, rs.getString(7), attribution);
                })
                .list();
    }

    /** The file's incarnation: a random id, new whenever its sequence numbers could be reused. */
    public static String incarnation(Handle h) {
        return h.createQuery("SELECT value FROM meta WHERE key = 'incarnation'").mapTo(String.class).one();
    }

    /** The change log's name of an operation. */
    public static String op(Change.Operation op) {
        return op.name().toLowerCase(Locale.ROOT);
    }

    /** An operation from its name in the change log. */
    public static Change.Operation op(String value) {
        return Change.Operation.valueOf(value.toUpperCase(Locale.ROOT));
    }
}
