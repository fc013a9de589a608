package dev.litemem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.litemem.index.Metric;
import dev.litemem.internal.index.Checkpoints;
import dev.litemem.testing.TempStores;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The index checkpoint lives in the same file, is loaded on open, and is never trusted over the rows. */
class IndexCheckpointTest {
    private static final int DIM = 24;
    private static final int N = 2_000;
    @RegisterExtension
    final TempStores stores = new TempStores();

    @Test
    void reopeningLoadsTheCheckpointAndAnswersLikeTheExactScan() {
        Path file = fill("reopen.db");
        try (LiteMem mem = open(file)) {
            Collection c = mem.collection("v");
            IndexStats stats = c.loadIndex();
            assertEquals("checkpoint", stats.source());
            assertEquals(N, stats.size());
            assertRecallAgainstExact(c, 0.95);
        }
    }

    @Test
    void changesAfterTheCheckpointAreReplayed() throws Exception {
        Path file = stores.path("replay.db");
        Path copy = stores.path("replay-copy.db");
        try (LiteMem mem = open(file)) {
            Collection c = mem.collection("v", CollectionSpec.vectors(DIM, Metric.COSINE));
            c.upsertAll(records(0, 500, new Random(1)));
            IndexStats checkpointed = c.checkpointIndex();
            // The graph without its vectors: links and labels, a few hundred bytes a node at most.
            assertTrue(checkpointed.checkpointBytes() > 500 * 8 && checkpointed.checkpointBytes() < 500 * 1_000,
                    "checkpoint of " + checkpointed.checkpointBytes() + " bytes");
            c.upsertAll(records(500, 600, new Random(2)));
            c.deleteAll(List.of("r0", "r1", "r2"));
            c.upsert(Record.builder().id("r3").vector(unit(DIM, 5)).build());
            // A copy taken now holds the checkpoint at an older sequence plus the later changes.
            backup(file, copy);
        }
        try (LiteMem mem = open(copy)) {
            Collection c = mem.collection("v");
            IndexStats loaded = c.loadIndex();
            assertEquals("checkpoint", loaded.source());
            assertTrue(loaded.checkpointBytes() > 0, "the size of the checkpoint it was loaded from");
            assertEquals(597, c.indexStats().size());
            Set<String> all = ids(c.search(SearchRequest.vector(unit(DIM, 5)).k(600)));
            assertFalse(all.contains("r0") || all.contains("r1") || all.contains("r2"));
            assertEquals("r3", c.search(SearchRequest.vector(unit(DIM, 5)).k(1)).get(0).record().id());
            assertTrue(all.contains("r599"));
        }
    }

    @Test
    void deletedRecordsLeaveResultsAtOnce() {
        try (LiteMem mem = open(stores.path("delete.db"))) {
            Collection c = mem.collection("v", CollectionSpec.vectors(DIM, Metric.COSINE));
            c.upsertAll(records(0, 300, new Random(3)));
            float[] q = c.get("r7").orElseThrow().vector();
            assertEquals("r7", c.search(q, 1).get(0).record().id());
            c.delete("r7");
            assertFalse(ids(c.search(q, 10)).contains("r7"));
            c.upsert(Record.builder().id("r8").vector(unit(DIM, 1)).build());
            assertEquals("r8", c.search(unit(DIM, 1), 1).get(0).record().id());
        }
    }

    @Test
    void bitFlipsInTheCheckpointMeanARebuildNeverWrongAnswers() {
        Path file = fill("flip.db");
        Random random = new Random(5);
        for (int round = 0; round < 5; round++) {
            corrupt(file, bytes -> {
                int at = random.nextInt(bytes.length);
                bytes[at] ^= (byte) (1 << random.nextInt(8));
            });
            assertRebuiltAndCorrect(file);
        }
    }

    @Test
    void aTruncatedCheckpointMeansARebuild() {
        Path file = fill("truncated.db");
        sql(file, "UPDATE index_checkpoint_pages SET data = substr(data, 1, length(data) / 2)");
        assertRebuiltAndCorrect(file);
    }

    @Test
    void aCheckpointOfAnotherCollectionIsRefused() {
        Path file = fill("other.db");
        try (LiteMem mem = open(file)) {
            Collection twin = mem.collection("twin", CollectionSpec.vectors(DIM, Metric.COSINE));
            twin.upsertAll(records(0, N, new Random(99)));
        }
        // Point twin's checkpoint at v's graph: the identity inside the bytes names v.
        sql(file, "UPDATE index_checkpoint_pages SET data = (SELECT p.data FROM index_checkpoint_pages p"
                + " JOIN index_checkpoints c ON c.id = p.checkpoint_id JOIN collections k ON k.id = c.collection_id"
                + " WHERE k.name = 'v' AND p.page = index_checkpoint_pages.page)"
                + " WHERE checkpoint_id = (SELECT c.id FROM index_checkpoints c JOIN collections k ON k.id = c.collection_id"
                + " WHERE k.name = 'twin')");
        try (LiteMem mem = open(file)) {
            Collection twin = mem.collection("twin");
            assertTrue(twin.loadIndex().source().startsWith("rebuilt"), twin.indexStats().source());
            assertRecallAgainstExact(twin, 0.95);
        }
    }

    @Test
    void aCheckpointOfANewerFormatMeansARebuildNotAFailedSearch() {
        // The version field comes before the checksum: a damaged byte there is indistinguishable from a newer format.
        Path file = fill("newer.db");
        corrupt(file, bytes -> bytes[7] = 99);
        assertRebuiltAndCorrect(file);
    }

    @Test
    void aRaisedCheckpointSequenceMeansARebuildNotHiddenChanges() throws Exception {
        Path file = stores.path("raised.db");
        Path copy = stores.path("raised-copy.db");
        try (LiteMem mem = open(file)) {
            Collection c = mem.collection("v", CollectionSpec.vectors(DIM, Metric.COSINE));
            c.upsertAll(records(0, 500, new Random(21)));
            c.checkpointIndex();
            c.upsertAll(records(500, 800, new Random(22)));
            backup(file, copy); // the checkpoint covers the first 500 changes; 300 follow it in the log
        }
        sql(copy, "UPDATE index_checkpoints SET seq = (SELECT max(seq) FROM changes)");
        try (LiteMem mem = open(copy)) {
            Collection c = mem.collection("v");
            IndexStats stats = c.loadIndex();
            assertTrue(stats.source().startsWith("rebuilt") && stats.source().contains("checksum"), stats.source());
            assertEquals(800, stats.size());
            assertEveryRecordFindsItself(c, 500, 800);
        }
    }

    @Test
    void aCheckpointBeyondTheEndOfTheChangeLogMeansARebuild() throws Exception {
        Path file = stores.path("beyond.db");
        Path copy = stores.path("beyond-copy.db");
        try (LiteMem mem = open(file)) {
            Collection c = mem.collection("v", CollectionSpec.vectors(DIM, Metric.COSINE));
            c.upsertAll(records(0, 200, new Random(23)));
            c.checkpointIndex();
            c.upsertAll(records(200, 300, new Random(24)));
            backup(file, copy);
        }
        // A header row whose checksum agrees but whose seq no change ever had (forged, or the log replaced).
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + copy); Statement s = c.createStatement()) {
            long max;
            try (ResultSet rs = s.executeQuery("SELECT max(seq) FROM changes")) {
                rs.next();
                max = rs.getLong(1);
            }
            byte[] bytes;
            try (ResultSet rs = s.executeQuery("SELECT id, collection_id, byte_count, page_count, node_count FROM index_checkpoints")) {
                rs.next();
                long id = rs.getLong(1);
                long collectionId = rs.getLong(2);
                long seq = max + 1_000;
                int byteCount = rs.getInt(3);
                int pageCount = rs.getInt(4);
                int nodeCount = rs.getInt(5);
                try (ResultSet page = c.createStatement().executeQuery("SELECT data FROM index_checkpoint_pages WHERE checkpoint_id = "
                        + id + " ORDER BY page DESC LIMIT 1")) {
                    page.next();
                    bytes = page.getBytes(1);
                }
                s.executeUpdate("UPDATE index_checkpoints SET seq = " + seq + ", header_crc = " + Checkpoints.headerCrc(
                        collectionId, seq, byteCount, pageCount, nodeCount, bytes));
            }
        }
        try (LiteMem mem = open(copy)) {
            Collection c = mem.collection("v");
            IndexStats stats = c.loadIndex();
            assertTrue(stats.source().startsWith("rebuilt") && stats.source().contains("change log ends"), stats.source());
            assertEquals(300, stats.size());
            assertEveryRecordFindsItself(c, 200, 300);
        }
    }

    @Test
    void aCheckpointWithoutAHeaderChecksumIsRebuiltOnce() {
        Path file = fill("unchecked.db");
        sql(file, "UPDATE index_checkpoints SET header_crc = NULL");
        assertRebuiltAndCorrect(file);
    }

    @Test
    void compactionDropsDeletedNodesInTheBackground() {
        try (LiteMem mem = stores.open(stores.path("compact.db"), LiteMemOptions.builder().useBundledEmbedder(false).exactSearchBelow(0)
                .compactionThreshold(0.2).build())) {
            Collection c = mem.collection("v", CollectionSpec.vectors(DIM, Metric.COSINE));
            c.upsertAll(records(0, 1_000, new Random(8)));
            c.loadIndex();
            List<String> doomed = new ArrayList<>();
            for (int i = 0; i < 400; i++) {
                doomed.add("r" + i);
            }
            c.deleteAll(doomed);
            Conditions.await("compaction", () -> c.indexStats().deleted() == 0 && c.indexStats().size() == 600);
            assertRecallAgainstExact(c, 0.95);
        }
    }

    private void assertRebuiltAndCorrect(Path file) {
        try (LiteMem mem = open(file)) {
            Collection c = mem.collection("v");
            IndexStats stats = c.loadIndex();
            assertTrue(stats.source().startsWith("rebuilt"), stats.source());
            assertEquals(N, stats.size());
            assertRecallAgainstExact(c, 0.95);
        }
        // Closing wrote a fresh, valid checkpoint.
        try (LiteMem mem = open(file)) {
            assertEquals("checkpoint", mem.collection("v").loadIndex().source());
        }
    }

    private static void assertEveryRecordFindsItself(Collection c, int from, int to) {
        for (int i = from; i < to; i++) {
            float[] v = c.get("r" + i).orElseThrow().vector();
            assertEquals("r" + i, c.search(SearchRequest.vector(v).k(1)).get(0).record().id(), "r" + i + " is searchable");
        }
    }

    private static void assertRecallAgainstExact(Collection c, double minimum) {
        Random random = new Random(11);
        int found = 0;
        int total = 0;
        for (int q = 0; q < 50; q++) {
            float[] query = Stores.randomVector(random, DIM);
            Set<String> exact = ids(c.search(SearchRequest.vector(query).k(10).exact(true)));
            Set<String> graph = ids(c.search(SearchRequest.vector(query).k(10)));
            for (String id : graph) {
                found += exact.contains(id) ? 1 : 0;
            }
            total += exact.size();
        }
        assertTrue((double) found / total >= minimum, "recall@10 " + (double) found / total);
    }

    private Path fill(String name) {
        Path file = stores.path(name);
        try (LiteMem mem = open(file)) {
            mem.collection("v", CollectionSpec.vectors(DIM, Metric.COSINE)).upsertAll(records(0, N, new Random(4)));
        }
        return file;
    }

    private LiteMem open(Path file) {
        return stores.open(file, LiteMemOptions.builder().useBundledEmbedder(false).exactSearchBelow(0).build());
    }

    static List<Record> records(int from, int to, Random random) {
        List<Record> out = new ArrayList<>();
        for (int i = from; i < to; i++) {
            out.add(Record.builder().id("r" + i).vector(Stores.randomVector(random, DIM)).metadata(Map.of("i", i)).build());
        }
        return out;
    }

    private static float[] unit(int dim, int axis) {
        float[] v = new float[dim];
        v[axis] = 1;
        return v;
    }

    static Set<String> ids(List<Hit> hits) {
        Set<String> out = new HashSet<>();
        hits.forEach(h -> out.add(h.record().id()));
        return out;
    }

    private static void corrupt(Path file, Consumer<byte[]> change) {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
            byte[] page;
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT data FROM index_checkpoint_pages ORDER BY checkpoint_id, page LIMIT 1")) {
                assertTrue(rs.next(), "there is a checkpoint");
                page = rs.getBytes(1);
            }
            change.accept(page);
            try (PreparedStatement p = c.prepareStatement("UPDATE index_checkpoint_pages SET data = ? WHERE page = 0")) {
                p.setBytes(1, page);
                p.executeUpdate();
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void sql(Path file, String sql) {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
            s.executeUpdate(sql);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void backup(Path from, Path to) throws java.sql.SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + from); Statement s = c.createStatement()) {
            s.executeUpdate("backup to " + to);
        }
    }
}
