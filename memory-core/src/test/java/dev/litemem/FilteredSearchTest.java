package dev.litemem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.litemem.index.Metric;
import dev.litemem.testing.TempStores;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A metadata filter keeps its recall whether it keeps half of the rows or a handful. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FilteredSearchTest {
    private static final int N = 10_000;
    private static final int DIM = 32;
    @RegisterExtension
    static final TempStores stores = new TempStores();
    private LiteMem mem;
    private Collection c;

    @BeforeAll
    void fill() {
        mem = stores.open(stores.path("filtered.db"), LiteMemOptions.builder().useBundledEmbedder(false).build());
        c = mem.collection("v", CollectionSpec.vectors(DIM, Metric.COSINE));
        Random random = new Random(21);
        float[][] centers = new float[20][];
        for (int i = 0; i < centers.length; i++) {
            centers[i] = Stores.randomVector(random, DIM);
        }
        List<Record> batch = new ArrayList<>();
        for (int i = 0; i < N; i++) {
            float[] v = Stores.randomVector(random, DIM);
            float[] center = centers[i % centers.length];
            for (int d = 0; d < DIM; d++) {
                v[d] = center[d] * 2 + v[d];
            }
            batch.add(Record.builder().id("r" + i).vector(v).metadata(Map.of("bucket", (i * 7919) % 1000)).build());
        }
        c.upsertAll(batch);
        c.loadIndex();
    }

    @AfterAll
    void close() {
        mem.close();
    }

    @ParameterizedTest(name = "filter keeping {0} rows")
    @CsvSource({"5000, {\"bucket\": {\"$lt\": 500}}", "500, {\"bucket\": {\"$lt\": 50}}", "10, {\"bucket\": 7}"})
    void recallAtTenStaysAbove95Percent(int kept, String where) {
        Filter filter = Filter.parse(where);
        assertEquals(kept, c.count(filter));
        Random random = new Random(kept);
        int found = 0;
        int total = 0;
        for (int q = 0; q < 40; q++) {
            float[] query = Stores.randomVector(random, DIM);
            List<Hit> exact = c.search(SearchRequest.vector(query).k(10).where(filter).exact(true));
            List<Hit> graph = c.search(SearchRequest.vector(query).k(10).where(filter));
            assertEquals(Math.min(10, kept), graph.size(), "never fewer than k hits when k rows match");
            Set<String> truth = IndexCheckpointTest.ids(exact);
            for (Hit h : graph) {
                assertTrue(filter(h), "every hit matches the filter");
                found += truth.contains(h.record().id()) ? 1 : 0;
            }
            total += truth.size();
        }
        double recall = (double) found / total;
        assertTrue(recall >= 0.95, "recall@10 " + recall + " with " + kept + " rows kept");
    }

    private static boolean filter(Hit h) {
        return h.record().metadata().get("bucket") instanceof Integer;
    }
}
