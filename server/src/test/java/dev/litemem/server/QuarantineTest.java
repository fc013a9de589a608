package dev.litemem.server;

import static dev.litemem.server.TestServer.ADMIN;
import static dev.litemem.server.TestServer.records;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.litemem.testing.TempStores;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A tenant whose file fails the quick check when the server opens it is quarantined: 503 tenant-quarantined, nothing
 * written to its file, the other tenants served as usual, /metrics counting it; a restored file is served again.
 */
class QuarantineTest {
    @RegisterExtension
    final TempStores stores = new TempStores();

    @Test
    void aDamagedTenantIsQuarantinedBesideHealthyOnesUntilItsFileIsRestored() throws Exception {
        Map<String, String> keys = new java.util.TreeMap<>();
        try (TestServer s = new TestServer(stores.dir())) {
            for (String name : new String[] {"acme", "beta", "gamma"}) {
                keys.put(name, s.createTenant(name));
                assertEquals(200, s.call("PUT", records(name, "notes"), keys.get(name), "{\"records\": [{\"id\": \"a\","
                        + " \"text\": \"alpha note\"}, {\"id\": \"b\", \"text\": \"beta note\"}]}").status());
            }
        }
        Path gamma = stores.dir().resolve("tenants").resolve("gamma.db");
        byte[] sound = Files.readAllBytes(gamma);
        byte[] damaged = damagePage(gamma, sound);
        Files.write(gamma, damaged);

        try (TestServer s = new TestServer(stores.dir())) {
            for (int round = 0; round < 2; round++) { // the second time from the quarantine list, without a check
                var refused = s.call("GET", records("gamma", "notes") + "/a", keys.get("gamma"), null);
                assertEquals(503, refused.status(), refused.body());
                assertEquals("tenant-quarantined", refused.problemType());
                assertTrue(refused.json().path("detail").asText().contains("litemem check DATA/tenants/gamma.db"),
                        refused.body());
                assertEquals(503, s.call("POST", "/v1/tenants/gamma/collections/notes/search", keys.get("gamma"),
                        "{\"text\": \"note\"}").status());
                for (String healthy : new String[] {"acme", "beta"}) {
                    assertEquals(200, s.call("GET", records(healthy, "notes") + "/a", keys.get(healthy), null).status());
                }
            }
            assertEquals(503, s.call("GET", "/v1/tenants/gamma", ADMIN, null).status());
            assertEquals(404, s.call("GET", records("gamma", "notes") + "/a", keys.get("acme"), null).status(),
                    "another tenant's key learns nothing, not even the quarantine");
            assertTrue(s.call("GET", "/metrics", null, null).body().contains("litemem_tenants_quarantined 1.0"));
            assertTrue(Arrays.equals(damaged, Files.readAllBytes(gamma)), "nothing was written to the quarantined file");

            // The operator restores the file (a copy moved into place): the next request checks it again and is served.
            Path restored = stores.dir().resolve("gamma-restored.db");
            Files.write(restored, sound);
            Files.move(restored, gamma, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            var served = s.call("GET", records("gamma", "notes") + "/a", keys.get("gamma"), null);
            assertEquals(200, served.status(), served.body());
            assertTrue(s.call("GET", "/metrics", null, null).body().contains("litemem_tenants_quarantined 0.0"));
        }
    }

    /** Overwrites the cell pointers of an index's root page, which SQLite's quick_check finds. */
    private static byte[] damagePage(Path file, byte[] sound) throws Exception {
        long page;
        long pageSize;
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT rootpage FROM sqlite_schema WHERE name = 'changes_by_collection'")) {
                rs.next();
                page = rs.getLong(1);
            }
            try (ResultSet rs = s.executeQuery("PRAGMA page_size")) {
                rs.next();
                pageSize = rs.getLong(1);
            }
        }
        byte[] bytes = sound.clone();
        for (int i = 8; i < 200; i++) {
            bytes[(int) ((page - 1) * pageSize) + i] = (byte) 0x5A;
        }
        return bytes;
    }
}
