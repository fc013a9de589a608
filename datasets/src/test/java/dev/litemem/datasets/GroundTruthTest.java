package dev.litemem.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class GroundTruthTest {

    /** Scores every pair with a plain loop, sorts all base vectors and keeps the first k. */
    private static int[][] naive(float[][] base, float[][] queries, int k, DistanceMetric metric) {
        int[][] truth = new int[queries.length][];
        for (int q = 0; q < queries.length; q++) {
            double[] scores = new double[base.length];
            for (int b = 0; b < base.length; b++) {
                double sum = 0;
                for (int i = 0; i < base[b].length; i++) {
                    double a = queries[q][i];
                    double c = base[b][i];
                    sum += metric == DistanceMetric.INNER_PRODUCT ? a * c : -(a - c) * (a - c);
                }
                scores[b] = sum;
            }
            truth[q] = IntStream.range(0, base.length).boxed()
                    .sorted(Comparator.<Integer>comparingDouble(b -> -scores[b]).thenComparingInt(b -> b))
                    .limit(k).mapToInt(Integer::intValue).toArray();
        }
        return truth;
    }

    @Test
    void innerProductTopKMatchesNaiveComputation() {
        GaussianMixture mixture = new GaussianMixture(24, 8, 1.0, true, 7);
        float[][] base = mixture.sample(1500, 1);
        float[][] queries = mixture.sample(40, 2);
        int[][] expected = naive(base, queries, 20, DistanceMetric.INNER_PRODUCT);
        assertTrue2D(expected, GroundTruth.compute(base, queries, 20, DistanceMetric.INNER_PRODUCT, 3));
        assertTrue2D(expected, GroundTruth.compute(base, queries, 20, DistanceMetric.INNER_PRODUCT, 1));
    }

    @Test
    void l2TopKMatchesNaiveComputationOnUnnormalizedData() {
        GaussianMixture mixture = new GaussianMixture(13, 5, 0.7, false, 11);
        float[][] base = mixture.sample(900, 1);
        float[][] queries = mixture.sample(25, 2);
        int[][] truth = GroundTruth.compute(base, queries, 30, DistanceMetric.L2, 2);
        assertTrue2D(naive(base, queries, 30, DistanceMetric.L2), truth);
        // Inner product ranks unnormalized vectors differently, so the metric really is used.
        int[][] byInnerProduct = GroundTruth.compute(base, queries, 30, DistanceMetric.INNER_PRODUCT, 2);
        assertEquals(false, Arrays.deepEquals(truth, byInnerProduct));
    }

    @Test
    void exactTiesAreOrderedBySmallerIndex() {
        float[][] base = {{1, 0}, {0, 1}, {1, 0}, {0.5f, 0}, {1, 0}};
        int[][] truth = GroundTruth.compute(base, new float[][] {{1, 0}}, 4, DistanceMetric.L2, 1);
        assertArrayEquals(new int[] {0, 2, 4, 3}, truth[0]);
        int[][] all = GroundTruth.compute(base, new float[][] {{1, 0}}, 5, DistanceMetric.INNER_PRODUCT, 1);
        assertArrayEquals(new int[] {0, 2, 4, 3, 1}, all[0]);
    }

    @Test
    void invalidArgumentsAreRejected() {
        float[][] base = {{1, 0}, {0, 1}};
        assertThrows(DatasetException.class,
                () -> GroundTruth.compute(base, new float[][] {{1, 0}}, 3, DistanceMetric.L2, 1));
        assertThrows(DatasetException.class,
                () -> GroundTruth.compute(base, new float[][] {{1, 0, 0}}, 1, DistanceMetric.L2, 1));
        assertThrows(DatasetException.class,
                () -> GroundTruth.compute(base, new float[][] {{1, 0}}, 1, DistanceMetric.L2, 0));
    }

    private static void assertTrue2D(int[][] expected, int[][] actual) {
        assertEquals(expected.length, actual.length);
        for (int q = 0; q < expected.length; q++) {
            assertArrayEquals(expected[q], actual[q], "query " + q);
        }
    }
}
