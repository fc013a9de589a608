package dev.litemem;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.litemem.index.Metric;
import dev.litemem.testing.TempStores;
import dev.litemem.testing.WordHashEmbedder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class StoreBasicsTest {
    @RegisterExtension
    final TempStores stores = new TempStores();

    @Test
    void reopeningAfterCloseKeepsEverything() {
        Path file = stores.path("agent.db");
        float[] vector = Stores.randomVector(new Random(1), 8);
        Record written;
        long seq;
        try (LiteMem mem = stores.open(file)) {
            Collection notes = mem.collection("notes");
            notes.upsert(Record.of("pref-1", "Alice prefers short answers", Map.of("user", "alice", "score", 3)));
            Collection raw = mem.collection("raw", CollectionSpec.vectors(8, Metric.L2));
            seq = raw.upsert(Record.builder().id("v1").vector(vector).source("docs/a.md", 2)
                    .metadata(Map.of("nested", Map.of("k", List.of(1, 2)))).build());
            written = raw.get("v1").orElseThrow();
        }
        try (LiteMem mem = stores.open(file)) {
            assertEquals(List.of("notes", "raw"), mem.collections().stream().map(CollectionInfo::name).toList());
            Record pref = mem.collection("notes").get("pref-1").orElseThrow();
            assertEquals("Alice prefers short answers", pref.text());
            assertEquals(Map.of("user", "alice", "score", 3), pref.metadata());
            assertEquals(WordHashEmbedder.DIMENSION, pref.vector().length);
            Record v1 = mem.collection("raw").get("v1").orElseThrow();
            assertArrayEquals(vector, v1.vector());
            assertEquals("docs/a.md", v1.source());
            assertEquals(2, v1.chunk());
            assertEquals(written.createdAt(), v1.createdAt());
            assertEquals(Map.of("nested", Map.of("k", List.of(1, 2))), v1.metadata());
            assertEquals(new CollectionSpec(CollectionSpec.CALLER_VECTORS, 8, Metric.L2), mem.collection("raw").info().spec());
            assertEquals(seq, mem.lastSequence());
            assertEquals(2, mem.changesSince(0, 100).size());
        }
    }

    @Test
    void upsertReplacesAndLogsEveryChangeInOrder() {
        try (LiteMem mem = stores.open(stores.path("a.db"))) {
            Collection notes = mem.collection("notes");
            long s1 = notes.upsert(Record.of("a", "first", Map.of()));
            Record before = notes.get("a").orElseThrow();
            long s2 = notes.upsert(Record.of("a", "second", Map.of("v", 2)));
            long s3 = notes.upsertAll(List.of(Record.of("b", "bee", Map.of()), Record.of("c", "sea", Map.of())));
            assertTrue(s1 < s2 && s2 < s3);
            Record after = notes.get("a").orElseThrow();
            assertEquals("second", after.text());
            assertEquals(before.createdAt(), after.createdAt());
            assertFalse(after.updatedAt().isBefore(before.updatedAt()));
            assertTrue(notes.delete("a"));
            assertFalse(notes.delete("a"));
            assertEquals(1, notes.deleteWhere(Filter.eq(Filter.ID, "b")));
            List<Change> log = mem.changesSince(0, 100);
            assertEquals(List.of(Change.Operation.INSERT, Change.Operation.UPDATE, Change.Operation.INSERT,
                    Change.Operation.INSERT, Change.Operation.DELETE, Change.Operation.DELETE),
                    log.stream().map(Change::op).toList());
            assertEquals(List.of("a", "a", "b", "c", "a", "b"), log.stream().map(Change::recordId).toList());
            assertEquals(s3, log.get(3).seq());
            assertEquals(List.of(log.get(4), log.get(5)), mem.changesSince(s3, 100));
            assertEquals(1, notes.count());
        }
    }

    @Test
    void generatedIdsAreUniqueAndTimeOrdered() {
        try (LiteMem mem = stores.open(stores.path("ids.db"))) {
            Collection notes = mem.collection("notes");
            Record r1 = Record.of("one");
            Record r2 = Record.of("two");
            notes.upsertAll(List.of(r1, r2));
            assertEquals(26, r1.id().length());
            assertTrue(notes.get(r1.id()).isPresent());
            assertTrue(notes.get(r2.id()).isPresent());
            assertTrue(r1.id().compareTo(r2.id()) != 0);
        }
    }

    @Test
    void getManyCountAndPagedListing() {
        try (LiteMem mem = stores.open(stores.path("list.db"))) {
            Collection notes = mem.collection("notes");
            List<Record> batch = new ArrayList<>();
            for (int i = 0; i < 25; i++) {
                batch.add(Record.of(String.format("id-%02d", i), "text number " + i, Map.of("n", i)));
            }
            notes.upsertAll(batch);
            assertEquals(25, notes.count());
            assertEquals(10, notes.count(Filter.lt("n", 10)));
            assertEquals(List.of("id-03", "id-01"), notes.getAll(List.of("id-03", "nope", "id-01")).stream().map(Record::id).toList());
            List<String> seen = new ArrayList<>();
            String cursor = null;
            int pages = 0;
            do {
                Page<Record> page = notes.list(cursor, 10);
                page.items().forEach(r -> seen.add(r.id()));
                cursor = page.nextCursor();
                pages++;
            } while (cursor != null);
            assertEquals(3, pages);
            assertEquals(batch.stream().map(Record::id).toList(), seen);
            Page<Record> filtered = notes.list(Filter.gte("n", 20), null, 100);
            assertEquals(5, filtered.items().size());
            assertNull(filtered.nextCursor());
        }
    }

    @Test
    void exactSearchRanksByEachMetric() {
        Random random = new Random(7);
        for (Metric metric : Metric.values()) {
            try (LiteMem mem = stores.open(stores.path(metric.id() + ".db"))) {
                Collection c = mem.collection("v", CollectionSpec.vectors(16, metric));
                List<float[]> vectors = new ArrayList<>();
                List<Record> batch = new ArrayList<>();
                for (int i = 0; i < 300; i++) {
                    float[] v = Stores.randomVector(random, 16);
                    vectors.add(v);
                    batch.add(Record.builder().id("r" + i).vector(v).metadata(Map.of("even", i % 2 == 0)).build());
                }
                c.upsertAll(batch);
                float[] q = Stores.randomVector(random, 16);
                List<Hit> hits = c.search(q, 5);
                assertEquals(5, hits.size());
                // Expected order computed independently here.
                List<Integer> order = new ArrayList<>();
                for (int i = 0; i < vectors.size(); i++) {
                    order.add(i);
                }
                order.sort((a, b) -> Double.compare(expectedScore(metric, q, vectors.get(b)), expectedScore(metric, q, vectors.get(a))));
                for (int i = 0; i < 5; i++) {
                    assertEquals("r" + order.get(i), hits.get(i).record().id(), metric + " rank " + i);
                    assertEquals(expectedScore(metric, q, vectors.get(order.get(i))), hits.get(i).score(), 1e-4);
                }
                List<Hit> even = c.search(SearchRequest.vector(q).k(5).where(Filter.eq("even", true)));
                assertEquals(5, even.size());
                even.forEach(h -> assertEquals(true, h.record().metadata().get("even")));
            }
        }
    }

    @Test
    void textSearchFindsTheRecordSharingTheWords() {
        try (LiteMem mem = stores.open(stores.path("t.db"))) {
            Collection notes = mem.collection("notes");
            notes.upsert(Record.of("pref-1", "Alice prefers short answers", Map.of("user", "alice")));
            notes.upsert(Record.of("todo-1", "Rotate the production keys on Friday", Map.of("user", "bob")));
            List<Hit> hits = notes.search("when do we rotate the keys", 1);
            assertEquals("todo-1", hits.get(0).record().id());
        }
    }

    @Test
    void theEmbeddingCacheAvoidsEmbeddingUnchangedTextTwice() {
        WordHashEmbedder embedder = new WordHashEmbedder();
        Path file = stores.path("cache.db");
        try (LiteMem mem = stores.open(file, LiteMemOptions.builder().embedder(embedder).build())) {
            Collection notes = mem.collection("notes");
            notes.upsertAll(List.of(Record.of("a", "same text", Map.of()), Record.of("b", "same text", Map.of()),
                    Record.of("c", "other text", Map.of())));
            assertEquals(2, embedder.embeddedTexts());
            notes.upsert(Record.of("d", "other text", Map.of()));
            assertEquals(2, embedder.embeddedTexts());
            assertArrayEquals(notes.get("c").orElseThrow().vector(), notes.get("d").orElseThrow().vector());
            assertEquals(2, mem.clearEmbeddingCache());
            notes.upsert(Record.of("e", "other text", Map.of()));
            assertEquals(3, embedder.embeddedTexts());
        }
    }

    @Test
    void aCollectionRefusesAnotherModelOrShape() {
        Path file = stores.path("models.db");
        try (LiteMem mem = stores.open(file)) {
            mem.collection("notes").upsert(Record.of("a", "hello", Map.of()));
            LiteMemException e = assertThrows(LiteMemException.class,
                    () -> mem.collection("notes", CollectionSpec.vectors(64, Metric.DOT)));
            assertTrue(e.getMessage().contains("64 dimensions"), e.getMessage());
        }
        try (LiteMem mem = stores.open(file, LiteMemOptions.builder().embedder(new WordHashEmbedder("other-model")).build())) {
            LiteMemException e = assertThrows(LiteMemException.class,
                    () -> mem.collection("notes").upsert(Record.of("b", "hello again", Map.of())));
            assertTrue(e.getMessage().contains("test-words-32") && e.getMessage().contains("other-model"), e.getMessage());
            assertEquals(1, mem.collection("notes").count());
        }
        try (LiteMem mem = stores.open(file, LiteMemOptions.builder().useBundledEmbedder(false).build())) {
            assertNotNull(mem.collection("notes").get("a").orElseThrow());
            assertThrows(LiteMemException.class, () -> mem.collection("fresh"));
        }
    }

    private static double expectedScore(Metric metric, float[] q, float[] v) {
        double dot = 0, qq = 0, vv = 0, l2 = 0;
        for (int i = 0; i < q.length; i++) {
            dot += (double) q[i] * v[i];
            qq += (double) q[i] * q[i];
            vv += (double) v[i] * v[i];
            l2 += ((double) q[i] - v[i]) * ((double) q[i] - v[i]);
        }
        return switch (metric) {
            case COSINE -> dot / Math.sqrt(qq * vv);
            case DOT -> dot;
            case L2 -> -Math.sqrt(l2);
        };
    }
}
