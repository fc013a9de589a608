package dev.litemem.index.internal;

import dev.litemem.index.Metric;

/**
 * The graph's lower-is-better distance over our kernels: {@code 1 - dot} for cosine (on normalized vectors) and
 * dot, squared Euclidean distance for L2 (same order as the distance, no square root). Searches compare a query
 * array with a store slot; the builder also compares two slots.
 */
final class MetricDistance {

    private final VectorMath math;
    private final boolean l2;

    MetricDistance(VectorMath math, Metric metric) {
        this.math = math;
        this.l2 = metric == Metric.L2;
    }

    VectorMath math() {
        return math;
    }

    /** The distance from {@code query} to the vector at {@code offset} of {@code chunk}. */
    float raw(float[] query, float[] chunk, int offset) {
        return raw(query, 0, chunk, offset, query.length);
    }

    /** The distance between the vectors in two slots of {@code store}. */
    float between(VectorStore store, int slotA, int slotB) {
        return raw(store.chunk(slotA), store.offset(slotA), store.chunk(slotB), store.offset(slotB),
                store.dimension());
    }

    private float raw(float[] a, int aOffset, float[] b, int bOffset, int length) {
        return l2 ? math.squaredDistance(a, aOffset, b, bOffset, length)
                : 1f - math.dot(a, aOffset, b, bOffset, length);
    }

    /** The approximate distance from {@code query} to int8 codes with their scale (inner-product metrics only). */
    float rawCodes(float[] query, byte[] codes, int offset, float scale) {
        return 1f - scale * math.dotCodes(query, codes, offset, query.length);
    }

    /** The higher-is-better score of {@link Metric} for a distance computed by {@link #raw}. */
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
