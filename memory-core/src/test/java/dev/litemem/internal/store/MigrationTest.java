package dev.litemem.internal.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.litemem.Actor;
import dev.litemem.Change;
import dev.litemem.LiteMem;
import dev.litemem.LiteMemOptions;
import dev.litemem.Record;
import dev.litemem.testing.TempStores;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class MigrationTest {
    @RegisterExtension
    final TempStores stores = new TempStores();

    @Test
    void aVersionOneFileIsMigratedForwardKeepingItsData() {
        Path file = stores.path("old.db");
        LiteMemOptions options = LiteMemOptions.builder().useBundledEmbedder(false).build();
        try (Database v1 = Database.openAtVersion(file, options, 1)) {
            v1.write(h -> {
                assertEquals(1, Migrations.currentVersion(h));
                h.execute("INSERT INTO collections (id, name, model, dimension, metric, created_at)"
                        + " VALUES (1, 'notes', 'caller-vectors', 2, 'l2', 1000)");
                h.execute("INSERT INTO records (collection_id, id, text, metadata, embedding, created_at, updated_at)"
                        + " VALUES (1, 'a', 'kept', '{\"k\": 1}', x'0000803F00000040', 1000, 2000)");
                h.execute("INSERT INTO changes (at, collection_id, record_id, row_id, op) VALUES (2000, 1, 'a', 1, 'insert')");
                return null;
            });
        }
        try (LiteMem mem = stores.open(file, options)) {
            int version = mem.withReadHandle(h -> Migrations.currentVersion(h));
            assertEquals(Schema.CURRENT_VERSION, version);
            Record a = mem.collection("notes").get("a").orElseThrow();
            assertEquals("kept", a.text());
            assertEquals(Map.of("k", 1), a.metadata());
            assertEquals(1.0f, a.vector()[0]);
            assertEquals(2.0f, a.vector()[1]);
            assertNull(a.source());
            assertEquals(1, mem.lastSequence());
            assertNull(mem.changesSince(0, 10).get(0).actor());
            // The migrated file takes new writes in the new columns.
            mem.collection("notes").upsert(Record.builder().id("b").vector(new float[] {3, 4}).source("doc.md", 0).build());
            assertEquals("doc.md", mem.collection("notes").get("b").orElseThrow().source());
        }
    }

    @Test
    void theChangeLogIsRebuiltWithEntitiesAndAttributionKeepingEverySeqAndItsHighWaterMark() {
        Path file = stores.path("v7.db");
        LiteMemOptions options = LiteMemOptions.builder().useBundledEmbedder(false).build();
        try (Database v7 = Database.openAtVersion(file, options, 7)) {
            v7.write(h -> {
                h.execute("INSERT INTO collections (id, name, model, dimension, metric, created_at)"
                        + " VALUES (1, 'notes', 'caller-vectors', 2, 'l2', 1000)");
                h.execute("INSERT INTO records (collection_id, id, text, embedding, created_at, updated_at)"
                        + " VALUES (1, 'a', 'kept', x'0000803F00000040', 1000, 2000)");
                for (int i = 0; i < 5; i++) {
                    h.execute("INSERT INTO changes (at, collection_id, record_id, row_id, op, actor)"
                            + " VALUES (2000, 1, 'a', 1, 'update', 'agent-7')");
                }
                // The newest two entries were removed: their seqs (4 and 5) must never be handed out again.
                h.execute("DELETE FROM changes WHERE seq > 3");
                return null;
            });
        }
        try (LiteMem mem = stores.open(file, options)) {
            assertEquals(Schema.CURRENT_VERSION, (int) mem.withReadHandle(Migrations::currentVersion));
            List<Change> kept = mem.changesSince(0, 10);
            assertEquals(List.of(1L, 2L, 3L), kept.stream().map(Change::seq).toList());
            Change first = kept.get(0);
            assertEquals(Change.RECORD, first.entity());
            assertEquals("notes", first.collection());
            assertEquals(Change.Operation.UPDATE, first.op());
            assertEquals("agent-7", first.actor());
            assertEquals(Actor.of("agent-7"), first.attribution());
            long seq = mem.collection("notes").upsert(Record.builder().id("b").vector(new float[] {3, 4}).build());
            assertEquals(6, seq, "a seq removed before the migration was handed out again");
            String incarnation = mem.incarnation();
            assertEquals(32, incarnation.length());
            assertTrue(incarnation.matches("[0-9a-f]+"), incarnation);
        }
    }

    @Test
    void everyFileHasItsOwnIncarnation() {
        LiteMemOptions options = LiteMemOptions.builder().useBundledEmbedder(false).build();
        try (LiteMem one = stores.open(stores.path("one.db"), options);
             LiteMem two = stores.open(stores.path("two.db"), options)) {
            assertNotEquals(one.incarnation(), two.incarnation());
            assertEquals(one.incarnation(), one.incarnation());
        }
    }
    @Test
    void aFileOfThePreviousVersionGetsMemoryAndWorkStateKeepingItsRecords() {
        Path file = stores.path("previous.db");
        LiteMemOptions options = LiteMemOptions.builder().embedder(new dev.litemem.testing.WordHashEmbedder()).build();
        try (Database previous = Database.openAtVersion(file, options, Schema.CURRENT_VERSION - 1)) {
            previous.write(h -> {
                h.execute("INSERT INTO collections (id, name, model, dimension, metric, created_at)"
                        + " VALUES (1, 'notes', 'caller-vectors', 2, 'l2', 1000)");
                h.execute("INSERT INTO records (collection_id, id, text, embedding, created_at, updated_at)"
                        + " VALUES (1, 'a', 'kept', x'0000803F00000040', 1000, 2000)");
                h.execute("INSERT INTO changes (at, collection_id, record_id, row_id, op) VALUES (2000, 1, 'a', 1, 'insert')");
                return null;
            });
        }
        try (LiteMem mem = stores.open(file, options)) {
            assertEquals(Schema.CURRENT_VERSION, (int) mem.withReadHandle(Migrations::currentVersion));
            assertEquals("kept", mem.collection("notes").get("a").orElseThrow().text());
            var alice = dev.litemem.memory.Scope.forUser("alice");
            String id = mem.memory().remember(alice, "Alice reads the migrated file").id();
            assertEquals(id, mem.memory().recall(alice, "migrated file", 1).get(0).memory().id());
            assertEquals(2, mem.lastSequence());
            assertEquals(1, mem.collection("notes").search(new float[] {1, 2}, 5).size());
        }
    }
}
