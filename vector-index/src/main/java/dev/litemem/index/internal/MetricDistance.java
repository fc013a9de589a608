package dev.litemem.index.internal;

import com.github.jelmerk.hnswlib.core.DistanceFunction;
import dev.litemem.index.Metric;

/**
 * Adapts our kernels to hnswlib-core, which wants a lower-is-better distance: {@code 1 - dot} for cosine (on
 * normalized vectors) and dot, squared Euclidean distance for L2 (same order as the distance, no square root).
 */
final class MetricDistance implements DistanceFunction<float[], Float> {

    private static final long serialVersionUID = 1L;

    private final transient VectorMath math;
    private final Metric metric;

    MetricDistance(VectorMath math, Metric metric) {
        this.math = math;
        this.metric = metric;
    }

    @Override
    public Float distance(float[] u, float[] v) {
        return rawDistance(u, v);
    }

    float rawDistance(float[] u, float[] v) {
        return metric == Metric.L2 ? math.squaredDistance(u, v) : 1f - math.dot(u, v);
    }

    /** The higher-is-better score of {@link Metric} for a distance computed by {@link #distance}. */
    float toScore(float distance) {
        return metric == Metric.L2 ? (float) (0.0 - Math.sqrt(distance)) : 1f - distance;
    }

    /** The score computed directly, as exact search does. */
    float score(float[] query, float[] vector) {
        if (metric == Metric.L2) {
            return (float) (0.0 - Math.sqrt(math.squaredDistance(query, vector))); // 0.0 - x: never -0.0
        }
        return math.dot(query, vector);
    }
}
