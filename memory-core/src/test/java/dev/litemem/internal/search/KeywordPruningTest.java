package dev.litemem.internal.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.litemem.Filter;
import dev.litemem.LiteMem;
import dev.litemem.LiteMemOptions;
import dev.litemem.Record;
import dev.litemem.internal.filter.SqlWhere;
import dev.litemem.internal.store.Database;
import dev.litemem.testing.TempStores;
import dev.litemem.testing.WordHashEmbedder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Keyword pruning ({@link TopBm25}) returns exactly what scoring every match returns: rows, scores, order, ties. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KeywordPruningTest {
    @RegisterExtension
    static final TempStores stores = new TempStores();
    private static final LiteMemOptions OPTIONS = LiteMemOptions.builder().embedder(new WordHashEmbedder()).build();
    private Path file;

    /**
     * 7,000 texts of Zipf-distributed words over a 3,000-word vocabulary (so the most common words are in more than half
     * of them), in two collections, half of one tagged; plus 300 long texts with both "apple" and "banana" and one
     * short text "apple apple apple": its exact score beats them, its bound (one word) is below theirs (two words).
     */
    @BeforeAll
    void fill() {
        file = stores.path("prune.db");
        Random random = new Random(42);
        double[] cumulative = new double[3_000];
        double sum = 0;
        for (int i = 0; i < cumulative.length; i++) {
            sum += 1.0 / (i + 1);
            cumulative[i] = sum;
        }
        try (LiteMem mem = stores.open(file, OPTIONS)) {
            for (String name : List.of("docs", "other")) {
                List<Record> records = new ArrayList<>();
                int count = name.equals("docs") ? 5_000 : 2_000;
                for (int i = 0; i < count; i++) {
                    records.add(Record.of(name + i, text(random, cumulative, 3 + random.nextInt(25)), Map.of("g", i % 2 == 0 ? "even" : "odd")));
                }
                if (name.equals("docs")) {
                    for (int i = 0; i < 300; i++) {
                        records.add(Record.of("long" + i, "apple banana " + text(random, cumulative, 200), Map.of("g", "odd")));
                    }
                    records.add(Record.of("short", "apple apple apple", Map.of("g", "odd")));
                }
                mem.collection(name).upsertAll(records);
            }
        }
    }

    private static String text(Random random, double[] cumulative, int words) {
        StringBuilder sb = new StringBuilder();
        for (int w = 0; w < words; w++) {
            double x = random.nextDouble() * cumulative[cumulative.length - 1];
            int at = java.util.Arrays.binarySearch(cumulative, x);
            sb.append(w == 0 ? "" : " ").append("w").append(at < 0 ? -at - 1 : at);
        }
        return sb.toString();
    }

    @Test
    void thePrunedTopIsTheExactTopForEveryQueryDepthAndFilter() {
        Random random = new Random(5);
        int pruned = 0;
        try (Database db = Database.open(file, OPTIONS)) {
            long docs = db.read(h -> h.createQuery("SELECT id FROM collections WHERE name = 'docs'").mapTo(Long.class).one());
            List<SqlWhere> wheres = List.of(SqlWhere.of(docs, null), SqlWhere.of(docs, Filter.eq("g", "even")));
            for (int i = 0; i < 150; i++) {
                StringBuilder query = new StringBuilder();
                int words = 2 + random.nextInt(6);
                for (int w = 0; w < words; w++) {
                    // Mostly common words (large matches), some rarer ones.
                    query.append(" w").append(random.nextInt(4) == 0 ? random.nextInt(2_000) : random.nextInt(30));
                }
                List<String> phrases = KeywordSearch.phrases(query.toString());
                String match = String.join(" OR ", phrases);
                for (SqlWhere where : wheres) {
                    for (int n : new int[] {1, 10, 40}) {
                        List<KeywordSearch.Scored> exact = db.read(h -> KeywordSearch.ranked(h, where, match, n, null));
                        List<KeywordSearch.Scored> got = db.read(h -> KeywordSearch.pruned(h, where, phrases, match, n, 0));
                        if (got != null) {
                            pruned++;
                            assertEquals(exact, got, query + " n=" + n);
                        }
                    }
                }
            }
        }
        assertTrue(pruned > 300, "pruning answered " + pruned + " of 900 searches");
    }

    @Test
    void aRowWithALowBoundAndAHighScoreIsNotLeftOut() {
        try (Database db = Database.open(file, OPTIONS)) {
            long docs = db.read(h -> h.createQuery("SELECT id FROM collections WHERE name = 'docs'").mapTo(Long.class).one());
            SqlWhere where = SqlWhere.of(docs, null);
            List<String> phrases = KeywordSearch.phrases("apple banana");
            String match = String.join(" OR ", phrases);
            List<KeywordSearch.Scored> exact = db.read(h -> KeywordSearch.ranked(h, where, match, 1, null));
            long shortRow = db.read(h -> h.createQuery("SELECT row_id FROM records WHERE id = 'short'").mapTo(Long.class).one());
            assertEquals(shortRow, exact.get(0).rowId(), "the short text scores best");
            // The first round scores the 100 rows of best bound (all long texts): the short one is outside, so the
            // answer must come from a later round or from scoring every match, never from the first round alone.
            List<KeywordSearch.Scored> got = db.read(h -> KeywordSearch.pruned(h, where, phrases, match, 1, 0));
            if (got != null) {
                assertEquals(exact, got);
            }
            TopBm25 bounds = db.read(h -> TopBm25.of(h, phrases, 0));
            assertNotNull(bounds);
            assertEquals(7_301, bounds.rows());
            assertEquals(301, bounds.matches(0), "apple");
            double[] outside = new double[1];
            long[] first = bounds.best(KeywordSearch.FIRST_MIN, outside);
            assertTrue(java.util.Arrays.stream(first).noneMatch(r -> r == shortRow), "the short text's bound is below");
            assertTrue(outside[0] >= exact.get(0).score(), "a bound is never below the exact score");
        }
    }

    @Test
    void rowIdsAndVarintsParse() {
        assertEquals(List.of(1L, 22L, 333L), java.util.Arrays.stream(TopBm25.rowIds("1,22,333")).boxed().toList());
        assertEquals(0, TopBm25.rowIds(null).length);
        assertEquals(7_301, TopBm25.firstVarint(new byte[] {(byte) 0xb9, 0x05, 0x00}));
        assertEquals(5, TopBm25.firstVarint(new byte[] {0x05, 0x10}));
    }
}
