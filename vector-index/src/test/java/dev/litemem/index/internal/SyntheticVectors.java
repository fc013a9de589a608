package dev.litemem.index.internal;

import dev.litemem.index.Neighbor;
import dev.litemem.index.VectorIndex;

import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.LongPredicate;

/** Gaussian-mixture vectors, L2-normalized, from a fixed seed; and recall against exact search. */
final class SyntheticVectors {

    private SyntheticVectors() {
    }

    static float[][] clustered(int count, int dimension, int clusters, long seed) {
        Random random = new Random(seed);
        float[][] centres = new float[clusters][dimension];
        for (float[] centre : centres) {
            for (int d = 0; d < dimension; d++) {
                centre[d] = (float) random.nextGaussian();
            }
        }
        float[][] vectors = new float[count][dimension];
        for (int i = 0; i < count; i++) {
            float[] centre = centres[random.nextInt(clusters)];
            double norm = 0;
            for (int d = 0; d < dimension; d++) {
                vectors[i][d] = centre[d] + 0.6f * (float) random.nextGaussian();
                norm += vectors[i][d] * vectors[i][d];
            }
            float inverse = (float) (1 / Math.sqrt(norm));
            for (int d = 0; d < dimension; d++) {
                vectors[i][d] *= inverse;
            }
        }
        return vectors;
    }

    static long[] labels(int count) {
        long[] labels = new long[count];
        for (int i = 0; i < count; i++) {
            labels[i] = 1000L + 7L * i; // not positions, to catch label/position mix-ups
        }
        return labels;
    }

    /** Mean recall@k of {@code search} against {@code searchExact}, over all queries. */
    static double recall(VectorIndex index, float[][] queries, int k, int ef, LongPredicate filter) {
        long hits = 0;
        long expected = 0;
        for (float[] query : queries) {
            List<Neighbor> exact = index.searchExact(query, k, filter);
            Set<Long> truth = new HashSet<>();
            exact.forEach(n -> truth.add(n.label()));
            for (Neighbor found : index.search(query, k, ef, filter)) {
                if (truth.contains(found.label())) {
                    hits++;
                }
            }
            expected += exact.size();
        }
        return expected == 0 ? 1 : (double) hits / expected;
    }
}
