package dev.litemem.index.internal;

import dev.litemem.index.CheckpointIdentity;
import dev.litemem.index.HnswParams;
import dev.litemem.index.Metric;
import dev.litemem.index.VectorIndex;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * golden-v1.ckpt is a version 1 checkpoint of a hand-built graph: 12 nodes on a ring, each linked to the nodes one
 * and two steps away on level 0; nodes 0, 4 and 8 also on level 1, linked to each other. Later readers must keep
 * loading it.
 */
class GoldenCheckpointTest {

    static final String RESOURCE = "/golden-v1.ckpt";
    static final CheckpointIdentity IDENTITY =
            new CheckpointIdentity("golden", "hand-made", 4, Metric.L2, new HnswParams(2, 8, 8));
    static final int NODES = 12;

    static float[] vector(long label) {
        int i = (int) (label - 500);
        return i >= 0 && i < NODES ? new float[] {i, (i * i) % 5, 1, 0.5f} : null;
    }

    static Graph handBuiltGraph() {
        long[] labels = new long[NODES];
        int[] hashes = new int[NODES];
        int[][][] links = new int[NODES][][];
        for (int i = 0; i < NODES; i++) {
            labels[i] = 500 + i;
            hashes[i] = SourceHash.of(vector(labels[i]));
            int[] ring = {(i + 1) % NODES, (i + NODES - 1) % NODES, (i + 2) % NODES, (i + NODES - 2) % NODES};
            links[i] = i % 4 == 0 ? new int[][] {ring, {(i + 4) % NODES, (i + 8) % NODES}} : new int[][] {ring};
        }
        return new Graph(labels, hashes, links, 0, 1);
    }

    static byte[] handBuiltBytes() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CheckpointCodec.write(out, IDENTITY, handBuiltGraph());
        return out.toByteArray();
    }

    @Test
    void theGoldenVersion1CheckpointStillLoadsAndAnswers() throws IOException {
        VectorIndex index;
        try (InputStream in = GoldenCheckpointTest.class.getResourceAsStream(RESOURCE)) {
            assertNotNull(in, RESOURCE + " is missing");
            index = VectorIndex.readCheckpoint(in, IDENTITY, GoldenCheckpointTest::vector);
        }
        assertEquals(NODES, index.size());
        assertEquals(0, index.deletedCount());
        for (long label = 500; label < 500 + NODES; label++) {
            assertTrue(index.contains(label));
            float[] query = vector(label);
            assertEquals(label, index.search(query, 1).get(0).label());
            assertEquals(0f, index.search(query, 1).get(0).score());
            assertEquals(index.searchExact(query, 3, null), index.search(query, 3, NODES, null));
        }
    }

    @Test
    void theVersion1WriterStillWritesTheGoldenBytes() throws IOException {
        byte[] golden;
        try (InputStream in = GoldenCheckpointTest.class.getResourceAsStream(RESOURCE)) {
            golden = in.readAllBytes();
        }
        assertArrayEquals(golden, handBuiltBytes(), "format version 1 changed: bump the version instead");
        assertEquals(NODES, VectorIndex.readCheckpoint(new ByteArrayInputStream(golden), IDENTITY,
                GoldenCheckpointTest::vector).size());
    }
}
