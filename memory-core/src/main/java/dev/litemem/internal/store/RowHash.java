package dev.litemem.internal.store;

import dev.litemem.internal.Sha256;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The canonical hash of a logged row, version {@value #VERSION}: what {@code changes.before_sha256} and
 * {@code changes.after_sha256} hold, and what backups and replicas recompute to verify a row. Defined once here and in
 * docs/ARCHITECTURE.md ("Canonical row hash"):
 *
 * <pre>
 * SHA-256( "litemem-row/1" 0x00
 *          u32be(len(entity)) entity
 *          u32be(len(image)) image          -- the row's image, UTF-8 JSON, exactly as the change log stores it
 *          u32be(len(vector)) vector )      -- a record's embedding (float32 little-endian), length 0 when none
 * </pre>
 *
 * The image is the entity's own JSON shape written by the one function that writes it for the change log (for a
 * record {@link RecordWriter#image}: {@code {id,text,metadata,source,chunk,created_at,updated_at}} in that order, the
 * metadata as stored), so the hash can be recomputed both from a log entry and from the row itself. A new definition
 * gets a new version tag; a hash never changes meaning.
 */
public final class RowHash {
    public static final int VERSION = 1;
    private static final byte[] TAG = ("litemem-row/" + VERSION + "\0").getBytes(StandardCharsets.US_ASCII);

    private RowHash() {
    }

    /** The 32-byte hash of a row given by its entity kind, its image and its vector (null when none). */
    public static byte[] of(String entity, String image, byte[] vector) {
        MessageDigest d = Sha256.newDigest();
        d.update(TAG);
        part(d, entity.getBytes(StandardCharsets.UTF_8));
        part(d, image.getBytes(StandardCharsets.UTF_8));
        part(d, vector == null ? new byte[0] : vector);
        return d.digest();
    }

    private static void part(MessageDigest d, byte[] bytes) {
        d.update(ByteBuffer.allocate(4).putInt(bytes.length).array());
        d.update(bytes);
    }
}
