package dev.litemem.internal.store;

import dev.litemem.Filter;
import dev.litemem.Record;
import dev.litemem.internal.filter.FilterSql;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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

    /** Row ids and ids of the records of a collection that match an optional filter. */
    public static List<Object[]> matching(Handle h, long collectionId, Filter filter) {
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
