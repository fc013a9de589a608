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

    static int of(float[] source) {
        ByteBuffer bytes = ByteBuffer.allocate(source.length * Float.BYTES);
        bytes.asFloatBuffer().put(source);
        CRC32C crc = new CRC32C();
        crc.update(bytes);
        return (int) crc.getValue();
    }
}
