package dev.litemem.index.internal;

import com.github.jelmerk.hnswlib.core.Item;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * What hnswlib-core stores per node: the label, the vector as searched (normalized for cosine) and a CRC32C of the
 * vector as the caller supplied it, which lets a checkpoint tell whether a row's vector changed since it was written.
 */
final class StoredVector implements Item<Long, float[]> {

    private static final long serialVersionUID = 1L;

    final long label;
    final float[] vector;
    final int sourceHash;

    StoredVector(long label, float[] vector, int sourceHash) {
        this.label = label;
        this.vector = vector;
        this.sourceHash = sourceHash;
    }

    static int hash(float[] source) {
        ByteBuffer bytes = ByteBuffer.allocate(source.length * Float.BYTES);
        bytes.asFloatBuffer().put(source);
        CRC32C crc = new CRC32C();
        crc.update(bytes);
        return (int) crc.getValue();
    }

    @Override
    public Long id() {
        return label;
    }

    @Override
    public float[] vector() {
        return vector;
    }

    @Override
    public int dimensions() {
        return vector.length;
    }
}
