package dev.litemem.index.internal;

import dev.litemem.datasets.GaussianMixture;
import dev.litemem.index.Neighbor;
import dev.litemem.index.VectorIndex;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.LongPredicate;

/** Clustered test vectors (datasets' GaussianMixture), label numbering, and recall against exact search. */
final class TestVectors {

    private TestVectors() {
    }

    /** {@code count} L2-normalized vectors around {@code clusters} centres, noise 0.6 (the shape of sentence embeddings). */
    static float[][] clustered(int count, int dimension, int clusters, long seed) {
        return new GaussianMixture(dimension, clusters, 0.6, true, seed).sample(count, 1);
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
