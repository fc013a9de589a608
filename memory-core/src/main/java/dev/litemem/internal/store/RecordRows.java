package dev.litemem.internal.store;

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
import org.jdbi.v3.core.Handle;

/** Reading and writing rows of the records and changes tables. */
public final class RecordRows {
    public static final String COLUMNS = "r.row_id, r.id, r.text, r.metadata, r.embedding, r.source, r.chunk, r.created_at, r.updated_at";

    private RecordRows() {
    }

    public static Record map(ResultSet rs) throws SQLException {
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

    /** Row ids and ids of the records of a collection that match the clause. */
    public static List<Object[]> matching(Handle h, SqlWhere where) {
        return where.bind(h.createQuery("SELECT r.row_id, r.id FROM records r WHERE " + where.sql()))
                .map((rs, ctx) -> new Object[] {rs.getLong(1), rs.getString(2)}).list();
    }

    /** Every record id of a collection by row id. */
    public static Map<Long, String> ids(Handle h, long collectionId) {
        Map<Long, String> ids = new HashMap<>();
        h.createQuery("SELECT row_id, id FROM records WHERE collection_id = ?").bind(0, collectionId)
                .map((rs, ctx) -> ids.put(rs.getLong(1), rs.getString(2))).forEach(x -> { });
        return ids;
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
