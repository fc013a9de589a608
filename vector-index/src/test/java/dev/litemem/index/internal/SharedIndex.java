package dev.litemem.index.internal;

import dev.litemem.index.HnswParams;
import dev.litemem.index.Metric;

/** One 20k x 64 clustered cosine index built once per test JVM (building it is the slow part of the tests). */
final class SharedIndex {

    static final int COUNT = 20_000;
    static final int DIMENSION = 64;
    private static final float[][] ALL = TestVectors.clustered(COUNT + 200, DIMENSION, 50, 20_000);
    static final float[][] VECTORS = java.util.Arrays.copyOfRange(ALL, 0, COUNT);
    static final float[][] QUERIES = java.util.Arrays.copyOfRange(ALL, COUNT, COUNT + 200);
    static final long[] LABELS = TestVectors.labels(COUNT);
    private static HnswVectorIndex index;

    private SharedIndex() {
    }

    static synchronized HnswVectorIndex get() {
        if (index == null) {
            index = HnswVectorIndex.create(DIMENSION, Metric.COSINE, HnswParams.DEFAULTS);
            index.addAll(LABELS, VECTORS, 2);
        }
        return index;
    }

    static float[] vectorOf(long label) {
        long position = (label - 1000) / 7;
        return (label - 1000) % 7 == 0 && position >= 0 && position < COUNT ? VECTORS[(int) position] : null;
    }
}
