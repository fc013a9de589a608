package dev.litemem.datasets;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Exact k-nearest neighbours by brute force. Scores are accumulated in double precision, equal scores are ordered by
 * the smaller base index, and the result for each query is sorted nearest first.
 */
public final class GroundTruth {
    /** Queries handled together so each base vector is read from memory once per block, not once per query. */
    private static final int QUERY_BLOCK = 16;

    private GroundTruth() {
    }

    /** Uses one thread per available processor. */
    public static int[][] compute(float[][] base, float[][] queries, int k, DistanceMetric metric) {
        return compute(base, queries, k, metric, Runtime.getRuntime().availableProcessors());
    }

    /**
     * @return for each query, the indexes into {@code base} of its {@code k} nearest vectors, nearest first
     */
    public static int[][] compute(float[][] base, float[][] queries, int k, DistanceMetric metric, int threads) {
        if (k <= 0 || k > base.length) {
            throw new DatasetException("k must be in 1.." + base.length + " (the number of base vectors), got " + k);
        }
        if (threads <= 0) {
            throw new DatasetException("threads must be positive, got " + threads);
        }
        int dimension = base[0].length;
        requireDimension(base, dimension, "base");
        requireDimension(queries, dimension, "query");
        int[][] result = new int[queries.length][];
        ExecutorService executor = Executors.newFixedThreadPool(threads, runnable -> {
            Thread thread = new Thread(runnable, "ground-truth");
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<Future<?>> blocks = new ArrayList<>();
            for (int start = 0; start < queries.length; start += QUERY_BLOCK) {
                int from = start;
                int to = Math.min(queries.length, start + QUERY_BLOCK);
                blocks.add(executor.submit(() -> computeBlock(base, queries, from, to, k, metric, result)));
            }
            for (Future<?> block : blocks) {
                block.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DatasetException("interrupted while computing ground truth", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Error) {
                throw (Error) e.getCause();
            }
            throw new DatasetException("ground truth computation failed", e.getCause());
        } finally {
            executor.shutdownNow();
        }
        return result;
    }

    /** Score where larger is nearer: the inner product, or the negated squared L2 distance. */
    static double score(float[] a, float[] b, DistanceMetric metric) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int i = 0;
        int bound = a.length & ~3;
        if (metric == DistanceMetric.INNER_PRODUCT) {
            for (; i < bound; i += 4) {
                s0 += (double) a[i] * b[i];
                s1 += (double) a[i + 1] * b[i + 1];
                s2 += (double) a[i + 2] * b[i + 2];
                s3 += (double) a[i + 3] * b[i + 3];
            }
            for (; i < a.length; i++) {
                s0 += (double) a[i] * b[i];
            }
            return (s0 + s1) + (s2 + s3);
        }
        for (; i < bound; i += 4) {
            double d0 = (double) a[i] - b[i];
            double d1 = (double) a[i + 1] - b[i + 1];
            double d2 = (double) a[i + 2] - b[i + 2];
            double d3 = (double) a[i + 3] - b[i + 3];
            s0 += d0 * d0;
            s1 += d1 * d1;
            s2 += d2 * d2;
            s3 += d3 * d3;
        }
        for (; i < a.length; i++) {
            double d = (double) a[i] - b[i];
            s0 += d * d;
        }
        return -((s0 + s1) + (s2 + s3));
    }

    private static void computeBlock(float[][] base, float[][] queries, int from, int to, int k,
                                     DistanceMetric metric, int[][] result) {
        List<PriorityQueue<Hit>> tops = new ArrayList<>(to - from);
        for (int q = from; q < to; q++) {
            tops.add(new PriorityQueue<>(k, WORST_FIRST));
        }
        for (int id = 0; id < base.length; id++) {
            float[] vector = base[id];
            for (int q = from; q < to; q++) {
                offer(tops.get(q - from), k, score(queries[q], vector, metric), id);
            }
        }
        for (int q = from; q < to; q++) {
            PriorityQueue<Hit> top = tops.get(q - from);
            int[] nearestFirst = new int[top.size()];
            for (int i = nearestFirst.length - 1; i >= 0; i--) {
                nearestFirst[i] = top.poll().id();
            }
            result[q] = nearestFirst;
        }
    }

    /** A base vector's score for one query. */
    private record Hit(double score, int id) {
    }

    /** The head of a top-k queue is the worst kept hit: the lowest score, then the highest id. */
    private static final Comparator<Hit> WORST_FIRST =
            Comparator.comparingDouble(Hit::score).thenComparing(Hit::id, Comparator.reverseOrder());

    /** Keeps the k best hits; a new hit is only allocated when it enters the queue. */
    private static void offer(PriorityQueue<Hit> top, int k, double score, int id) {
        if (top.size() < k) {
            top.add(new Hit(score, id));
            return;
        }
        Hit worst = top.peek();
        if (score > worst.score() || (score == worst.score() && id < worst.id())) {
            top.poll();
            top.add(new Hit(score, id));
        }
    }

    private static void requireDimension(float[][] vectors, int dimension, String what) {
        for (int i = 0; i < vectors.length; i++) {
            if (vectors[i].length != dimension) {
                throw new DatasetException(what + " vector " + i + " has dimension " + vectors[i].length
                        + " but base vector 0 has " + dimension);
            }
        }
    }
}
