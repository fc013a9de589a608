package dev.litemem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.litemem.memory.Memory;
import dev.litemem.memory.Scope;
import dev.litemem.testing.TempStores;
import dev.litemem.testing.WordHashEmbedder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The statements of recall and remember that take a list of row ids or ids (a JSON array) find each row by its key,
 * never by reading the scope's memories: SQLite, left to choose, checked "row_id IN (json_each)" by walking the scope's
 * index, which read every memory of the scope on each recall (100,000 at issue 12's bar). A plan, not a speed: the
 * test reads SQLite's query plan of each such statement the two calls ran.
 */
class MemoryQueryPlanTest {
    private static final Scope ALICE = Scope.forUser("alice");

    @RegisterExtension
    final TempStores stores = new TempStores();

    @Test
    void recallAndRememberFindListedRowsByTheirKeyAndNeverWalkTheScope() {
        LiteMemOptions options = LiteMemOptions.builder()
                .embedder(new WordHashEmbedder("test-words-256", 256, Integer.MAX_VALUE, 1)).build();
        try (LiteMem mem = stores.open("plan.db", options)) {
            Memory memory = mem.memory();
            mem.inTransaction(h -> {
                for (int i = 0; i < 400; i++) { // above the exact scan's limit: the graph's probe runs
                    memory.remember(ALICE, "coffee fact " + i + " word" + (i * 7919 % 1000));
                }
                return null;
            });
            memory.recall(ALICE, "coffee", 5); // loads the index
            List<String> statements = new CopyOnWriteArrayList<>();
            mem.database().onStatement(statements::add);
            assertEquals(5, memory.recall(ALICE, "coffee fact", 5).size());
            memory.remember(ALICE, "tea fact new");
            List<String> listed = idListStatements(statements);
            // The recall's candidate check and hit load, the remember's probe check.
            assertTrue(listed.size() >= 3, "statements with id lists: " + listed);
            assertFindsListedRowsByKey(mem, listed);
        }
    }

    /**
     * The keyword side's check of its best rows against the scope (the in-memory keyword index answers from 10,000
     * rows; here it is built for a small file) finds them by key too: it had the same plan as the semantic side's.
     */
    @Test
    void theKeywordIndexsCandidateCheckFindsRowsByTheirKey() throws Exception {
        LiteMemOptions options = LiteMemOptions.builder()
                .embedder(new WordHashEmbedder("test-words-256", 256, Integer.MAX_VALUE, 1)).build();
        long minRows = dev.litemem.internal.keyword.KeywordIndexes.minRows(1);
        try (LiteMem mem = stores.open("plan-keyword.db", options)) {
            Memory memory = mem.memory();
            mem.inTransaction(h -> {
                for (int i = 0; i < 300; i++) {
                    memory.remember(ALICE, "coffee fact " + i + " word" + (i * 7919 % 1000));
                }
                return null;
            });
            var indexes = dev.litemem.internal.keyword.KeywordIndexes.of(mem.database());
            memory.recall(ALICE, "coffee", 5); // finds no keyword index: schedules its build
            assertTrue(indexes.awaitBuilds(1, java.time.Duration.ofSeconds(60)), "the keyword index was not built");
            List<String> statements = new CopyOnWriteArrayList<>();
            mem.database().onStatement(statements::add);
            assertEquals(5, memory.recall(ALICE, "coffee fact", 5).size());
            List<String> listed = idListStatements(statements);
            // The semantic side's check, the keyword side's check (now one statement for both) and the hit load.
            assertTrue(listed.size() >= 3, "statements with id lists: " + listed);
            assertFindsListedRowsByKey(mem, listed);
        } finally {
            dev.litemem.internal.keyword.KeywordIndexes.minRows(minRows);
        }
    }

    /** The statements that take a list of ids (a JSON array) and read memories: the ones whose plan matters here. */
    private static List<String> idListStatements(List<String> statements) {
        List<String> listed = new ArrayList<>();
        for (String sql : statements) {
            if (sql.contains("json_each") && sql.contains("memories m") && !sql.contains("records_fts")) {
                listed.add(sql);
            }
        }
        return listed;
    }

    private static void assertFindsListedRowsByKey(LiteMem mem, List<String> listed) {
        for (String sql : new ArrayList<>(new java.util.LinkedHashSet<>(listed))) {
            List<String> plan = mem.database().read(h -> { // unbound parameters are NULL: the plan is the same
                List<String> steps = new ArrayList<>();
                try (var statement = h.getConnection().prepareStatement("EXPLAIN QUERY PLAN " + sql);
                     var rs = statement.executeQuery()) {
                    while (rs.next()) {
                        steps.add(rs.getString("detail"));
                    }
                } catch (java.sql.SQLException e) {
                    throw new IllegalStateException(e);
                }
                return steps;
            });
            for (String step : plan) {
                // An index of the memories used with the row id too is a seek per listed row; without, a walk.
                assertFalse((step.contains("memories_by") && !step.contains("rowid=?")) || step.startsWith("SCAN m"),
                        "a listed row is found by its key, not by walking the scope: " + plan + " for " + sql);
            }
        }
    }
}
