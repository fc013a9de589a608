package dev.litemem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.litemem.memory.RememberResult;
import dev.litemem.memory.Scope;
import dev.litemem.testing.TempStores;
import dev.litemem.work.Work;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What a write transaction that rolls back leaves in the store's caches (nothing), and {@link Work#onceDeferred}: the
 * work's writes and its key in one transaction opened at the first write.
 */
class RolledBackCreationTest {
    @RegisterExtension
    final TempStores stores = new TempStores();

    @Test
    void aCollectionCreatedInATransactionThatRollsBackIsNotKeptInTheCache() {
        try (LiteMem mem = stores.open("c.db")) {
            assertThrows(IllegalStateException.class, () -> mem.inTransaction(h -> {
                mem.collection("notes").upsert(Record.of("n1", "first note", Map.of()));
                throw new IllegalStateException("the caller gives up");
            }));
            assertTrue(mem.collections().isEmpty());
            assertTrue(mem.findCollection("notes").isEmpty());
            // Another collection made now may take the rolled-back one's id; "notes" must get a row of its own.
            mem.collection("other").upsert(Record.of("o1", "other note", Map.of()));
            Collection notes = mem.collection("notes");
            notes.upsert(Record.of("n1", "first note", Map.of()));
            assertEquals(1, notes.count());
            assertEquals(1, mem.collection("other").count());
            assertEquals(List.of("notes", "other"), mem.collections().stream().map(CollectionInfo::name).sorted().toList());
        }
    }

    @Test
    void theFirstMemoryUseInsideATransactionIsAllowedAndForgottenIfItRollsBack() {
        try (LiteMem mem = stores.open("m.db")) {
            Scope alice = Scope.forUser("alice");
            assertThrows(IllegalStateException.class, () -> mem.inTransaction(h -> {
                mem.memory().remember(alice, "likes tea");
                throw new IllegalStateException("the caller gives up");
            }));
            assertTrue(mem.collections().isEmpty());
            mem.collection("first").upsert(Record.of("x", "takes the next id", Map.of()));
            RememberResult r = mem.memory().remember(alice, "likes tea");
            assertEquals(RememberResult.Outcome.ADDED, r.outcome());
            assertEquals(1, mem.memory().list(alice, null, 10).items().size());
            assertEquals(1, mem.collection("first").count());
        }
    }

    @Test
    void onceDeferredStoresTheKeyWithTheWritesAndRunsTheWorkOnce() {
        try (LiteMem mem = stores.open("o.db")) {
            Work work = mem.work();
            AtomicInteger runs = new AtomicInteger();
            Work.Once<String> first = work.onceDeferred("k1", Duration.ofHours(1), () -> {
                runs.incrementAndGet();
                // Before any write: no transaction is open, so another thread can write meanwhile.
                assertFalse(mem.database().inWriteTransaction());
                mem.collection("c").upsert(Record.of("a", "alpha", Map.of()));
                mem.collection("c").upsert(Record.of("b", "beta", Map.of()));
                return "two";
            }, v -> "{\"wrote\":\"" + v + "\"}");
            assertFalse(first.repeated());
            assertEquals("{\"wrote\":\"two\"}", first.result());
            Work.Once<String> again = work.onceDeferred("k1", Duration.ofHours(1), () -> {
                runs.incrementAndGet();
                return "never";
            }, v -> v);
            assertTrue(again.repeated());
            assertEquals("{\"wrote\":\"two\"}", again.result());
            assertEquals(1, runs.get());
            assertEquals(2, mem.collection("c").count());
            // once() reads the same table.
            assertEquals("{\"wrote\":\"two\"}", work.once("k1", () -> "other"));
        }
    }

    @Test
    void aFailingDeferredWorkStoresNothingAndAFailedWriteInsideItUndoesOnlyItself() {
        try (LiteMem mem = stores.open("f.db")) {
            Work work = mem.work();
            assertThrows(IllegalStateException.class, () -> work.onceDeferred("k", Duration.ofHours(1), () -> {
                mem.collection("c").upsert(Record.of("a", "alpha", Map.of()));
                throw new IllegalStateException("fails after a write");
            }, v -> "x"));
            assertTrue(work.stored("k").isEmpty());
            assertTrue(mem.findCollection("c").isEmpty());
            Work.Once<Integer> done = work.onceDeferred("k", Duration.ofHours(1), () -> {
                mem.collection("c").upsert(Record.of("a", "alpha", Map.of()));
                // A write that fails alone (a too-long key): caught by the work, and undone by itself only.
                assertThrows(InvalidInputException.class, () -> mem.work().state(Scope.forUser("u"))
                        .put("x".repeat(10_000), "1"));
                return 1;
            }, v -> "ok");
            assertEquals("ok", done.result());
            assertEquals(1, mem.collection("c").count());
            assertEquals("ok", work.stored("k").orElseThrow());
        }
    }
}
