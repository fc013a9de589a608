package dev.litemem.langchain4j;

import static dev.langchain4j.store.embedding.filter.MetadataFilterBuilder.metadataKey;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.langchain4j.data.document.Metadata;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.langchain4j.rag.content.Content;
import dev.langchain4j.rag.content.ContentMetadata;
import dev.langchain4j.rag.query.Query;
import dev.litemem.LiteMem;
import dev.litemem.SearchMode;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LiteMemContentRetrieverTest {
    private static final EmbeddingModel MODEL = new AllMiniLmL6V2EmbeddingModel();
    @TempDir
    static Path dir;
    private static LiteMem mem;
    private static LiteMemEmbeddingStore store;

    @BeforeAll
    static void fill() {
        mem = LiteMem.open(dir.resolve("retriever.db"));
        store = LiteMemEmbeddingStore.builder().store(mem).build();
        List<TextSegment> segments = List.of(
                TextSegment.from("Rotate the production API keys every quarter", Metadata.from("team", "ops")),
                TextSegment.from("The API keys for staging are rotated monthly", Metadata.from("team", "ops")),
                TextSegment.from("Staging keys rotate every month, on the first Monday", Metadata.from("team", "ops")),
                TextSegment.from("The team lunch is on Fridays at noon", Metadata.from("team", "people")),
                TextSegment.from("Holiday requests go to your manager two weeks ahead", Metadata.from("team", "people")));
        store.addAll(MODEL.embedAll(segments).content(), segments);
    }

    @AfterAll
    static void close() {
        mem.close();
    }

    @Test
    void hybridIsTheDefaultAndScoresAreCosineRelevance() {
        List<Content> found = LiteMemContentRetriever.builder().embeddingStore(store).embeddingModel(MODEL).maxResults(2)
                .build().retrieve(Query.from("when do we rotate the production keys?"));
        assertEquals(2, found.size());
        assertEquals("Rotate the production API keys every quarter", found.get(0).textSegment().text());
        double score = (Double) found.get(0).metadata().get(ContentMetadata.SCORE);
        assertTrue(score > 0.5 && score <= 1, "relevance in (0.5, 1]: " + score);
        assertTrue(found.get(0).metadata().get(ContentMetadata.EMBEDDING_ID) instanceof String);
    }

    @Test
    void filtersKeywordModeAndMinScore() {
        List<Content> people = LiteMemContentRetriever.builder().embeddingStore(store).embeddingModel(MODEL).maxResults(5)
                .filter(metadataKey("team").isEqualTo("people")).build().retrieve(Query.from("keys"));
        assertEquals(2, people.size());
        people.forEach(c -> assertEquals("people", c.textSegment().metadata().getString("team")));

        List<Content> keyword = LiteMemContentRetriever.builder().embeddingStore(store).mode(SearchMode.KEYWORD)
                .maxResults(5).build().retrieve(Query.from("lunch"));
        assertEquals(List.of("The team lunch is on Fridays at noon"), keyword.stream().map(c -> c.textSegment().text()).toList());

        List<Content> none = LiteMemContentRetriever.builder().embeddingStore(store).embeddingModel(MODEL).minScore(0.99)
                .build().retrieve(Query.from("what is the capital of France?"));
        assertTrue(none.isEmpty());
        assertThrows(IllegalArgumentException.class, () -> LiteMemContentRetriever.builder().embeddingStore(store).build());
    }

    @Test
    void mmrTradesANearDuplicateForSomethingNew() {
        LiteMemContentRetriever.Builder base = LiteMemContentRetriever.builder().embeddingStore(store).embeddingModel(MODEL)
                .mode(SearchMode.SEMANTIC).maxResults(2);
        List<String> plain = texts(base.build().retrieve(Query.from("staging API keys rotation")));
        List<String> diverse = texts(base.mmr(0.3).build().retrieve(Query.from("staging API keys rotation")));
        assertTrue(plain.stream().allMatch(t -> t.contains("taging")), "both near-duplicates about staging: " + plain);
        assertEquals(plain.get(0), diverse.get(0));
        assertTrue(!diverse.get(1).contains("taging"), "MMR picks something other than the second staging note: " + diverse);
    }

    private static List<String> texts(List<Content> contents) {
        return contents.stream().map(c -> c.textSegment().text()).toList();
    }
}
