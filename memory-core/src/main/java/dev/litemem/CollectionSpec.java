package dev.litemem;

import dev.litemem.index.HnswParams;
import dev.litemem.index.Metric;
import java.util.Objects;

/**
 * What a collection is fixed to when it is created: the embedding model id, the vector dimension and the metric.
 *
 * @param model     the id of the model whose vectors the collection holds ({@link Embedder#modelId()}), or
 *                  {@link #CALLER_VECTORS} when the caller always supplies the vectors
 * @param dimension the length of every vector, 1 to {@value #MAX_DIMENSION}
 * @param metric    how vectors are compared
 * @param hnsw      the HNSW graph's parameters (M and efConstruction are fixed at creation; efSearch is the default
 *                  search breadth, settable per query)
 */
public record CollectionSpec(String model, int dimension, Metric metric, HnswParams hnsw) {
    public static final String CALLER_VECTORS = "caller-vectors";
    public static final int MAX_DIMENSION = 16_384;

    public CollectionSpec {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(metric, "metric");
        Objects.requireNonNull(hnsw, "hnsw");
        if (model.isBlank() || model.length() > 200) {
            throw new InvalidInputException("model", "the model id must be 1 to 200 characters");
        }
        if (dimension < 1 || dimension > MAX_DIMENSION) {
            throw new InvalidInputException("dimension", "the vector dimension must be between 1 and " + MAX_DIMENSION
                    + ", was " + dimension);
        }
    }

    public CollectionSpec(String model, int dimension, Metric metric) {
        this(model, dimension, metric, HnswParams.DEFAULTS);
    }

    /** The same collection with other HNSW parameters. */
    public CollectionSpec withHnsw(HnswParams params) {
        return new CollectionSpec(model, dimension, metric, params);
    }

    /** Whether vectors of the two specs can live in the same collection: same model, dimension and metric. */
    public boolean sameVectorSpace(CollectionSpec other) {
        return model.equals(other.model) && dimension == other.dimension && metric == other.metric;
    }

    /** A collection whose vectors the caller supplies (no embedder involved). */
    public static CollectionSpec vectors(int dimension, Metric metric) {
        return new CollectionSpec(CALLER_VECTORS, dimension, metric);
    }

    /** A collection filled by the given embedder, compared by cosine. */
    public static CollectionSpec of(Embedder embedder) {
        return new CollectionSpec(embedder.modelId(), embedder.dimension(), Metric.COSINE);
    }
}
