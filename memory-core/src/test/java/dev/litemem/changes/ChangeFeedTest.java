package dev.litemem.changes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.litemem.Collection;
import dev.litemem.LiteMem;
import dev.litemem.LiteMemException;
import dev.litemem.LiteMemOptions;
import dev.litemem.Record;
import dev.litemem.SearchRequest;
import dev.litemem.testing.TempStores;
import dev.litemem.testing.WordHashEmbedder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The change feed read from one file and applied to a replica file made from its snapshot: they converge. */
class ChangeFeedTest {
    private static final LiteMemOptions OPTIONS = LiteMemOptions.builder().embedder(new WordHashEmbedder())
            .pruneChangeLogEvery(Duration.ZERO).build();

    @RegisterExtension
    final TempStores stores = new TempStores(OPTIONS);

    private LiteMem replicaOf(LiteMem primary, String name) {
        Path copy = stores.path(name);
        primary.exportTo(copy);
        LiteMem replica = stores.open(copy);
        replica.replicaFile().markAsReplicaOfSnapshot("t at http://127.0.0.1:1", "r-" + name);
        return replica;
    }

    private static long follow(LiteMem primary, LiteMem replica, int limit) {
        long position = replica.replicaFile().state().orElseThrow().position();
        while (true) {
            ChangeBatch b = primary.changeFeed().read(position, limit);
            replica.replicaFile().apply(b);
            if (b.position() == position) {
                return position;
            }
            position = b.position();
        }
    }

    @Test
    void aReplicaFollowingTheFeedConvergesRowForRowAndSearchesAlike() {
        try (LiteMem primary = stores.open("primary.db")) {
            Collection notes = primary.collection("notes");
            notes.upsert(Record.of("a", "alpha before the snapshot", Map.of("n", 1)));
            try (LiteMem replica = replicaOf(primary, "replica.db")) {
                assertEquals(primary.lastSequence(), replica.replicaFile().state().orElseThrow().position());
                for (int i = 0; i < 50; i++) {
                    notes.upsert(Record.of("r" + (i % 20), "text number " + i + " about topic " + (i % 7),
                            Map.of("i", i, "f", 1.50)));
                }
                notes.delete("r3");
                notes.delete("a");
                primary.collection("other").upsert(Record.of("x", "in another collection", Map.of()));
                follow(primary, replica, 7);
                assertEquals(primary.changeFeed().recordsDigest(), replica.changeFeed().recordsDigest());
                assertEquals(primary.lastSequence(), replica.replicaFile().state().orElseThrow().position());
                SearchRequest q = SearchRequest.text("topic 3 number").k(5);
                assertEquals(ids(notes.search(q)), ids(replica.collection("notes").search(q)));
                assertTrue(replica.collection("notes").get("a").isEmpty());
            }
        }
    }

    @Test
    void aReplicaGivesEveryRowThePrimarysRowIdEvenWhenRowIdsAreReused() {
        for (int limit : new int[] {1, 2, 3, 100}) {
            try (LiteMem primary = stores.open("rows-" + limit + ".db")) {
                Collection notes = primary.collection("notes");
                Collection other = primary.collection("other");
                notes.upsert(Record.of("a", "alpha", Map.of()));
                notes.upsert(Record.of("b", "beta", Map.of()));
                try (LiteMem replica = replicaOf(primary, "rows-r-" + limit + ".db")) {
                    notes.upsert(Record.of("c", "gamma", Map.of()));
                    notes.delete("c");
                    other.upsert(Record.of("d", "takes the row id c had", Map.of()));
                    notes.delete("a");
                    notes.upsert(Record.of("a", "alpha again, a new row", Map.of()));
                    other.delete("d");
                    notes.upsert(Record.of("e", "takes the row id d had", Map.of()));
                    notes.upsert(Record.of("b", "beta changed", Map.of()));
                    follow(primary, replica, limit);
                    assertEquals(rows(primary), rows(replica), "batches of " + limit);
                    assertEquals(primary.changeFeed().recordsDigest(), replica.changeFeed().recordsDigest());
                    SearchRequest q = SearchRequest.text("alpha again").k(3);
                    assertEquals(ids(notes.search(q)), ids(replica.collection("notes").search(q)));
                }
            }
        }
    }

    private static List<String> rows(LiteMem mem) {
        return mem.withReadHandle(h -> h.createQuery("SELECT r.row_id || ' ' || k.name || ' ' || r.id FROM records r"
                + " JOIN collections k ON k.id = r.collection_id ORDER BY r.row_id").mapTo(String.class).list());
    }

    private static List<String> ids(List<dev.litemem.Hit> hits) {
        return hits.stream().map(h -> h.record().id()).toList();
    }

    @Test
    void repeatedChangesOfARowCollapseToItsCurrentStateAndAGoneRowToATombstone() {
        try (LiteMem primary = stores.open("collapse.db")) {
            Collection notes = primary.collection("notes");
            long start = primary.lastSequence();
            for (int i = 0; i < 5; i++) {
                notes.upsert(Record.of("x", "version " + i, Map.of()));
            }
            notes.upsert(Record.of("y", "soon gone", Map.of()));
            notes.delete("y");
            ChangeBatch b = primary.changeFeed().read(start, 100);
            assertEquals(2, b.rows().size());
            assertEquals("version 4", b.rows().get(0).text());
            assertTrue(b.rows().get(1).deleted());
            assertEquals(primary.lastSequence(), b.position());
            assertEquals(primary.incarnation(), b.incarnation());
        }
    }

    @Test
    void aPositionBelowWhatTheLogKeepsOrBeyondItsHistoryIsGone() {
        try (LiteMem primary = stores.open("gone.db")) {
            Collection notes = primary.collection("notes");
            for (int i = 0; i < 10; i++) {
                notes.upsert(Record.of("r" + i, "text " + i, Map.of()));
            }
            primary.pruneChangeLog();
            ChangesGoneException gone = assertThrows(ChangesGoneException.class, () -> primary.changeFeed().read(2, 10));
            assertTrue(gone.keptAfter() > 2, gone.getMessage());
            assertTrue(gone.getMessage().contains("snapshot"), gone.getMessage());
            assertThrows(ChangesGoneException.class, () -> primary.changeFeed().read(primary.lastSequence() + 5, 10));
            assertEquals(0, primary.changeFeed().read(primary.lastSequence(), 10).rows().size());
        }
    }

    @Test
    void aReplicaFileRefusesLocalWritesButReads() {
        try (LiteMem primary = stores.open("p.db")) {
            primary.collection("notes").upsert(Record.of("a", "alpha", Map.of()));
            Path file;
            try (LiteMem replica = replicaOf(primary, "ro.db")) {
                file = replica.path();
            }
            try (LiteMem reopened = stores.open(file)) {
                LiteMemException refused = assertThrows(ReplicaWriteException.class,
                        () -> reopened.collection("notes").upsert(Record.of("b", "local", Map.of())));
                assertTrue(refused.getMessage().contains("read-only replica"), refused.getMessage());
                assertTrue(reopened.collection("notes").get("b").isEmpty());
                assertEquals("alpha", reopened.collection("notes").get("a").orElseThrow().text());
                assertNotEquals(primary.incarnation(), reopened.incarnation());
                assertEquals(primary.incarnation(), reopened.replicaFile().state().orElseThrow().incarnation());
            }
        }
    }

    @Test
    void aBatchThatDoesNotFollowTheReplicasPositionChangesNothing() {
        try (LiteMem primary = stores.open("order.db")) {
            Collection notes = primary.collection("notes");
            notes.upsert(Record.of("a", "alpha", Map.of()));
            try (LiteMem replica = replicaOf(primary, "order-r.db")) {
                long at = replica.replicaFile().state().orElseThrow().position();
                notes.upsert(Record.of("b", "beta", Map.of()));
                notes.upsert(Record.of("c", "gamma", Map.of()));
                ChangeBatch later = primary.changeFeed().read(at + 1, 10);
                assertThrows(LiteMemException.class, () -> replica.replicaFile().apply(later));
                assertEquals(at, replica.replicaFile().state().orElseThrow().position());
                assertFalse(replica.collection("notes").get("c").isPresent());
            }
        }
    }

    @Test
    void awaitingACommitWakesOnTheNextCommitNotOnATimer() throws Exception {
        try (LiteMem primary = stores.open("wait.db")) {
            Collection notes = primary.collection("notes");
            ChangeFeed feed = primary.changeFeed();
            long seen = feed.commitCount();
            CompletableFuture<Long> waited = CompletableFuture.supplyAsync(() -> {
                long start = System.nanoTime();
                try {
                    feed.awaitCommit(seen, Duration.ofSeconds(60));
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                return System.nanoTime() - start;
            });
            notes.upsert(Record.of("a", "alpha", Map.of()));
            assertTrue(waited.get(30, TimeUnit.SECONDS) < Duration.ofSeconds(30).toNanos());
            assertTrue(feed.commitCount() > seen);
        }
    }
}
