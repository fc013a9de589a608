package dev.litemem.index;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.function.LongFunction;
import java.util.function.LongPredicate;

/**
 * An in-memory nearest-neighbour index over float vectors, each under a caller-chosen {@code long} label.
 * Scores are higher-is-better (see {@link Metric}). All methods are thread-safe.
 */
public interface VectorIndex {

    int MAX_DIMENSION = 65_536;

    /** Which HNSW implementation builds and searches the graph. */
    enum Implementation {
        /** LiteMem's own graph (the default): seeded, flat arrays, filtered search, checkpoints. */
        LITEMEM,
        /**
         * hnswlib-core 1.2.1 through its public API, with LiteMem's distance kernels: the reference implementation.
         * Filtered searches scan exactly, levels are not seeded, and {@link #writeCheckpoint} is refused.
         */
        HNSWLIB_CORE
    }

    /** A new, empty HNSW index (LiteMem's own implementation). */
    static VectorIndex create(int dimension, Metric metric, HnswParams params) {
        return create(dimension, metric, params, Implementation.LITEMEM);
    }

    /** A new, empty HNSW index built and searched by {@code implementation}. */
    static VectorIndex create(int dimension, Metric metric, HnswParams params, Implementation implementation) {
        return switch (java.util.Objects.requireNonNull(implementation, "implementation")) {
            case LITEMEM -> dev.litemem.index.internal.HnswVectorIndex.create(dimension, metric, params);
            case HNSWLIB_CORE -> dev.litemem.index.internal.HnswlibCoreVectorIndex.create(dimension, metric, params);
        };
    }

    /**
     * A new, empty index without a graph: it holds the vectors only and answers every search, at any ef, by an exact
     * scan. For small collections, where a scan costs about what a graph walk does and building or loading a graph
     * far more. It writes no checkpoint ({@link #hasGraph()} is false); {@link #withGraph} builds one when it grows.
     */
    static VectorIndex createExact(int dimension, Metric metric, HnswParams params) {
        return dev.litemem.index.internal.ExactVectorIndex.create(dimension, metric, params);
    }

    /**
     * Restores an index (LiteMem's own implementation) from a checkpoint written by {@link #writeCheckpoint}. The vectors are not in the checkpoint:
     * {@code vectors} supplies each label's current vector, or {@code null} when the label no longer exists.
     * Nodes whose vector is missing or changed since the checkpoint are unlinked and changed ones re-inserted, so
     * the result always answers from the vectors supplied.
     *
     * @throws CorruptCheckpointException            checksum, truncation or structure is wrong
     * @throws CheckpointMismatchException           written for another identity (see {@link CheckpointIdentity})
     * @throws UnsupportedCheckpointVersionException written by a newer format version
     */
    static VectorIndex readCheckpoint(InputStream in, CheckpointIdentity expected, LongFunction<float[]> vectors)
            throws IOException {
        return dev.litemem.index.internal.HnswVectorIndex.readCheckpoint(in, expected, vectors);
    }

    /**
     * Checks a checkpoint without loading it: the same checks as {@link #readCheckpoint} makes before it asks for
     * any vector (magic, version, CRC32C, structure, identity). For tools that verify stored checkpoints.
     *
     * @return the labels the checkpoint holds, in node order
     * @throws CorruptCheckpointException            checksum, truncation or structure is wrong
     * @throws CheckpointMismatchException           written for another identity
     * @throws UnsupportedCheckpointVersionException written by a newer format version
     */
    static long[] checkCheckpoint(InputStream in, CheckpointIdentity expected) throws IOException {
        return dev.litemem.index.internal.HnswVectorIndex.checkpointLabels(in, expected);
    }

    int dimension();

    Metric metric();

    HnswParams params();

    /** Inserts the vector, or replaces the one stored under this label. The vector is copied. */
    void add(long label, float[] vector);

    /** Adds {@code vectors[i]} under {@code labels[i]} using up to {@code threads} threads. */
    void addAll(long[] labels, float[][] vectors, int threads);

    /** Removes the label; returns false when it was not present. */
    boolean remove(long label);

    boolean contains(long label);

    /** Number of live labels. */
    int size();

    /** Removed or replaced nodes still held in the graph (they cost memory and search time until compaction). */
    int deletedCount();

    /** {@code deletedCount / (size + deletedCount)}, 0 when empty. */
    double deletedRatio();

    /**
     * About how many heap bytes the index holds: its vectors, graph and bookkeeping (an estimate for caches that
     * bound memory, not an exact count).
     */
    long memoryBytes();

    /** Approximate top-k using the default efSearch. */
    default List<Neighbor> search(float[] query, int k) {
        return search(query, k, params().efSearch(), null);
    }

    /**
     * Approximate top-k, best first. {@code ef} is the candidate list width (raised to k when smaller);
     * {@code filter}, when not null, keeps only labels it accepts. Returns min(k, matching labels) results.
     */
    List<Neighbor> search(float[] query, int k, int ef, LongPredicate filter);

    /** Exact top-k by scanning every vector, best first; {@code filter} as in {@link #search}. */
    List<Neighbor> searchExact(float[] query, int k, LongPredicate filter);

    /**
     * Writes the graph (not the vectors) in the format of CHECKPOINT-FORMAT.md (the default implementation only). Consistent while other threads add
     * and remove: the graph is snapshotted under an exclusive lock, then written without it.
     *
     * @param identity must agree with this index's dimension, metric and graph parameters
     */
    void writeCheckpoint(OutputStream out, CheckpointIdentity identity) throws IOException;

    /** Whether searches walk a graph; false for {@link #createExact}, which answers exactly and has no checkpoint. */
    default boolean hasGraph() {
        return true;
    }

    /**
     * An index of the same live vectors with a graph, built on up to {@code threads} threads while this one stays
     * usable (changes made to this one meanwhile are not in it); this index itself when it has a graph.
     */
    default VectorIndex withGraph(int threads) {
        return this;
    }

    /**
     * Builds a new index holding only the live vectors (no deleted nodes). This index stays usable meanwhile;
     * changes made to it after the copy starts are not in the copy.
     */
    VectorIndex compactCopy(int threads);
}
