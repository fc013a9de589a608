package dev.litemem.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.litemem.Actor;
import dev.litemem.Change;
import dev.litemem.Filter;
import dev.litemem.InvalidInputException;
import dev.litemem.LiteMem;
import dev.litemem.LiteMemOptions;
import dev.litemem.testing.TempStores;
import dev.litemem.testing.WordHashEmbedder;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class MemoryTest {
    private static final Scope ALICE = Scope.forUser("alice");
    private static final Scope BOB = Scope.forUser("bob");

    @RegisterExtension
    final TempStores stores = new TempStores();

    @Test
    void anExactRepeatIsNotStoredTwiceAndAnotherScopeKeepsItsOwnCopy() {
        try (LiteMem mem = stores.open("m.db")) {
            Memory memory = mem.memory();
            RememberResult first = memory.remember(ALICE, "Alice prefers short answers");
            assertEquals(RememberResult.Outcome.ADDED, first.outcome());
            RememberResult again = memory.remember(ALICE, "  alice PREFERS short   answers. ");
            assertEquals(RememberResult.Outcome.UNCHANGED, again.outcome());
            assertEquals(first.id(), again.id());
            assertEquals("Alice prefers short answers", again.text());
            RememberResult bobs = memory.remember(BOB, "Alice prefers short answers");
            assertEquals(RememberResult.Outcome.ADDED, bobs.outcome());
            assertNotEquals(first.id(), bobs.id());
            // A session of Alice is a scope of its own, with its own copy.
            assertEquals(RememberResult.Outcome.ADDED,
                    memory.remember(ALICE.withSession("s1"), "Alice prefers short answers").outcome());
            assertEquals(2, memory.list(ALICE, null, 100).items().size());
            assertEquals(1, memory.list(BOB, null, 100).items().size());
        }
    }

    @Test
    void aNearDuplicateIsNotAddedButADifferentFactIs() {
        try (LiteMem mem = stores.open("m.db")) {
            Memory memory = mem.memory();
            RememberOptions loose = RememberOptions.defaults().nearDuplicateThreshold(0.8);
            RememberResult first = memory.remember(ALICE, "Alice likes green tea in the morning", loose);
            RememberResult near = memory.remember(ALICE, "Alice likes green tea in the morning hours", loose);
            assertEquals(RememberResult.Outcome.UNCHANGED, near.outcome());
            assertEquals(first.id(), near.id());
            assertTrue(near.similarity() >= 0.8 && near.similarity() < 1.0, "similarity " + near.similarity());
            RememberResult other = memory.remember(ALICE, "Bob repairs bicycles on Sundays", loose);
            assertEquals(RememberResult.Outcome.ADDED, other.outcome());
            // With the default threshold of the test model (0.95) the first paraphrase is a fact of its own.
            assertEquals(RememberResult.Outcome.ADDED,
                    memory.remember(ALICE, "Alice likes green tea in the morning hours").outcome());
        }
    }

    @Test
    void eightThreadsRememberingTheSameFactStoreItOnce() throws Exception {
        try (LiteMem mem = stores.open("m.db")) {
            Memory memory = mem.memory();
            List<RememberResult> results = concurrently(8, i -> memory.remember(ALICE, "The deploy key is in vault"));
            assertEquals(1, results.stream().filter(r -> r.outcome() == RememberResult.Outcome.ADDED).count());
            assertEquals(1, results.stream().map(RememberResult::id).distinct().count());
            assertEquals(1, memory.list(ALICE, null, 100).items().size());
        }
    }

    @Test
    void twoStoresOnOneFileStoreTheSameFactOnce() throws Exception {
        Path file = stores.path("shared.db");
        try (LiteMem a = stores.open(file); LiteMem b = stores.open(file)) {
            Memory ma = a.memory();
            Memory mb = b.memory();
            for (int round = 0; round < 5; round++) {
                String fact = "Shared fact number " + round;
                List<RememberResult> results = concurrently(8, i -> (i % 2 == 0 ? ma : mb).remember(ALICE, fact));
                assertEquals(1, results.stream().filter(r -> r.outcome() == RememberResult.Outcome.ADDED).count(),
                        "round " + round);
                assertEquals(1, results.stream().map(RememberResult::id).distinct().count());
            }
            assertEquals(5, ma.list(ALICE, null, 100).items().size());
            assertEquals(5, mb.list(ALICE, null, 100).items().size());
        }
    }

    @Test
    void aRecallNeverReturnsAMemoryOfAnotherScope() {
        try (LiteMem mem = stores.open("m.db")) {
            Memory memory = mem.memory();
            for (int i = 0; i < 30; i++) {
                // Words of their own, so that no two are near-duplicates.
                String word = "w" + (char) ('a' + i % 26) + (char) ('a' + i / 26) + "x";
                memory.remember(BOB, "Bob " + word + " coffee");
                memory.remember(ALICE.withSession("s2"), "Alice " + word + " coffee");
            }
            memory.remember(ALICE.withSession("s1"), "Alice likes coffee");
            List<MemoryHit> hits = memory.recall(ALICE.withSession("s1"), "coffee", 10);
            assertEquals(1, hits.size());
            assertEquals("Alice likes coffee", hits.get(0).memory().text());
            List<MemoryHit> alices = memory.recall(ALICE, "coffee", 100);
            int stored = memory.list(ALICE, null, 1000).items().size();
            assertTrue(stored > 20, "stored " + stored); // a few may collide in the test model's 32 dimensions
            assertEquals(stored, alices.size());
            assertTrue(alices.stream().allMatch(h -> h.memory().scope().user().equals("alice")));
            assertTrue(memory.recall(Scope.forUser("carol"), "coffee", 10).isEmpty());
        }
    }

    @Test
    void recencyDecidesWhenOnlyRecencyIsWeighed() {
        try (LiteMem mem = stores.open("m.db")) {
            Memory memory = mem.memory();
            // Remembered first, so an ordering that ignored recency would fall back to it (ids grow with time).
            String old = memory.remember(ALICE, "Alice's favourite drink is green tea",
                    RememberOptions.defaults().importance(0.5)).id();
            String fresh = memory.remember(ALICE, "Alice drinks tea",
                    RememberOptions.defaults().importance(0.5)).id();
            age(mem, old, Duration.ofHours(500));
            List<MemoryHit> byRecency = memory.recall(ALICE, "favourite drink green tea", 2,
                    RecallOptions.defaults().weights(0, 1, 0));
            assertEquals(fresh, byRecency.get(0).memory().id());
            assertEquals(1.0, byRecency.get(0).recency());
            assertEquals(0.0, byRecency.get(1).recency());
            List<MemoryHit> byRelevance = memory.recall(ALICE, "favourite drink green tea", 2,
                    RecallOptions.defaults().weights(1, 0, 0));
            assertEquals(old, byRelevance.get(0).memory().id());
        }
    }

    @Test
    void theDefaultScoreWeighsRelevanceRecencyAndImportance() {
        try (LiteMem mem = stores.open("m.db")) {
            Memory memory = mem.memory();
            String relevantOldUnimportant = memory.remember(ALICE, "Alice's favourite drink is green tea",
                    RememberOptions.defaults().importance(0.1)).id();
            String lessRelevantFreshImportant = memory.remember(ALICE, "Alice drinks tea",
                    RememberOptions.defaults().importance(0.9)).id();
            age(mem, relevantOldUnimportant, Duration.ofHours(500));
            List<MemoryHit> hits = memory.recall(ALICE, "favourite drink green tea", 2);
            // relevant: 1 + 0 + 0; fresh and important: 0 + 1 + 1. Ignoring recency or importance makes it a tie,
            // which the id order (the older memory first) would decide the other way.
            assertEquals(lessRelevantFreshImportant, hits.get(0).memory().id());
            assertEquals(2.0, hits.get(0).score(), 1e-9);
            assertEquals(1.0, hits.get(1).score(), 1e-9);
            // Weighing relevance up turns it around.
            List<MemoryHit> relevanceFirst = memory.recall(ALICE, "favourite drink green tea", 2,
                    RecallOptions.defaults().weights(3, 1, 1));
            assertEquals(relevantOldUnimportant, relevanceFirst.get(0).memory().id());
        }
    }

    @Test
    void importanceDecidesWhenOnlyImportanceIsWeighed() {
        try (LiteMem mem = stores.open("m.db")) {
            Memory memory = mem.memory();
            String low = memory.remember(ALICE, "Alice's favourite drink is green tea",
                    RememberOptions.defaults().importance(0.2)).id();
            String high = memory.remember(ALICE, "Alice drinks tea", RememberOptions.defaults().importance(0.7)).id();
            List<MemoryHit> hits = memory.recall(ALICE, "favourite drink green tea", 2,
                    RecallOptions.defaults().weights(0, 0, 1));
            assertEquals(high, hits.get(0).memory().id());
            assertEquals(low, hits.get(1).memory().id());
        }
    }

    @Test
    void markingAccessedMakesAMemoryRecentAgain() {
        try (LiteMem mem = stores.open("m.db")) {
            Memory memory = mem.memory();
            String a = memory.remember(ALICE, "Alice plays chess").id();
            String b = memory.remember(ALICE, "Alice plays go").id();
            age(mem, a, Duration.ofHours(100));
            age(mem, b, Duration.ofHours(200));
            RecallOptions recency = RecallOptions.defaults().weights(0, 1, 0);
            assertEquals(a, memory.recall(ALICE, "plays", 2, recency).get(0).memory().id());
            memory.recall(ALICE, "go", 1, RecallOptions.defaults().weights(1, 0, 0).markAccessed(true));
            assertEquals(b, memory.recall(ALICE, "plays", 2, recency).get(0).memory().id());
        }
    }

    @Test
    void recallFiltersByKindMetadataAndTime() {
        try (LiteMem mem = stores.open("m.db")) {
            Memory memory = mem.memory();
            memory.remember(ALICE, "Alice wants replies in French",
                    RememberOptions.defaults().kind("preference").metadata(Map.of("topic", "language")));
            memory.remember(ALICE, "Alice met Bob in French class",
                    RememberOptions.defaults().kind("event").metadata(Map.of("topic", "people")));
            assertEquals(List.of("preference"), kinds(memory.recall(ALICE, "French", 5,
                    RecallOptions.defaults().kinds("preference"))));
            assertEquals(List.of("event"), kinds(memory.recall(ALICE, "French", 5,
                    RecallOptions.defaults().filter(Filter.eq("topic", "people")))));
            assertTrue(memory.recall(ALICE, "French", 5, RecallOptions.defaults()
                    .createdBetween(Instant.now().plusSeconds(60), null)).isEmpty());
            assertEquals(2, memory.recall(ALICE, "French", 5, RecallOptions.defaults()
                    .createdBetween(Instant.now().minusSeconds(60), Instant.now().plusSeconds(60))).size());
        }
    }

    @Test
    void aSupersededFactIsKeptAndRecalledAsOfEarlier() {
        try (LiteMem mem = stores.open("m.db")) {
            Memory memory = mem.memory().as(Actor.of("agent-7"));
            String paris = memory.remember(ALICE, "Alice lives in Paris").id();
            Instant before = nextMillisecond();
            RememberResult berlin = memory.supersede(paris, "Alice moved to Berlin", RememberOptions.defaults());
            assertEquals(RememberResult.Outcome.ADDED, berlin.outcome());
            assertEquals("Alice lives in Paris", berlin.previousText());
            assertEquals(List.of("Alice moved to Berlin"), texts(memory.recall(ALICE, "where does Alice live", 5)));
            assertEquals(List.of("Alice lives in Paris"), texts(memory.recall(ALICE, "where does Alice live", 5,
                    RecallOptions.defaults().asOf(before))));
            MemoryItem old = memory.get(paris).orElseThrow();
            assertFalse(old.current());
            assertEquals(berlin.id(), old.supersededBy());
            assertNotNull(old.validTo());
            assertEquals(List.of("Alice moved to Berlin"), memory.list(ALICE, null, 10).items().stream()
                    .map(MemoryItem::text).toList());
            assertEquals("supersede", memory.history(paris).get(1).op());
            assertEquals("agent-7", memory.history(paris).get(1).actor());
            // The old text is current no more: saying it again is a new fact.
            assertEquals(RememberResult.Outcome.ADDED, memory.remember(ALICE, "Alice lives in Paris").outcome());
            assertThrows(InvalidInputException.class, () -> memory.supersede(paris, "x", RememberOptions.defaults()));
        }
    }

    @Test
    void thePolicyCanUpdateDeleteOrKeepAndHistoryAndUndoFollow() {
        try (LiteMem mem = stores.open("m.db")) {
            Memory memory = mem.memory();
            String id = memory.remember(ALICE, "Alice has two cats").id();
            ConsolidationPolicy update = (text, scope, similar) ->
                    ConsolidationPolicy.Decision.update(similar.get(0).memory().id(), null);
            RememberResult updated = memory.remember(ALICE, "Alice has three cats",
                    RememberOptions.defaults().policy(update));
            assertEquals(RememberResult.Outcome.UPDATED, updated.outcome());
            assertEquals(id, updated.id());
            assertEquals("Alice has two cats", updated.previousText());
            assertEquals("Alice has three cats", memory.get(id).orElseThrow().text());
            assertEquals(List.of("Alice has three cats"), texts(memory.recall(ALICE, "cats", 5)));

            List<MemoryVersion> history = memory.history(id);
            assertEquals(List.of("insert", "update"), history.stream().map(MemoryVersion::op).toList());
            assertNull(history.get(0).before());
            assertEquals("Alice has two cats", history.get(1).before().text());
            assertEquals("Alice has three cats", history.get(1).after().text());

            assertEquals(1, memory.undo(ALICE, 1));
            assertEquals("Alice has two cats", memory.get(id).orElseThrow().text());
            assertEquals(List.of("Alice has two cats"), texts(memory.recall(ALICE, "cats", 5)));
            List<MemoryVersion> afterUndo = memory.history(id);
            assertEquals("undo", afterUndo.get(2).op());
            assertEquals(afterUndo.get(1).version(), afterUndo.get(2).undoOf());
            assertEquals(afterUndo.get(2).version(), afterUndo.get(1).undoneBy());
            // The next undo passes over the undo and the change it undid: it undoes the insert.
            assertEquals(1, memory.undo(ALICE, 1));
            assertTrue(memory.get(id).isEmpty());
            assertEquals(0, memory.undo(ALICE, 5));

            String dogs = memory.remember(ALICE, "Alice has a dog").id();
            ConsolidationPolicy delete = (text, scope, similar) ->
                    ConsolidationPolicy.Decision.delete(similar.get(0).memory().id());
            RememberResult deleted = memory.remember(ALICE, "Alice has no dog anymore",
                    RememberOptions.defaults().policy(delete));
            assertEquals(RememberResult.Outcome.DELETED, deleted.outcome());
            assertEquals(dogs, deleted.id());
            assertTrue(memory.get(dogs).isEmpty());
            memory.undo(ALICE, 1);
            assertEquals("Alice has a dog", memory.get(dogs).orElseThrow().text());
            assertEquals(List.of("Alice has a dog"), texts(memory.recall(ALICE, "dog", 5)));

            ConsolidationPolicy nothing = (text, scope, similar) ->
                    ConsolidationPolicy.Decision.nothing(similar.get(0).memory().id());
            RememberResult kept = memory.remember(ALICE, "Alice owns a dog", RememberOptions.defaults().policy(nothing));
            assertEquals(RememberResult.Outcome.UNCHANGED, kept.outcome());
            assertEquals(dogs, kept.id());
        }
    }

    @Test
    void anExpiredMemoryDisappearsAtItsExpiryAndIsDeletedLaterWithOpExpire() {
        try (LiteMem mem = stores.open("m.db")) {
            Memory memory = mem.memory();
            Instant expiry = Instant.now().plusMillis(300);
            String id = memory.remember(ALICE, "The one-time code is 1234",
                    RememberOptions.defaults().expiresAt(expiry)).id();
            String kept = memory.remember(ALICE, "Alice's code word is tulip",
                    RememberOptions.defaults().ttl(Duration.ofDays(1))).id();
            assertTrue(memory.get(id).isPresent());
            awaitInstant(expiry.plusMillis(1));
            assertTrue(memory.get(id).isEmpty());
            assertEquals(List.of(kept), memory.list(ALICE, null, 10).items().stream().map(MemoryItem::id).toList());
            assertEquals(List.of(kept), memory.recall(ALICE, "code", 5).stream().map(h -> h.memory().id()).toList());
            // Saying it again before the sweep makes a new memory of it (the expired one goes now).
            long before = mem.lastSequence();
            assertEquals(1, memory.expireNow());
            assertEquals(0, memory.expireNow());
            List<Change> changes = mem.changesSince(before, 10);
            assertEquals(1, changes.size());
            assertEquals(Change.Operation.EXPIRE, changes.get(0).op());
            assertEquals("memory", changes.get(0).entity());
            assertEquals(id, changes.get(0).recordId());
            assertEquals(Memory.COLLECTION, changes.get(0).collection());
        }
    }

    @Test
    void rememberingAnExpiredTextAgainAddsItAnew() {
        try (LiteMem mem = stores.open("m.db")) {
            Memory memory = mem.memory();
            Instant expiry = Instant.now().plusMillis(100);
            String id = memory.remember(ALICE, "Alice is in a meeting", RememberOptions.defaults().expiresAt(expiry)).id();
            awaitInstant(expiry.plusMillis(1));
            RememberResult again = memory.remember(ALICE, "Alice is in a meeting");
            assertEquals(RememberResult.Outcome.ADDED, again.outcome());
            assertNotEquals(id, again.id());
        }
    }

    @Test
    void forgettingAScopeDeletesItsMemoriesAndTheirHistoryAndNothingElse() {
        try (LiteMem mem = stores.open("m.db")) {
            Memory memory = mem.memory();
            String a1 = memory.remember(ALICE, "Alice one").id();
            memory.remember(ALICE.withSession("s1"), "Alice two");
            String b1 = memory.remember(BOB, "Bob one").id();
            long before = mem.lastSequence();
            assertEquals(2, memory.forget(ALICE));
            assertTrue(memory.list(ALICE, null, 10).items().isEmpty());
            assertTrue(memory.history(a1).isEmpty());
            assertEquals(0, memory.undo(ALICE, 10));
            assertEquals(1, memory.list(BOB, null, 10).items().size());
            assertEquals(1, memory.history(b1).size());
            List<Change> changes = mem.changesSince(before, 10);
            assertEquals(2, changes.size());
            assertTrue(changes.stream().allMatch(c -> c.op() == Change.Operation.DELETE && c.entity().equals("memory")));
        }
    }

    @Test
    void everyChangeIsLoggedWithItsImageAndActor() {
        try (LiteMem mem = stores.open("m.db")) {
            Memory memory = mem.memory().as(Actor.of("planner").withModel("gpt-x"));
            mem.ledger().policy("memory", dev.litemem.LedgerPolicy.ALL); // an entry keeps its image only in the outbox
            long before = mem.lastSequence();
            String id = memory.remember(ALICE.withAgent("planner"), "Alice's meeting is at 10",
                    RememberOptions.defaults().kind("event").importance(0.8)).id();
            List<Change> changes = mem.changesSince(before, 10);
            assertEquals(1, changes.size());
            Change c = changes.get(0);
            assertEquals("memory", c.entity());
            assertEquals(Change.Operation.INSERT, c.op());
            assertEquals(id, c.recordId());
            assertEquals("planner", c.actor());
            assertEquals("gpt-x", c.attribution().model());
            String image = mem.withReadHandle(h -> h.createQuery("SELECT image FROM changes WHERE seq = ?")
                    .bind(0, c.seq()).mapTo(String.class).one());
            assertTrue(image.contains("\"text\":\"Alice's meeting is at 10\""), image);
            assertTrue(image.contains("\"kind\":\"event\""), image);
            assertTrue(image.contains("\"agent\":\"planner\""), image);
            // Unchanged: nothing written, nothing logged.
            memory.remember(ALICE.withAgent("planner"), "alice's meeting is at 10");
            assertEquals(c.seq(), mem.lastSequence());
        }
    }

    @Test
    void memoriesSurviveReopeningAndTheReservedCollectionCannotBeOpenedByName() {
        Path file = stores.path("m.db");
        String id;
        try (LiteMem mem = stores.open(file)) {
            id = mem.memory().remember(ALICE, "Alice speaks Dutch").id();
        }
        try (LiteMem mem = stores.open(file)) {
            assertEquals("Alice speaks Dutch", mem.memory().get(id).orElseThrow().text());
            assertEquals(id, mem.memory().recall(ALICE, "Dutch", 1).get(0).memory().id());
            assertThrows(InvalidInputException.class, () -> mem.collection(Memory.COLLECTION));
        }
    }

    @Test
    void badInputIsRefusedWithTheFieldNamed() {
        try (LiteMem mem = stores.open("m.db")) {
            Memory memory = mem.memory();
            assertEquals("scope", assertThrows(InvalidInputException.class, () -> Scope.of(null, null, null)).field());
            assertEquals("user", assertThrows(InvalidInputException.class, () -> Scope.forUser(" ")).field());
            assertEquals("text", assertThrows(InvalidInputException.class, () -> memory.remember(ALICE, " ")).field());
            assertEquals("importance", assertThrows(InvalidInputException.class,
                    () -> RememberOptions.defaults().importance(1.5)).field());
            assertEquals("k", assertThrows(InvalidInputException.class, () -> memory.recall(ALICE, "x", 0)).field());
            assertEquals("weights", assertThrows(InvalidInputException.class,
                    () -> RecallOptions.defaults().weights(0, 0, 0)).field());
            assertTrue(memory.list(ALICE, null, 10).items().isEmpty());
        }
    }

    @Test
    void inALargeScopeNearDuplicatesAreFoundThroughTheGraphWithinTheScopeOnly() {
        // 256 dimensions: in the default 32, three-word texts run out of distinct vectors after a few hundred.
        LiteMemOptions wide = LiteMemOptions.builder()
                .embedder(new WordHashEmbedder("test-words-256", 256, Integer.MAX_VALUE, 1)).build();
        try (LiteMem mem = stores.open("m.db", wide)) {
            Memory memory = mem.memory();
            // One transaction (one commit) for the bulk; the remembers in it join it.
            int added = mem.inTransaction(h -> {
                int n = 0;
                for (int i = 0; n <= 300; i++) {
                    if (memory.remember(ALICE, "fact " + word(i) + " " + word(i + 7919)).outcome()
                            == RememberResult.Outcome.ADDED) {
                        n++;
                    }
                }
                return n;
            });
            assertTrue(added > 256);
            RememberResult near = memory.remember(ALICE, "fact " + word(5) + " " + word(5 + 7919) + " again",
                    RememberOptions.defaults().nearDuplicateThreshold(0.7));
            assertEquals(RememberResult.Outcome.UNCHANGED, near.outcome());
            assertTrue(near.similarity() >= 0.7 && near.similarity() < 1, "similarity " + near.similarity());
            // The same words in another scope are a memory of that scope.
            assertEquals(RememberResult.Outcome.ADDED, memory.remember(BOB, "fact " + word(5) + " " + word(5 + 7919)
                    + " again", RememberOptions.defaults().nearDuplicateThreshold(0.7)).outcome());
            // When the fact is in many other scopes (more than the unfiltered probe looks at), the scope's own
            // near-duplicate is still found: by the walk filtered to the scope.
            for (int u = 0; u < 20; u++) {
                memory.remember(Scope.forUser("user-" + u), "fact " + word(9) + " " + word(9 + 7919) + " again");
            }
            RememberResult own = memory.remember(ALICE, "fact " + word(9) + " " + word(9 + 7919) + " again",
                    RememberOptions.defaults().nearDuplicateThreshold(0.7));
            assertEquals(RememberResult.Outcome.UNCHANGED, own.outcome());
            assertEquals("alice", memory.get(own.id()).orElseThrow().scope().user());
            // A memory the graph does not hold yet (written in this very transaction) is a near-duplicate too.
            String fresh = "fresh " + word(50_001) + " " + word(60_001);
            RememberResult[] pair = mem.inTransaction(h -> new RememberResult[] {memory.remember(ALICE, fresh),
                    memory.remember(ALICE, fresh + " again", RememberOptions.defaults().nearDuplicateThreshold(0.7))});
            assertEquals(RememberResult.Outcome.ADDED, pair[0].outcome());
            assertEquals(RememberResult.Outcome.UNCHANGED, pair[1].outcome());
            assertEquals(pair[0].id(), pair[1].id());
        }
    }

    @Test
    void aSmallScopeFarFromTheQueryIsStillRecalledWhenTheUnfilteredProbeHoldsNoneOfIt() {
        LiteMemOptions wide = LiteMemOptions.builder()
                .embedder(new WordHashEmbedder("test-words-256", 256, Integer.MAX_VALUE, 1)).build();
        try (LiteMem mem = stores.open("m.db", wide)) {
            Memory memory = mem.memory();
            // Bob's 1,000 memories all share the query's word, so they fill the search's unfiltered probe (3 x its
            // depth of 100); Alice's share no word with the query, so neither the probe nor the keyword side has them.
            mem.inTransaction(h -> {
                for (int i = 0; i < 1_000; i++) {
                    memory.remember(BOB, "coffee " + word(i) + " " + word(i + 7919));
                }
                return null;
            });
            memory.remember(ALICE, "green tea mornings");
            memory.remember(ALICE, "walks the dog");
            memory.remember(ALICE, "reads novels");
            List<MemoryHit> hits = memory.recall(ALICE, "coffee", 10);
            // Found by the walk filtered to the scope, which runs when too few of the probe are the scope's.
            assertEquals(3, hits.size());
            assertTrue(hits.stream().allMatch(x -> x.memory().scope().user().equals("alice")));
            assertEquals(10, memory.recall(BOB, "coffee", 10).size());
        }
    }

    /** A made-up word per number: letters only, so the test model hashes each as a word of its own. */
    private static String word(int n) {
        StringBuilder w = new StringBuilder("q");
        for (int x = n; x > 0 || w.length() < 3; x /= 26) {
            w.append((char) ('a' + x % 26));
        }
        return w.toString();
    }

    // ---------------------------------------------------------------- helpers

    /** Makes a memory look last touched {@code ago} before now. */
    static void age(LiteMem mem, String id, Duration ago) {
        long at = System.currentTimeMillis() - ago.toMillis();
        mem.inTransaction(h -> {
            h.execute("UPDATE memories SET last_accessed_at = ? WHERE id = ?", at, id);
            h.execute("UPDATE records SET updated_at = ? WHERE row_id = (SELECT row_id FROM memories WHERE id = ?)",
                    at, id);
            return null;
        });
    }

    private static List<String> texts(List<MemoryHit> hits) {
        return hits.stream().map(h -> h.memory().text()).toList();
    }

    private static List<String> kinds(List<MemoryHit> hits) {
        return hits.stream().map(h -> h.memory().kind()).toList();
    }

    /** The next millisecond, once the clock has passed the current one (so it is strictly between two writes). */
    private static Instant nextMillisecond() {
        long start = System.currentTimeMillis();
        awaitInstant(Instant.ofEpochMilli(start + 1));
        Instant at = Instant.ofEpochMilli(System.currentTimeMillis());
        awaitInstant(at.plusMillis(1));
        return at;
    }

    /** Waits until the clock reaches {@code instant} (bounded: the instants waited for are at most a second away). */
    private static void awaitInstant(Instant instant) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.currentTimeMillis() < instant.toEpochMilli()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the clock did not reach " + instant);
            }
            Thread.onSpinWait();
        }
    }

    interface Task<T> {
        T run(int i) throws Exception;
    }

    static <T> List<T> concurrently(int threads, Task<T> task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                int n = i;
                futures.add(pool.submit((Callable<T>) () -> {
                    start.await();
                    return task.run(n);
                }));
            }
            start.countDown();
            List<T> out = new ArrayList<>();
            for (Future<T> f : futures) {
                out.add(f.get(60, TimeUnit.SECONDS));
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }
}
