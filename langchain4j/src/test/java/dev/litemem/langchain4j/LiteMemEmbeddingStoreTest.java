package dev.litemem.langchain4j;

import static dev.langchain4j.store.embedding.filter.MetadataFilterBuilder.metadataKey;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.langchain4j.data.document.Metadata;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.store.embedding.EmbeddingMatch;
import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
import dev.litemem.InvalidInputException;
import dev.litemem.LiteMem;
import dev.litemem.LiteMemOptions;
import dev.litemem.Record;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What LangChain4j's kit does not pin down: hybrid search, the file across reopening, LiteMem's own limits. */
class LiteMemEmbeddingStoreTest {
    private static final LiteMemOptions NO_MODEL = LiteMemOptions.builder().useBundledEmbedder(false).build();
    @TempDir
    Path dir;

    @Test
    void queryTextRunsHybridSearchAndScoresStayCosineRelevance() {
        try (LiteMem mem = LiteMem.open(dir.resolve("hybrid.db"), NO_MODEL)) {
            LiteMemEmbeddingStore store = LiteMemEmbeddingStore.builder().store(mem).build();
            store.addAll(List.of("a", "b", "c"),
                    List.of(Embedding.from(new float[] {1, 0, 0}), Embedding.from(new float[] {0.9f, 0.1f, 0}),
                            Embedding.from(new float[] {0, 0, 1})),
                    List.of(TextSegment.from("alpha notes"), TextSegment.from("beta notes"), TextSegment.from("the zebra")));
            Embedding query = Embedding.from(new float[] {1, 0, 0});

            List<EmbeddingMatch<TextSegment>> vectorOnly = store.search(EmbeddingSearchRequest.builder()
                    .queryEmbedding(query).maxResults(2).build()).matches();
            assertEquals(List.of("a", "b"), ids(vectorOnly));

            // The keyword side finds "zebra", which fusion ranks first; its score is still its cosine relevance.
            List<EmbeddingMatch<TextSegment>> hybrid = store.search(EmbeddingSearchRequest.builder()
                    .queryEmbedding(query).query("zebra").maxResults(2).build()).matches();
            assertEquals(List.of("c", "a"), ids(hybrid));
            assertEquals(0.5, hybrid.get(0).score(), 1e-6, "cosine 0 is relevance 0.5");
            assertEquals(1.0, hybrid.get(1).score(), 1e-6);

            LiteMemEmbeddingStore vectorOnlyStore = LiteMemEmbeddingStore.builder().store(mem).hybridSearch(false).build();
            assertEquals(List.of("a", "b"), ids(vectorOnlyStore.search(EmbeddingSearchRequest.builder()
                    .queryEmbedding(query).query("zebra").maxResults(2).build()).matches()), "hybridSearch(false)");

            List<EmbeddingMatch<TextSegment>> aboveHalf = store.search(EmbeddingSearchRequest.builder()
                    .queryEmbedding(query).query("zebra").maxResults(2).minScore(0.6).build()).matches();
            assertEquals(List.of("a"), ids(aboveHalf));
        }
    }

    @Test
    void typedMetadataAndFiltersSurviveReopeningTheFile() {
        UUID uuid = UUID.randomUUID();
        Metadata metadata = new Metadata().put("uuid", uuid).put("small_long", 7L).put("int", 7).put("float", 1.1f)
                .put("double", 1.1d).put("text", "x");
        Path file = dir.resolve("reopen.db");
        try (LiteMem mem = LiteMem.open(file, NO_MODEL)) {
            LiteMemEmbeddingStore.builder().store(mem).build()
                    .add(Embedding.from(new float[] {1, 0}), TextSegment.from("typed", metadata));
        }
        try (LiteMem mem = LiteMem.open(file, NO_MODEL)) {
            LiteMemEmbeddingStore store = LiteMemEmbeddingStore.builder().store(mem).build();
            List<EmbeddingMatch<TextSegment>> found = store.search(EmbeddingSearchRequest.builder()
                    .queryEmbedding(Embedding.from(new float[] {1, 0}))
                    .filter(metadataKey("small_long").isGreaterThan(6L).and(metadataKey("float").isEqualTo(1.1f))
                            .and(metadataKey("uuid").isIn(uuid)))
                    .build()).matches();
            assertEquals(1, found.size());
            assertEquals(metadata, found.get(0).embedded().metadata(), "the same keys, values and Java types");
            assertEquals(Long.class, found.get(0).embedded().metadata().toMap().get("small_long").getClass());
            // Numbers compare as numbers, not as text ("10" < "9" as text).
            store.add(Embedding.from(new float[] {0, 1}), TextSegment.from("ten", new Metadata().put("n", 10)));
            assertEquals(1, store.search(EmbeddingSearchRequest.builder().queryEmbedding(Embedding.from(new float[] {0, 1}))
                    .filter(metadataKey("n").isGreaterThan(9)).build()).matches().size());
        }
    }

    @Test
    void recordsWrittenByOtherClientsReadAsLangChain4jMetadata() {
        try (LiteMem mem = LiteMem.open(dir.resolve("other.db"), NO_MODEL)) {
            LiteMemEmbeddingStore store = LiteMemEmbeddingStore.builder().store(mem).collection("shared").dimension(2).build();
            mem.collection("shared").upsert(Record.builder().id("r1").text("from the CLI").vector(new float[] {1, 0})
                    .metadata(Map.of("pinned", true, "tags", List.of("a"), "year", 2024)).build());
            Metadata read = store.search(EmbeddingSearchRequest.builder().queryEmbedding(Embedding.from(new float[] {1, 0}))
                    .build()).matches().get(0).embedded().metadata();
            assertEquals("true", read.getString("pinned"));
            assertEquals(2024, read.getInteger("year"));
            assertTrue(read.containsKey("tags"));
        }
    }

    @Test
    void badInputIsRefusedWithAClearMessageAndNothingIsWritten() {
        try (LiteMem mem = LiteMem.open(dir.resolve("bad.db"), NO_MODEL)) {
            LiteMemEmbeddingStore store = LiteMemEmbeddingStore.builder().store(mem).build();
            store.add(Embedding.from(new float[] {1, 0}));
            InvalidInputException wrongDimension = assertThrows(InvalidInputException.class,
                    () -> store.addAll(List.of(Embedding.from(new float[] {0, 1}), Embedding.from(new float[] {1, 0, 0}))));
            assertTrue(wrongDimension.getMessage().contains("3 dimensions"), wrongDimension.getMessage());
            IllegalArgumentException dotted = assertThrows(IllegalArgumentException.class,
                    () -> store.removeAll(metadataKey("a.b").isEqualTo("x")));
            assertTrue(dotted.getMessage().contains("'a.b'"), dotted.getMessage());
            assertThrows(IllegalArgumentException.class, () -> store.add(Embedding.from(new float[] {1, 0}),
                    TextSegment.from("x", new Metadata().put("@types", "mine"))));
            assertThrows(UnsupportedOperationException.class,
                    () -> store.removeAll(metadataKey("k").containsString("x")));
            assertEquals(1, mem.collection("langchain4j").count(), "the failed calls wrote nothing");
        }
    }

    private static List<String> ids(List<EmbeddingMatch<TextSegment>> matches) {
        return matches.stream().map(EmbeddingMatch::embeddingId).toList();
    }
}
