package dev.litemem.work;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.litemem.Actor;
import dev.litemem.Change;
import dev.litemem.InvalidInputException;
import dev.litemem.LiteMem;
import dev.litemem.LiteMemException;
import dev.litemem.memory.Memory;
import dev.litemem.memory.Scope;
import dev.litemem.testing.TempStores;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class WorkTest {
    private static final Scope RUN = Scope.forUser("alice").withSession("run-7");

    @RegisterExtension
    final TempStores stores = new TempStores();

    @Test
    void stateHasVersionsAndCompareAndSetFailsCleanlyForTheSecondWriter() {
        try (LiteMem mem = stores.open("w.db")) {
            WorkState state = mem.work().state(RUN);
            assertTrue(state.get("plan").isEmpty());
            assertTrue(state.compareAndSet("plan", 0, "{\"step\": 1}").isPresent());
            assertTrue(state.compareAndSet("plan", 0, "{\"step\": 9}").isEmpty(), "0 means: only if absent");
            StateEntry v1 = state.get("plan").orElseThrow();
            assertEquals(1, v1.version());
            assertEquals("{\"step\":1}", v1.value());
            // Two writers read version 1; the first wins, the second is told and writes nothing.
            Optional<StateEntry> first = state.compareAndSet("plan", v1.version(), "{\"step\": 2}");
            Optional<StateEntry> second = state.compareAndSet("plan", v1.version(), "{\"step\": 3}");
            assertEquals(2, first.orElseThrow().version());
            assertTrue(second.isEmpty());
            assertEquals("{\"step\":2}", state.get("plan").orElseThrow().value());
            assertEquals(3, state.put("plan", "[1, 2, 3]").version());
            // Another scope has its own state.
            assertTrue(mem.work().state(Scope.forUser("alice")).get("plan").isEmpty());
            assertEquals(List.of("plan"), state.entries().stream().map(StateEntry::key).toList());
            assertTrue(state.delete("plan"));
            assertFalse(state.delete("plan"));
            assertEquals("value", assertThrows(InvalidInputException.class, () -> state.put("x", "{oops")).field());
        }
    }

    @Test
    void stateEntriesAndIdempotencyKeysExpire() {
        try (LiteMem mem = stores.open("w.db")) {
            Work work = mem.work();
            WorkState state = work.state(RUN);
            state.put("lease", "true", Duration.ofMillis(150));
            state.put("kept", "true");
            AtomicInteger runs = new AtomicInteger();
            work.once("k", Duration.ofMillis(150), () -> "\"" + runs.incrementAndGet() + "\"");
            Instant expiry = Instant.now().plusMillis(150);
            assertTrue(state.get("lease").isPresent());
            awaitInstant(expiry.plusMillis(5));
            assertTrue(state.get("lease").isEmpty());
            assertEquals(List.of("kept"), state.entries().stream().map(StateEntry::key).toList());
            long before = mem.lastSequence();
            assertEquals(2, work.expireNow());
            List<Change> changes = mem.changesSince(before, 10);
            assertEquals(List.of(Work.STATE, Work.IDEMPOTENCY), changes.stream().map(Change::entity).toList());
            assertTrue(changes.stream().allMatch(c -> c.op() == Change.Operation.EXPIRE));
            assertEquals("\"2\"", work.once("k", () -> "\"" + runs.incrementAndGet() + "\""), "an expired key runs again");
        }
    }

    @Test
    void theJournalIsReadByRunByTypeAndSinceASequence() {
        try (LiteMem mem = stores.open("w.db")) {
            Journal run = mem.work().journal("run-7");
            long a = run.append("tool_call", "{\"tool\": \"search\"}");
            long b = run.append("tool_result", "{\"hits\": 3}");
            mem.work().journal("run-8").append("tool_call", "{}");
            long c = run.append("tool_call", "{\"tool\": \"email\"}");
            assertTrue(a < b && b < c);
            assertEquals(List.of(a, b, c), run.read(0, 100).stream().map(JournalEntry::seq).toList());
            assertEquals(List.of(a, c), run.read("tool_call", 0, 100).stream().map(JournalEntry::seq).toList());
            assertEquals(List.of(c), run.read("tool_call", a, 100).stream().map(JournalEntry::seq).toList());
            assertEquals("{\"tool\":\"search\"}", run.read(0, 1).get(0).payload());
            assertEquals("run-7", run.read(0, 1).get(0).run());
        }
    }

    @Test
    void onceRunsTheWorkOnceAndItsWritesCommitWithTheKey() {
        try (LiteMem mem = stores.open("w.db")) {
            Work work = mem.work();
            Memory memory = mem.memory();
            AtomicInteger runs = new AtomicInteger();
            String first = work.once("send-invoice-42", () -> {
                runs.incrementAndGet();
                work.state(RUN).put("invoice-42", "\"sent\"");
                memory.remember(RUN, "Invoice 42 was sent to Alice");
                work.journal("run-7").append("tool_result", "{\"invoice\": 42}");
                return "{\"sent\":true}";
            });
            String again = work.once("send-invoice-42", () -> {
                runs.incrementAndGet();
                return "{\"sent\":\"twice\"}";
            });
            assertEquals("{\"sent\":true}", first);
            assertEquals(first, again);
            assertEquals(1, runs.get());

            // A failing work leaves nothing behind, memory and state included, and the key runs again.
            assertThrows(IllegalStateException.class, () -> work.once("pay-7", () -> {
                work.state(RUN).put("paid", "true");
                memory.remember(RUN, "Alice paid invoice 7");
                throw new IllegalStateException("the payment service said no");
            }));
            assertTrue(work.state(RUN).get("paid").isEmpty());
            assertTrue(memory.recall(RUN, "paid invoice 7", 5).stream()
                    .noneMatch(h -> h.memory().text().contains("paid")));
            assertEquals("\"ok\"", work.once("pay-7", () -> "\"ok\""));
            assertThrows(LiteMemException.class, () -> work.once("checked", () -> {
                throw new java.io.IOException("disk");
            }));
        }
    }

    @Test
    void everyWorkChangeIsInTheChangeLogWithItsEntityImageAndActor() {
        try (LiteMem mem = stores.open("w.db")) {
            Work work = mem.work().as(Actor.of("planner"));
            mem.ledger().policy(Work.STATE, dev.litemem.LedgerPolicy.ALL); // an entry keeps its image only in the outbox
            long before = mem.lastSequence();
            work.state(RUN).put("plan", "{\"step\": 1}");
            work.journal("run-7").append("approval", "{\"by\": \"alice\"}");
            work.once("k1", () -> "\"r\"");
            List<Change> changes = mem.changesSince(before, 10);
            assertEquals(List.of(Work.STATE, Work.JOURNAL, Work.IDEMPOTENCY),
                    changes.stream().map(Change::entity).toList());
            assertTrue(changes.stream().allMatch(c -> "planner".equals(c.actor()) && c.collection() == null));
            assertEquals("[\"alice\",\"\",\"run-7\",\"plan\"]", changes.get(0).recordId());
            assertEquals("run-7", changes.get(1).recordId());
            String image = mem.withReadHandle(h -> h.createQuery("SELECT image FROM changes WHERE seq = ?")
                    .bind(0, changes.get(0).seq()).mapTo(String.class).one());
            assertTrue(image.contains("\"value\":{\"step\":1}") && image.contains("\"version\":1"), image);
        }
    }

    @Test
    void memoryAndStateWrittenInOneTransactionRollBackTogether() {
        try (LiteMem mem = stores.open("w.db")) {
            // The memory's collection is made by its first use, here inside the transaction that rolls back.
            assertThrows(IllegalStateException.class, () -> mem.inTransaction(h -> {
                mem.work().state(RUN).put("phase", "\"review\"");
                mem.memory().remember(RUN, "Alice approved the draft");
                throw new IllegalStateException("rolled back");
            }));
            assertTrue(mem.work().state(RUN).get("phase").isEmpty());
            assertTrue(mem.memory().list(RUN, null, 10).items().isEmpty());
        }
    }

    @Test
    void forgettingAScopeForgetsItsWorkState() {
        try (LiteMem mem = stores.open("w.db")) {
            mem.work().state(RUN).put("plan", "1");
            mem.work().state(Scope.forUser("bob")).put("plan", "2");
            mem.memory().forget(Scope.forUser("alice"));
            assertTrue(mem.work().state(RUN).get("plan").isEmpty());
            assertTrue(mem.work().state(Scope.forUser("bob")).get("plan").isPresent());
        }
    }

    private static void awaitInstant(Instant instant) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.currentTimeMillis() < instant.toEpochMilli()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the clock did not reach " + instant);
            }
            Thread.onSpinWait();
        }
    }
}
