package dev.litemem.index.internal;

import dev.litemem.index.CheckpointIdentity;
import dev.litemem.index.CheckpointMismatchException;
import dev.litemem.index.CorruptCheckpointException;
import dev.litemem.index.HnswParams;
import dev.litemem.index.IndexException;
import dev.litemem.index.Metric;
import dev.litemem.index.Neighbor;
import dev.litemem.index.UnsupportedCheckpointVersionException;
import dev.litemem.index.VectorIndex;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongFunction;
import java.util.zip.CRC32C;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

class CheckpointTest {

    private static final HnswParams SMALL = new HnswParams(4, 32, 32);
    private static final CheckpointIdentity SMALL_ID = new CheckpointIdentity("notes", "minilm", 8, Metric.COSINE, SMALL);

    @Test
    void roundTripRestoresTheSameGraph(@TempDir Path dir) throws IOException {
        HnswVectorIndex index = SharedIndex.get();
        CheckpointIdentity identity = new CheckpointIdentity("c1", "model", SharedIndex.DIMENSION, Metric.COSINE,
                HnswParams.DEFAULTS);
        Path file = dir.resolve("index.ckpt");
        try (OutputStream out = Files.newOutputStream(file)) {
            index.writeCheckpoint(out, identity);
        }
        long bytes = Files.size(file);
        long vectorBytes = (long) SharedIndex.COUNT * SharedIndex.DIMENSION * Float.BYTES;
        System.out.printf("checkpoint %d bytes for %d nodes: %.1f bytes/node (vectors %d bytes)%n",
                bytes, SharedIndex.COUNT, (double) bytes / SharedIndex.COUNT, vectorBytes);

        VectorIndex loaded;
        try (var in = Files.newInputStream(file)) {
            loaded = VectorIndex.readCheckpoint(in, identity.withEfSearch(32), SharedIndex::vectorOf);
        }
        assertEquals(index.size(), loaded.size());
        assertEquals(0, loaded.deletedCount());
        assertEquals(32, loaded.params().efSearch(), "efSearch comes from the expected identity");
        for (long label : SharedIndex.LABELS) {
            assertTrue(loaded.contains(label));
        }
        for (float[] query : SharedIndex.QUERIES) {
            assertEquals(index.search(query, 10, 64, null), loaded.search(query, 10, 64, null),
                    "the restored graph answers exactly as the original");
        }
        assertTrue(TestVectors.recall(loaded, SharedIndex.QUERIES, 10, 64, null) >= 0.95);
        assertEquals(null, GraphInvariants.violation((HnswVectorIndex) loaded), "the restored graph");
        loaded.add(-5, SharedIndex.QUERIES[0]);
        assertEquals(-5, loaded.search(SharedIndex.QUERIES[0], 1).get(0).label(), "a restored index takes adds");
        assertEquals(null, GraphInvariants.violation((HnswVectorIndex) loaded), "the restored graph after an add");
    }

    @Test
    void deletedNodesAreLeftOutAndTheGraphStaysSearchable() throws IOException {
        float[][] vectors = TestVectors.clustered(3000, 8, 10, 23);
        long[] labels = TestVectors.labels(3000);
        HnswVectorIndex index = HnswVectorIndex.create(8, Metric.COSINE, SMALL);
        index.addAll(labels, vectors, 2);
        Map<Long, float[]> rows = new HashMap<>();
        for (int i = 0; i < labels.length; i++) {
            if (i % 4 == 0) {
                index.remove(labels[i]);
            } else {
                rows.put(labels[i], vectors[i]);
            }
        }
        index.remove(index.snapshot().labels[index.snapshot().entryPoint]); // the entry point too
        VectorIndex loaded = roundTrip(index, SMALL_ID, rows::get);
        assertEquals(index.size(), loaded.size());
        assertEquals(0, loaded.deletedCount());
        for (int i = 0; i < labels.length; i++) {
            assertEquals(index.contains(labels[i]), loaded.contains(labels[i]));
        }
        assertTrue(TestVectors.recall(loaded, java.util.Arrays.copyOf(vectors, 100), 10, 32, null) >= 0.95);
    }

    @Test
    void rowsDeletedOrChangedSinceTheCheckpointAreUnlinkedOrReinserted() throws IOException {
        float[][] vectors = TestVectors.clustered(2000, 8, 10, 29);
        long[] labels = TestVectors.labels(2000);
        HnswVectorIndex index = HnswVectorIndex.create(8, Metric.COSINE, SMALL);
        index.addAll(labels, vectors, 2);
        Map<Long, float[]> rows = new HashMap<>();
        for (int i = 0; i < labels.length; i++) {
            rows.put(labels[i], vectors[i]);
        }
        for (int i = 0; i < 100; i++) {
            rows.remove(labels[i]);
        }
        float[] moved = vectors[1999].clone();
        rows.put(labels[100], moved);
        VectorIndex loaded = roundTrip(index, SMALL_ID, rows::get);
        assertEquals(1900, loaded.size());
        assertFalse(loaded.contains(labels[0]));
        List<Neighbor> nearMoved = loaded.search(moved, 2);
        assertTrue(nearMoved.stream().anyMatch(n -> n.label() == labels[100]), "changed row answers at its new place");
        assertTrue(TestVectors.recall(loaded, java.util.Arrays.copyOfRange(vectors, 200, 300), 10, 32, null) >= 0.95);
    }

    @Test
    void everySampledBitFlipIsDetectedAndTyped() throws IOException {
        byte[] good = smallCheckpoint();
        Random random = new Random(31);
        List<Integer> bits = new ArrayList<>();
        for (int bit = 0; bit < 128 * 8; bit++) {
            bits.add(bit);
        }
        for (int i = 0; i < 2000; i++) {
            bits.add(random.nextInt(good.length * 8));
        }
        for (int bit = good.length * 8 - 64; bit < good.length * 8; bit++) {
            bits.add(bit);
        }
        for (int bit : bits) {
            byte[] bad = good.clone();
            bad[bit / 8] ^= (byte) (1 << (bit % 8));
            IndexException e = assertThrows(IndexException.class, () -> load(bad, SMALL_ID), "bit " + bit);
            if (bit / 8 >= 4 && bit / 8 < 8) {
                assertTrue(e instanceof CorruptCheckpointException || e instanceof UnsupportedCheckpointVersionException,
                        "version bit " + bit + ": " + e);
            } else {
                assertTrue(e instanceof CorruptCheckpointException, "bit " + bit + ": " + e);
            }
        }
    }

    @Test
    void truncationAtEveryLengthIsDetected() throws IOException {
        byte[] good = smallCheckpoint();
        for (int length = 0; length < good.length; length++) {
            byte[] cut = java.util.Arrays.copyOf(good, length);
            assertThrows(CorruptCheckpointException.class, () -> load(cut, SMALL_ID), "length " + length);
        }
        byte[] longer = java.util.Arrays.copyOf(good, good.length + 1);
        assertThrows(CorruptCheckpointException.class, () -> load(longer, SMALL_ID));
    }

    @Test
    void anotherIdentityIsAMismatch() throws IOException {
        byte[] good = smallCheckpoint();
        HnswParams otherM = new HnswParams(5, 32, 32);
        HnswParams otherEfConstruction = new HnswParams(4, 33, 32);
        for (CheckpointIdentity other : List.of(
                new CheckpointIdentity("other", "minilm", 8, Metric.COSINE, SMALL),
                new CheckpointIdentity("notes", "other-model", 8, Metric.COSINE, SMALL),
                new CheckpointIdentity("notes", "minilm", 9, Metric.COSINE, SMALL),
                new CheckpointIdentity("notes", "minilm", 8, Metric.DOT, SMALL),
                new CheckpointIdentity("notes", "minilm", 8, Metric.COSINE, otherM),
                new CheckpointIdentity("notes", "minilm", 8, Metric.COSINE, otherEfConstruction))) {
            assertThrows(CheckpointMismatchException.class, () -> load(good, other), other.toString());
        }
        assertEquals(300, load(good, SMALL_ID.withEfSearch(7)).size(), "efSearch may differ");
    }

    @Test
    void aNewerFormatVersionIsUnsupported() throws IOException {
        byte[] newer = smallCheckpoint();
        ByteBuffer.wrap(newer).putInt(4, CheckpointCodec.VERSION + 1);
        assertThrows(UnsupportedCheckpointVersionException.class, () -> load(newer, SMALL_ID));
        assertThrows(UnsupportedCheckpointVersionException.class, () -> load(withValidCrc(newer), SMALL_ID));
    }

    @Test
    void structuralLiesWithAValidChecksumAreRejectedBeforeAllocating() throws IOException {
        byte[] good = smallCheckpoint();
        int nodeCountAt = 8 + 2 + 5 + 2 + 6 + 4 + 2 + 6 + 12;
        byte[] huge = good.clone();
        ByteBuffer.wrap(huge).putInt(nodeCountAt, Integer.MAX_VALUE);
        assertThrows(CorruptCheckpointException.class, () -> load(withValidCrc(huge), SMALL_ID));
        byte[] entry = good.clone();
        ByteBuffer.wrap(entry).putInt(nodeCountAt + 8, 300);
        assertThrows(CorruptCheckpointException.class, () -> load(withValidCrc(entry), SMALL_ID));

        long[] labels = {1, 2, 3};
        int[] hashes = new int[3];
        assertCorrupt(new Graph(labels, hashes, new int[][][] {{{1}}, {{0, 7}}, {{1}}}, 0, 0), "undefined neighbour");
        assertCorrupt(new Graph(labels, hashes, new int[][][] {{{1}, {2}}, {{0}}, {{1}}}, 0, 1), "level-1 link to level 0");
        assertCorrupt(new Graph(new long[] {1, 1, 3}, hashes, new int[][][] {{{1}}, {{0}}, {{1}}}, 0, 0), "duplicate label");
        assertCorrupt(new Graph(labels, hashes, new int[][][] {{{0}}, {{0}}, {{1}}}, 0, 0), "self link");
        assertCorrupt(new Graph(labels, hashes, new int[][][] {{{1, 2, 1, 2, 1, 2, 1, 2, 1}}, {{0}}, {{1}}}, 0, 0),
                "more links than 2m");
        assertCorrupt(new Graph(labels, hashes, new int[][][] {{{1}}, {{0}, {}}, {{1}}}, 0, 1), "entry below max level");
    }

    @Test
    void checkpointsWrittenWhileFourThreadsAddAreConsistent() throws Exception {
        int count = 4000;
        float[][] vectors = TestVectors.clustered(count, 8, 10, 37);
        Map<Long, float[]> rows = new ConcurrentHashMap<>();
        HnswVectorIndex index = HnswVectorIndex.create(8, Metric.COSINE, SMALL);
        AtomicBoolean failed = new AtomicBoolean();
        Thread[] writers = new Thread[4];
        for (int t = 0; t < 4; t++) {
            int first = t;
            writers[t] = new Thread(() -> {
                try {
                    for (int i = first; i < count; i += 4) {
                        rows.put((long) i, vectors[i]);
                        index.add(i, vectors[i]);
                        if (i % 10 == 0) {
                            index.add(i, vectors[(i + 1) % count]); // replace too
                            rows.put((long) i, vectors[(i + 1) % count]);
                        }
                    }
                } catch (RuntimeException e) {
                    failed.set(true);
                    throw e;
                }
            });
            writers[t].start();
        }
        int checkpoints = 0;
        while (checkpoints < 3 || anyAlive(writers)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            index.writeCheckpoint(out, SMALL_ID);
            VectorIndex loaded = VectorIndex.readCheckpoint(new ByteArrayInputStream(out.toByteArray()), SMALL_ID,
                    label -> vectors[(int) label]);
            assertTrue(loaded.size() <= count);
            if (loaded.size() > 50) {
                float[][] queries = java.util.Arrays.copyOf(vectors, 20);
                assertTrue(TestVectors.recall(loaded, queries, 5, 32, null) >= 0.9);
            }
            checkpoints++;
        }
        for (Thread writer : writers) {
            writer.join();
        }
        assertFalse(failed.get());
        VectorIndex last = roundTrip(index, SMALL_ID, label -> rows.get(label));
        assertEquals(count, last.size());
        assertTrue(TestVectors.recall(last, java.util.Arrays.copyOf(vectors, 50), 10, 32, null) >= 0.95);
    }

    @Test
    void checkpointIdentityMustDescribeTheIndex() {
        HnswVectorIndex index = HnswVectorIndex.create(8, Metric.COSINE, SMALL);
        assertThrows(IndexException.class, () -> index.writeCheckpoint(new ByteArrayOutputStream(),
                new CheckpointIdentity("notes", "minilm", 8, Metric.L2, SMALL)));
    }

    @Test
    void anEmptyIndexRoundTrips() throws IOException {
        VectorIndex loaded = roundTrip(HnswVectorIndex.create(8, Metric.COSINE, SMALL), SMALL_ID, label -> null);
        assertEquals(0, loaded.size());
        assertEquals(List.of(), loaded.search(new float[] {1, 0, 0, 0, 0, 0, 0, 0}, 3));
    }

    private static boolean anyAlive(Thread[] threads) {
        for (Thread thread : threads) {
            if (thread.isAlive()) {
                return true;
            }
        }
        return false;
    }

    private static void assertCorrupt(Graph graph, String what) throws IOException {
        CheckpointIdentity identity = new CheckpointIdentity("g", "m", 2, Metric.L2, SMALL);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CheckpointCodec.write(out, identity, graph);
        try {
            VectorIndex.readCheckpoint(new ByteArrayInputStream(out.toByteArray()), identity, label -> new float[2]);
            fail("accepted a checkpoint with " + what);
        } catch (CorruptCheckpointException expected) {
            assertTrue(expected.getMessage().startsWith("checkpoint structure is invalid"), expected.getMessage());
        }
    }

    static byte[] withValidCrc(byte[] bytes) {
        byte[] fixed = bytes.clone();
        CRC32C crc = new CRC32C();
        crc.update(fixed, 0, fixed.length - 4);
        ByteBuffer.wrap(fixed).putInt(fixed.length - 4, (int) crc.getValue());
        return fixed;
    }

    private static final float[][] SMALL_VECTORS = TestVectors.clustered(300, 8, 5, 41);

    private static byte[] smallCheckpoint() throws IOException {
        HnswVectorIndex index = HnswVectorIndex.create(8, Metric.COSINE, SMALL);
        index.addAll(TestVectors.labels(300), SMALL_VECTORS, 1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        index.writeCheckpoint(out, SMALL_ID);
        assertEquals("notes", new String(out.toByteArray(), 10, 5, StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    private static VectorIndex load(byte[] bytes, CheckpointIdentity identity) throws IOException {
        return VectorIndex.readCheckpoint(new ByteArrayInputStream(bytes), identity,
                label -> SMALL_VECTORS[(int) ((label - 1000) / 7)]);
    }

    private static VectorIndex roundTrip(VectorIndex index, CheckpointIdentity identity, LongFunction<float[]> rows)
            throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        index.writeCheckpoint(out, identity);
        return VectorIndex.readCheckpoint(new ByteArrayInputStream(out.toByteArray()), identity, rows);
    }
}
