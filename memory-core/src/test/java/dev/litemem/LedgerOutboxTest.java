package dev.litemem;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.litemem.index.Metric;
import dev.litemem.internal.store.ChangeLog;
import dev.litemem.internal.store.RecordWriter;
import dev.litemem.internal.store.RowHash;
import dev.litemem.testing.TempStores;
import dev.litemem.testing.WordHashEmbedder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The outbox: which changes go to the ledger, explicit events in the caller's transaction, row hashes, incarnations. */
class LedgerOutboxTest {
    @RegisterExtension
    final TempStores stores = new TempStores();

    private LiteMem open(String name) {
        return stores.open(stores.path(name), LiteMemOptions.builder().embedder(new WordHashEmbedder())
                .defaultActor(Actor.of("agent-7")).build());
    }

    @Test
    void aCollectionWithPolicyAllShipsEveryChangeWithHashesThatChainAndMatchTheRow() {
        try (LiteMem mem = open("a.db")) {
            Collection invoices = mem.collection("invoices", CollectionSpec.of(new WordHashEmbedder()), LedgerPolicy.ALL);
            Collection scratch = mem.collection("scratch");
            assertEquals(LedgerPolicy.ALL, invoices.ledgerPolicy());
            assertEquals(LedgerPolicy.NONE, scratch.ledgerPolicy());
            invoices.upsert(Record.of("inv-1", "first draft", Map.of("total", 10)));
            scratch.upsert(Record.of("s1", "thinking out loud", Map.of()));
            invoices.upsert(Record.of("inv-1", "final", Map.of("total", 12)));
            invoices.delete("inv-1");

            List<LedgerEntry> out = mem.ledger().outbox(0, 100);
            assertEquals(List.of("insert", "update", "delete"), out.stream().map(LedgerEntry::op).toList());
            LedgerEntry insert = out.get(0);
            LedgerEntry update = out.get(1);
            LedgerEntry delete = out.get(2);
            assertEquals("record", insert.type());
            assertEquals("invoices", insert.collection());
            assertEquals("inv-1", insert.recordId());
            assertEquals(Actor.of("agent-7"), insert.actor());
            assertNull(insert.beforeSha256(), "an insert replaces nothing");
            assertEquals(32, insert.afterSha256().length);
            assertTrue(insert.payload().contains("\"text\":\"first draft\""), insert.payload());
            assertArrayEquals(insert.afterSha256(), update.beforeSha256(), "an update's before is the row it replaced");
            assertNotEquals(List.of(update.beforeSha256()), List.of(update.afterSha256()));
            assertArrayEquals(update.afterSha256(), delete.beforeSha256());
            assertNull(delete.afterSha256());
            assertNull(delete.payload());

            // The after-hash is recomputable from the row as stored (what backups and replicas verify) ...
            invoices.upsert(Record.of("inv-2", "stored", Map.of("k", List.of(1, 2))));
            byte[] logged = mem.ledger().outbox(delete.seq(), 1).get(0).afterSha256();
            byte[] fromRow = mem.withReadHandle(h -> h.createQuery("SELECT id, text, metadata, source, chunk,"
                            + " created_at, updated_at, embedding FROM records WHERE id = 'inv-2'")
                    .map((rs, ctx) -> RecordWriter.hashOfRow(rs.getString(1), rs.getString(2), rs.getString(3),
                            rs.getString(4), null, rs.getLong(6), rs.getLong(7), rs.getBytes(8))).one());
            assertArrayEquals(logged, fromRow);
            // ... and the scratch collection's changes are hashed too, but stay out of the outbox.
            long scratchHashes = mem.withReadHandle(h -> h.createQuery("SELECT count(*) FROM changes c JOIN collections k"
                    + " ON k.id = c.collection_id WHERE k.name = 'scratch' AND c.after_sha256 IS NOT NULL AND c.ledger = 0")
                    .mapTo(Long.class).one());
            assertEquals(1, scratchHashes);
        }
    }

    @Test
    void theRowHashIsVersionedAndStable() {
        // A fixed vector, computed independently (Python hashlib over the documented bytes): the definition in
        // docs/ARCHITECTURE.md must never change meaning under version 1.
        byte[] h = RowHash.of("record", "{\"id\":\"a\"}", new byte[] {0, 0, (byte) 0x80, 0x3f});
        assertEquals(1, RowHash.VERSION);
        assertEquals("b55232e1035f6d2f4a6a3f6c29baa6f30d423c0bc3dcaae20762297ef172c84d", java.util.HexFormat.of().formatHex(h));
    }

    @Test
    void anExplicitEventJoinsTheSurroundingTransactionAndARollbackLeavesNeither() {
        try (LiteMem mem = open("b.db")) {
            Collection invoices = mem.collection("invoices", CollectionSpec.of(new WordHashEmbedder()), LedgerPolicy.ALL);
            RuntimeException boom = assertThrows(IllegalStateException.class, () -> mem.inTransaction(h -> {
                invoices.upsert(Record.of("inv-9", "approved", Map.of()));
                mem.ledger().append("invoice.approved", "{\"invoice\": \"inv-9\"}");
                throw new IllegalStateException("the approval was refused downstream");
            }));
            assertEquals("the approval was refused downstream", boom.getMessage());
            assertEquals(0, mem.ledger().outbox(0, 10).size());
            assertEquals(0, mem.lastSequence());

            Actor approver = new Actor("approver", "bob", null, "invoices:approve", "req-1");
            mem.inTransaction(h -> {
                invoices.upsert(Record.of("inv-9", "approved", Map.of()));
                mem.ledger().as(approver).append("invoice.approved", "{ \"invoice\" : \"inv-9\" }");
                return null;
            });
            List<LedgerEntry> out = mem.ledger().outbox(0, 10);
            assertEquals(2, out.size());
            LedgerEntry event = out.get(1);
            assertEquals("event", event.entity());
            assertEquals("invoice.approved", event.type());
            assertEquals("append", event.op());
            assertNull(event.recordId());
            assertNull(event.collection());
            assertEquals("{\"invoice\":\"inv-9\"}", event.payload());
            assertEquals(approver, event.actor());
            assertNotNull(event.afterSha256());
            assertEquals(Change.Operation.APPEND, mem.changesSince(1, 1).get(0).op());
        }
    }

    @Test
    void badEventsAreRefusedWithTheFieldNamed() {
        try (LiteMem mem = open("c.db")) {
            assertEquals("type", assertThrows(InvalidInputException.class,
                    () -> mem.ledger().append("has space", "{}")).field());
            assertEquals("payload", assertThrows(InvalidInputException.class,
                    () -> mem.ledger().append("ok", "{\"a\": 1} trailing")).field());
            assertEquals("payload", assertThrows(InvalidInputException.class, () -> mem.ledger().append("ok", " ")).field());
            assertEquals("entity", assertThrows(InvalidInputException.class,
                    () -> mem.ledger().policy("record", LedgerPolicy.ALL)).field());
            assertEquals("ledger", assertThrows(InvalidInputException.class, () -> LedgerPolicy.fromId("some")).field());
            assertEquals(0, mem.lastSequence());
        }
    }

    @Test
    void entitiesOutsideCollectionsFollowTheStorePolicyAndCollectionsTheirOwnChangeablePolicy() throws Exception {
        try (LiteMem mem = open("d.db")) {
            assertEquals(LedgerPolicy.NONE, mem.ledger().policy("state"));
            logState(mem, "k1");
            mem.ledger().policy("state", LedgerPolicy.ALL);
            logState(mem, "k2");
            Collection notes = mem.collection("notes", CollectionSpec.vectors(2, Metric.COSINE));
            notes.upsert(Record.builder().id("n1").vector(new float[] {1, 0}).build());
            notes.ledgerPolicy(LedgerPolicy.ALL);
            notes.upsert(Record.builder().id("n2").vector(new float[] {0, 1}).build());
            // Reopening an existing collection with another policy keeps its own.
            assertEquals(LedgerPolicy.ALL, mem.collection("notes", CollectionSpec.vectors(2, Metric.COSINE),
                    LedgerPolicy.NONE).ledgerPolicy());

            List<LedgerEntry> out = mem.ledger().outbox(0, 10);
            assertEquals(List.of("state:k2", "record:n2"), out.stream().map(e -> e.type() + ":" + e.recordId()).toList());
            OutboxStatus status = mem.ledger().status(0);
            assertEquals(2, status.pending());
            assertEquals(out.get(1).seq(), status.lastSequence());
            assertEquals(0, mem.ledger().status(out.get(1).seq()).pending());
        }
    }

    private static void logState(LiteMem mem, String key) throws Exception {
        mem.inTransaction(h -> {
            try (ChangeLog log = new ChangeLog(h)) {
                return log.log("state", null, key, null, "set", Actor.of("agent-7"), System.currentTimeMillis(),
                        "{\"value\":1}", null);
            }
        });
    }

    @Test
    void aNewIncarnationRemembersThePreviousOneAndWhereItEnded() {
        try (LiteMem mem = open("e.db")) {
            mem.ledger().append("started", "{}");
            String first = mem.incarnation();
            assertNull(mem.ledger().previousIncarnation());
            mem.ledger().recordShipped(first, 1);
            assertEquals(1, mem.ledger().shippedHint());
            String second = mem.newIncarnation();
            assertNotEquals(first, second);
            assertEquals(second, mem.incarnation());
            assertEquals(new Ledger.PreviousIncarnation(first, 1), mem.ledger().previousIncarnation());
            assertEquals(0, mem.ledger().shippedHint(), "a hint of another incarnation is no position");
            mem.ledger().recordShipped(first, 5);
            assertEquals(0, mem.ledger().shippedHint(), "a shipper of the old incarnation cannot move the hint");
        }
    }
}
