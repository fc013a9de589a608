package dev.litemem.server;

import static dev.litemem.server.TestServer.ADMIN;
import static dev.litemem.server.TestServer.records;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.extension.RegisterExtension;
import dev.litemem.testing.TempStores;
import dev.litemem.testing.WordHashEmbedder;
import dev.litemem.LiteMem;
import dev.litemem.LiteMemOptions;
import dev.litemem.Record;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Exports are consistent snapshots taken while a client keeps writing. */
class ExportTest {
    @RegisterExtension
    final TempStores stores = new TempStores();

    @Test
    void exportsTakenDuringWritesAreConsistentPrefixes() throws Exception {
        try (TestServer s = new TestServer(stores.path("data"))) {
            String key = s.createTenant("acme");
            assertEquals(200, s.call("PUT", records("acme", "log"), key, "{\"records\": [{\"id\": \"r00000\", \"text\": \"entry 0\"}]}").status());
            CompletableFuture<Integer> writer = CompletableFuture.supplyAsync(() -> {
                for (int i = 1; i < 150; i++) {
                    var r = s.call("PUT", records("acme", "log"), key,
                            String.format("{\"records\": [{\"id\": \"r%05d\", \"text\": \"entry %d\"}]}", i, i));
                    assertEquals(200, r.status(), r.body());
                }
                return 150;
            });
            List<Long> counts = new ArrayList<>();
            for (int e = 0; e < 4; e++) {
                var export = s.call("GET", "/v1/tenants/acme/export", ADMIN, null);
                assertEquals(200, export.status());
                Path copy = stores.path("export-" + e + ".db");
                Files.write(copy, export.raw().body());
                try (LiteMem mem = stores.open(copy, LiteMemOptions.builder().embedder(new WordHashEmbedder()).build())) {
                    List<Record> all = mem.collection("log").list(null, 10_000).items();
                    for (int i = 0; i < all.size(); i++) {
                        assertEquals(String.format("r%05d", i), all.get(i).id(), "a snapshot holds a prefix of the writes");
                    }
                    counts.add((long) all.size());
                }
            }
            assertEquals(150, writer.get(120, TimeUnit.SECONDS));
            assertTrue(counts.get(0) >= 1);
            try (var left = Files.list(stores.path("data").resolve(".exports"))) {
                assertEquals(0, left.count(), "snapshots are deleted once streamed");
            }
        }
    }
}
