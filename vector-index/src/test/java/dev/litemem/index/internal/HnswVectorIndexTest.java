package dev.litemem.index.internal;

import dev.litemem.index.HnswParams;
import dev.litemem.index.IndexException;
import dev.litemem.index.Metric;
import dev.litemem.index.Neighbor;
import dev.litemem.index.VectorIndex;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;
import java.util.function.LongPredicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HnswVectorIndexTest {

    @Test
    void recallAtTenIsAtLeast95PercentAtDefaultEf() {
        HnswVectorIndex index = SharedIndex.get();
        assertEquals(SharedIndex.COUNT, index.size());
        double recall = TestVectors.recall(index, SharedIndex.QUERIES, 10, index.params().efSearch(), null);
        assertTrue(recall >= 0.95, "recall@10 " + recall);
    }

    @Test
    void filteredSearchKeepsRecallAt50And5AndTenthOfAPercent() {
        HnswVectorIndex index = SharedIndex.get();
        for (int modulus : new int[] {2, 20, 1000}) {
            LongPredicate keep = label -> Long.hashCode(label * 0x9E3779B97F4A7C15L) % modulus == 0;
            double recall = TestVectors.recall(index, SharedIndex.QUERIES, 10, 64, keep);
            assertTrue(recall >= 0.95, "filter keeping 1/" + modulus + ": recall@10 " + recall);
            for (Neighbor neighbor : index.search(SharedIndex.QUERIES[0], 10, 64, keep)) {
                assertTrue(keep.test(neighbor.label()), "a filtered-out label was returned");
            }
        }
    }

    @Test
    void graphPathOfFilteredSearchKeepsRecallAtFivePercent() {
        HnswVectorIndex index = SharedIndex.get();
        LongPredicate fivePercent = label -> (label / 7) % 20 == 3;
        long hits = 0;
        long total = 0;
        for (float[] query : SharedIndex.QUERIES) {
            List<Neighbor> exact = index.searchExact(query, 10, fivePercent);
            List<Neighbor> found = index.searchFilteredGraph(query, 10, 64, fivePercent);
            assertEquals(10, found.size());
            for (Neighbor neighbor : found) {
                assertTrue(fivePercent.test(neighbor.label()));
                hits += exact.stream().anyMatch(e -> e.label() == neighbor.label()) ? 1 : 0;
            }
            total += exact.size();
        }
        assertTrue((double) hits / total >= 0.95, "recall@10 on the graph path " + (double) hits / total);
    }

    @Test
    void returnsEveryMatchWhenFewerThanKLabelsMatch() {
        HnswVectorIndex index = SharedIndex.get();
        long[] wanted = {SharedIndex.LABELS[5], SharedIndex.LABELS[9000], SharedIndex.LABELS[19_999]};
        LongPredicate three = label -> label == wanted[0] || label == wanted[1] || label == wanted[2];
        assertEquals(3, index.search(SharedIndex.QUERIES[1], 10, 16, three).size());
        LongPredicate fifteen = label -> (label - 1000) / 7 % 1333 == 0;
        assertEquals(10, index.search(SharedIndex.QUERIES[1], 10, 16, fifteen).size());
        assertEquals(0, index.search(SharedIndex.QUERIES[1], 10, 16, label -> false).size());
    }

    @Test
    void addReplaceRemoveSemantics() {
        VectorIndex index = VectorIndex.create(3, Metric.L2, new HnswParams(4, 32, 16));
        index.add(1, new float[] {0, 0, 0});
        index.add(2, new float[] {10, 0, 0});
        index.add(3, new float[] {20, 0, 0});
        assertEquals(3, index.size());
        assertEquals(1, index.search(new float[] {1, 0, 0}, 1).get(0).label());

        index.add(1, new float[] {30, 0, 0}); // replace moves label 1 far away
        assertEquals(3, index.size());
        assertEquals(1, index.deletedCount());
        assertEquals(2, index.search(new float[] {9, 0, 0}, 1).get(0).label());
        assertEquals(1, index.search(new float[] {29, 0, 0}, 1).get(0).label());
        assertEquals(-1f, index.search(new float[] {29, 0, 0}, 1).get(0).score(), 1e-6);

        assertTrue(index.remove(2));
        assertFalse(index.remove(2));
        assertFalse(index.contains(2));
        assertEquals(2, index.size());
        for (int k = 1; k <= 5; k++) {
            assertTrue(index.search(new float[] {10, 0, 0}, k).stream().noneMatch(n -> n.label() == 2));
            assertTrue(index.searchExact(new float[] {10, 0, 0}, k, null).stream().noneMatch(n -> n.label() == 2));
        }
        assertEquals(2, index.search(new float[] {10, 0, 0}, 5).size());
        assertEquals(2.0 / 4, index.deletedRatio(), 1e-9);

        index.add(2, new float[] {11, 0, 0}); // re-add after remove
        assertEquals(2, index.search(new float[] {10, 0, 0}, 1).get(0).label());
    }

    @Test
    void removedLabelsAreNeverReturnedFromALargerGraph() {
        float[][] vectors = TestVectors.clustered(3000, 16, 10, 5);
        long[] labels = TestVectors.labels(3000);
        VectorIndex index = VectorIndex.create(16, Metric.COSINE, HnswParams.DEFAULTS);
        index.addAll(labels, vectors, 2);
        for (int i = 0; i < 3000; i += 2) {
            assertTrue(index.remove(labels[i]));
        }
        for (int q = 0; q < 3000; q += 97) {
            for (Neighbor neighbor : index.search(vectors[q], 10, 32, null)) {
                assertEquals(1, ((neighbor.label() - 1000) / 7) % 2, "removed label returned");
            }
        }
    }

    @Test
    void scoresFollowTheMetric() {
        float[] a = {3, 4};
        float[] query = {1, 0};
        VectorIndex cosine = VectorIndex.create(2, Metric.COSINE, HnswParams.DEFAULTS);
        VectorIndex dot = VectorIndex.create(2, Metric.DOT, HnswParams.DEFAULTS);
        VectorIndex l2 = VectorIndex.create(2, Metric.L2, HnswParams.DEFAULTS);
        for (VectorIndex index : List.of(cosine, dot, l2)) {
            index.add(7, a);
        }
        assertEquals(0.6f, cosine.search(query, 1).get(0).score(), 1e-6);
        assertEquals(0.6f, cosine.searchExact(query, 1, null).get(0).score(), 1e-6);
        assertEquals(3f, dot.search(query, 1).get(0).score(), 1e-6);
        assertEquals(3f, dot.searchExact(query, 1, null).get(0).score(), 1e-6);
        assertEquals((float) -Math.sqrt(4 + 16), l2.search(query, 1).get(0).score(), 1e-5);
        assertEquals((float) -Math.sqrt(4 + 16), l2.searchExact(query, 1, null).get(0).score(), 1e-5);
    }

    @Test
    void dotAndL2GraphSearchAgreeWithExact() {
        float[][] vectors = TestVectors.clustered(2000, 24, 8, 11);
        Random random = new Random(3);
        for (float[] v : vectors) {
            float scale = 0.5f + random.nextFloat() * 2; // unnormalized, so dot and cosine differ
            for (int d = 0; d < v.length; d++) {
                v[d] *= scale;
            }
        }
        for (Metric metric : new Metric[] {Metric.DOT, Metric.L2}) {
            VectorIndex index = VectorIndex.create(24, metric, HnswParams.DEFAULTS);
            index.addAll(TestVectors.labels(2000), vectors, 2);
            float[][] queries = java.util.Arrays.copyOfRange(vectors, 0, 50);
            double recall = TestVectors.recall(index, queries, 10, 64, null);
            assertTrue(recall >= 0.9, metric + " recall@10 " + recall);
        }
    }

    @Test
    void scalarKernelsGiveTheSameResultsAsVectorApiKernels() {
        float[][] vectors = TestVectors.clustered(1000, 37, 6, 13);
        long[] labels = TestVectors.labels(1000);
        HnswVectorIndex scalar = HnswVectorIndex.create(37, Metric.COSINE, HnswParams.DEFAULTS,
                ScalarVectorMath.INSTANCE);
        HnswVectorIndex simd = HnswVectorIndex.create(37, Metric.COSINE, HnswParams.DEFAULTS,
                VectorMaths.vectorApiOrNull());
        scalar.addAll(labels, vectors, 2);
        simd.addAll(labels, vectors, 2);
        assertEquals("scalar", scalar.vectorMath().name());
        for (int q = 0; q < 40; q++) {
            List<Neighbor> a = scalar.searchExact(vectors[q * 20], 10, null);
            List<Neighbor> b = simd.searchExact(vectors[q * 20], 10, null);
            assertEquals(a.get(0).label(), b.get(0).label());
            assertEquals(a.get(0).label(), scalar.search(vectors[q * 20], 1).get(0).label());
            for (int i = 0; i < 10; i++) {
                assertEquals(a.get(i).score(), b.get(i).score(), 1e-4);
            }
        }
        assertTrue(TestVectors.recall(scalar, java.util.Arrays.copyOf(vectors, 50), 10, 64, null) >= 0.95);
    }

    @Test
    void rejectsBadVectorsWithClearMessages() {
        VectorIndex index = VectorIndex.create(4, Metric.COSINE, HnswParams.DEFAULTS);
        assertTrue(assertThrows(IndexException.class, () -> index.add(1, new float[3]))
                .getMessage().contains("dimension 3"));
        assertTrue(assertThrows(IndexException.class, () -> index.add(1, new float[] {1, Float.NaN, 0, 0}))
                .getMessage().contains("NaN"));
        assertTrue(assertThrows(IndexException.class, () -> index.add(1, new float[] {1, 0, Float.POSITIVE_INFINITY, 0}))
                .getMessage().contains("Infinity"));
        assertTrue(assertThrows(IndexException.class, () -> index.add(1, new float[4]))
                .getMessage().contains("zeros"));
        assertThrows(IndexException.class, () -> index.search(new float[] {1, 0, 0, 0}, 0));
        assertThrows(IndexException.class, () -> index.addAll(new long[] {1, 2}, new float[][] {{1, 0, 0, 0}}, 1));
        IndexException batch = assertThrows(IndexException.class,
                () -> index.addAll(new long[] {1, 2}, new float[][] {{1, 0, 0, 0}, {1, 0}}, 1));
        assertTrue(batch.getMessage().contains("position 1"), batch.getMessage());
        assertEquals(0, index.size(), "a rejected batch adds nothing");
        assertThrows(IndexException.class, () -> new HnswParams(1, 200, 64));
        assertThrows(IndexException.class, () -> new HnswParams(16, 0, 64));
    }

    @Test
    void inputArraysAreCopied() {
        VectorIndex index = VectorIndex.create(2, Metric.L2, HnswParams.DEFAULTS);
        float[] v = {1, 1};
        index.add(1, v);
        v[0] = 100;
        assertEquals(0f, index.search(new float[] {1, 1}, 1).get(0).score());
    }

    @Test
    void growsBeyondItsInitialCapacityWhileAddingFromSeveralThreads() {
        int count = 3 * HnswVectorIndex.INITIAL_CAPACITY;
        float[][] vectors = TestVectors.clustered(count, 8, 4, 17);
        HnswVectorIndex index = HnswVectorIndex.create(8, Metric.COSINE, new HnswParams(8, 40, 32));
        Thread[] threads = new Thread[4];
        for (int t = 0; t < threads.length; t++) {
            int first = t;
            threads[t] = new Thread(() -> {
                for (int i = first; i < count; i += 4) {
                    index.add(i, vectors[i]);
                }
            });
            threads[t].start();
        }
        for (Thread thread : threads) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
        assertEquals(count, index.size());
        assertEquals(0, index.deletedCount());
        assertTrue(index.capacity() >= count);
        assertEquals(null, GraphInvariants.violation(index), "graph after concurrent adds and capacity growths");
    }

    @Test
    void threeTimesMoreAddingAndSearchingThreadsThanCoresDoNotDeadlock() throws InterruptedException {
        int threads = 3 * Runtime.getRuntime().availableProcessors() + 1;
        float[][] vectors = TestVectors.clustered(threads * 150, 8, 4, 43);
        HnswVectorIndex index = HnswVectorIndex.create(8, Metric.COSINE, new HnswParams(4, 32, 16));
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(threads);
        for (int t = 0; t < threads; t++) {
            int first = t;
            Thread thread = new Thread(() -> {
                for (int i = first; i < vectors.length; i += threads) {
                    index.add(i, vectors[i]);
                    index.search(vectors[i], 3);
                    if (i % 5 == 0) {
                        index.add(i, vectors[(i + 1) % vectors.length]);
                    }
                }
                done.countDown();
            });
            thread.setDaemon(true);
            thread.start();
        }
        assertTrue(done.await(5, java.util.concurrent.TimeUnit.MINUTES), "adders and searchers deadlocked");
        assertEquals(vectors.length, index.size());
        assertEquals(null, GraphInvariants.violation(index), "graph after concurrent adds, replacements and searches");
    }

    @Test
    void reAddingAnIdenticalVectorKeepsTheNodeAndADifferentOneReplacesIt() {
        float[][] vectors = TestVectors.clustered(300, 16, 5, 23);
        HnswVectorIndex index = HnswVectorIndex.create(16, Metric.COSINE, new HnswParams(8, 64, 32));
        for (int i = 0; i < vectors.length; i++) {
            index.add(i, vectors[i]);
        }
        for (int i = 0; i < vectors.length; i++) {
            index.add(i, vectors[i].clone()); // a replayed change: same label, same vector
        }
        assertEquals(0, index.deletedCount(), "identical re-adds must not leave deleted nodes");
        index.add(7, vectors[8]);
        assertEquals(1, index.deletedCount());
        List<Neighbor> hits = index.search(vectors[7], 300, 300, null);
        assertFalse(same(vectors[7], vectors[8]));
        assertFalse(hits.stream().anyMatch(h -> h.label() == 7 && h.score() > 0.99999f),
                "the replaced vector of label 7 is still found");
        assertEquals(1, hits.stream().filter(h -> h.label() == 7).count(), "label 7 appears once");
        assertTrue(index.remove(3));
        assertEquals(null, GraphInvariants.violation(index));
        assertFalse(index.search(vectors[3], 300, 300, null).stream().anyMatch(h -> h.label() == 3));
    }

    @Test
    void replacingALabelWhenTheIndexIsFullStillHidesTheOldNode() {
        int full = HnswVectorIndex.INITIAL_CAPACITY;
        float[][] vectors = TestVectors.clustered(full + 1, 8, 4, 29);
        HnswVectorIndex index = HnswVectorIndex.create(8, Metric.L2, new HnswParams(4, 32, 16));
        for (int i = 0; i < full; i++) {
            index.add(i, vectors[i]);
        }
        // The index is full when label 0 is replaced: it grows, inserts the new node and marks the old one deleted.
        index.add(0, vectors[full]);
        assertEquals(full, index.size());
        assertEquals(1, index.deletedCount());
        assertEquals(null, GraphInvariants.violation(index));
        List<Neighbor> hits = index.search(vectors[0], 1, full, null);
        assertFalse(hits.get(0).label() == 0 && hits.get(0).score() == 0f, "label 0's old vector was found");
    }

    private static boolean same(float[] a, float[] b) {
        return java.util.Arrays.equals(a, b);
    }

    @Test
    void compactCopyDropsDeletedNodesAndKeepsRecall() {
        float[][] vectors = TestVectors.clustered(2000, 32, 20, 19);
        long[] labels = TestVectors.labels(2000);
        VectorIndex index = VectorIndex.create(32, Metric.COSINE, HnswParams.DEFAULTS);
        index.addAll(labels, vectors, 2);
        for (int i = 0; i < 2000; i += 3) {
            index.remove(labels[i]);
        }
        assertEquals(667.0 / 2000, index.deletedRatio(), 1e-9);
        VectorIndex compact = index.compactCopy(2);
        assertEquals(0, compact.deletedCount());
        assertEquals(index.size(), compact.size());
        for (int i = 0; i < 2000; i++) {
            assertEquals(index.contains(labels[i]), compact.contains(labels[i]));
        }
        assertTrue(TestVectors.recall(compact, java.util.Arrays.copyOf(vectors, 100), 10, 64, null) >= 0.95);
    }
}
