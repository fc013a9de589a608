package dev.litemem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.litemem.index.Metric;
import dev.litemem.testing.TempStores;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Stock SQLite tools keep working on a LiteMem file: integrity_check, VACUUM, the online backup API. */
class SqliteToolsTest {
    @RegisterExtension
    final TempStores stores = new TempStores();

    @Test
    void deletingMostRecordsThenVacuumShrinksTheFile() throws Exception {
        Path file = stores.path("big.db");
        Random random = new Random(3);
        try (LiteMem mem = stores.open(file)) {
            Collection c = mem.collection("v", CollectionSpec.vectors(256, Metric.COSINE));
            for (int b = 0; b < 10; b++) {
                List<Record> batch = new ArrayList<>();
                for (int i = 0; i < 200; i++) {
                    batch.add(Record.builder().id(b + "-" + i).vector(Stores.randomVector(random, 256))
                            .metadata(Map.of("keep", i % 10 == 0)).build());
                }
                c.upsertAll(batch);
            }
            assertEquals(1800, c.deleteWhere(Filter.eq("keep", false)));
            // The change log holds every write's after-image (vectors included) until retention prunes it: with the
            // index checkpointed, nothing needs those entries any more.
            c.checkpointIndex();
            assertTrue(mem.pruneChangeLog().deleted() >= 3799);
        }
        long before = Files.size(file);
        try (Connection conn = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = conn.createStatement()) {
            s.execute("VACUUM");
        }
        long after = Files.size(file);
        assertTrue(after < before / 3, "VACUUM shrank " + before + " to " + after + " bytes");
        try (LiteMem mem = stores.open(file)) {
            assertEquals(200, mem.collection("v").count());
            assertEquals("ok", Stores.integrityCheck(mem));
        }
    }

    @Test
    void theOnlineBackupApiCopiesAnOpenStore() throws Exception {
        Path file = stores.path("live.db");
        Path copy = stores.path("copy.db");
        try (LiteMem mem = stores.open(file)) {
            mem.collection("notes").upsert(Record.of("a", "backed up", Map.of()));
            try (Connection conn = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = conn.createStatement()) {
                s.executeUpdate("backup to " + copy);
            }
            mem.collection("notes").upsert(Record.of("b", "after the backup", Map.of()));
        }
        try (LiteMem restored = stores.open(copy)) {
            assertEquals("backed up", restored.collection("notes").get("a").orElseThrow().text());
            assertEquals(1, restored.collection("notes").count());
            assertEquals("ok", Stores.integrityCheck(restored));
        }
    }
}
