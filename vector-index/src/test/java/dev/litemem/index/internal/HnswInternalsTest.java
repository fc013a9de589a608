package dev.litemem.index.internal;

import dev.litemem.index.HnswParams;
import dev.litemem.index.Metric;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Fails loudly when hnswlib-core's private fields are no longer those HnswInternals reads and writes. */
class HnswInternalsTest {

    @Test
    void resolvesEveryPrivateMemberOfHnswlibCore() {
        HnswInternals.verify();
    }

    @Test
    void readsNodesLinksEntryPointAndDeletedFlags() {
        HnswVectorIndex index = HnswVectorIndex.create(8, Metric.L2, new HnswParams(4, 16, 16));
        float[][] vectors = SyntheticVectors.clustered(50, 8, 3, 7);
        for (int i = 0; i < vectors.length; i++) {
            index.add(100 + i, vectors[i]);
        }
        index.remove(100);
        Graph graph = index.snapshot();
        assertEquals(49, graph.size());
        assertTrue(graph.entryPoint >= 0);
        assertEquals(graph.maxLevel, graph.links[graph.entryPoint].length - 1);
        int links = 0;
        for (int[][] levels : graph.links) {
            links += levels[0].length;
        }
        assertTrue(links >= 49, "level 0 must be linked, got " + links + " links");
        assertNotNull(HnswInternals.entryPoint(index.hnsw()));
        assertFalse(java.util.Arrays.stream(graph.labels).anyMatch(label -> label == 100));
    }
}
