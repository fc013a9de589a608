package dev.litemem.index.internal;

import com.github.jelmerk.hnswlib.core.DistanceFunction;
import dev.litemem.index.Metric;

/**
 * Adapts our kernels to hnswlib-core, which wants a lower-is-better distance: {@code 1 - dot} for cosine (on
 * normalized vectors) and dot, squared Euclidean distance for L2 (same order as the distance, no square root).
 * Both sides of hnswlib-core's calls are items whose vectors live in a {@link VectorStore}; our own searches
 * compare a query array with a store slot.
 */
final class MetricDistance implements DistanceFunction<StoredVector, Float> {

    private static final long serialVersionUID = 1L;

    private final transient VectorMath math;
    private final boolean l2;

    MetricDistance(VectorMath math, Metric metric) {
        this.math = math;
        this.l2 = metric == Metric.L2;
    }

    @Override
    public Float distance(StoredVector u, StoredVector v) {
        VectorStore store = u.store;
        return raw(store.chunk(u.slot), store.offset(u.slot), v.store.chunk(v.slot), v.store.offset(v.slot),
                store.dimension());
    }

    /** The distance from {@code query} to the vector at {@code offset} of {@code chunk}. */
    float raw(float[] query, float[] chunk, int offset) {
        return raw(query, 0, chunk, offset, query.length);
    }

    private float raw(float[] a, int aOffset, float[] b, int bOffset, int length) {
        return l2 ? math.squaredDistance(a, aOffset, b, bOffset, length)
                : 1f - math.dot(a, aOffset, b, bOffset, length);
    }

    /** The approximate distance from {@code query} to int8 codes with their scale (inner-product metrics only). */
    float rawCodes(float[] query, byte[] codes, int offset, float scale) {
        return 1f - scale * math.dotCodes(query, codes, offset, query.length);
    }

    /** The higher-is-better score of {@link Metric} for a distance computed by {@link #distance}. */
    float toScore(float distance) {
        return l2 ? (float) (0.0 - Math.sqrt(distance)) : 1f - distance;
    }

    /** The score computed directly, as exact search does. */
    float score(float[] query, float[] chunk, int offset) {
        if (l2) {
            return (float) (0.0 - Math.sqrt(math.squaredDistance(query, 0, chunk, offset, query.length))); // never -0.0
        }
        return math.dot(query, 0, chunk, offset, query.length);
    }
}
