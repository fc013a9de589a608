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
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * hnswlib-core-era-v1.ckpt was written by the index of commit bef2a30, whose graph hnswlib-core 1.2.1 built: 600
 * clustered 16-dimension vectors added on one thread, then every 10th removed and every other 15th replaced by
 * the next one's vector (so the written graph had 80 deleted nodes to leave out). Our graph must load it and write
 * it back unchanged.
 */
class CheckpointCompatibilityTest {

    static final String RESOURCE = "/hnswlib-core-era-v1.ckpt";
    static final CheckpointIdentity IDENTITY = new CheckpointIdentity("hnswlib-core-era", "gm-16", 16, Metric.COSINE,
            new HnswParams(8, 64, 32));

    /** The rows as they were when the checkpoint was written. */
    static Map<Long, float[]> rows() {
        float[][] vectors = TestVectors.clustered(600, 16, 6, 77);
        long[] labels = TestVectors.labels(600);
        Map<Long, float[]> rows = new HashMap<>();
        for (int i = 0; i < 600; i++) {
            if (i % 10 != 0) {
                rows.put(labels[i], i % 15 == 0 ? vectors[(i + 1) % 600] : vectors[i]);
            }
        }
        return rows;
    }

    private static byte[] resource() throws IOException {
        try (InputStream in = CheckpointCompatibilityTest.class.getResourceAsStream(RESOURCE)) {
            assertNotNull(in, RESOURCE + " is missing");
            return in.readAllBytes();
        }
    }

    @Test
    void aCheckpointOfTheHnswlibCoreEraLoadsAnswersAndWritesBackUnchanged() throws IOException {
        byte[] written = resource();
        Map<Long, float[]> rows = rows();
        HnswVectorIndex index = HnswVectorIndex.readCheckpoint(new ByteArrayInputStream(written), IDENTITY, rows::get);
        assertEquals(540, index.size());
        assertEquals(0, index.deletedCount());
        assertFalse(index.contains(1000L));
        assertTrue(index.contains(1007L));
        assertNull(GraphInvariants.violation(index));
        float[][] queries = rows.values().stream().limit(100).toArray(float[][]::new);
        assertTrue(TestVectors.recall(index, queries, 10, 32, null) >= 0.95);

        ByteArrayOutputStream again = new ByteArrayOutputStream();
        index.writeCheckpoint(again, IDENTITY);
        assertArrayEquals(written, again.toByteArray(), "the same graph written by our writer");

        index.add(-1, queries[0]);
        VectorIndex reloaded = VectorIndex.readCheckpoint(new ByteArrayInputStream(checkpoint(index)), IDENTITY,
                label -> label == -1 ? queries[0] : rows.get(label));
        assertEquals(541, reloaded.size());
    }

    private static byte[] checkpoint(VectorIndex index) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        index.writeCheckpoint(out, IDENTITY);
        return out.toByteArray();
    }
}
