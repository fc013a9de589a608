package dev.litemem.datasets;

import java.util.HashSet;
import java.util.Set;

/**
 * Recall of approximate nearest-neighbour results against exact ground truth: the fraction of the true k nearest
 * ids found among the first k returned ids. Neighbours tied at the k-th distance are not treated specially.
 */
public final class AnnRecall {
    private AnnRecall() {
    }

    /**
     * @param resultIds returned ids, nearest first; fewer than k counts the missing ones as misses
     * @param truthIds  exact neighbour ids, nearest first, at least k of them
     */
    public static double recallAtK(long[] resultIds, int[] truthIds, int k) {
        Set<Long> truth = truthSet(truthIds, k);
        Set<Long> found = new HashSet<>();
        for (int i = 0; i < Math.min(k, resultIds.length); i++) {
            if (truth.contains(resultIds[i])) {
                found.add(resultIds[i]);
            }
        }
        return (double) found.size() / k;
    }

    public static double recallAtK(int[] resultIds, int[] truthIds, int k) {
        long[] ids = new long[resultIds.length];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = resultIds[i];
        }
        return recallAtK(ids, truthIds, k);
    }

    /** Mean of {@link #recallAtK(long[], int[], int)} over queries; {@code results[q]} answers query q. */
    public static double meanRecallAtK(long[][] results, int[][] truth, int k) {
        if (results.length != truth.length) {
            throw new DatasetException("got results for " + results.length + " queries but ground truth for "
                    + truth.length);
        }
        if (results.length == 0) {
            throw new DatasetException("no queries to compute recall over");
        }
        double sum = 0;
        for (int q = 0; q < results.length; q++) {
            sum += recallAtK(results[q], truth[q], k);
        }
        return sum / results.length;
    }

    private static Set<Long> truthSet(int[] truthIds, int k) {
        if (k <= 0) {
            throw new DatasetException("k must be positive, got " + k);
        }
        if (truthIds.length < k) {
            throw new DatasetException("ground truth has " + truthIds.length + " neighbours per query, fewer than k="
                    + k + "; regenerate it with a larger k");
        }
        Set<Long> truth = new HashSet<>();
        for (int i = 0; i < k; i++) {
            truth.add((long) truthIds[i]);
        }
        return truth;
    }
}
