package dev.litemem.internal.store;

import dev.litemem.ingest.Document;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** SQL on the documents table (schema migration 4), always inside the store's transactions. */
public final class DocumentTable {
    private DocumentTable() {
    }

    public record Stored(byte[] sha256, String chunker) {
    }

    public static long collectionId(Handle h, String collection) {
        return h.createQuery("SELECT id FROM collections WHERE name = ?").bind(0, collection).mapTo(Long.class).one();
    }

    public static Optional<Long> findCollectionId(Handle h, String collection) {
        return h.createQuery("SELECT id FROM collections WHERE name = ?").bind(0, collection).mapTo(Long.class).findOne();
    }

    public static Map<String, Stored> fingerprints(Handle h, long collectionId) {
        Map<String, Stored> out = new HashMap<>();
        h.createQuery("SELECT path, content_sha256, chunker FROM documents WHERE collection_id = ?").bind(0, collectionId)
                .map((rs, ctx) -> {
                    out.put(rs.getString(1), new Stored(rs.getBytes(2), rs.getString(3)));
                    return null;
                }).list();
        return out;
    }

    public static void upsert(Handle h, long collectionId, Document d, byte[] sha256, String chunker) {
        // An upsert, not INSERT OR REPLACE: a replaced row is deleted without firing delete triggers, so its row
        // image (RowTriggers) would miss the delete.
        h.createUpdate("INSERT INTO documents (collection_id, path, title, size, modified_at, content_sha256,"
                        + " chunker, chunks, ingested_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (collection_id,"
                        + " path) DO UPDATE SET title = excluded.title, size = excluded.size, modified_at ="
                        + " excluded.modified_at, content_sha256 = excluded.content_sha256, chunker = excluded.chunker,"
                        + " chunks = excluded.chunks, ingested_at = excluded.ingested_at")
                .bind(0, collectionId).bind(1, d.path()).bind(2, d.title()).bind(3, d.size())
                .bind(4, d.modified().toEpochMilli()).bind(5, sha256).bind(6, chunker).bind(7, d.chunks())
                .bind(8, d.ingested().toEpochMilli()).execute();
    }

    public static void delete(Handle h, long collectionId, String path) {
        h.createUpdate("DELETE FROM documents WHERE collection_id = ? AND path = ?").bind(0, collectionId).bind(1, path)
                .execute();
    }

    public static List<Document> list(Handle h, long collectionId) {
        return h.createQuery("SELECT path, title, size, modified_at, content_sha256, chunks, ingested_at FROM documents"
                        + " WHERE collection_id = ? ORDER BY path").bind(0, collectionId)
                .map((rs, ctx) -> new Document(rs.getString(1), rs.getString(2), rs.getLong(3),
                        Instant.ofEpochMilli(rs.getLong(4)), HexFormat.of().formatHex(rs.getBytes(5)), rs.getInt(6),
                        Instant.ofEpochMilli(rs.getLong(7))))
                .list();
    }
}
