package dev.litemem.index.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The index's vectors (as searched: normalized for cosine), labels and source hashes in flat arrays, addressed by
 * slot; a vector's slot is also its node id in {@link HnswGraph}. The graph walk reads a neighbour's vector at
 * {@code chunk[slot >>> CHUNK_SHIFT]}, offset {@code (slot & CHUNK_MASK) * dim}: one memory stream per distance.
 * Slots are appended and never rewritten; a removed node's slot stays until compaction copies the live ones.
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

    private static final VarHandle FLOAT_IN_BYTES =
            MethodHandles.byteArrayViewVarHandle(float[].class, ByteOrder.LITTLE_ENDIAN);

    private final int dimension;
    /** Bytes per vector in the code chunks: the int8 codes, then the float scale. */
    private final int codeStride;
    private final boolean coded;
    private volatile float[][] vectorChunks = new float[0][];
    private volatile long[][] labelChunks = new long[0][];
    private volatile int[][] hashChunks = new int[0][];
    private volatile byte[][] codeChunks = new byte[0][];
    private int size;

    /**
     * With {@code coded}, each vector is also kept as int8 codes with one scale ({@code x[i] ~ scale * code[i]},
     * the scale being the largest magnitude / 127): a quarter of the bytes for the graph walk to read, whose
     * candidates are then re-ranked on the float vectors. Only for inner-product metrics (cosine, dot).
     */
    VectorStore(int dimension, boolean coded) {
        this.dimension = dimension;
        this.coded = coded;
        this.codeStride = dimension + Float.BYTES;
    }

    int dimension() {
        return dimension;
    }

    /**
     * Copies {@code vector} (length {@link #dimension()}) into a new slot with its label and the hash of the vector
     * as the caller supplied it ({@link SourceHash}), and returns the slot.
     */
    synchronized int append(long label, float[] vector, int sourceHash) {
        int slot = size;
        int chunk = slot >>> CHUNK_SHIFT;
        int within = slot & CHUNK_MASK;
        float[][] vectors = vectorChunks;
        long[][] labels = labelChunks;
        int[][] hashes = hashChunks;
        byte[][] codes = codeChunks;
        if (chunk == vectors.length) {
            vectors = Arrays.copyOf(vectors, chunk + 1);
            labels = Arrays.copyOf(labels, chunk + 1);
            hashes = Arrays.copyOf(hashes, chunk + 1);
            int capacity = chunk == 0 ? FIRST_CHUNK_VECTORS : CHUNK_VECTORS;
            vectors[chunk] = new float[capacity * dimension];
            labels[chunk] = new long[capacity];
            hashes[chunk] = new int[capacity];
            if (coded) {
                codes = Arrays.copyOf(codes, chunk + 1);
                codes[chunk] = new byte[capacity * codeStride];
            }
        } else if (within == labels[chunk].length) {
            int grown = Math.min(CHUNK_VECTORS, 2 * within);
            vectors = vectors.clone();
            labels = labels.clone();
            hashes = hashes.clone();
            vectors[chunk] = Arrays.copyOf(vectors[chunk], grown * dimension);
            labels[chunk] = Arrays.copyOf(labels[chunk], grown);
            hashes[chunk] = Arrays.copyOf(hashes[chunk], grown);
            if (coded) {
                codes = codes.clone();
                codes[chunk] = Arrays.copyOf(codes[chunk], grown * codeStride);
            }
        }
        System.arraycopy(vector, 0, vectors[chunk], within * dimension, dimension);
        labels[chunk][within] = label;
        hashes[chunk][within] = sourceHash;
        if (coded) {
            encode(vector, codes[chunk], within * codeStride);
        }
        // Publish after the copy: a reader that sees the new arrays sees every vector in them.
        labelChunks = labels;
        hashChunks = hashes;
        codeChunks = codes;
        vectorChunks = vectors;
        size = slot + 1;
        return slot;
    }

    private void encode(float[] vector, byte[] target, int offset) {
        float largest = 0;
        for (int i = 0; i < dimension; i++) {
            largest = Math.max(largest, Math.abs(vector[i]));
        }
        float scale = largest / 127f;
        float inverse = largest == 0 ? 0 : 127f / largest;
        for (int i = 0; i < dimension; i++) {
            target[offset + i] = (byte) Math.round(vector[i] * inverse);
        }
        FLOAT_IN_BYTES.set(target, offset + dimension, scale);
    }

    boolean coded() {
        return coded;
    }

    /** The code chunks as they are now: per slot, {@code dimension} int8 codes at {@link #codeOffset}, then the scale. */
    byte[][] codeChunks() {
        return codeChunks;
    }

    int codeOffset(int slot) {
        return (slot & CHUNK_MASK) * codeStride;
    }

    /** The scale of the codes starting at {@code codeOffset} of {@code chunk}. */
    float scale(byte[] chunk, int codeOffset) {
        return (float) FLOAT_IN_BYTES.get(chunk, codeOffset + dimension);
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

    /** The {@link SourceHash} of the vector in {@code slot} as its caller supplied it. */
    int sourceHash(int slot) {
        return hashChunks[slot >>> CHUNK_SHIFT][slot & CHUNK_MASK];
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
        for (int[] chunk : hashChunks) {
            bytes += 16L + 4L * chunk.length;
        }
        for (byte[] chunk : codeChunks) {
            bytes += 16L + chunk.length;
        }
        return bytes;
    }
}
