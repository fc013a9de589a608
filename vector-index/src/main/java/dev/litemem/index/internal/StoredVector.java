package dev.litemem.index.internal;

import com.github.jelmerk.hnswlib.core.Item;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * What hnswlib-core stores per node: the label, the slot of the vector in the index's {@link VectorStore} (so the
 * vector exists once, in flat arrays) and a CRC32C of the vector as the caller supplied it, which lets a checkpoint
 * tell whether a row's vector changed since it was written. The item is its own "vector" for hnswlib-core: our
 * {@link MetricDistance} reads both sides from the store. Equality is identity, so hnswlib-core treats a re-add
 * of a label as a new vector; {@link HnswVectorIndex#add} skips re-adds of an identical vector before that.
 */
final class StoredVector implements Item<Long, StoredVector> {

    private static final long serialVersionUID = 1L;

    final long label;
    final int slot;
    final int sourceHash;
    final transient VectorStore store;

    StoredVector(long label, int slot, int sourceHash, VectorStore store) {
        this.label = label;
        this.slot = slot;
        this.sourceHash = sourceHash;
        this.store = store;
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
    public StoredVector vector() {
        return this;
    }

    @Override
    public int dimensions() {
        return store.dimension();
    }
}
