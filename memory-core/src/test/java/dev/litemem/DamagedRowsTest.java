package dev.litemem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.litemem.testing.TempStores;
import dev.litemem.testing.WordHashEmbedder;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Rows whose stored embedding was damaged outside LiteMem (a BLOB of 3 bytes, of the wrong dimension, all NaN) are
 * left out of the index, counted and logged; every search keeps working and the rows stay readable.
 */
class DamagedRowsTest {
    private static final int N = 300;
    @RegisterExtension
    // Collections of a few rows: a graph all the same (below the threshold they have none), to test its load paths.
    final TempStores stores = new TempStores(LiteMemOptions.builder().embedder(new dev.litemem.testing.WordHashEmbedder())
            .exactSearchBelow(0).build());

    @Test
    void damagedEmbeddingsAreSkippedWhenTheIndexLoadsFromItsCheckpoint() throws Exception {
        Path file = fill("checkpoint.db");
        damage(file, false);
        try (LiteMem mem = stores.open(file)) {
            Collection c = mem.collection("notes");
            IndexStats stats = c.loadIndex();
            assertEquals("checkpoint", stats.source());
            assertSearchesWork(c, stats);
        }
    }

    @Test
    void damagedEmbeddingsAreSkippedWhenTheIndexIsRebuiltFromTheRows() throws Exception {
        Path file = fill("rebuild.db");
        damage(file, false);
        sql(file, "DELETE FROM index_checkpoints");
        try (LiteMem mem = stores.open(file)) {
            Collection c = mem.collection("notes");
            IndexStats stats = c.loadIndex();
            assertTrue(stats.source().startsWith("rebuilt"), stats.source());
            assertSearchesWork(c, stats);
        }
    }

    @Test
    void damagedEmbeddingsAreSkippedWhenChangesAreReplayedAndComeBackOnceRewritten() throws Exception {
        Path file = fill("replay.db");
        try (LiteMem mem = stores.open(file)) {
            Collection c = mem.collection("notes");
            assertEquals(0, c.loadIndex().skippedRows());
            damage(file, true); // as another process would: rows and change-log entries after the index loaded
            IndexStats stats = c.loadIndex();
            assertEquals("checkpoint", stats.source());
            assertSearchesWork(c, stats);
            c.upsert(Record.of("r1", "note number 1 about topic 1", Map.of()));
            assertEquals(2, c.loadIndex().skippedRows(), "a rewritten row is indexed again");
            assertEquals("r1", c.search(SearchRequest.vector(c.get("r1").orElseThrow().vector()).k(1)).get(0).record().id());
        }
    }

    private static void assertSearchesWork(Collection c, IndexStats stats) {
        assertEquals(3, stats.skippedRows(), stats.toString());
        assertEquals(N - 3, stats.size());
        for (SearchMode mode : SearchMode.values()) {
            List<Hit> hits = c.search(SearchRequest.text("note number 2 about topic 2").mode(mode).k(N));
            assertFalse(hits.isEmpty(), mode.id());
            if (mode != SearchMode.SEMANTIC) {
                assertTrue(ids(hits).contains("r2"), "keyword search still finds the damaged row: " + mode.id());
            }
        }
        assertFalse(c.search(SearchRequest.text("note number 7").mode(SearchMode.SEMANTIC).k(N)).stream()
                .anyMatch(h -> Set.of("r1", "r2", "r3").contains(h.record().id())), "damaged rows are not in the index");
        assertEquals(10, c.search(SearchRequest.text("note topic").k(10).mmr(0.5)).size());
        assertEquals(10, c.search(SearchRequest.text("note topic").mode(SearchMode.SEMANTIC).k(10).exact(true)).size());
        Record r1 = c.get("r1").orElseThrow();
        assertNull(r1.vector(), "a BLOB that cannot be a vector reads as none");
        assertEquals("note number 1 about topic 1", r1.text());
        assertEquals(N, c.list(null, N + 1).items().size());
    }

    private Path fill(String name) {
        Path file = stores.path(name);
        try (LiteMem mem = stores.open(file)) {
            List<Record> records = new ArrayList<>();
            for (int i = 0; i < N; i++) {
                records.add(Record.of("r" + i, "note number " + i + " about topic " + (i % 7), Map.of("i", i)));
            }
            mem.collection("notes").upsertAll(records);
        }
        return file;
    }

    /** r1: 3 bytes; r2: 2 floats instead of 32; r3: all NaN. With {@code logged}, as changes after the checkpoint. */
    private static void damage(Path file, boolean logged) throws SQLException {
        float[] nan = new float[WordHashEmbedder.DIMENSION];
        java.util.Arrays.fill(nan, Float.NaN);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
             PreparedStatement p = c.prepareStatement("UPDATE records SET embedding = ? WHERE id = ?")) {
            Object[][] damage = {{"r1", new byte[] {1, 2, 3}}, {"r2", floats(new float[] {1, 0})}, {"r3", floats(nan)}};
            for (Object[] d : damage) {
                p.setBytes(1, (byte[]) d[1]);
                p.setString(2, (String) d[0]);
                assertEquals(1, p.executeUpdate());
                if (logged) {
                    try (Statement s = c.createStatement()) {
                        s.executeUpdate("INSERT INTO changes (at, collection_id, record_id, row_id, op) SELECT 0, collection_id,"
                                + " id, row_id, 'update' FROM records WHERE id = '" + d[0] + "'");
                    }
                }
            }
        }
    }

    private static byte[] floats(float[] v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(v);
        return b.array();
    }

    private static void sql(Path file, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
            s.executeUpdate(sql);
        }
    }

    private static Set<String> ids(List<Hit> hits) {
        Set<String> out = new java.util.HashSet<>();
        hits.forEach(h -> out.add(h.record().id()));
        return out;
    }
}
