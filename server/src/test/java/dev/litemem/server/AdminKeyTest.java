package dev.litemem.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.litemem.testing.WordHashEmbedder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Without LITEMEM_ADMIN_KEY the server generates a key into an owner-only file and keeps using it. */
class AdminKeyTest {
    @TempDir
    Path dir;

    private static int listTenants(MemoryServer server, String key) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/v1/tenants"))
                .header("Authorization", "Bearer " + key).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void aGeneratedAdminKeyIsWrittenOwnerOnlyAndReused() throws Exception {
        ServerConfig config = ServerConfig.builder(dir).port(0).embedder(new WordHashEmbedder()).build();
        String env = System.getenv("LITEMEM_ADMIN_KEY");
        try (MemoryServer server = MemoryServer.start(config)) {
            if (env != null) {
                assertTrue(server.adminKeyFile().isEmpty());
                assertEquals(200, listTenants(server, env));
                return;
            }
            Path file = server.adminKeyFile().orElseThrow();
            assertTrue(server.adminKeyGenerated());
            assertEquals(dir.resolve("admin.key"), file);
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
            String key = Files.readString(file).trim();
            assertEquals(200, listTenants(server, key));
            assertEquals(403, listTenants(server, key + "x"));
        }
        try (MemoryServer again = MemoryServer.start(config)) {
            assertFalse(again.adminKeyGenerated());
            assertEquals(200, listTenants(again, Files.readString(dir.resolve("admin.key")).trim()));
        }
    }
}
