package dev.litemem.index;

import java.util.Objects;

/**
 * What a checkpoint belongs to. A checkpoint is only loaded when the identity stored in it equals the expected one
 * (efSearch excepted: it is a query-time default and may change freely).
 *
 * @param collectionId stable id of the collection the vectors come from
 * @param modelId      id of the embedding model that produced the vectors
 */
public record CheckpointIdentity(String collectionId, String modelId, int dimension, Metric metric, HnswParams params) {

    /** Longest collection or model id, in bytes of modified UTF-8. */
    public static final int MAX_ID_BYTES = 1024;

    public CheckpointIdentity {
        Objects.requireNonNull(collectionId, "collectionId");
        Objects.requireNonNull(modelId, "modelId");
        Objects.requireNonNull(metric, "metric");
        Objects.requireNonNull(params, "params");
        if (dimension < 1 || dimension > VectorIndex.MAX_DIMENSION) {
            throw new IndexException("dimension must be between 1 and " + VectorIndex.MAX_DIMENSION + ", got " + dimension);
        }
        if (collectionId.length() > MAX_ID_BYTES / 3 || modelId.length() > MAX_ID_BYTES / 3) {
            throw new IndexException("collection and model ids must be at most " + MAX_ID_BYTES / 3 + " characters");
        }
    }

    /** The same identity with another default search width (which a checkpoint does not pin). */
    public CheckpointIdentity withEfSearch(int efSearch) {
        return new CheckpointIdentity(collectionId, modelId, dimension, metric, params.withEfSearch(efSearch));
    }

    /** True when a checkpoint written under {@code other} may be loaded under this identity. */
    public boolean sameGraphAs(CheckpointIdentity other) {
        return collectionId.equals(other.collectionId) && modelId.equals(other.modelId)
                && dimension == other.dimension && metric == other.metric
                && params.m() == other.params.m() && params.efConstruction() == other.params.efConstruction();
    }
}
