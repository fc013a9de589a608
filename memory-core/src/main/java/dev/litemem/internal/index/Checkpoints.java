package dev.litemem.internal.index;

import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * Index checkpoints as rows: a header row (the change-log sequence covered, sizes) and the checkpoint bytes split into
 * pages of at most {@link #PAGE_BYTES}. The bytes carry their own magic, version, identity and CRC32C (see
 * vector-index/CHECKPOINT-FORMAT.md); the rows add nothing that could disagree with them.
 */
public final class Checkpoints {
    static final int PAGE_BYTES = 512 * 1024;

    private Checkpoints() {
    }

    /** A stored checkpoint's header row. */
    record Stored(long id, long seq, int byteCount, int pageCount, int nodeCount) {
    }

    static Optional<Stored> newest(Handle h, long collectionId) {
        return h.createQuery("SELECT id, seq, byte_count, page_count, node_count FROM index_checkpoints"
                        + " WHERE collection_id = ? ORDER BY seq DESC, id DESC LIMIT 1")
                .bind(0, collectionId)
                .map((rs, ctx) -> new Stored(rs.getLong(1), rs.getLong(2), rs.getInt(3), rs.getInt(4), rs.getInt(5)))
                .findOne();
    }

    /** The checkpoint's bytes, pages concatenated in order; missing pages show up as a short or corrupt stream. */
    static byte[] read(Handle h, Stored checkpoint) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(0, Math.min(checkpoint.byteCount(), 1 << 30)));
        h.createQuery("SELECT data FROM index_checkpoint_pages WHERE checkpoint_id = ? ORDER BY page")
                .bind(0, checkpoint.id()).mapTo(byte[].class).forEach(out::writeBytes);
        return out.toByteArray();
    }

    /** Stores a checkpoint and deletes the collection's older ones, in the caller's write transaction. */
    static void write(Handle h, long collectionId, long seq, byte[] bytes, int nodeCount) {
        int pages = (bytes.length + PAGE_BYTES - 1) / PAGE_BYTES;
        long id = h.createUpdate("INSERT INTO index_checkpoints (collection_id, seq, byte_count, page_count, node_count,"
                        + " created_at) VALUES (?, ?, ?, ?, ?, ?)")
                .bind(0, collectionId).bind(1, seq).bind(2, bytes.length).bind(3, pages).bind(4, nodeCount)
                .bind(5, System.currentTimeMillis())
                .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
        for (int page = 0; page < pages; page++) {
            int from = page * PAGE_BYTES;
            byte[] data = java.util.Arrays.copyOfRange(bytes, from, Math.min(bytes.length, from + PAGE_BYTES));
            h.createUpdate("INSERT INTO index_checkpoint_pages (checkpoint_id, page, data) VALUES (?, ?, ?)")
                    .bind(0, id).bind(1, page).bind(2, data).execute();
        }
        h.createUpdate("DELETE FROM index_checkpoints WHERE collection_id = ? AND id <> ?").bind(0, collectionId).bind(1, id)
                .execute();
    }

    static List<Stored> all(Handle h, long collectionId) {
        return h.createQuery("SELECT id, seq, byte_count, page_count, node_count FROM index_checkpoints WHERE collection_id = ?")
                .bind(0, collectionId)
                .map((rs, ctx) -> new Stored(rs.getLong(1), rs.getLong(2), rs.getInt(3), rs.getInt(4), rs.getInt(5)))
                .list();
    }
}
