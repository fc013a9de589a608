package dev.litemem.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.litemem.LedgerPolicy;
import dev.litemem.LiteMem;
import dev.litemem.LiteMemOptions;
import dev.litemem.Record;
import dev.litemem.changes.RowImages;
import dev.litemem.ingest.Ingester;
import dev.litemem.memory.MemoryItem;
import dev.litemem.memory.RememberOptions;
import dev.litemem.memory.Scope;
import dev.litemem.testing.WordHashEmbedder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Point-in-time restore is exact for EVERY table that holds data (state hash v2, row images): under a stream of
 * records in two collections (one made after the base, one whose settings change), memories (remember, supersede,
 * delete, undo, forget, recall), work state, journal, idempotent steps, ledger policies and events, ingested documents
 * and two tables of the user's own (one WITHOUT ROWID), a restore at random points equals the file as it was at that
 * point, every row of every such table compared as stored (typed values, rowids). And switching off the replay of
 * any one of those tables makes the restore fail its verification.
 */
class EveryTableRestoreTest {
    static final LiteMemOptions OPTIONS = LiteMemOptions.builder().embedder(new WordHashEmbedder(64, 128))
            .useBundledEmbedder(false).build();

    @TempDir
    Path dir;

    @AfterEach
    void replayEveryTable() {
        Restore.skippedTables = Set.of();
    }

    /** Every row of every table the state covers, as stored: table -> sorted lines of (rowid, typeof:value ...). */
    static Map<String, List<String>> dump(Connection c) throws SQLException {
        Map<String, List<String>> out = new TreeMap<>();
        for (String table : RowImages.tables(c)) {
            List<String> lines = new ArrayList<>();
            boolean rowid = true;
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT rowid FROM \"" + table
                    + "\" LIMIT 0")) {
                rs.next();
            } catch (SQLException withoutRowid) {
                rowid = false;
            }
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT " + (rowid ? "rowid, " : "")
                    + "* FROM \"" + table + "\"")) {
                int n = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    StringBuilder line = new StringBuilder();
                    for (int i = 1; i <= n; i++) {
                        Object v = rs.getObject(i);
                        line.append(rs.getMetaData().getColumnName(i)).append('=')
                                .append(v == null ? "null" : v.getClass().getSimpleName()).append(':')
                                .append(v instanceof byte[] b ? HexFormat.of().formatHex(b) : String.valueOf(v))
                                .append(' ');
                    }
                    lines.add(line.toString());
                }
            }
            lines.sort(null);
            out.put(table, lines);
        }
        return out;
    }

    static Map<String, List<String>> dump(LiteMem mem) {
        try {
            return mem.<Map<String, List<String>>, SQLException>withReadHandle(h -> dump(h.getConnection()));
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    static Map<String, List<String>> dump(Path file) throws SQLException {
        try (Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + file)) {
            return dump(c);
        }
    }

    /** Writes {@code steps} random operations over every kind of table, recording the file's rows after each. */
    static void stream(LiteMem mem, Random random, int steps, Map<Long, Map<String, List<String>>> reference,
                       Runnable everyFortySteps) {
        List<String> live = new ArrayList<>();
        Ingester ingester = Ingester.builder(mem).collection("docs").build();
        for (int step = 0; step < steps; step++) {
            Scope scope = Scope.forUser("u" + random.nextInt(3));
            int s = step;
            switch (random.nextInt(16)) {
                case 0, 1 -> live.add(mem.memory().remember(scope, "fact " + step + " about topic "
                        + random.nextInt(20) + " and word " + random.nextInt(50)).id());
                case 2 -> {
                    if (!live.isEmpty()) {
                        String id = live.remove(random.nextInt(live.size()));
                        if (mem.memory().get(id).isPresent() && mem.memory().get(id).map(MemoryItem::validTo)
                                .orElse(null) == null) {
                            live.add(mem.memory().supersede(id, "fact " + step + " replaces an older one",
                                    RememberOptions.defaults()).id());
                        }
                    }
                }
                case 3 -> {
                    if (!live.isEmpty()) {
                        mem.memory().delete(live.remove(random.nextInt(live.size())));
                    }
                }
                case 4 -> mem.memory().undo(scope, 1);
                case 5 -> {
                    if (step % 30 == 29) {
                        mem.memory().forget(scope);
                    } else {
                        mem.memory().recall(scope, "topic " + random.nextInt(20), 3);
                    }
                }
                case 6 -> {
                    var state = mem.work().state(scope);
                    String k = "k" + random.nextInt(4);
                    long v = state.get(k).map(e -> e.version()).orElse(0L);
                    state.compareAndSet(k, v, "[" + step + "]");
                }
                case 7 -> mem.work().state(scope).delete("k" + random.nextInt(4));
                case 8 -> {
                    mem.work().journal("run-" + random.nextInt(2)).append("step", "{\"n\":" + step + "}");
                    mem.work().once("key-" + random.nextInt(5), Duration.ofHours(1), () -> "{\"at\":1}");
                }
                case 9 -> ingester.ingestDocument("notes/" + random.nextInt(3) + ".md", "n.md",
                        ("# Note " + step + "\n\nSome text about topic " + random.nextInt(9) + ".\n")
                                .getBytes(StandardCharsets.UTF_8), Map.of("step", step));
                case 10 -> mem.inTransaction(h -> h.execute("INSERT INTO my_notes (id, body, score, data) VALUES"
                        + " (?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET body = excluded.body, score = excluded.score,"
                        + " data = excluded.data", random.nextInt(6), "body " + s, s / 7.0, new byte[] {(byte) s, 0}));
                case 11 -> mem.inTransaction(h -> {
                    h.execute("DELETE FROM my_notes WHERE id = ?", random.nextInt(6));
                    return h.execute("INSERT INTO my_tags (k, v) VALUES (?, ?) ON CONFLICT (k) DO UPDATE SET v ="
                            + " excluded.v", "t" + random.nextInt(4), s % 2 == 0 ? null : (Object) ("v" + s));
                });
                case 12 -> {
                    if (step % 5 == 0) {
                        mem.ledger().policy("state", step % 10 == 0 ? LedgerPolicy.ALL : LedgerPolicy.NONE);
                        mem.collection("notes").ledgerPolicy(step % 10 == 0 ? LedgerPolicy.NONE : LedgerPolicy.ALL);
                    } else {
                        mem.ledger().append("audit", "{\"step\":" + step + "}");
                    }
                }
                case 13 -> mem.collection(step % 2 == 0 ? "notes" : "later").delete("n" + random.nextInt(10));
                default -> mem.collection(step % 3 == 0 ? "later" : "notes").upsert(Record.of("n" + random.nextInt(10),
                        "note " + step, Map.of("step", step)));
            }
            reference.put(mem.lastSequence(), dump(mem));
            if (step % 40 == 39) {
                everyFortySteps.run();
            }
        }
    }

    static void userTables(LiteMem mem) {
        mem.inTransaction(h -> {
            h.execute("CREATE TABLE my_notes (id INTEGER PRIMARY KEY, body TEXT, score REAL, data BLOB)");
            return h.execute("CREATE TABLE my_tags (k TEXT PRIMARY KEY, v) WITHOUT ROWID");
        });
    }

    @Test
    void restoresAtRandomPointsEqualTheFileAtThatPointInEveryTable() throws Exception {
        Path db = dir.resolve("acme.db");
        BlobStore store = new DirectoryBlobStore(dir.resolve("dest"));
        Random random = new Random(17);
        Map<Long, Map<String, List<String>>> reference = new LinkedHashMap<>();
        long baseSeq;
        Map<String, List<String>> atBase;
        try (LiteMem mem = LiteMem.open(db, OPTIONS)) {
            mem.memory();
            mem.collection("notes").upsert(Record.of("n0", "before the base", Map.of()));
            mem.collection("docs");
            userTables(mem);
            baseSeq = Backup.run(mem, "acme", store).newBase().seq();
            atBase = dump(mem);
            stream(mem, random, 160, reference, () -> Backup.run(mem, "acme", store));
            Backup.run(mem, "acme", store);
        }
        assertEquals(1, Manifest.read(store, "acme").orElseThrow().bases().size(), "one base: every point replays");
        Map<String, List<String>> last = reference.get(reference.keySet().stream().mapToLong(x -> x).max().orElseThrow());
        Set<String> changed = new TreeSet<>();
        for (String table : last.keySet()) {
            if (!last.get(table).equals(atBase.get(table))) {
                changed.add(table);
            }
        }
        assertEquals(new TreeSet<>(List.of("collections", "documents", "idempotency_keys", "journal", "ledger_policies",
                "memories", "memory_versions", "my_notes", "my_tags", "records", "work_state")), changed,
                "every table that holds data changed after the base (else this test proves nothing for it)");

        List<Long> points = new ArrayList<>(reference.keySet().stream().filter(s -> s > baseSeq).toList());
        java.util.Collections.shuffle(points, random);
        for (int i = 0; i < 20; i++) {
            long seq = points.get(i);
            Path target = dir.resolve("restored-" + seq + ".db");
            Restore.Result r = Restore.run(store, "acme", target, seq, null, false);
            assertEquals(2, r.hashVersion());
            assertEquals(changed.size(), r.rows().keySet().stream().filter(changed::contains).count(),
                    "the verified hash covers every table: " + r.rows());
            assertEquals(reference.get(seq), dump(target), "at seq " + seq);
        }

        // Switching off the replay of any one table: the restore fails its verification, and nothing is put in place.
        long end = reference.keySet().stream().mapToLong(x -> x).max().orElseThrow();
        for (String table : changed) {
            Restore.skippedTables = Set.of(table);
            Path target = dir.resolve("skipped-" + table + ".db");
            BackupException e = assertThrows(BackupException.class,
                    () -> Restore.run(store, "acme", target, end, null, false), table);
            assertTrue(e.getMessage().contains("hash to"), e.getMessage());
            assertFalse(Files.exists(target), table);
        }
    }

    @Test
    void aUserTableMadeOrChangedBetweenPassesStartsANewBaseAndIsThenRestoredExactly() throws Exception {
        Path db = dir.resolve("shape.db");
        BlobStore store = new DirectoryBlobStore(dir.resolve("dest"));
        long after;
        Map<String, List<String>> atAfter;
        try (LiteMem mem = LiteMem.open(db, OPTIONS)) {
            mem.collection("notes").upsert(Record.of("a", "first", Map.of()));
            Backup.run(mem, "shape", store);
            mem.collection("notes").upsert(Record.of("b", "second", Map.of()));
            // The user's own DDL while images are on: the new table has no row triggers until the next sync, so the
            // entries since the last pass cannot be trusted; the next pass starts a new base, which has the table.
            mem.inTransaction(h -> h.execute("CREATE TABLE mine (id INTEGER PRIMARY KEY, v TEXT)"));
            mem.inTransaction(h -> h.execute("INSERT INTO mine (v) VALUES ('before its triggers')"));
            Backup.Result pass = Backup.run(mem, "shape", store);
            assertNotNull(pass.newBase(), "a changed schema takes a new base");
            mem.inTransaction(h -> h.execute("INSERT INTO mine (v) VALUES ('logged')"));
            mem.inTransaction(h -> h.execute("ALTER TABLE mine ADD COLUMN w INTEGER"));
            LiteMem.open(db, OPTIONS).close(); // open re-creates the triggers of a table that changed shape
            mem.inTransaction(h -> h.execute("UPDATE mine SET w = 7"));
            after = mem.lastSequence();
            atAfter = dump(mem);
            assertNotNull(Backup.run(mem, "shape", store).newBase(), "ALTER TABLE takes a new base too");
            mem.inTransaction(h -> h.execute("DELETE FROM mine WHERE w = 7 AND v = 'logged'"));
            Backup.run(mem, "shape", store);
        }
        Path target = dir.resolve("after.db");
        Restore.Result r = Restore.run(store, "shape", target, after, null, false);
        assertEquals(atAfter, dump(target));
        assertTrue(r.rows().containsKey("mine"), r.rows().toString());
        Restore.Result newest = Restore.run(store, "shape", dir.resolve("newest.db"), null, null, false);
        assertTrue(newest.applied() > 0, "the delete after the last base is replayed");
        assertEquals(1L, newest.rows().get("mine"));
    }
}
