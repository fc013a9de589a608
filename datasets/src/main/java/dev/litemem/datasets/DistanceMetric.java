package dev.litemem.datasets;

/** How {@link GroundTruth} ranks base vectors against a query. */
public enum DistanceMetric {
    /** Larger inner product is nearer; on L2-normalized vectors this is cosine similarity. */
    INNER_PRODUCT,
    /** Smaller Euclidean distance is nearer. */
    L2
}
