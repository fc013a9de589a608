package dev.litemem.internal.index;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;
import java.util.zip.CRC32C;
import dev.litemem.index.CheckpointIdentity;
import dev.litemem.index.VectorIndex;
import org.jdbi.v3.core.Handle;

/**
 * Index checkpoints as rows: a header row (the change-log sequence covered, sizes) and the checkpoint bytes split into
 * pages of at most {@link #PAGE_BYTES}. The bytes carry their own magic, version, identity and CRC32C (see
 * vector-index/CHECKPOINT-FORMAT.md). The header row carries {@code header_crc} (schema version 7): a CRC32C over its
 * collection, seq and sizes and the bytes' own CRC32C footer, so neither the row nor its pairing with the bytes can
 * change unnoticed. A row without it (written before version 7) or whose CRC disagrees is not used.
 */
public final class Checkpoints {
    static final int PAGE_BYTES = 512 * 1024;
    private static final String COLUMNS = "id, seq, byte_count, page_count, node_count, header_crc";

    private Checkpoints() {
    }

    /** A stored checkpoint's header row; {@code headerCrc} is null on rows written before schema version 7. */
    record Stored(long id, long seq, int byteCount, int pageCount, int nodeCount, Long headerCrc) {
    }

    static Optional<Stored> newest(Handle h, long collectionId) {
        return h.createQuery("SELECT " + COLUMNS + " FROM index_checkpoints"
                        + " WHERE collection_id = ? ORDER BY seq DESC, id DESC LIMIT 1")
                .bind(0, collectionId)
                .map((rs, ctx) -> stored(rs))
                .findOne();
    }

    /** The checkpoint's bytes, pages concatenated in order; missing pages show up as a short or corrupt stream. */
    static byte[] read(Handle h, Stored checkpoint) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(0, Math.min(checkpoint.byteCount(), 1 << 30)));
        h.createQuery("SELECT data FROM index_checkpoint_pages WHERE checkpoint_id = ? ORDER BY page")
                .bind(0, checkpoint.id()).mapTo(byte[].class).forEach(out::writeBytes);
        return out.toByteArray();
    }

    /**
     * Why the header row cannot be trusted with these bytes, or null when its CRC matches. The bytes' own checksum is
     * the codec's to verify.
     */
    static String headerProblem(long collectionId, Stored checkpoint, byte[] bytes) {
        if (checkpoint.headerCrc() == null) {
            return "its header row has no checksum (written before schema version 7)";
        }
        if (bytes.length != checkpoint.byteCount()) {
            return "its pages hold " + bytes.length + " bytes, its header row says " + checkpoint.byteCount();
        }
        long expected = headerCrc(collectionId, checkpoint.seq(), checkpoint.byteCount(), checkpoint.pageCount(),
                checkpoint.nodeCount(), bytes);
        return expected == checkpoint.headerCrc() ? null : "its header row fails its checksum";
    }

    /**
     * CRC32C over a version tag, the row's fields and the last 4 bytes of the checkpoint (its own CRC32C footer).
     * Public so that tests can forge a header row whose checksum agrees.
     */
    public static long headerCrc(long collectionId, long seq, int byteCount, int pageCount, int nodeCount, byte[] bytes) {
        ByteBuffer b = ByteBuffer.allocate(4 + 8 + 8 + 4 + 4 + 4 + 4);
        b.putInt(1).putLong(collectionId).putLong(seq).putInt(byteCount).putInt(pageCount).putInt(nodeCount);
        b.put(bytes, Math.max(0, bytes.length - 4), Math.min(4, bytes.length));
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 0, b.position());
        return crc.getValue();
    }

    /** Stores a checkpoint and deletes the collection's older ones, in the caller's write transaction. */
    static void write(Handle h, long collectionId, long seq, byte[] bytes, int nodeCount) {
        int pages = (bytes.length + PAGE_BYTES - 1) / PAGE_BYTES;
        long crc = headerCrc(collectionId, seq, bytes.length, pages, nodeCount, bytes);
        long id = h.createUpdate("INSERT INTO index_checkpoints (collection_id, seq, byte_count, page_count, node_count,"
                        + " created_at, header_crc) VALUES (?, ?, ?, ?, ?, ?, ?)")
                .bind(0, collectionId).bind(1, seq).bind(2, bytes.length).bind(3, pages).bind(4, nodeCount)
                .bind(5, System.currentTimeMillis()).bind(6, crc)
                .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
        // Pages left under this id by a header row deleted without its pages (outside LiteMem) must not collide.
        h.createUpdate("DELETE FROM index_checkpoint_pages WHERE checkpoint_id = ?").bind(0, id).execute();
        for (int page = 0; page < pages; page++) {
            int from = page * PAGE_BYTES;
            byte[] data = java.util.Arrays.copyOfRange(bytes, from, Math.min(bytes.length, from + PAGE_BYTES));
            h.createUpdate("INSERT INTO index_checkpoint_pages (checkpoint_id, page, data) VALUES (?, ?, ?)")
                    .bind(0, id).bind(1, page).bind(2, data).execute();
        }
        h.createUpdate("DELETE FROM index_checkpoints WHERE collection_id = ? AND id <> ?").bind(0, collectionId).bind(1, id)
                .execute();
    }

    /**
     * A stored checkpoint as a check sees it: {@code problem} is why the loader would refuse it as damaged (its header
     * row's checksum, or the bytes' own checksum, structure or identity, verified by the codec), null when sound;
     * {@code labels} are the row ids it indexes (null when it has a problem, or is {@code legacy}: written before
     * schema version 7 without a header checksum, which the loader rebuilds once without calling it damaged).
     */
    public record Verified(long id, long seq, int nodeCount, boolean legacy, String problem, long[] labels) {
    }

    /** Verifies every stored checkpoint of a collection, in id order, as {@link CollectionIndex} would before loading. */
    public static List<Verified> verifyAll(Handle h, long collectionId, CheckpointIdentity identity) {
        List<Verified> out = new java.util.ArrayList<>();
        for (Stored s : all(h, collectionId)) {
            if (s.headerCrc() == null) {
                out.add(new Verified(s.id(), s.seq(), s.nodeCount(), true, null, null));
                continue;
            }
            byte[] bytes = read(h, s);
            String problem = headerProblem(collectionId, s, bytes);
            long[] labels = null;
            if (problem == null) {
                try {
                    labels = VectorIndex.checkCheckpoint(new java.io.ByteArrayInputStream(bytes), identity);
                } catch (java.io.IOException | dev.litemem.index.IndexException e) {
                    problem = e.getMessage();
                }
            }
            out.add(new Verified(s.id(), s.seq(), s.nodeCount(), false, problem, labels));
        }
        return out;
    }

    static List<Stored> all(Handle h, long collectionId) {
        return h.createQuery("SELECT " + COLUMNS + " FROM index_checkpoints WHERE collection_id = ? ORDER BY id")
                .bind(0, collectionId)
                .map((rs, ctx) -> stored(rs))
                .list();
    }

    private static Stored stored(java.sql.ResultSet rs) throws java.sql.SQLException {
        long crc = rs.getLong(6);
        return new Stored(rs.getLong(1), rs.getLong(2), rs.getInt(3), rs.getInt(4), rs.getInt(5), rs.wasNull() ? null : crc);
    }
}
