package dev.litemem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.litemem.index.Metric;
import dev.litemem.internal.search.HybridFusion;
import dev.litemem.testing.TempStores;
import dev.litemem.testing.WordHashEmbedder;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class SearchModesTest {
    @RegisterExtension
    final TempStores stores = new TempStores();
    private LiteMem mem;
    private Collection notes;

    @BeforeEach
    void fill() {
        mem = stores.open(stores.path("search.db"));
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
    void aFilteredSearchRunsItsFilterOnce() {
        List<String> statements = new CopyOnWriteArrayList<>();
        mem.database().onStatement(statements::add);
        Filter ops = Filter.eq("team", "ops");
        for (SearchMode mode : SearchMode.values()) {
            statements.clear();
            SearchResult result = notes.query(SearchRequest.text("backups restored weekly").mode(mode).where(ops).k(3));
            assertEquals(3L, result.filterCandidates());
            List<String> filtering = statements.stream().filter(sql -> sql.contains("json_extract(r.metadata")).toList();
            // Once for the filter's rows (semantic, hybrid) or its count (keyword), once inside the keyword query.
            int expected = mode == SearchMode.SEMANTIC ? 1 : 2;
            assertEquals(expected, filtering.size(), mode + ": " + filtering);
            assertEquals(1, filtering.stream().filter(sql -> !sql.contains("records_fts")).count(), mode + ": " + filtering);
        }
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
        double expected = HybridFusion.rrf(SearchRequest.DEFAULT_SEMANTIC_WEIGHT, SearchRequest.DEFAULT_RRF_K, top.semanticRank())
                + HybridFusion.rrf(1 - SearchRequest.DEFAULT_SEMANTIC_WEIGHT, SearchRequest.DEFAULT_RRF_K, top.keywordRank());
        assertEquals(expected, top.score(), 1e-6);
        assertEquals("graph", result.semanticPath());
        assertTrue(result.stepMillis().containsKey("embed") && result.stepMillis().containsKey("keyword"));
    }

    @Test
    void scoreFusionsCombineEachSidesNormalizedScores() {
        String query = "when are backups restored and deploys done";
        for (Fusion fusion : List.of(Fusion.MIN_MAX, Fusion.Z_SCORE)) {
            List<Hit> hits = notes.search(SearchRequest.text(query).k(4).fusion(fusion).semanticWeight(0.6));
            assertEquals(4, hits.size(), "every record is a candidate of the semantic side");
            assertTrue(hits.stream().anyMatch(h -> h.keywordRank() == null), "a row the keyword side did not return");
            double[] s = hits.stream().mapToDouble(Hit::semanticScore).toArray();
            double[] k = hits.stream().filter(h -> h.keywordScore() != null).mapToDouble(Hit::keywordScore).toArray();
            for (Hit h : hits) {
                double a = normalized(fusion, s, h.semanticScore());
                double b = normalized(fusion, k, h.keywordScore());
                assertEquals(0.6 * a + 0.4 * b, h.score(), 1e-5, fusion + " " + h.record().id());
            }
            assertEquals("backup", hits.get(0).record().id(), fusion.id());
        }
        assertEquals(Fusion.MIN_MAX, Fusion.fromId("min-max"));
        assertEquals("fusion", assertThrows(InvalidInputException.class, () -> Fusion.fromId("mean")).field());
    }

    private static double normalized(Fusion fusion, double[] side, Float score) {
        double min = java.util.Arrays.stream(side).min().orElseThrow();
        double max = java.util.Arrays.stream(side).max().orElseThrow();
        if (fusion == Fusion.MIN_MAX) {
            return score == null ? 0 : (score - min) / (max - min);
        }
        double mean = java.util.Arrays.stream(side).average().orElseThrow();
        double sd = Math.sqrt(java.util.Arrays.stream(side).map(x -> (x - mean) * (x - mean)).sum() / side.length);
        return ((score == null ? min : score) - mean) / sd;
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
        float[] vector = new float[WordHashEmbedder.DIMENSION];
        vector[3] = 1;
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> notes.search(
                SearchRequest.vector(vector).mode(SearchMode.KEYWORD)));
        assertEquals("mode", e.field());
        assertThrows(InvalidInputException.class, () -> notes.search("   ", 3));
    }

    @Test
    void vectorAndTextRunHybridWithoutEmbeddingOnCallerVectors() {
        WordHashEmbedder words = new WordHashEmbedder();
        Collection v = mem.collection("caller", CollectionSpec.vectors(WordHashEmbedder.DIMENSION, Metric.COSINE));
        List<String> texts = List.of("Rotating the production API keys happens every quarter",
                "Deploys go out on Tuesdays after the canary passes", "Nightly backups are restored weekly");
        for (int i = 0; i < texts.size(); i++) {
            v.upsert(Record.builder().id("r" + i).text(texts.get(i)).vector(words.embed(texts.get(i))).build());
        }
        int embeddedBefore = words.embeddedTexts();
        float[] query = words.embed("when are backups restored");
        SearchResult result = v.query(SearchRequest.vectorAndText(query, "when are backups restored").k(3));
        assertEquals(SearchMode.HYBRID, result.mode());
        assertEquals("r2", result.hits().get(0).record().id());
        assertNotNull(result.hits().get(0).semanticRank());
        assertNotNull(result.hits().get(0).keywordRank());
        assertEquals(embeddedBefore + 1, words.embeddedTexts(), "only the test embedded the query; the store embedded nothing");
        List<Hit> keywordOnly = v.search(SearchRequest.vectorAndText(query, "canary").mode(SearchMode.KEYWORD));
        assertEquals(List.of("r1"), keywordOnly.stream().map(h -> h.record().id()).toList());
        assertThrows(InvalidInputException.class, () -> SearchRequest.vectorAndText(query, "  "));
    }

    private List<String> keyword(String text) {
        return notes.search(SearchRequest.text(text).mode(SearchMode.KEYWORD).k(10)).stream().map(h -> h.record().id()).toList();
    }
}
