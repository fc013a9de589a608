package dev.litemem.index.internal;

import java.util.Arrays;

/**
 * The index's vectors (as searched: normalized for cosine) and labels in flat arrays, addressed by slot. The graph
 * walk reads a neighbour's vector at {@code chunk[slot >>> CHUNK_SHIFT]}, offset {@code (slot & CHUNK_MASK) * dim},
 * instead of following node, item and array objects: one memory stream per distance instead of four dependent
 * loads. Slots are appended and never rewritten; a removed node's slot stays until compaction copies the live ones.
 *
 * <p>Chunks hold {@value #CHUNK_VECTORS} vectors; the first one starts at 16 and doubles, so a collection of a
 * few records costs a few kilobytes. Appends are serialized on this object; readers need no lock, because a slot
 * is only handed out (through {@link #append}'s caller) after its vector is written, and a grown chunk is published
 * through the volatile {@link #vectorChunks} field with every vector already copied into it.
 */
final class VectorStore {

    static final int CHUNK_SHIFT = 12;
    static final int CHUNK_VECTORS = 1 << CHUNK_SHIFT;
    static final int CHUNK_MASK = CHUNK_VECTORS - 1;
    private static final int FIRST_CHUNK_VECTORS = 16;

    private final int dimension;
    private volatile float[][] vectorChunks = new float[0][];
    private volatile long[][] labelChunks = new long[0][];
    private int size;

    VectorStore(int dimension) {
        this.dimension = dimension;
    }

    int dimension() {
        return dimension;
    }

    /** Copies {@code vector} (length {@link #dimension()}) into a new slot and returns the slot. */
    synchronized int append(long label, float[] vector) {
        int slot = size;
        int chunk = slot >>> CHUNK_SHIFT;
        int within = slot & CHUNK_MASK;
        float[][] vectors = vectorChunks;
        long[][] labels = labelChunks;
        if (chunk == vectors.length) {
            vectors = Arrays.copyOf(vectors, chunk + 1);
            labels = Arrays.copyOf(labels, chunk + 1);
            int capacity = chunk == 0 ? FIRST_CHUNK_VECTORS : CHUNK_VECTORS;
            vectors[chunk] = new float[capacity * dimension];
            labels[chunk] = new long[capacity];
        } else if (within == labels[chunk].length) {
            int grown = Math.min(CHUNK_VECTORS, 2 * within);
            vectors = vectors.clone();
            labels = labels.clone();
            vectors[chunk] = Arrays.copyOf(vectors[chunk], grown * dimension);
            labels[chunk] = Arrays.copyOf(labels[chunk], grown);
        }
        System.arraycopy(vector, 0, vectors[chunk], within * dimension, dimension);
        labels[chunk][within] = label;
        // Publish after the copy: a reader that sees the new arrays sees every vector in them.
        labelChunks = labels;
        vectorChunks = vectors;
        size = slot + 1;
        return slot;
    }

    /** The chunk holding {@code slot}; its vector starts at {@link #offset(int)}. */
    float[] chunk(int slot) {
        return vectorChunks[slot >>> CHUNK_SHIFT];
    }

    int offset(int slot) {
        return (slot & CHUNK_MASK) * dimension;
    }

    /** The chunks as they are now, for a loop that reads many slots. */
    float[][] chunks() {
        return vectorChunks;
    }

    long label(int slot) {
        return labelChunks[slot >>> CHUNK_SHIFT][slot & CHUNK_MASK];
    }

    float[] copy(int slot) {
        int offset = offset(slot);
        return Arrays.copyOfRange(chunk(slot), offset, offset + dimension);
    }

    boolean equalsVector(int slot, float[] vector) {
        int offset = offset(slot);
        return Arrays.equals(chunk(slot), offset, offset + dimension, vector, 0, dimension);
    }

    synchronized int size() {
        return size;
    }

    /** Heap bytes held, including the unused tail of the last chunk. */
    synchronized long bytes() {
        long bytes = 0;
        for (float[] chunk : vectorChunks) {
            bytes += 16L + 4L * chunk.length;
        }
        for (long[] chunk : labelChunks) {
            bytes += 16L + 8L * chunk.length;
        }
        return bytes;
    }
}
