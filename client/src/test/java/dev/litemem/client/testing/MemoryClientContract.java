package dev.litemem.client.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.litemem.Hit;
import dev.litemem.InvalidInputException;
import dev.litemem.Page;
import dev.litemem.Record;
import dev.litemem.client.MemoryClient;
import dev.litemem.client.Query;
import dev.litemem.memory.MemoryItem;
import dev.litemem.memory.MemoryVersion;
import dev.litemem.memory.RememberOptions;
import dev.litemem.memory.RememberResult;
import dev.litemem.memory.Scope;
import dev.litemem.testing.WordHashEmbedder;
import dev.litemem.work.JournalEntry;
import dev.litemem.work.StateEntry;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * What every {@link MemoryClient} does, whatever its transport: agent code that knows only MemoryClient gets the same
 * answers from a local file (EmbeddedMemoryClientTest, in litemem-client) and from a real server on loopback
 * (HttpMemoryClientTest, in litemem-server). A subclass opens the client over a store whose embedder is
 * {@link WordHashEmbedder}; every test uses collections of its own.
 */
public abstract class MemoryClientContract {

    /** A new client over the same store each time (the test closes it). */
    protected abstract MemoryClient open();

    @Test
    void theSameAgentCodeRunsOnEveryTransport() {
        try (MemoryClient memory = open()) {
            long seq = memory.put("prefs", List.of(
                    Record.of("p1", "Alice prefers short answers", Map.of("user", "alice", "year", 2021)),
                    Record.of("p2", "Bob wants detailed answers with sources", Map.of("user", "bob", "year", 2024)),
                    Record.builder().id("p3").text("Alice is on the billing team").metadata(Map.of("user", "alice"))
                            .source("hr.md", 2).build()));
            assertTrue(seq > 0);

            Record p1 = memory.get("prefs", "p1").orElseThrow();
            assertEquals("Alice prefers short answers", p1.text());
            assertEquals("alice", p1.metadata().get("user"));
            assertEquals(WordHashEmbedder.DIMENSION, p1.vector().length);
            assertEquals("hr.md", memory.get("prefs", "p3").orElseThrow().source());
            assertEquals(2, memory.get("prefs", "p3").orElseThrow().chunk());
            assertEquals(Optional.empty(), memory.get("prefs", "nope"));

            List<Hit> hits = memory.search("prefs", Query.text("alice prefers short answers").k(2));
            assertEquals("p1", hits.get(0).record().id());
            List<Hit> bob = memory.search("prefs", Query.text("answers").k(5).where("{\"user\": \"bob\"}"));
            assertEquals(1, bob.size());
            assertEquals("p2", bob.get(0).record().id());
            List<Hit> byVector = memory.search("prefs", Query.vector(p1.vector()).k(1));
            assertEquals("p1", byVector.get(0).record().id());
            assertEquals(1.0f, byVector.get(0).score(), 1e-4f);

            Page<Record> page = memory.list("prefs", null, null, 2);
            assertEquals(List.of("p1", "p2"), page.items().stream().map(Record::id).toList());
            Page<Record> rest = memory.list("prefs", null, page.nextCursor(), 2);
            assertEquals(List.of("p3"), rest.items().stream().map(Record::id).toList());
            assertFalse(rest.hasNext());
            assertEquals(2, memory.list("prefs", "{\"user\": \"alice\"}", null, 10).items().size());

            memory.put("prefs", List.of(Record.of("docs/a b.md#2", "a chunk named after its file", Map.of())));
            assertEquals("a chunk named after its file", memory.get("prefs", "docs/a b.md#2").orElseThrow().text());
            assertTrue(memory.delete("prefs", "docs/a b.md#2"));

            assertTrue(memory.delete("prefs", "p2"));
            assertFalse(memory.delete("prefs", "p2"));
            assertEquals(2, memory.deleteWhere("prefs", "{\"user\": \"alice\"}"));
            assertEquals(0, memory.list("prefs", null, null, 10).items().size());
        }
    }

    @Test
    void agentMemoryRunsOnEveryTransport() {
        try (MemoryClient memory = open()) {
            dev.litemem.memory.Scope alice = dev.litemem.memory.Scope.forUser("alice");
            var added = memory.remember(alice, "Alice prefers short answers",
                    dev.litemem.memory.RememberOptions.defaults().kind("preference").importance(0.9)
                            .ttl(java.time.Duration.ofDays(1)));
            assertEquals(dev.litemem.memory.RememberResult.Outcome.ADDED, added.outcome());
            var again = memory.remember(alice, "alice prefers short answers.");
            assertEquals(dev.litemem.memory.RememberResult.Outcome.UNCHANGED, again.outcome());
            assertEquals(added.id(), again.id());
            memory.remember(dev.litemem.memory.Scope.forUser("bob"), "Bob prefers long answers");
            var hits = memory.recall(alice, "answers", 5);
            assertEquals(1, hits.size());
            assertEquals(added.id(), hits.get(0).memory().id());
            assertEquals("preference", hits.get(0).memory().kind());
            assertEquals("alice", hits.get(0).memory().scope().user());
            assertTrue(hits.get(0).memory().expiresAt() != null);
            assertEquals(1, memory.forget(alice));
            assertTrue(memory.recall(alice, "answers", 5).isEmpty());
            assertEquals(1, memory.recall(dev.litemem.memory.Scope.forUser("bob"), "answers", 5).size());
        }
    }

    @Test
    void getListHistorySupersedeAndUndoRunOnEveryTransport() {
        try (MemoryClient memory = open()) {
            Scope carol = Scope.forUser("carol");
            RememberResult paris = memory.remember(carol, "Carol lives in Paris",
                    RememberOptions.defaults().kind("fact").importance(0.7));
            MemoryItem got = memory.getMemory(paris.id()).orElseThrow();
            assertEquals("Carol lives in Paris", got.text());
            assertEquals("carol", got.scope().user());
            assertEquals(0.7, got.importance(), 1e-9);
            assertEquals(Optional.empty(), memory.getMemory("no-such-memory"));

            RememberResult berlin = memory.supersede(paris.id(), "Carol moved to Berlin");
            assertEquals(RememberResult.Outcome.ADDED, berlin.outcome());
            assertEquals("Carol lives in Paris", berlin.previousText());
            MemoryItem old = memory.getMemory(paris.id()).orElseThrow();
            assertNotNull(old.validTo());
            assertEquals(berlin.id(), old.supersededBy());
            assertEquals(List.of("Carol moved to Berlin"), texts(memory.listMemories(carol, null, 10)));
            List<String> recalled = memory.recall(carol, "where does Carol live", 5).stream()
                    .map(h -> h.memory().text()).toList();
            assertEquals(List.of("Carol moved to Berlin"), recalled); // the superseded fact is not current

            List<MemoryVersion> history = memory.history(paris.id());
            assertEquals(List.of("insert", "supersede"), history.stream().map(MemoryVersion::op).toList());
            assertNull(history.get(0).before());
            assertEquals("Carol lives in Paris", history.get(1).before().text());
            assertNotNull(history.get(1).after().validTo());

            // Undoing the last two changes (the new memory, then the supersession) makes Paris current again.
            assertEquals(2, memory.undo(carol, 2));
            assertEquals(List.of("Carol lives in Paris"), texts(memory.listMemories(carol, null, 10)));
            assertEquals(Optional.empty(), memory.getMemory(berlin.id()));

            memory.remember(carol, "Carol plays chess on Sundays");
            Page<MemoryItem> first = memory.listMemories(carol, null, 1);
            assertEquals(1, first.items().size());
            assertTrue(first.hasNext());
            Page<MemoryItem> second = memory.listMemories(carol, first.nextCursor(), 1);
            assertEquals(1, second.items().size());
            assertFalse(second.hasNext());
            assertNotEquals(first.items().get(0).id(), second.items().get(0).id());

            InvalidInputException gone = assertThrows(InvalidInputException.class,
                    () -> memory.supersede("no-such-memory", "anything"));
            assertEquals("id", gone.field());
        }
    }

    @Test
    void workStateAndJournalRunOnEveryTransport() {
        try (MemoryClient memory = open()) {
            Scope run = Scope.of("carol", "planner", "s1");
            assertEquals(Optional.empty(), memory.getState(run, "plan"));
            StateEntry v1 = memory.putState(run, "plan", "{\"step\":1}");
            assertEquals(1, v1.version());
            assertEquals(2, memory.compareAndSetState(run, "plan", 1, "{\"step\":2}").orElseThrow().version());
            // A writer still holding version 1 lost the race: nothing is written, it learns so.
            assertEquals(Optional.empty(), memory.compareAndSetState(run, "plan", 1, "{\"step\":3}"));
            StateEntry now = memory.getState(run, "plan").orElseThrow();
            assertEquals("{\"step\":2}", now.value());
            assertEquals(2, now.version());
            assertEquals(Optional.empty(), memory.getState(Scope.of("carol", "planner", "s2"), "plan"));
            assertEquals(1, memory.compareAndSetState(run, "approved", 0, "true").orElseThrow().version());
            assertEquals(Optional.empty(), memory.compareAndSetState(run, "approved", 0, "false"));
            assertTrue(memory.deleteState(run, "plan"));
            assertFalse(memory.deleteState(run, "plan"));

            long call = memory.appendJournal("run-7", "tool-call", "{\"tool\":\"search\"}");
            long result = memory.appendJournal("run-7", "result", "{\"ok\":true}");
            memory.appendJournal("run-8", "tool-call", "{\"tool\":\"mail\"}");
            assertTrue(result > call);
            List<JournalEntry> all = memory.readJournal("run-7", null, 0, 10);
            assertEquals(List.of("tool-call", "result"), all.stream().map(JournalEntry::type).toList());
            assertEquals("{\"tool\":\"search\"}", all.get(0).payload());
            assertEquals("run-7", all.get(0).run());
            assertEquals(List.of(result), memory.readJournal("run-7", "result", 0, 10).stream()
                    .map(JournalEntry::seq).toList());
            assertEquals(List.of(result), memory.readJournal("run-7", null, call, 10).stream()
                    .map(JournalEntry::seq).toList());
            assertEquals(1, memory.readJournal("run-7", null, 0, 1).size());
        }
    }

    private static List<String> texts(Page<MemoryItem> page) {
        return page.items().stream().map(MemoryItem::text).toList();
    }

    @Test
    void badInputIsRefusedNamingTheField() {
        try (MemoryClient memory = open()) {
            memory.put("checked", Record.of("a", "a first record", Map.of()));
            InvalidInputException vector = assertThrows(InvalidInputException.class,
                    () -> memory.put("checked", Record.builder().id("v").vector(new float[3]).build()));
            assertEquals("records[0].vector", vector.field());
            InvalidInputException filter = assertThrows(InvalidInputException.class,
                    () -> memory.search("checked", Query.text("x").where("{\"year\": {\"$gt\": [1]}}")));
            assertEquals("where.year.$gt", filter.field());
            assertThrows(InvalidInputException.class, () -> memory.search("checked", Query.text("x").mode("fuzzy")));
            assertEquals(1, memory.list("checked", null, null, 10).items().size(), "nothing stored was lost");
        }
    }

    @Test
    void readsOfAMissingCollectionFindNothing() {
        try (MemoryClient memory = open()) {
            assertEquals(Optional.empty(), memory.get("never-written", "p1"));
            assertEquals(List.of(), memory.search("never-written", Query.text("x")));
            assertEquals(List.of(), memory.list("never-written", null, null, 10).items());
            assertFalse(memory.delete("never-written", "p1"));
            assertEquals(0, memory.deleteWhere("never-written", "{\"user\": \"alice\"}"));
        }
    }

    @Test
    void recordsComeBackWithTheirTimesAndMetadataTypes() {
        Map<String, Object> metadata = Map.of("count", 3, "big", 9_007_199_254_740_993L, "ratio", 0.25,
                "done", true, "tags", List.of("a", "b"), "nested", Map.of("k", "v"), "name", "Zoë");
        try (MemoryClient memory = open()) {
            memory.put("typed", Record.of("t1", "typed metadata", metadata));
            Record r = memory.get("typed", "t1").orElseThrow();
            assertEquals(metadata, r.metadata());
            assertNotNull(r.createdAt());
            assertNotNull(r.updatedAt());
            assertNull(r.source());
            assertEquals(r.createdAt(), memory.list("typed", null, null, 1).items().get(0).createdAt());
        }
    }

    @Test
    void hitsCarryEachSidesRankAndScore() {
        try (MemoryClient memory = open()) {
            memory.put("ranked", List.of(Record.of("k1", "rotate the keys on friday", Map.of()),
                    Record.of("k2", "lunch is at noon", Map.of())));
            Hit top = memory.search("ranked", Query.text("rotate keys").k(2).mode("hybrid")).get(0);
            assertEquals("k1", top.record().id());
            assertEquals(1, top.semanticRank());
            assertEquals(1, top.keywordRank());
            assertNotNull(top.semanticScore());
            assertNotNull(top.keywordScore());
            assertEquals("rotate the keys on friday", top.record().text());
            assertEquals(WordHashEmbedder.DIMENSION, top.record().vector().length);
            Hit keyword = memory.search("ranked", Query.text("noon").mode("keyword")).get(0);
            assertEquals("k2", keyword.record().id());
            assertNull(keyword.semanticRank());
        }
    }
}
