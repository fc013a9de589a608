package dev.litemem.index.internal;

import dev.litemem.index.CheckpointIdentity;
import dev.litemem.index.HnswParams;
import dev.litemem.index.IndexException;
import dev.litemem.index.Metric;
import dev.litemem.index.Neighbor;
import dev.litemem.index.VectorIndex;
import dev.litemem.index.VectorIndex.Implementation;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.LongPredicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The selectable hnswlib-core implementation keeps the VectorIndex contract. */
class HnswlibCoreVectorIndexTest {

    private static VectorIndex create(int dimension, Metric metric, HnswParams params) {
        return VectorIndex.create(dimension, metric, params, Implementation.HNSWLIB_CORE);
    }

    @Test
    void isSelectedByTheFactoryAndOursIsTheDefault() {
        assertInstanceOf(HnswlibCoreVectorIndex.class, create(4, Metric.L2, HnswParams.DEFAULTS));
        assertInstanceOf(HnswVectorIndex.class, VectorIndex.create(4, Metric.L2, HnswParams.DEFAULTS));
    }

    @Test
    void addReplaceRemoveSemantics() {
        VectorIndex index = create(3, Metric.L2, new HnswParams(4, 32, 16));
        index.add(1, new float[] {0, 0, 0});
        index.add(2, new float[] {10, 0, 0});
        index.add(3, new float[] {20, 0, 0});
        index.add(3, new float[] {20, 0, 0}); // identical: the node is kept
        assertEquals(0, index.deletedCount());
        index.add(1, new float[] {30, 0, 0});
        assertEquals(3, index.size());
        assertEquals(1, index.deletedCount());
        assertEquals(2, index.search(new float[] {9, 0, 0}, 1).get(0).label());
        assertEquals(-1f, index.search(new float[] {29, 0, 0}, 1).get(0).score(), 1e-6);
        assertTrue(index.remove(2));
        assertFalse(index.remove(2));
        assertFalse(index.contains(2));
        assertEquals(2, index.search(new float[] {10, 0, 0}, 5).size());
        assertEquals(0.5, index.deletedRatio(), 1e-9);
    }

    @Test
    void searchesFilterAndCompactLikeTheDefault() {
        float[][] vectors = TestVectors.clustered(3000, 16, 10, 3);
        long[] labels = TestVectors.labels(3000);
        VectorIndex index = create(16, Metric.COSINE, HnswParams.DEFAULTS);
        index.addAll(labels, vectors, 2);
        float[][] queries = Arrays.copyOf(vectors, 100);
        assertTrue(TestVectors.recall(index, queries, 10, 64, null) >= 0.95);
        LongPredicate odd = label -> ((label - 1000) / 7) % 2 == 1;
        for (Neighbor hit : index.search(vectors[0], 10, 64, odd)) {
            assertTrue(odd.test(hit.label()));
        }
        assertEquals(1.0, TestVectors.recall(index, queries, 10, 64, odd), 1e-9, "a filter scans exactly");
        for (int i = 0; i < 3000; i += 3) {
            index.remove(labels[i]);
        }
        VectorIndex compact = index.compactCopy(2);
        assertEquals(0, compact.deletedCount());
        assertEquals(2000, compact.size());
        assertTrue(TestVectors.recall(compact, queries, 10, 64, null) >= 0.95);
    }

    @Test
    void growsAndDoesNotDeadlockWithThreeTimesMoreThreadsThanCores() throws InterruptedException {
        // hnswlib-core pools one visited-set per core and blocks for one while holding node monitors.
        int threads = 3 * Runtime.getRuntime().availableProcessors() + 1;
        float[][] vectors = TestVectors.clustered(threads * 120, 8, 4, 43);
        VectorIndex index = create(8, Metric.COSINE, new HnswParams(4, 32, 16));
        CountDownLatch done = new CountDownLatch(threads);
        for (int t = 0; t < threads; t++) {
            int first = t;
            Thread thread = new Thread(() -> {
                for (int i = first; i < vectors.length; i += threads) {
                    index.add(i, vectors[i]);
                    index.search(vectors[i], 3);
                }
                done.countDown();
            });
            thread.setDaemon(true);
            thread.start();
        }
        assertTrue(done.await(5, TimeUnit.MINUTES), "adders and searchers deadlocked");
        assertEquals(vectors.length, index.size());
        List<Neighbor> hit = index.search(vectors[5], 1);
        assertEquals(5, hit.get(0).label());
    }

    @Test
    void refusesToWriteACheckpointWithAClearMessage() {
        VectorIndex index = create(4, Metric.L2, HnswParams.DEFAULTS);
        index.add(1, new float[] {1, 2, 3, 4});
        IndexException refused = assertThrows(IndexException.class, () -> index.writeCheckpoint(
                new ByteArrayOutputStream(), new CheckpointIdentity("c", "m", 4, Metric.L2, HnswParams.DEFAULTS)));
        assertTrue(refused.getMessage().contains("default implementation"), refused.getMessage());
    }
}
