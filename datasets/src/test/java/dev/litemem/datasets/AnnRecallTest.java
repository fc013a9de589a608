package dev.litemem.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class AnnRecallTest {
    private static final int[] TRUTH = {5, 3, 9, 1, 7};

    @Test
    void countsTrueNeighboursAmongTheFirstK() {
        assertEquals(1.0, AnnRecall.recallAtK(new int[] {9, 5, 3}, TRUTH, 3));
        assertEquals(2.0 / 3, AnnRecall.recallAtK(new int[] {5, 1, 3}, TRUTH, 3), 1e-12);
        // Only the first k results count, and only the first k truths.
        assertEquals(1.0 / 3, AnnRecall.recallAtK(new int[] {5, 8, 1, 3}, TRUTH, 3), 1e-12);
        assertEquals(0.6, AnnRecall.recallAtK(new long[] {5, 8, 1, 3, 2}, TRUTH, 5), 1e-12);
    }

    @Test
    void shortOrDuplicatedResultsCountAsMisses() {
        assertEquals(0.2, AnnRecall.recallAtK(new int[] {7}, TRUTH, 5), 1e-12);
        assertEquals(0.2, AnnRecall.recallAtK(new int[] {5, 5, 5, 5, 5}, TRUTH, 5), 1e-12);
        assertEquals(0.0, AnnRecall.recallAtK(new int[0], TRUTH, 5));
    }

    @Test
    void meanOverQueries() {
        long[][] results = {{5, 3}, {0, 4}};
        int[][] truth = {{5, 3, 0}, {4, 1, 0}};
        assertEquals(0.75, AnnRecall.meanRecallAtK(results, truth, 2), 1e-12);
    }

    @Test
    void tooShortGroundTruthIsAnError() {
        assertThrows(DatasetException.class, () -> AnnRecall.recallAtK(new int[] {1}, new int[] {1}, 2));
        assertThrows(DatasetException.class, () -> AnnRecall.recallAtK(new int[] {1}, TRUTH, 0));
        assertThrows(DatasetException.class, () -> AnnRecall.meanRecallAtK(new long[1][], new int[2][], 1));
    }
}
