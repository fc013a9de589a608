package dev.litemem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.litemem.index.Metric;
import dev.litemem.testing.TempStores;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Collections below {@link LiteMemOptions#exactSearchBelow()} have no graph: exact answers, nothing built, loaded or
 * checkpointed; past it, a graph. And a store read by one thread at a time holds one connection.
 */
class SmallCollectionsTest {
    static final int DIM = 32;
    @RegisterExtension
    final TempStores stores = new TempStores();

    private static LiteMemOptions options(int threshold, boolean background) {
        return LiteMemOptions.builder().useBundledEmbedder(false).exactSearchBelow(threshold)
                .backgroundIndexing(background).build();
    }

    private static List<Record> records(Random random, int from, int count) {
        List<Record> records = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            records.add(Record.builder().id("r" + i).vector(Stores.randomVector(random, DIM)).build());
        }
        return records;
    }

    @Test
    void aSmallCollectionIsScannedExactlyAndNeverCheckpointed() {
        Path file = stores.path("small.db");
        Random random = new Random(5);
        float[] query = Stores.randomVector(random, DIM);
        try (LiteMem mem = stores.open(file, options(100, true))) {
            Collection c = mem.collection("c", CollectionSpec.vectors(DIM, Metric.COSINE));
            c.upsertAll(records(random, 0, 99));
            List<Hit> hits = c.search(SearchRequest.vector(query).k(10).ef(1));
            List<Hit> exact = c.search(SearchRequest.vector(query).k(10).exact(true));
            assertEquals(ids(exact), ids(hits), "below the threshold every search is exact, whatever the ef");
            assertTrue(c.indexStats().source().startsWith("exact scan"), c.indexStats().source());
        }
        try (LiteMem mem = stores.open(file, options(100, true))) {
            Collection c = mem.collection("c");
            IndexStats stats = c.loadIndex();
            assertEquals(-1, stats.checkpointSeq(), "no checkpoint was written for a collection without a graph");
            assertEquals(0, stats.checkpointBytes());
            assertEquals(99, stats.size());
        }
    }

    @Test
    void aCollectionThatGrowsPastTheThresholdGetsItsGraphInTheBackground() {
        Random random = new Random(6);
        try (LiteMem mem = stores.open(stores.path("grows.db"), options(100, true))) {
            Collection c = mem.collection("c", CollectionSpec.vectors(DIM, Metric.COSINE));
            c.upsertAll(records(random, 0, 50));
            c.search(Stores.randomVector(random, DIM), 5);
            assertTrue(c.indexStats().source().startsWith("exact scan"));
            c.upsertAll(records(random, 50, 100));
            Conditions.await("the graph", () -> c.indexStats().source().startsWith("graph built"));
            c.upsertAll(records(random, 150, 10));
            assertEquals(160, c.loadIndex().size(), "writes made while the graph was built are in it");
            for (int i = 0; i < 20; i++) {
                float[] q = Stores.randomVector(random, DIM);
                assertEquals(160, c.search(SearchRequest.vector(q).k(200).ef(200)).size());
            }
        }
    }

    @Test
    void withoutBackgroundIndexingTheNextSearchBuildsTheGraph() {
        Path file = stores.path("inline.db");
        Random random = new Random(7);
        try (LiteMem mem = stores.open(file, options(100, false))) {
            Collection c = mem.collection("c", CollectionSpec.vectors(DIM, Metric.COSINE));
            c.upsertAll(records(random, 0, 150));
            float[] q = Stores.randomVector(random, DIM);
            List<Hit> exact = c.search(SearchRequest.vector(q).k(5).exact(true));
            assertFalse(c.indexStats().source().startsWith("exact scan"), c.indexStats().source());
            assertEquals(ids(exact), ids(c.search(SearchRequest.vector(q).k(5).ef(150))));
        }
        try (LiteMem mem = stores.open(file, options(100, false))) {
            assertEquals("checkpoint", mem.collection("c").loadIndex().source(), "a graph is checkpointed at close");
        }
    }

    @Test
    void aStoreReadByOneThreadAtATimeHoldsOneConnectionAndOpensReadersWhenReadsMeetWrites() throws Exception {
        Path file = stores.path("one.db");
        Random random = new Random(8);
        try (LiteMem mem = stores.open(file, options(1_000, true))) {
            mem.collection("c", CollectionSpec.vectors(DIM, Metric.COSINE)).upsertAll(records(random, 0, 20));
        }
        try (LiteMem mem = stores.open(file, options(1_000, true))) {
            Collection c = mem.collection("c");
            for (int i = 0; i < 5; i++) {
                assertEquals(5, c.search(Stores.randomVector(random, DIM), 5).size());
            }
            // One connection: the database and its WAL, and the shared-memory file.
            assertEquals(3, descriptorsOf(file), "descriptors on the store's files");
            Thread writer = new Thread(() -> {
                for (int i = 0; i < 50; i++) {
                    c.upsertAll(records(random, 100 + i, 1));
                }
            });
            writer.start();
            for (int i = 0; i < 50; i++) {
                c.search(Stores.randomVector(new Random(i), DIM), 5);
            }
            writer.join();
            assertEquals(70, c.count());
        }
        assertEquals(0, descriptorsOf(file));
    }

    private static long descriptorsOf(Path file) throws IOException {
        String name = file.toAbsolutePath().toString();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString().startsWith(name);
                } catch (IOException | UnsupportedOperationException e) {
                    return false; // closed meanwhile
                }
            }).count();
        }
    }

    private static List<String> ids(List<Hit> hits) {
        return hits.stream().map(h -> h.record().id()).toList();
    }
}
