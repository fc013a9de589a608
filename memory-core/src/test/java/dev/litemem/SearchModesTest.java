package dev.litemem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.litemem.index.Metric;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SearchModesTest {
    @TempDir
    Path dir;
    private LiteMem mem;
    private Collection notes;

    @BeforeEach
    void fill() {
        mem = Stores.open(dir.resolve("search.db"));
        notes = mem.collection("notes");
        notes.upsertAll(List.of(
                Record.of("keys", "Rotating the production API keys happens every quarter", Map.of("team", "ops")),
                Record.of("deploy", "Deploys go out on Tuesdays after the canary passes", Map.of("team", "ops")),
                Record.of("lunch", "The team lunch is on Fridays at noon", Map.of("team", "people")),
                Record.of("backup", "Nightly backups are restored weekly to prove they work", Map.of("team", "ops"))));
    }

    @AfterEach
    void close() {
        mem.close();
    }

    @Test
    void keywordSearchRanksByBm25WithStemming() {
        List<Hit> hits = notes.search(SearchRequest.text("rotate key").mode(SearchMode.KEYWORD).k(5));
        assertEquals("keys", hits.get(0).record().id());
        assertEquals(1, hits.size(), "only the record containing the words");
        assertEquals(1, hits.get(0).keywordRank());
        assertNull(hits.get(0).semanticRank());
        assertTrue(hits.get(0).score() > 0);
    }

    @Test
    void hybridCarriesEachModesRankAndScore() {
        SearchResult result = notes.query(SearchRequest.text("when are the backups restored").k(4));
        assertEquals(SearchMode.HYBRID, result.mode());
        Hit top = result.hits().get(0);
        assertEquals("backup", top.record().id());
        assertNotNull(top.semanticRank());
        assertNotNull(top.keywordRank());
        double expected = Searcher.rrf(0.8, 20, top.semanticRank()) + Searcher.rrf(0.2, 20, top.keywordRank());
        assertEquals(expected, top.score(), 1e-6);
        assertEquals("graph", result.semanticPath());
        assertTrue(result.stepMillis().containsKey("embed") && result.stepMillis().containsKey("keyword"));
    }

    @Test
    void theKeywordIndexFollowsUpdatesAndDeletesInTheSameTransaction() {
        notes.upsert(Record.of("keys", "Certificates are renewed by the robot", Map.of()));
        assertEquals(List.of(), keyword("rotating"));
        assertEquals(List.of("keys"), keyword("certificates"));
        notes.delete("keys");
        assertEquals(List.of(), keyword("certificates"));
        assertThrows(IllegalStateException.class, () -> mem.inTransaction(h -> {
            notes.upsert(Record.of("ghost", "phantom words", Map.of()));
            throw new IllegalStateException("roll back");
        }));
        assertEquals(List.of(), keyword("phantom"));
    }

    @Test
    void queryTextCannotInjectFts5Syntax() {
        assertEquals(List.of("deploy"), keyword("canary\" OR text:* NEAR("));
        assertEquals(List.of(), keyword("*** ()"));
    }

    @Test
    void filtersPagingAndMinimumScoreApplyToEveryMode() {
        for (SearchMode mode : SearchMode.values()) {
            List<Hit> ops = notes.search(SearchRequest.text("team backups deploys keys lunch").mode(mode).k(10)
                    .where(Filter.eq("team", "ops")));
            assertTrue(ops.stream().allMatch(h -> h.record().metadata().get("team").equals("ops")), mode.id());
        }
        List<Hit> all = notes.search(SearchRequest.text("team").mode(SearchMode.SEMANTIC).k(4));
        List<Hit> second = notes.search(SearchRequest.text("team").mode(SearchMode.SEMANTIC).k(2).offset(2));
        assertEquals(all.subList(2, 4).stream().map(h -> h.record().id()).toList(),
                second.stream().map(h -> h.record().id()).toList());
        float threshold = all.get(1).score();
        List<Hit> above = notes.search(SearchRequest.text("team").mode(SearchMode.SEMANTIC).k(4).minScore(threshold));
        assertTrue(above.size() >= 2 && above.size() < 4, "hits below the minimum are dropped: " + above.size());
        above.forEach(h -> assertTrue(h.score() >= threshold));
    }

    @Test
    void mmrPrefersDiverseHits() {
        Collection v = mem.collection("v", CollectionSpec.vectors(2, Metric.COSINE));
        v.upsertAll(List.of(
                Record.builder().id("a1").vector(new float[] {1f, 0.00f}).build(),
                Record.builder().id("a2").vector(new float[] {1f, 0.01f}).build(),
                Record.builder().id("b").vector(new float[] {0.6f, 0.8f}).build()));
        List<String> plain = v.search(SearchRequest.vector(new float[] {1, 0.2f}).k(2)).stream().map(h -> h.record().id()).toList();
        List<String> diverse = v.search(SearchRequest.vector(new float[] {1, 0.2f}).k(2).mmr(0.5)).stream().map(h -> h.record().id()).toList();
        assertEquals(List.of("a2", "a1"), plain);
        assertEquals(List.of("a2", "b"), diverse);
    }

    @Test
    void vectorQueriesAreSemanticOnly() {
        float[] vector = new float[TestEmbedder.DIMENSION];
        vector[3] = 1;
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> notes.search(
                SearchRequest.vector(vector).mode(SearchMode.KEYWORD)));
        assertEquals("mode", e.field());
        assertThrows(InvalidInputException.class, () -> notes.search("   ", 3));
    }

    @Test
    void vectorAndTextRunHybridWithoutEmbeddingOnCallerVectors() {
        TestEmbedder words = new TestEmbedder();
        Collection v = mem.collection("caller", CollectionSpec.vectors(TestEmbedder.DIMENSION, Metric.COSINE));
        List<String> texts = List.of("Rotating the production API keys happens every quarter",
                "Deploys go out on Tuesdays after the canary passes", "Nightly backups are restored weekly");
        for (int i = 0; i < texts.size(); i++) {
            v.upsert(Record.builder().id("r" + i).text(texts.get(i)).vector(words.embed(texts.get(i))).build());
        }
        int embeddedBefore = words.embedded.get();
        float[] query = words.embed("when are backups restored");
        SearchResult result = v.query(SearchRequest.vectorAndText(query, "when are backups restored").k(3));
        assertEquals(SearchMode.HYBRID, result.mode());
        assertEquals("r2", result.hits().get(0).record().id());
        assertNotNull(result.hits().get(0).semanticRank());
        assertNotNull(result.hits().get(0).keywordRank());
        assertEquals(embeddedBefore + 1, words.embedded.get(), "only the test embedded the query; the store embedded nothing");
        List<Hit> keywordOnly = v.search(SearchRequest.vectorAndText(query, "canary").mode(SearchMode.KEYWORD));
        assertEquals(List.of("r1"), keywordOnly.stream().map(h -> h.record().id()).toList());
        assertThrows(InvalidInputException.class, () -> SearchRequest.vectorAndText(query, "  "));
    }

    private List<String> keyword(String text) {
        return notes.search(SearchRequest.text(text).mode(SearchMode.KEYWORD).k(10)).stream().map(h -> h.record().id()).toList();
    }
}
