package dev.litemem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.litemem.index.Metric;
import dev.litemem.testing.TempStores;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The public search path: one statement per vector search, no vectors unless asked, and always fresh. */
class SearchPathTest {
    static final int DIM = 16;
    @RegisterExtension
    final TempStores stores = new TempStores();

    private static LiteMemOptions options(int exactBelow) {
        // No background maintenance: its catch-up statements would be counted with the searches' own.
        return LiteMemOptions.builder().useBundledEmbedder(false).exactSearchBelow(exactBelow).backgroundIndexing(false)
                .build();
    }

    private static List<Record> records(Random random, int count) {
        List<Record> records = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            records.add(Record.builder().id("r" + i).text("note " + i).vector(Stores.randomVector(random, DIM)).build());
        }
        return records;
    }

    @Test
    void aVectorSearchRunsOneStatementAndLoadsNoVectorUnlessAsked() {
        for (int exactBelow : new int[] {0, 1_000}) { // with a graph, and scanned exactly
            Random random = new Random(1);
            try (LiteMem mem = stores.open(stores.path("one-" + exactBelow + ".db"), options(exactBelow))) {
                Collection c = mem.collection("c", CollectionSpec.vectors(DIM, Metric.COSINE));
                c.upsertAll(records(random, 300));
                c.search(Stores.randomVector(random, DIM), 3); // loads the index and catches up with the writes
                List<String> statements = new CopyOnWriteArrayList<>();
                mem.database().onStatement(statements::add);
                for (int i = 0; i < 20; i++) {
                    List<Hit> hits = c.search(SearchRequest.vector(Stores.randomVector(random, DIM)).k(10));
                    assertEquals(10, hits.size());
                    assertFalse(hits.get(0).record().hasVector(), "no vector unless asked");
                    assertEquals("note", hits.get(0).record().text().substring(0, 4));
                }
                assertEquals(20, statements.size(), "one statement per search: " + statements);
                Hit withVector = c.search(SearchRequest.vector(Stores.randomVector(random, DIM)).k(1).includeVectors(true)).get(0);
                assertEquals(DIM, withVector.record().vector().length);
            }
        }
    }

    @Test
    void aSearchSeesWhatAnotherConnectionWroteJustBefore() {
        Path file = stores.path("fresh.db");
        Random random = new Random(2);
        try (LiteMem reader = stores.open(file, options(0)); LiteMem writer = stores.open(file, options(0))) {
            Collection searched = reader.collection("c", CollectionSpec.vectors(DIM, Metric.COSINE));
            Collection written = writer.collection("c");
            written.upsertAll(records(random, 200));
            for (int i = 0; i < 30; i++) {
                float[] v = Stores.randomVector(random, DIM);
                // The other store's write: this store's index does not know it until a search reads the log's position.
                written.upsert(Record.builder().id("new-" + i).vector(v).build());
                Hit top = searched.search(SearchRequest.vector(v).k(1)).get(0);
                assertEquals("new-" + i, top.record().id(), "the write acknowledged before the search is found");
                String id = "new-" + i;
                written.delete(id);
                assertTrue(searched.search(SearchRequest.vector(v).k(5)).stream()
                        .noneMatch(h -> h.record().id().equals(id)), "and its deletion too");
            }
            assertNull(searched.search(SearchRequest.vector(Stores.randomVector(random, DIM)).k(1)).get(0).record().vector());
        }
    }
}
