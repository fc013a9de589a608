package dev.litemem.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.litemem.CollectionSpec;
import dev.litemem.LiteMem;
import dev.litemem.LiteMemOptions;
import dev.litemem.Record;
import dev.litemem.testing.TempStores;
import dev.litemem.testing.WordHashEmbedder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Server files and tenant files live in separate namespaces: tenants under DATA/tenants/, the admin key, lock, exports,
 * trash and quarantine beside it, reserved names refused. A folder in the older flat layout is migrated at start and
 * keeps working with the same keys.
 */
class DataFolderTest {
    @RegisterExtension
    final TempStores stores = new TempStores();

    static String hex(String key) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
    }

    private static ServerConfig.Builder withoutAdminKey(Path data) {
        return ServerConfig.builder(data).port(0).embedder(new WordHashEmbedder());
    }

    @Test
    void aTenantNamedAdminIsRefusedAndItsRoutesAreNotFoundNot500() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv("LITEMEM_ADMIN_KEY") == null,
                "LITEMEM_ADMIN_KEY is set: the server would not generate its key file");
        try (MemoryServer s = MemoryServer.start(withoutAdminKey(stores.dir()).build())) {
            // The generated key file admin.key sits beside tenants/, so a tenant named admin finds nothing of it.
            String admin = Files.readString(stores.path("admin.key")).trim();
            var r = TenantLifecycleTest.send(s.baseUrl(), "GET", "/v1/tenants/admin/collections", "lmk_anything", null);
            assertEquals(404, r.statusCode(), r.body());
            assertFalse(r.body().contains("length"), r.body());
            var created = TenantLifecycleTest.send(s.baseUrl(), "POST", "/v1/tenants", admin, "{\"name\": \"admin\"}");
            assertEquals(400, created.statusCode(), created.body());
            assertTrue(created.body().contains("reserved") && created.body().contains("\"field\":\"name\""), created.body());
        }
    }

    @Test
    void aTenantsKeyNeverBecomesTheAdminKey() throws Exception {
        // With the admin key from the configuration (as from LITEMEM_ADMIN_KEY), a tenant named admin wrote admin.key.
        String tenantKey;
        try (TestServer s = new TestServer(stores.dir())) {
            var created = s.call("POST", "/v1/tenants", TestServer.ADMIN, "{\"name\": \"admin\"}");
            assertEquals(400, created.status(), "the name admin is reserved: " + created.body());
            tenantKey = s.createTenant("admin-team");
        }
        // Restarted without a configured admin key: the admin key is generated, not read from a tenant's file.
        try (MemoryServer s = MemoryServer.start(withoutAdminKey(stores.dir()).build())) {
            assertEquals(403, status(s, "GET", "/v1/tenants", hex(tenantKey)));
            assertEquals(403, status(s, "GET", "/v1/tenants", tenantKey));
        }
    }

    @Test
    void aFolderInTheFlatLayoutIsMigratedAndKeepsItsKeys() throws Exception {
        // Today's layout, as the previous server wrote it: NAME.key (hex SHA-256), NAME.db, admin.key, .exports/.
        String acmeKey = "lmk_acme-key-of-the-flat-layout-000000000000000";
        String freshKey = "lmk_fresh-key-never-used-0000000000000000000000";
        String adminKey = "lma_generated-admin-key-0000000000000000000000";
        Files.writeString(stores.path("acme.key"), hex(acmeKey));
        Files.writeString(stores.path("fresh.key"), hex(freshKey)); // created, never written: no file yet
        Files.writeString(stores.path("admin.key"), adminKey + "\n");
        Files.createDirectories(stores.path(".exports"));
        Files.writeString(stores.path(".exports/acme-1.db"), "stale export");
        try (LiteMem mem = LiteMem.open(stores.path("acme.db"), LiteMemOptions.builder().embedder(new WordHashEmbedder()).build())) {
            mem.collection("notes").upsert(Record.of("a", "kept across the migration", Map.of()));
        }

        try (MemoryServer s = MemoryServer.start(withoutAdminKey(stores.dir()).build())) {
            assertFalse(s.adminKeyGenerated(), "the admin key file is kept");
            assertEquals(200, status(s, "GET", "/v1/tenants", adminKey));
            assertEquals(200, status(s, "GET", "/v1/tenants/acme/collections/notes/records/a", acmeKey));
            assertEquals(200, status(s, "PUT", "/v1/tenants/fresh/collections/notes/records", freshKey,
                    "{\"records\": [{\"id\": \"n\", \"text\": \"first write\"}]}"));
            assertEquals(404, status(s, "GET", "/v1/tenants/acme/collections/notes/records/a", freshKey));
        }
        assertEquals(List.of(".checked", ".exports", ".quarantine", ".server.lock", ".trash", "admin.key", "tenants"),
                list(stores.dir()));
        assertEquals(List.of("acme.db", "acme.key", "fresh.db", "fresh.key"), list(stores.path("tenants")));
        assertEquals(List.of(), list(stores.path(".exports")));
        for (String d : new String[] {"", "tenants", ".exports", ".trash", ".quarantine"}) {
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(stores.dir().resolve(d))), d);
        }
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(stores.path(".server.lock"))));
        try (MemoryServer s = MemoryServer.start(withoutAdminKey(stores.dir()).build())) {
            assertEquals(200, status(s, "GET", "/v1/tenants/acme/collections/notes/records/a", acmeKey), "and again");
        }
    }

    @Test
    void anAdminKeyFileHoldingATenantsHashMovesToTheTenantAndStopsOpeningTheServer() throws Exception {
        // The state the previous server left after a tenant named admin was created with LITEMEM_ADMIN_KEY set.
        String tenantKey = "lmk_tenant-named-admin-000000000000000000000000";
        Files.writeString(stores.path("admin.key"), hex(tenantKey));
        try (LiteMem mem = LiteMem.open(stores.path("admin.db"), LiteMemOptions.builder().embedder(new WordHashEmbedder()).build())) {
            mem.collection("notes", CollectionSpec.vectors(2, dev.litemem.index.Metric.COSINE))
                    .upsert(Record.builder().id("a").vector(new float[] {1, 0}).build());
        }
        try (MemoryServer s = MemoryServer.start(withoutAdminKey(stores.dir()).build())) {
            assertTrue(s.adminKeyGenerated(), "a new admin key was generated");
            assertEquals(403, status(s, "GET", "/v1/tenants", hex(tenantKey)), "the hash is no admin key");
            assertEquals(200, status(s, "GET", "/v1/tenants/admin/collections/notes/records/a", tenantKey),
                    "the tenant keeps its data and key");
        }
        assertEquals(hex(tenantKey), Files.readString(stores.path("tenants/admin.key")).trim());
    }

    private static List<String> list(Path d) throws Exception {
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    static int status(MemoryServer s, String method, String path, String key) throws Exception {
        return status(s, method, path, key, null);
    }

    static int status(MemoryServer s, String method, String path, String key, String body) throws Exception {
        return TenantLifecycleTest.send(s.baseUrl(), method, path, key, body).statusCode();
    }
}
