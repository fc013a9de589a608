package dev.litemem.index.internal;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * CRC32C of a vector as its caller supplied it (its float32 values, big-endian), kept per node and written into
 * checkpoints: it lets a loader tell that a row's vector changed since the checkpoint, and an add tell a replayed
 * identical vector from a new one.
 */
final class SourceHash {

    private SourceHash() {
    }

    /** Per thread, reused: an index load hashes every vector, and a buffer each was a fifth of a cold tenant's garbage. */
    private static final ThreadLocal<ByteBuffer> BUFFER = ThreadLocal.withInitial(() -> ByteBuffer.allocate(0));

    static int of(float[] source) {
        int length = source.length * Float.BYTES;
        ByteBuffer bytes = BUFFER.get();
        if (bytes.capacity() < length) {
            bytes = ByteBuffer.allocate(length); // big-endian, as the hash is defined
            BUFFER.set(bytes);
        }
        bytes.clear().limit(length);
        bytes.asFloatBuffer().put(source);
        CRC32C crc = new CRC32C();
        crc.update(bytes);
        return (int) crc.getValue();
    }
}
