package dev.litemem.internal.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.litemem.CollectionSpec;
import dev.litemem.LiteMem;
import dev.litemem.Record;
import dev.litemem.changes.RowImages;
import dev.litemem.index.Metric;
import dev.litemem.migrate.FileMigration;
import dev.litemem.migrate.MigrationResult;
import dev.litemem.migrate.UserMigration;
import dev.litemem.testing.TempStores;
import java.math.BigInteger;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Row images (state hash v2): with change images on, every row change of every table that holds data is logged with
 * its row before and after, so the sum of row hashes follows from the log exactly as from a scan of the file, for
 * LiteMem's tables and the user's own (typed values, reals at full precision, blobs, nulls, WITHOUT ROWID, a changed
 * rowid); the triggers follow the tables' shapes and go when images are turned off.
 */
class RowImagesTest {
    private static final BigInteger MOD = BigInteger.ONE.shiftLeft(256);

    @RegisterExtension
    final TempStores stores = new TempStores();

    static BigInteger scan(LiteMem mem) throws SQLException {
        BigInteger[] sum = {BigInteger.ZERO};
        mem.<Map<String, Long>, SQLException>withReadHandle(h -> RowImages.scan(h.getConnection(),
                (t, hash) -> sum[0] = sum[0].add(new BigInteger(1, hash)).mod(MOD)));
        return sum[0];
    }

    /** The state after {@code from} moved by every row image after {@code afterSeq}. */
    static BigInteger replay(LiteMem mem, BigInteger from, long afterSeq) throws SQLException {
        BigInteger[] sum = {from};
        mem.<Object, SQLException>withReadHandle(h -> {
            try (PreparedStatement s = h.getConnection().prepareStatement("SELECT record_id, image FROM changes"
                    + " WHERE seq > ? AND entity = 'row' ORDER BY seq")) {
                s.setLong(1, afterSeq);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        RowImages.Image image = RowImages.parse(rs.getString(2));
                        if (image.before() != null) {
                            sum[0] = sum[0].subtract(new BigInteger(1, RowImages.rowHash(rs.getString(1),
                                    image.columns(), image.before()))).mod(MOD);
                        }
                        if (image.after() != null) {
                            sum[0] = sum[0].add(new BigInteger(1, RowImages.rowHash(rs.getString(1), image.columns(),
                                    image.after()))).mod(MOD);
                        }
                    }
                }
            }
            return null;
        });
        return sum[0];
    }

    static boolean outOfDate(LiteMem mem) throws SQLException {
        return mem.<Boolean, SQLException>withReadHandle(h -> RowTriggers.outOfDate(h.getConnection()));
    }

    static int triggers(LiteMem mem) {
        return mem.withReadHandle(h -> h.createQuery("SELECT count(*) FROM sqlite_master WHERE type = 'trigger'"
                + " AND name LIKE 'litemem_row_%'").mapTo(Integer.class).one());
    }

    @Test
    void theStateFollowsFromTheLogExactlyAsFromAScanOfTheFile() throws Exception {
        Path file;
        try (LiteMem mem = stores.open("rows.db")) {
            file = mem.path();
            mem.inTransaction(h -> {
                h.execute("CREATE TABLE mine (id INTEGER PRIMARY KEY, r REAL, b BLOB, t TEXT, n NUMERIC)");
                return h.execute("CREATE TABLE kv (k TEXT PRIMARY KEY, v) WITHOUT ROWID");
            });
            mem.collection("notes", CollectionSpec.vectors(2, Metric.COSINE))
                    .upsert(Record.builder().id("a").text("before").vector(new float[] {1, 0}).build());
            assertEquals(0, triggers(mem), "no row triggers while images are off");
            mem.keepChangeImages(true);
            assertFalse(outOfDate(mem), "installed for every table that holds data");
            assertTrue(triggers(mem) >= 3 * 11, "three per table: " + triggers(mem));
            long start = mem.lastSequence();
            BigInteger before = scan(mem);

            mem.collection("notes").upsert(Record.builder().id("a").text("after \u2603 \"q\"").vector(new float[] {0, 1})
                    .metadata(Map.of("k", 1.5)).build());
            mem.collection("notes").upsert(Record.builder().id("b").text("second").vector(new float[] {1, 1}).build());
            mem.collection("notes").delete("a");
            mem.inTransaction(h -> {
                h.execute("INSERT INTO mine (id, r, b, t, n) VALUES (1, ?, ?, ?, '12')", 1e300 / 3, new byte[] {0, -1, 7},
                        "line\nquote' \"x\" \u00e9");
                h.execute("INSERT INTO mine (id, r, b, t, n) VALUES (2, 0.1, NULL, NULL, 3.25)");
                h.execute("INSERT INTO mine (id, r) VALUES (3, -0.0)");
                h.execute("INSERT INTO mine (id, r) VALUES (4, 9e999)");
                h.execute("UPDATE mine SET id = 10, r = r * 3 WHERE id = 2"); // a changed rowid
                h.execute("INSERT INTO kv (k, v) VALUES ('a', 1), ('b', x'00'), ('c', NULL)");
                h.execute("UPDATE kv SET v = 2.5 WHERE k = 'a'");
                return h.execute("DELETE FROM kv WHERE k = 'b'");
            });
            BigInteger after = scan(mem);
            assertNotEquals(before, after);
            assertEquals(after, replay(mem, before, start), "the log's row images move the state as the rows did");

            List<dev.litemem.Change> changes = mem.changesSince(start, 1000);
            assertTrue(changes.stream().noneMatch(c -> "row".equals(c.entity())), "the audit trail shows no row images");

            mem.keepChangeImages(false);
            assertEquals(0, triggers(mem));
            long off = mem.lastSequence();
            mem.inTransaction(h -> h.execute("INSERT INTO mine (id) VALUES (99)"));
            assertEquals(off, mem.lastSequence(), "images off: nothing logged");
            String fingerprintOff = mem.<String, SQLException>withReadHandle(h -> RowImages.schemaFingerprint(
                    h.getConnection()));
            mem.keepChangeImages(true);
            assertNotEquals(fingerprintOff, mem.<String, SQLException>withReadHandle(h -> RowImages.schemaFingerprint(
                    h.getConnection())), "turning images on again changes the fingerprint: a backup takes a new base");
        }
        // A user migration may drop a column a trigger names: the triggers step aside and follow the new shape.
        MigrationResult r = FileMigration.migrate(file, List.of(new UserMigration(1, "drop_n",
                "ALTER TABLE mine DROP COLUMN n")));
        assertEquals(MigrationResult.Status.MIGRATED, r.status(), String.valueOf(r.error()));
        String fingerprint;
        try (LiteMem mem = stores.open(file)) {
            assertFalse(outOfDate(mem));
            fingerprint = mem.<String, SQLException>withReadHandle(h -> RowImages.schemaFingerprint(h.getConnection()));
            long start = mem.lastSequence();
            BigInteger before = scan(mem);
            mem.inTransaction(h -> h.execute("UPDATE mine SET t = 'changed' WHERE id = 1"));
            assertEquals(scan(mem), replay(mem, before, start));
        }
        try (LiteMem again = stores.open(file)) {
            assertEquals(fingerprint, again.<String, SQLException>withReadHandle(h -> RowImages.schemaFingerprint(
                    h.getConnection())), "opening a file whose triggers are current changes nothing");
        }
    }

    @Test
    void eachRowImageNamesItsTableAndColumns() throws SQLException {
        try (LiteMem mem = stores.open("one.db")) {
            mem.keepChangeImages(true);
            mem.inTransaction(h -> h.execute("CREATE TABLE \"odd \"\"name\" (x INTEGER)"));
            mem.keepChangeImages(true); // as a backup pass does: the new table gets its triggers
            mem.inTransaction(h -> h.execute("INSERT INTO \"odd \"\"name\" (x) VALUES (5)"));
            String[] entry = mem.withReadHandle(h -> h.createQuery("SELECT record_id, image FROM changes WHERE"
                    + " entity = 'row' ORDER BY seq DESC LIMIT 1").map((rs, ctx) -> new String[] {rs.getString(1),
                    rs.getString(2)}).one());
            assertEquals("odd \"name", entry[0]);
            RowImages.Image image = RowImages.parse(entry[1]);
            assertEquals(List.of("x"), image.columns());
            assertEquals(List.of(5L), image.after().values());
            assertEquals(null, image.before());
            try (Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + mem.path())) {
                assertTrue(RowImages.tables(c).contains("odd \"name"));
                assertFalse(RowImages.tables(c).contains("changes"), "the log is not data");
            }
        }
    }
}
