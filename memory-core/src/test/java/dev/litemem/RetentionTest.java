package dev.litemem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.litemem.index.Metric;
import dev.litemem.testing.TempStores;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Retention: the change log is pruned only below every required consumer, and a reader whose position is gone starts over. */
class RetentionTest {
    @RegisterExtension
    final TempStores stores = new TempStores();

    private static LiteMemOptions quiet() {
        // exactSearchBelow(0): these small collections get a graph and checkpoints, the consumers under test.
        return LiteMemOptions.builder().useBundledEmbedder(false).backgroundIndexing(false).exactSearchBelow(0).build();
    }

    private static Record vec(String id, float x, float y) {
        return Record.builder().id(id).vector(new float[] {x, y}).build();
    }

    private static long oldestSeq(LiteMem mem) {
        return mem.withReadHandle(h -> h.createQuery("SELECT min(seq) FROM changes").mapTo(Long.class).one());
    }

    @Test
    void pruningStopsAtTheLowestRequiredConsumerAndKeepsUnshippedOutboxEntries() {
        try (LiteMem mem = stores.open(stores.path("r.db"), quiet())) {
            Collection notes = mem.collection("notes", CollectionSpec.vectors(2, Metric.COSINE));
            Collection shipped = mem.collection("shipped", CollectionSpec.vectors(2, Metric.COSINE), LedgerPolicy.ALL);
            for (int i = 0; i < 10; i++) {
                notes.upsert(vec("n" + i, 1, i));                           // seq 1..10
            }
            shipped.upsert(vec("s1", 1, 1));                                  // seq 11: in the outbox
            for (int i = 10; i < 20; i++) {
                notes.upsert(vec("n" + i, 1, i));                           // seq 12..21
            }
            mem.registerChangeLogConsumer("replica-eu", 5, true);
            mem.registerChangeLogConsumer("dashboard", 1, false);           // not required: never waited for
            notes.checkpointIndex();                                          // index:notes at 21
            List<String> names = mem.changeLogConsumers().stream().map(ChangeLogConsumer::name).toList();
            assertEquals(List.of("index:notes", "dashboard", "replica-eu"), names);

            ChangeLogPruning first = mem.pruneChangeLog();
            assertEquals(5, first.deleted(), "up to the replica's position 5");
            assertEquals(5, first.prunedThrough());
            assertEquals(6, oldestSeq(mem));

            mem.registerChangeLogConsumer("replica-eu", 21, true);
            ChangeLogPruning second = mem.pruneChangeLog();
            // 6..20 may go (21 is the newest, always kept), but 11 is in the outbox and nobody shipped it.
            assertEquals(14, second.deleted());
            assertEquals(20, second.prunedThrough());
            assertEquals(List.of(11L, 21L), mem.withReadHandle(h -> h.createQuery("SELECT seq FROM changes ORDER BY seq")
                    .mapTo(Long.class).list()));
            mem.ledger().recordShipped(mem.incarnation(), 11);
            assertEquals(1, mem.pruneChangeLog().deleted(), "shipped: now it may go");
            assertEquals(21, mem.lastSequence(), "the newest entry stays: the sequence never goes back");
            notes.upsert(vec("n-new", 2, 2));
            assertEquals(22, mem.lastSequence());

            assertThrows(InvalidInputException.class, () -> mem.registerChangeLogConsumer("ledger", 1, true));
            assertThrows(InvalidInputException.class, () -> mem.registerChangeLogConsumer("index:x", 1, true));
            assertTrue(mem.removeChangeLogConsumer("replica-eu"));
            assertFalse(mem.removeChangeLogConsumer("replica-eu"));
        }
    }

    @Test
    void theIndexCheckpointAndThisProcessesLoadedIndexesHoldPruningBack() {
        try (LiteMem mem = stores.open(stores.path("i.db"), quiet())) {
            Collection notes = mem.collection("notes", CollectionSpec.vectors(2, Metric.COSINE));
            for (int i = 0; i < 5; i++) {
                notes.upsert(vec("n" + i, 1, i));
            }
            notes.checkpointIndex();                                          // checkpoint at 5
            for (int i = 5; i < 10; i++) {
                notes.upsert(vec("n" + i, 1, i));                           // 6..10, the loaded index applies them
            }
            notes.loadIndex();
            assertEquals(5, mem.pruneChangeLog().prunedThrough(), "the checkpoint took everything up to 5, no further");
            assertEquals(10, notes.search(new float[] {1, 9}, 20).size());
        }
    }

    @Test
    void anIdleCollectionsIndexHoldsBackOnlyItsOwnNextChangeAndStaysUsable() {
        Path file = stores.path("idle.db");
        try (LiteMem mem = stores.open(file, quiet())) {
            Collection idle = mem.collection("idle", CollectionSpec.vectors(2, Metric.COSINE));
            for (int i = 0; i < 5; i++) {
                idle.upsert(vec("i" + i, 1, i));                            // seq 1..5
            }
            idle.checkpointIndex();                                           // index:idle at 5, loaded at 5
            Collection busy = mem.collection("busy", CollectionSpec.vectors(2, Metric.COSINE));
            for (int i = 0; i < 20; i++) {
                busy.upsert(vec("b" + i, 1, i));                            // 6..25
            }
            busy.checkpointIndex();                                           // index:busy at 25
            String loadedFrom = idle.indexStats().source();
            assertEquals(24, mem.pruneChangeLog().prunedThrough(),
                    "nobody changed 'idle' after its index's position: it holds nothing back");
            assertEquals(5, idle.search(new float[] {1, 0}, 20).size());
            assertEquals(loadedFrom, idle.indexStats().source(), "its loaded index did not start over");

            idle.upsert(vec("i-new", 2, 1));                                  // 26: idle's own next change
            busy.upsert(vec("b-new", 2, 1));                                  // 27
            busy.checkpointIndex();                                           // index:busy at 27
            assertEquals(25, mem.pruneChangeLog().prunedThrough(), "now 'idle' needs 26 and after");
            assertEquals(6, idle.search(new float[] {1, 0}, 20).size());
        }
        try (LiteMem mem = stores.open(file, quiet())) {
            Collection idle = mem.collection("idle");
            assertEquals(6, idle.search(new float[] {1, 0}, 20).size(), "the checkpoint at 5 plus change 26");
            assertEquals("checkpoint", idle.indexStats().source(), "not rebuilt: its own changes were all kept");
            assertEquals(21, mem.collection("busy").search(new float[] {1, 0}, 50).size());
        }
        dev.litemem.check.CheckReport report = dev.litemem.check.StoreCheck.check(file);
        assertTrue(report.clean(), report.toString());
    }

    @Test
    void anIndexWhoseOwnChangesWerePrunedStartsOverFromTheRows() {
        Path file = stores.path("own.db");
        try (LiteMem writer = stores.open(file, quiet()); LiteMem reader = stores.open(file, quiet())) {
            Collection w = writer.collection("notes", CollectionSpec.vectors(2, Metric.COSINE));
            Collection other = writer.collection("other", CollectionSpec.vectors(2, Metric.COSINE));
            for (int i = 0; i < 5; i++) {
                w.upsert(vec("n" + i, 1, i));                               // 1..5
            }
            Collection r = reader.collection("notes");
            assertEquals(5, r.search(new float[] {1, 0}, 50).size());       // the reader's index at 5
            w.delete("n0");                                                   // 6: an own change past it
            other.upsert(vec("o", 1, 1));                                     // 7
            w.checkpointIndex();                                              // the writer's index:notes at 7
            other.checkpointIndex();
            assertEquals(6, writer.pruneChangeLog().prunedThrough());
            List<Hit> hits = r.search(new float[] {1, 0}, 50);
            assertEquals(4, hits.size(), "the reader's own change 6 was pruned: it started over and saw the delete");
        }
    }

    @Test
    void anotherProcessesIndexWhosePositionWasPrunedReloadsAndMissesNothing() {
        Path file = stores.path("p.db");
        try (LiteMem writer = stores.open(file, quiet()); LiteMem reader = stores.open(file, quiet())) {
            Collection w = writer.collection("notes", CollectionSpec.vectors(2, Metric.COSINE));
            for (int i = 0; i < 5; i++) {
                w.upsert(vec("n" + i, 1, i));
            }
            Collection r = reader.collection("notes");
            assertEquals(5, r.search(new float[] {1, 0}, 50).size());      // the reader's index: applied up to 5
            long before = r.indexStats().appliedSeq();
            List<Record> more = new ArrayList<>();
            for (int i = 5; i < 40; i++) {
                more.add(vec("n" + i, 1, i));
            }
            w.upsertAll(more);                                                // 6..40
            w.delete("n0");                                                   // 41
            w.checkpointIndex();                                              // the writer's checkpoint at 41
            ChangeLogPruning pruned = writer.pruneChangeLog();                // the reader is unknown to the writer
            assertTrue(pruned.prunedThrough() > before, pruned.toString());

            List<Hit> hits = r.search(new float[] {1, 0}, 50);
            assertEquals(39, hits.size(), "the reader started over: every change, the delete included");
            assertFalse(hits.stream().anyMatch(h -> h.record().id().equals("n0")));
            assertTrue(r.indexStats().source().startsWith("rebuilt") || r.indexStats().source().equals("checkpoint"),
                    r.indexStats().source());
        }
    }

    @Test
    void theBackgroundMaintenancePrunesPeriodicallyAfterWrites() {
        LiteMemOptions options = LiteMemOptions.builder().useBundledEmbedder(false).exactSearchBelow(0)
                .pruneChangeLogEvery(Duration.ofMillis(50)).build();
        try (LiteMem mem = stores.open(stores.path("bg.db"), options)) {
            Collection notes = mem.collection("notes", CollectionSpec.vectors(2, Metric.COSINE));
            for (int i = 0; i < 20; i++) {
                notes.upsert(vec("n" + i, 1, i));
            }
            notes.checkpointIndex();
            // The pruning step runs on the shared maintenance pool after writes, once its period is up.
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            int ticks = 0;
            while (oldestSeq(mem) < 20 && System.nanoTime() < deadline) {
                notes.upsert(vec("tick", 1, ticks++));
                java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(10).toNanos()); // polling a condition
            }
            assertTrue(oldestSeq(mem) >= 20, "the maintenance pruned every entry up to the checkpoint's (change 20)");
        }
    }
}
