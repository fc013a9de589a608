package dev.litemem;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jdbi.v3.core.Handle;

/** Reading and writing rows of the records and changes tables. */
final class RecordRows {
    static final String COLUMNS = "r.row_id, r.id, r.text, r.metadata, r.embedding, r.source, r.chunk, r.created_at, r.updated_at";

    private RecordRows() {
    }

    static Record map(ResultSet rs) throws SQLException {
        int chunk = rs.getInt("chunk");
        Integer chunkOrNull = rs.wasNull() ? null : chunk;
        return Record.builder()
                .id(rs.getString("id"))
                .text(rs.getString("text"))
                .metadata(Json.parseObject(rs.getString("metadata"), "metadata"))
                .vector(VectorCodec.decode(rs.getBytes("embedding")))
                .source(rs.getString("source"), chunkOrNull)
                .timestamps(Instant.ofEpochMilli(rs.getLong("created_at")), Instant.ofEpochMilli(rs.getLong("updated_at")))
                .build();
    }

    /** Existing row id of a record, or null. */
    static Long rowId(Handle h, long collectionId, String id) {
        return h.createQuery("SELECT row_id FROM records WHERE collection_id = ? AND id = ?")
                .bind(0, collectionId).bind(1, id).mapTo(Long.class).findOne().orElse(null);
    }

    /** Inserts or replaces one record and logs the change; returns the change's sequence number. */
    static long upsert(Handle h, long collectionId, Record r, String metadataJson, float[] vector, long now, String actor) {
        Long existing = rowId(h, collectionId, r.id());
        byte[] blob = vector == null ? null : VectorCodec.encode(vector);
        long rowId;
        Change.Operation op;
        if (existing == null) {
            rowId = h.createUpdate("INSERT INTO records (collection_id, id, text, metadata, embedding, source, chunk,"
                            + " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
                    .bind(0, collectionId).bind(1, r.id()).bind(2, r.text()).bind(3, metadataJson).bind(4, blob)
                    .bind(5, r.source()).bind(6, r.chunk()).bind(7, now).bind(8, now)
                    .executeAndReturnGeneratedKeys("row_id").mapTo(Long.class).one();
            op = Change.Operation.INSERT;
        } else {
            h.createUpdate("UPDATE records SET text = ?, metadata = ?, embedding = ?, source = ?, chunk = ?, updated_at = ?"
                            + " WHERE row_id = ?")
                    .bind(0, r.text()).bind(1, metadataJson).bind(2, blob).bind(3, r.source()).bind(4, r.chunk())
                    .bind(5, now).bind(6, existing).execute();
            rowId = existing;
            op = Change.Operation.UPDATE;
        }
        return logChange(h, collectionId, r.id(), rowId, op, now, actor);
    }

    /** Deletes the records with the given row ids (all of one collection) and logs each; returns the last sequence. */
    static long delete(Handle h, long collectionId, List<Long> rowIds, List<String> ids, long now, String actor) {
        long seq = -1;
        for (int i = 0; i < rowIds.size(); i++) {
            h.createUpdate("DELETE FROM records WHERE row_id = ?").bind(0, rowIds.get(i)).execute();
            seq = logChange(h, collectionId, ids.get(i), rowIds.get(i), Change.Operation.DELETE, now, actor);
        }
        return seq;
    }

    static long logChange(Handle h, long collectionId, String recordId, long rowId, Change.Operation op, long now, String actor) {
        return h.createUpdate("INSERT INTO changes (at, collection_id, record_id, row_id, op, actor) VALUES (?, ?, ?, ?, ?, ?)")
                .bind(0, now).bind(1, collectionId).bind(2, recordId).bind(3, rowId).bind(4, op.dbValue()).bind(5, actor)
                .executeAndReturnGeneratedKeys("seq").mapTo(Long.class).one();
    }

    /** Row ids and ids of the records of a collection that match an optional filter. */
    static List<Object[]> matching(Handle h, long collectionId, Filter filter) {
        StringBuilder sql = new StringBuilder("SELECT r.row_id, r.id FROM records r WHERE r.collection_id = ?");
        List<Object> params = new ArrayList<>(List.of(collectionId));
        if (filter != null) {
            FilterSql.Fragment f = FilterSql.compile(filter);
            sql.append(" AND (").append(f.sql()).append(')');
            params.addAll(f.params());
        }
        var query = h.createQuery(sql.toString());
        for (int i = 0; i < params.size(); i++) {
            query.bind(i, params.get(i));
        }
        return query.map((rs, ctx) -> new Object[] {rs.getLong(1), rs.getString(2)}).list();
    }
}
