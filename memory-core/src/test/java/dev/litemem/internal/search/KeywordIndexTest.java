package dev.litemem.internal.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.litemem.Collection;
import dev.litemem.Filter;
import dev.litemem.LiteMem;
import dev.litemem.LiteMemInternals;
import dev.litemem.LiteMemOptions;
import dev.litemem.Record;
import dev.litemem.SearchMode;
import dev.litemem.SearchRequest;
import dev.litemem.internal.filter.SqlWhere;
import dev.litemem.internal.keyword.KeywordIndexes;
import dev.litemem.internal.keyword.KeywordView;
import dev.litemem.internal.store.Database;
import dev.litemem.memory.Scope;
import dev.litemem.testing.TempStores;
import dev.litemem.testing.WordHashEmbedder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The in-memory keyword index ranks exactly as FTS5's bm25() (rows, scores bit for bit, order, ties by row id), and a
 * search never uses it when it is not FTS5's index at the search's snapshot: writes through this store, through a
 * second store on the same file, and a file replaced by an older copy.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KeywordIndexTest {
    @RegisterExtension
    static final TempStores stores = new TempStores();
    private static final LiteMemOptions OPTIONS = LiteMemOptions.builder().embedder(new WordHashEmbedder()).build();
    /** Words with accents, digits and stems in common, then w0..w399, drawn by a Zipf law. */
    private static final List<String> WORDS = new ArrayList<>(List.of("café", "cafe", "CAFÉ", "naïve", "naive",
            "Ñandú", "résumé", "resume", "2024", "x2", "42", "running", "runs", "run", "runner", "Straße", "über"));
    private final double[] cumulative = new double[420];
    private long previousMinRows;

    @BeforeAll
    void setUp() {
        previousMinRows = KeywordIndexes.minRows(0);
        for (int i = 0; WORDS.size() < cumulative.length; i++) {
            WORDS.add("w" + i);
        }
        double sum = 0;
        for (int i = 0; i < cumulative.length; i++) {
            sum += 1.0 / (i + 1);
            cumulative[i] = sum;
        }
    }

    @AfterAll
    void tearDown() {
        KeywordIndexes.minRows(previousMinRows);
    }

    private String word(Random random) {
        int at = java.util.Arrays.binarySearch(cumulative, random.nextDouble() * cumulative[cumulative.length - 1]);
        return WORDS.get(at < 0 ? -at - 1 : at);
    }

    /** Empty-ish (no token), repeated words, or 1-40 Zipf words. */
    private String text(Random random) {
        int kind = random.nextInt(20);
        if (kind == 0) {
            return "...";
        }
        if (kind == 1) {
            String w = word(random);
            return (w + " ").repeat(1 + random.nextInt(6)) + word(random);
        }
        StringBuilder sb = new StringBuilder();
        int words = 1 + random.nextInt(40);
        for (int i = 0; i < words; i++) {
            sb.append(i == 0 ? "" : random.nextInt(8) == 0 ? ", " : " ").append(word(random));
        }
        return sb.toString();
    }

    private void write(LiteMem mem, Random random, int inserts, int updates, int deletes, String tag) {
        for (String name : List.of("docs", "other")) {
            Collection c = mem.collection(name);
            List<Record> records = new ArrayList<>();
            for (int i = 0; i < inserts; i++) {
                records.add(Record.of(name + "-" + tag + "-" + i, text(random), Map.of("g", random.nextBoolean() ? "even" : "odd")));
            }
            for (int i = 0; i < updates; i++) { // same id, new text
                records.add(Record.of(name + "-0-" + random.nextInt(200), text(random), Map.of("g", "odd")));
            }
            c.upsertAll(records);
            List<String> gone = new ArrayList<>();
            for (int i = 0; i < deletes; i++) {
                gone.add(name + "-0-" + random.nextInt(400));
            }
            c.deleteAll(gone);
        }
        for (int i = 0; i < inserts / 20; i++) {
            mem.memory().remember(Scope.forUser(random.nextBoolean() ? "alice" : "bob"), text(random) + " m" + tag + i);
        }
    }

    private List<SqlWhere> wheres(Database db) {
        long docs = collection(db, "docs");
        long other = collection(db, "other");
        long memories = collection(db, "_memories");
        return List.of(SqlWhere.of(docs, null), SqlWhere.of(docs, Filter.eq("g", "even")), SqlWhere.of(other, null),
                SqlWhere.of(memories, null).joined("memories", "m", "m.user_id = ?", new ArrayList<>(List.of("alice"))));
    }

    private static long collection(Database db, String name) {
        return db.read(h -> h.createQuery("SELECT id FROM collections WHERE name = ?").bind(0, name).mapTo(Long.class).one());
    }

    private String query(Random random) {
        StringBuilder q = new StringBuilder();
        int words = 1 + random.nextInt(6);
        for (int i = 0; i < words; i++) {
            q.append(i == 0 ? "" : " ").append(random.nextInt(10) == 0 ? "zzz" + random.nextInt(3) : word(random));
        }
        return q.toString();
    }

    /**
     * Every query, filter and depth through the index equals FTS5's plain query (bm25 of every match); returns how many
     * the index answered (it returns null when it cannot).
     */
    private int compare(Database db, Random random, int queries) {
        int answered = 0;
        List<SqlWhere> wheres = wheres(db);
        for (int i = 0; i < queries; i++) {
            String text = query(random);
            List<String> phrases = KeywordSearch.phrases(text);
            String match = String.join(" OR ", phrases);
            for (SqlWhere where : wheres) {
                for (int n : new int[] {1, 10, 100}) {
                    List<KeywordSearch.Scored> exact = db.read(h -> KeywordSearch.ranked(h, where, match, n, null));
                    List<KeywordSearch.Scored> got = db.read(h -> h.inTransaction(t -> KeywordSearch.indexed(db, t, where, phrases, n)));
                    if (got != null) {
                        answered++;
                        assertEquals(exact, got, text + " n=" + n + " " + where.sql());
                    }
                    // And through the search itself, whichever path it takes.
                    Map<Long, Candidate> candidates = new LinkedHashMap<>();
                    KeywordSearch.search(db, where, text, n, candidates);
                    List<Candidate> ranked = new ArrayList<>(candidates.values());
                    ranked.sort(Comparator.comparingInt(c -> c.keywordRank));
                    assertEquals(exact.stream().map(KeywordSearch.Scored::rowId).toList(),
                            ranked.stream().map(c -> c.rowId).toList(), text + " n=" + n);
                }
            }
        }
        return answered;
    }

    private static void awaitBuild(KeywordIndexes indexes, int count) throws InterruptedException {
        assertTrue(indexes.awaitBuilds(count, Duration.ofSeconds(60)), "the keyword index was built " + indexes.builds() + " times");
    }

    @Test
    void everySearchIsFts5sExactlyThroughWritesOfTwoStoresAndAReplacedFile() throws Exception {
        Path file = stores.path("kw.db");
        Path older = stores.path("kw-older.db");
        Random random = new Random(7);
        try (LiteMem mem = stores.open(file, OPTIONS); LiteMem second = stores.open(file, OPTIONS)) {
            write(mem, random, 1_500, 0, 0, "0");
            Database db = LiteMemInternals.database(mem);
            KeywordIndexes indexes = KeywordIndexes.of(db);
            compare(db, random, 1); // finds no index: schedules the build
            awaitBuild(indexes, 1);
            int answered = compare(db, random, 25);
            assertTrue(answered >= 25 * 4 * 2, "the index answered " + answered + " of 300 searches");
            for (int round = 1; round <= 6; round++) {
                if (round == 3) {
                    db.copyInto(older);
                }
                // Writes through this store and through the second one: the index catches up from the change log
                // (and is rebuilt in the background once enough rows changed).
                write(round % 2 == 0 ? mem : second, random, 60, 40, 30, String.valueOf(round));
                if (round == 1) {
                    KeywordView view = db.read(h -> h.inTransaction(t -> indexes.current(t)));
                    assertNotNull(view, "caught up");
                    assertTrue(view.caughtUp() > 100, "changed rows applied: " + view.caughtUp());
                }
                int got = compare(db, random, 25);
                assertTrue(got >= 25 * 4 * 2, "round " + round + ": the index answered " + got + " of 300 searches");
                answered += got;
            }
            assertTrue(answered > 1_500, "answered " + answered);
        }
        // The file replaced by an older copy: a store opened on it builds and answers from that file.
        Files.copy(older, file, StandardCopyOption.REPLACE_EXISTING);
        try (LiteMem mem = stores.open(file, OPTIONS)) {
            Database db = LiteMemInternals.database(mem);
            KeywordIndexes indexes = KeywordIndexes.of(db);
            compare(db, random, 1);
            awaitBuild(indexes, 1);
            assertTrue(compare(db, random, 25) > 0);
        }
    }

    @Test
    void aRowWrittenOrDeletedByAnotherStoreIsFoundOrGoneAtOnce() throws Exception {
        Path file = stores.path("kw-other.db");
        Random random = new Random(11);
        try (LiteMem mem = stores.open(file, OPTIONS); LiteMem second = stores.open(file, OPTIONS)) {
            write(mem, random, 300, 0, 0, "0");
            Database db = LiteMemInternals.database(mem);
            KeywordIndexes indexes = KeywordIndexes.of(db);
            compare(db, random, 1);
            awaitBuild(indexes, 1);
            SqlWhere where = SqlWhere.of(collection(db, "docs"), null);
            List<String> phrases = KeywordSearch.phrases("qqqfresh w1");
            assertNotNull(db.read(h -> h.inTransaction(t -> KeywordSearch.indexed(db, t, where, phrases, 5))));
            second.collection("docs").upsert(Record.of("fresh", "qqqfresh words", Map.of()));
            // The built index does not hold the new row: without the catch-up, "fresh" would be missing.
            List<KeywordSearch.Scored> caughtUp = db.read(h -> h.inTransaction(t -> KeywordSearch.indexed(db, t, where, phrases, 5)));
            assertEquals(db.read(h -> KeywordSearch.ranked(h, where, String.join(" OR ", phrases), 5, null)), caughtUp);
            Map<Long, Candidate> candidates = new LinkedHashMap<>();
            KeywordSearch.search(db, where, "qqqfresh w1", 5, candidates);
            long fresh = db.read(h -> h.createQuery("SELECT row_id FROM records WHERE id = 'fresh'").mapTo(Long.class).one());
            assertEquals(1, candidates.get(fresh).keywordRank);
            assertEquals(fresh, caughtUp.get(0).rowId());
            // Deleted by the other store: gone at once too.
            second.collection("docs").delete("fresh");
            assertTrue(db.read(h -> h.inTransaction(t -> KeywordSearch.indexed(db, t, where, KeywordSearch.phrases("qqqfresh"), 5))).isEmpty());
        }
    }

    @Test
    void aSearchInsideTheCallersTransactionSeesItsUncommittedRows() throws Exception {
        Path file = stores.path("kw-tx.db");
        Random random = new Random(13);
        try (LiteMem mem = stores.open(file, OPTIONS)) {
            write(mem, random, 300, 0, 0, "0");
            Database db = LiteMemInternals.database(mem);
            KeywordIndexes indexes = KeywordIndexes.of(db);
            compare(db, random, 1);
            awaitBuild(indexes, 1);
            Collection docs = mem.collection("docs");
            SearchRequest request = SearchRequest.text("qqqpending w1").mode(SearchMode.KEYWORD).k(3);
            assertTrue(docs.search(request).stream().noneMatch(hit -> hit.record().id().equals("pending")));
            // FTS5 holds the uncommitted row in its pending terms until the commit: a search in the caller's
            // transaction goes to FTS5 in that transaction (it once tried to begin another one there, and failed).
            String first = mem.inTransaction(h -> {
                docs.upsert(Record.of("pending", "qqqpending words", Map.of()));
                return docs.search(request).get(0).record().id();
            });
            assertEquals("pending", first);
            assertEquals("pending", docs.search(request).get(0).record().id(), "committed: found after the commit too");
        }
    }
}
