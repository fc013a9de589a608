package dev.litemem.internal.store;

import dev.litemem.CollectionInfo;
import dev.litemem.CollectionSpec;
import dev.litemem.index.HnswParams;
import dev.litemem.index.Metric;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** Rows of the collections table: a collection's name, what it is fixed to, and when it was created. */
public final class CollectionRows {
    private static final String COLUMNS =
            "name, model, dimension, metric, created_at, hnsw_m, hnsw_ef_construction, hnsw_ef_search";

    private CollectionRows() {
    }

    public static Optional<CollectionInfo> find(Handle h, String name) {
        return h.createQuery("SELECT " + COLUMNS + " FROM collections WHERE name = ?")
                .bind(0, name).map((rs, ctx) -> info(rs)).findOne();
    }

    /** Every collection, by name. */
    public static List<CollectionInfo> all(Handle h) {
        return h.createQuery("SELECT " + COLUMNS + " FROM collections ORDER BY name").map((rs, ctx) -> info(rs)).list();
    }

    /** Inserts a collection created now, in the caller's write transaction. */
    public static CollectionInfo insert(Handle h, String name, CollectionSpec spec) {
        long now = System.currentTimeMillis();
        h.createUpdate("INSERT INTO collections (name, model, dimension, metric, created_at, hnsw_m,"
                        + " hnsw_ef_construction, hnsw_ef_search) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
                .bind(0, name).bind(1, spec.model()).bind(2, spec.dimension()).bind(3, spec.metric().id()).bind(4, now)
                .bind(5, spec.hnsw().m()).bind(6, spec.hnsw().efConstruction()).bind(7, spec.hnsw().efSearch())
                .execute();
        return new CollectionInfo(name, spec, Instant.ofEpochMilli(now));
    }

    /** The row id of an existing collection. */
    public static long id(Handle h, String name) {
        return h.createQuery("SELECT id FROM collections WHERE name = ?").bind(0, name).mapTo(Long.class).one();
    }

    private static CollectionInfo info(ResultSet rs) throws SQLException {
        return new CollectionInfo(rs.getString("name"),
                new CollectionSpec(rs.getString("model"), rs.getInt("dimension"), Metric.fromId(rs.getString("metric")),
                        new HnswParams(rs.getInt("hnsw_m"), rs.getInt("hnsw_ef_construction"), rs.getInt("hnsw_ef_search"))),
                Instant.ofEpochMilli(rs.getLong("created_at")));
    }
}
