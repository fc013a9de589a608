package dev.litemem.index.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.litemem.index.CheckpointIdentity;
import dev.litemem.index.HnswParams;
import dev.litemem.index.IndexException;
import dev.litemem.index.Metric;
import dev.litemem.index.Neighbor;
import dev.litemem.index.VectorIndex;
import java.io.ByteArrayOutputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExactVectorIndexTest {
    static final int DIM = 24;

    @Test
    void answersExactlyWhatTheGraphIndexScansExactlyThroughAddsReplacementsAndRemovals() {
        for (Metric metric : Metric.values()) {
            float[][] vectors = TestVectors.clustered(600, DIM, 8, 3);
            VectorIndex exact = VectorIndex.createExact(DIM, metric, HnswParams.DEFAULTS);
            VectorIndex graph = VectorIndex.create(DIM, metric, HnswParams.DEFAULTS);
            long[] labels = java.util.stream.LongStream.range(0, 500).toArray();
            float[][] first = java.util.Arrays.copyOf(vectors, 500);
            exact.addAll(labels, first, 2);
            graph.addAll(labels, first, 2);
            for (int i = 0; i < 100; i++) { // replace 100, remove 100, add 100 new
                exact.add(i, vectors[500 + i]);
                graph.add(i, vectors[500 + i]);
                assertTrue(exact.remove(100 + i));
                graph.remove(100 + i);
                exact.add(1_000 + i, vectors[i]);
                graph.add(1_000 + i, vectors[i]);
            }
            assertFalse(exact.remove(150));
            assertEquals(graph.size(), exact.size());
            assertEquals(500, exact.size());
            assertEquals(0, exact.deletedCount());
            assertFalse(exact.hasGraph());
            for (int q = 0; q < 30; q++) {
                float[] query = vectors[(q * 37) % vectors.length];
                List<Neighbor> expected = graph.searchExact(query, 10, label -> label % 3 != 0);
                assertEquals(expected, exact.search(query, 10, 1, label -> label % 3 != 0), metric + " query " + q);
                assertEquals(graph.searchExact(query, 10, null), exact.searchExact(query, 10, null));
            }
            VectorIndex grown = exact.withGraph(2);
            assertTrue(grown.hasGraph());
            assertEquals(500, grown.size());
            assertEquals(exact.searchExact(vectors[7], 10, null), grown.searchExact(vectors[7], 10, null));
            assertEquals(exact.searchExact(vectors[9], 5, null), exact.compactCopy(1).searchExact(vectors[9], 5, null));
        }
    }

    @Test
    void hasNoCheckpointAndChecksItsInput() {
        VectorIndex exact = VectorIndex.createExact(DIM, Metric.COSINE, HnswParams.DEFAULTS);
        assertThrows(IndexException.class, () -> exact.add(1, new float[DIM]), "all zeros under cosine");
        assertThrows(IndexException.class, () -> exact.add(1, new float[DIM + 1]));
        assertThrows(IndexException.class, () -> exact.writeCheckpoint(new ByteArrayOutputStream(),
                new CheckpointIdentity("c", "m", DIM, Metric.COSINE, HnswParams.DEFAULTS)));
        assertEquals(List.of(), exact.search(TestVectors.clustered(1, DIM, 1, 1)[0], 3, 10, null));
    }
}
