package dev.litemem.springai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.litemem.Embedders;
import dev.litemem.LiteMem;
import dev.litemem.LiteMemOptions;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.ai.document.Document;
import org.springframework.ai.vectorstore.SearchRequest;
import org.springframework.ai.vectorstore.filter.FilterExpressionBuilder;

class LiteMemVectorStoreTest {
    @TempDir
    static Path dir;
    private static final TestObservationRegistry OBSERVATIONS = TestObservationRegistry.create();
    private static LiteMem mem;
    private static LiteMemVectorStore store;

    @BeforeAll
    static void fill() {
        mem = LiteMem.open(dir.resolve("spring.db"));
        store = LiteMemVectorStore.builder(mem, new LiteMemEmbeddingModel(Embedders.bundled()))
                .collection("docs").observationRegistry(OBSERVATIONS).build();
        store.add(List.of(
                new Document("k1", "Rotate the production API keys every quarter", Map.of("team", "ops", "year", 2023, "pinned", true)),
                new Document("k2", "Staging keys rotate every month", Map.of("team", "ops", "year", 2024)),
                new Document("l1", "The team lunch is on Fridays at noon", Map.of("team", "people", "year", 2022, "room", "B")),
                new Document("h1", "Holiday requests go to your manager two weeks ahead", Map.of("team", "people", "year", 2024))));
    }

    @AfterAll
    static void close() {
        mem.close();
    }

    @Test
    void similaritySearchWithTopKThresholdAndScores() {
        List<Document> top = store.similaritySearch(SearchRequest.builder().query("when do we rotate production keys?")
                .topK(2).build());
        assertThat(top).extracting(Document::getId).containsExactly("k1", "k2");
        assertThat(top.get(0).getScore()).isBetween(0.5, 1.0);
        assertThat(top.get(0).getScore()).isGreaterThan(top.get(1).getScore());
        assertThat((Float) top.get(0).getMetadata().get("distance")).isCloseTo((float) (1 - top.get(0).getScore()),
                org.assertj.core.data.Offset.offset(1e-6f));
        assertThat(top.get(0).getMetadata()).containsEntry("team", "ops").containsEntry("year", 2023).containsEntry("pinned", true);

        double second = top.get(1).getScore();
        List<Document> above = store.similaritySearch(SearchRequest.builder().query("when do we rotate production keys?")
                .topK(4).similarityThreshold(second + 0.001).build());
        assertThat(above).extracting(Document::getId).containsExactly("k1");
    }

    @Test
    void filterExpressionsRunInLiteMem() {
        assertThat(ids("team == 'ops' && year >= 2024")).containsExactly("k2");
        assertThat(ids("team != 'ops'")).containsExactlyInAnyOrder("l1", "h1");
        assertThat(ids("year > 2022 && year < 2024")).containsExactly("k1");
        assertThat(ids("year <= 2022 || pinned == true")).containsExactlyInAnyOrder("l1", "k1");
        assertThat(ids("team in ['people'] && year nin [2022]")).containsExactly("h1");
        assertThat(ids("NOT (team == 'ops')")).containsExactlyInAnyOrder("l1", "h1");
        assertThat(ids("room IS NULL")).containsExactlyInAnyOrder("k1", "k2", "h1");
        assertThat(ids("room IS NOT NULL")).containsExactly("l1");
        FilterExpressionBuilder b = new FilterExpressionBuilder();
        assertThat(store.similaritySearch(SearchRequest.builder().query("keys").topK(4)
                .filterExpression(b.and(b.eq("team", "ops"), b.lt("year", 2024)).build()).build()))
                .extracting(Document::getId).containsExactly("k1");
    }

    @Test
    void operationsAreObservedUnderTheLiteMemName() {
        store.similaritySearch(SearchRequest.builder().query("lunch").topK(1).build());
        TestObservationRegistryAssert.assertThat(OBSERVATIONS).hasObservationWithNameEqualTo("db.vector.client.operation")
                .that().hasLowCardinalityKeyValue("db.system", LiteMemVectorStore.DB_SYSTEM);
    }

    @Test
    void replacingAndDeletingAndBadFilters() {
        try (LiteMem other = LiteMem.open(dir.resolve("other.db"), LiteMemOptions.builder().useBundledEmbedder(false).build())) {
            LiteMemVectorStore s = LiteMemVectorStore.builder(other, new LiteMemEmbeddingModel(Embedders.bundled())).build();
            assertThat(s.similaritySearch("anything")).isEmpty();
            s.add(List.of(new Document("a", "first text", Map.of("v", 1))));
            s.add(List.of(new Document("a", "second text", Map.of("v", 2))));
            List<Document> found = s.similaritySearch(SearchRequest.builder().query("second").topK(5).build());
            assertThat(found).hasSize(1);
            assertThat(found.get(0).getText()).isEqualTo("second text");
            assertThat(s.collection().orElseThrow().info().spec().model()).isEqualTo(Embedders.bundled().modelId());
            assertThatThrownBy(() -> s.delete("v == ")).isInstanceOf(RuntimeException.class);
            s.delete("v == 2");
            assertThat(s.similaritySearch("second")).isEmpty();
        }
    }

    private static List<String> ids(String filter) {
        return store.similaritySearch(SearchRequest.builder().query("keys").topK(10).filterExpression(filter).build())
                .stream().map(Document::getId).toList();
    }
}
