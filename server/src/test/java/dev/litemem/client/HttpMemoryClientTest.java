package dev.litemem.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.litemem.LiteMemException;
import dev.litemem.client.testing.MemoryClientContract;
import dev.litemem.client.wire.NewTenant;
import dev.litemem.client.wire.TenantBody;
import dev.litemem.server.MemoryServer;
import dev.litemem.server.ServerConfig;
import dev.litemem.testing.WordHashEmbedder;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The MemoryClient contract over HTTP: HttpMemoryClient (litemem-client) against a real server on loopback. Here and
 * not in litemem-client, since the server depends on the client (for the wire types) and a test dependency the other
 * way would be a cycle Maven refuses.
 */
class HttpMemoryClientTest extends MemoryClientContract {
    static final String ADMIN = "client-test-admin-key-0123456789";
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path dir;
    static MemoryServer server;
    static String key;

    @BeforeAll
    static void startServer() throws Exception {
        server = MemoryServer.start(ServerConfig.builder(dir.resolve("server")).port(0).adminKey(ADMIN)
                .embedder(new WordHashEmbedder()).build());
        HttpResponse<byte[]> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(server.baseUrl()
                        + "/v1/tenants")).header("Authorization", "Bearer " + ADMIN)
                .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(new TenantBody("agent")))).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(201, r.statusCode());
        key = JSON.readValue(r.body(), NewTenant.class).apiKey();
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @Override
    protected MemoryClient open() {
        return MemoryClients.open(server.baseUrl() + "/v1/tenants/agent?key=" + key);
    }

    @Test
    void aWrongKeyIsRefusedLikeAMissingTenant() {
        try (MemoryClient other = new HttpMemoryClient(URI.create(server.baseUrl() + "/v1/tenants/agent"), "not-its-key",
                Duration.ofSeconds(10))) {
            LiteMemException e = assertThrows(LiteMemException.class, () -> other.get("prefs", "p1"));
            assertTrue(e.getMessage().contains("404 tenant-not-found"), e.getMessage());
        }
    }

    @Test
    void aServerThatCannotBeReachedIsAClearError() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        try (MemoryClient nowhere = MemoryClients.open("http://127.0.0.1:" + port + "/v1/tenants/agent?key=k")) {
            LiteMemException e = assertThrows(LiteMemException.class,
                    () -> nowhere.put("prefs", dev.litemem.Record.of("p", "text", Map.of())));
            assertTrue(e.getMessage().contains("cannot be reached"), e.getMessage());
        }
    }
}
