package dev.litemem.ledger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.litemem.Actor;
import dev.litemem.Collection;
import dev.litemem.CollectionSpec;
import dev.litemem.LedgerEntry;
import dev.litemem.LedgerPolicy;
import dev.litemem.LiteMem;
import dev.litemem.LiteMemOptions;
import dev.litemem.Record;
import dev.litemem.index.Metric;
import dev.litemem.ledger.testing.PostgresCluster;
import dev.litemem.testing.TempStores;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The shipper against a real PostgreSQL: schema, exactly once, order, rollbacks, incarnations. */
class ShipperTest {
    @RegisterExtension
    static final PostgresCluster pg = new PostgresCluster();

    @RegisterExtension
    final TempStores stores = new TempStores();

    private LiteMem open(String name) {
        return stores.open(stores.path(name), LiteMemOptions.builder().useBundledEmbedder(false)
                .defaultActor(new Actor("agent-1", "alice", "model-x", "crm:write", null)).build());
    }

    private static Collection vectors(LiteMem mem, String name, LedgerPolicy policy) {
        return mem.collection(name, CollectionSpec.vectors(2, Metric.COSINE), policy);
    }

    private static Record rec(String id, String text) {
        return Record.builder().id(id).text(text).vector(new float[] {1, id.length()}).build();
    }

    @Test
    void theSchemaIsCreatedVersionedAndHasTheFixedColumnNames() throws Exception {
        LedgerDatabase db = LedgerDatabase.of(pg.jdbcUrl());
        db.connect().close();
        LedgerDatabase.of(pg.uri()).connect().close(); // a second shipper, by URI: migrates nothing twice
        try (Connection c = pg.connect()) {
            assertEquals(LedgerSchema.CURRENT_VERSION, LedgerRows.count(c, "SELECT max(version) FROM litemem.schema_version"));
            assertEquals(LedgerSchema.CURRENT_VERSION, LedgerRows.count(c, "SELECT count(*) FROM litemem.schema_version"));
            List<String> columns = new ArrayList<>();
            try (ResultSet rs = c.createStatement().executeQuery("SELECT column_name FROM information_schema.columns"
                    + " WHERE table_schema = 'litemem' AND table_name = 'events' ORDER BY ordinal_position")) {
                while (rs.next()) {
                    columns.add(rs.getString(1));
                }
            }
            assertEquals(List.of("tenant", "incarnation", "seq", "time", "actor", "on_behalf_of", "model", "authority",
                    "request_id", "type", "collection", "record_id", "op", "payload", "before_sha256", "after_sha256",
                    "shipped_at"), columns);
            try (Statement newer = new Statement(c)) {
                newer.run("INSERT INTO litemem.schema_version (version) VALUES (" + (LedgerSchema.CURRENT_VERSION + 1) + ")");
                LedgerException e = assertThrows(LedgerException.class, () -> LedgerDatabase.of(pg.jdbcUrl()).connect());
                assertTrue(e.getMessage().contains("newer than this LiteMem"), e.getMessage());
                newer.run("DELETE FROM litemem.schema_version WHERE version > " + LedgerSchema.CURRENT_VERSION);
            }
        }
    }

    /** A tiny helper so the test reads as SQL. */
    private record Statement(Connection c) implements AutoCloseable {
        void run(String sql) throws Exception {
            try (java.sql.Statement s = c.createStatement()) {
                s.execute(sql);
            }
        }

        @Override
        public void close() {
        }
    }

    @Test
    void everyOutboxChangeArrivesOnceInOrderWithItsAttributionPayloadAndHashes() throws Exception {
        LedgerDatabase db = LedgerDatabase.of(pg.jdbcUrl());
        try (LiteMem mem = open("acme.db"); Shipper shipper = new Shipper(db, 3, null)) {
            Collection invoices = vectors(mem, "invoices", LedgerPolicy.ALL);
            Collection scratch = vectors(mem, "scratch", LedgerPolicy.NONE);
            invoices.upsert(rec("inv-1", "draft"));
            scratch.upsert(rec("s-1", "thinking"));
            invoices.upsert(rec("inv-1", "final"));
            mem.ledger().append("invoice.approved", "{\"invoice\": \"inv-1\", \"amount\": 12.5}");
            invoices.delete("inv-1");
            for (int i = 0; i < 7; i++) {
                invoices.upsert(rec("bulk-" + i, "row " + i));
            }
            assertThrows(IllegalStateException.class, () -> mem.inTransaction(h -> {
                invoices.upsert(rec("never", "rolled back"));
                mem.ledger().append("never.happened", "{}");
                throw new IllegalStateException("rolled back");
            }));
            List<LedgerEntry> outbox = mem.ledger().outbox(0, 100);
            assertEquals(11, outbox.size());

            assertEquals(11, shipper.ship("acme", mem));
            assertEquals(0, shipper.ship("acme", mem), "shipping again sends nothing");
            String incarnation = mem.incarnation();
            try (Connection c = pg.connect()) {
                assertEquals(outbox.stream().map(LedgerEntry::seq).toList(), LedgerRows.seqs(c, "acme", incarnation));
                assertEquals(outbox.get(10).seq(), LedgerRows.cursor(c, "acme", incarnation));
                assertEquals(0, LedgerRows.count(c, "SELECT count(*) FROM litemem.events WHERE record_id = 'never'"
                        + " OR type = 'never.happened' OR record_id LIKE 's-%'"));
                try (PreparedStatement s = c.prepareStatement("SELECT time, actor, on_behalf_of, model, authority, type,"
                        + " collection, record_id, op, payload->>'amount', after_sha256 FROM litemem.events"
                        + " WHERE tenant = 'acme' AND type = 'invoice.approved'")) {
                    try (ResultSet rs = s.executeQuery()) {
                        assertTrue(rs.next());
                        LedgerEntry event = outbox.get(2);
                        assertEquals(event.at().toEpochMilli(), rs.getTimestamp(1).getTime());
                        assertEquals("agent-1", rs.getString(2));
                        assertEquals("alice", rs.getString(3));
                        assertEquals("model-x", rs.getString(4));
                        assertEquals("crm:write", rs.getString(5));
                        assertEquals("invoice.approved", rs.getString(6));
                        assertNull(rs.getString(7));
                        assertNull(rs.getString(8));
                        assertEquals("append", rs.getString(9));
                        assertEquals("12.5", rs.getString(10));
                        assertArrayEquals(event.afterSha256(), rs.getBytes(11));
                    }
                }
                try (ResultSet rs = c.createStatement().executeQuery("SELECT op, collection, record_id, before_sha256,"
                        + " payload->>'text' FROM litemem.events WHERE tenant = 'acme' ORDER BY seq LIMIT 2")) {
                    rs.next();
                    assertEquals("insert", rs.getString(1));
                    assertEquals("invoices", rs.getString(2));
                    assertEquals("inv-1", rs.getString(3));
                    assertNull(rs.getBytes(4));
                    assertEquals("draft", rs.getString(5));
                    rs.next();
                    assertArrayEquals(outbox.get(0).afterSha256(), rs.getBytes(4));
                }
            }
            // The analyst's query in docs/LEDGER.md runs as written on the real schema.
            String doc = Files.readString(Path.of("..", "docs", "LEDGER.md"));
            int at = doc.indexOf("```sql", doc.indexOf("A cross-tenant question"));
            String query = doc.substring(at + 6, doc.indexOf("```", at + 6)).strip().replaceAll(";$", "");
            try (Connection c = pg.connect(); ResultSet rs = c.createStatement().executeQuery(query)) {
                assertTrue(rs.next(), "the approval is found");
                assertEquals("acme", rs.getString("tenant"));
                assertEquals("agent-1", rs.getString("actor"));
                assertEquals("crm:write", rs.getString("authority"));
                assertEquals("inv-1", rs.getString("invoice"));
                assertEquals(java.util.HexFormat.of().formatHex(outbox.get(1).afterSha256()), rs.getString("record_hash"),
                        "the invoice as it was last changed before the approval");
            }
            assertEquals(outbox.get(10).seq(), mem.ledger().shippedHint());
            TenantLag lag = shipper.lag("acme", mem);
            assertEquals(0, lag.eventsBehind());
            invoices.upsert(rec("late", "after the ship"));
            assertEquals(1, shipper.lag("acme", mem).eventsBehind());
        }
    }

    @Test
    void aBatchSentAgainOrByASecondShipperChangesNothing() throws Exception {
        LedgerDatabase db = LedgerDatabase.of(pg.jdbcUrl());
        try (LiteMem mem = open("twice.db"); Shipper a = new Shipper(db); Shipper b = new Shipper(db)) {
            Collection c = vectors(mem, "c", LedgerPolicy.ALL);
            for (int i = 0; i < 5; i++) {
                c.upsert(rec("r" + i, "t"));
            }
            List<LedgerEntry> batch = mem.ledger().outbox(0, 100);
            String incarnation = mem.incarnation();
            assertEquals(0, b.lag("twice", mem).position(), "the lag call creates the cursor at 0");
            try (Connection conn = db.connect()) {
                assertEquals(batch.get(4).seq(), a.send(conn, "twice", incarnation, 0, batch));
                assertEquals(-1, a.send(conn, "twice", incarnation, 0, batch), "the cursor has moved: refused");
            }
            assertEquals(0, b.ship("twice", mem));
            try (Connection conn = pg.connect()) {
                assertEquals(5, LedgerRows.seqs(conn, "twice", incarnation).size());
            }
        }
    }

    @Test
    void aFileRestoredToAnEarlierPointGetsANewIncarnationAndShipsCleanly() throws Exception {
        LedgerDatabase db = LedgerDatabase.of(pg.jdbcUrl());
        Path live = stores.path("restore.db");
        Path backup = stores.path("restore-backup.db");
        String first;
        List<Long> firstSeqs;
        try (Shipper shipper = new Shipper(db)) {
            try (LiteMem mem = open("restore.db")) {
                Collection c = vectors(mem, "c", LedgerPolicy.ALL);
                c.upsert(rec("a", "1"));
                c.upsert(rec("b", "2"));
                shipper.ship("restore", mem);                      // a, b shipped
                c.upsert(rec("c", "3"));                            // c: in the backup, never shipped before it
                mem.exportTo(backup);
                c.upsert(rec("d", "4"));
                c.upsert(rec("e", "5"));
                shipper.ship("restore", mem);                      // c, d, e shipped under the first incarnation
                first = mem.incarnation();
                firstSeqs = mem.ledger().outbox(0, 100).stream().map(LedgerEntry::seq).toList();
            }
            // The file is lost and restored from the backup (seq up to c), then written again: seqs of d and e reused.
            Files.move(backup, live, StandardCopyOption.REPLACE_EXISTING);
            try (LiteMem mem = open("restore.db")) {
                String second = mem.newIncarnation();
                assertNotEquals(first, second);
                Collection c = mem.collection("c");
                c.upsert(rec("x", "other history"));
                c.upsert(rec("y", "other history"));
                assertEquals(2, shipper.ship("restore", mem));
                try (Connection conn = pg.connect()) {
                    assertEquals(firstSeqs, LedgerRows.seqs(conn, "restore", first), "the old history is untouched");
                    List<Long> secondSeqs = LedgerRows.seqs(conn, "restore", second);
                    assertEquals(List.of(firstSeqs.get(3), firstSeqs.get(4)), secondSeqs, "the same seqs, another history");
                    assertEquals(2, LedgerRows.count(conn, "SELECT count(*) FROM litemem.events WHERE tenant = 'restore'"
                            + " AND record_id IN ('x', 'y') AND incarnation = '" + second + "'"));
                    assertEquals(firstSeqs.get(2), LedgerRows.count(conn, "SELECT started_after FROM litemem.cursors"
                            + " WHERE tenant = 'restore' AND incarnation = '" + second + "'"),
                            "the new incarnation starts where the backup ended: c is not sent twice");
                }
            }
        }
    }

    @Test
    void aNulEscapeInAPayloadDoesNotStopTheTenant() {
        assertEquals("{\"t\":\"a\\ufffdb\"}", Shipper.jsonbSafe("{\"t\":\"a\\u0000b\"}"));
        assertEquals("{\"t\":\"a\\\\u0000b\"}", Shipper.jsonbSafe("{\"t\":\"a\\\\u0000b\"}"), "an escaped backslash stays");
    }
}
