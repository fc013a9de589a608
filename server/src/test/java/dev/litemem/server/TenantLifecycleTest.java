package dev.litemem.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.litemem.testing.TempStores;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A deleted tenant's data never goes to the next tenant of that name, whatever step a crash interrupts: deletion moves
 * the key into the trash first and the next start finishes it; creation never adopts files it did not create.
 */
class TenantLifecycleTest {
    static final String ADMIN = "lifecycle-admin-key-0123456789";
    static final String SECRET = "the old owner's secret";
    @RegisterExtension
    final TempStores stores = new TempStores();

    Path tenants() {
        return stores.path("tenants");
    }

    @Test
    void leftoverDataOfADeletedTenantIsQuarantinedNotAdopted() throws Exception {
        try (TestServer s = new TestServer(stores.dir())) {
            String key = s.createTenant("acme");
            assertEquals(200, s.call("PUT", TestServer.records("acme", "notes"), key,
                    "{\"records\": [{\"id\": \"a\", \"text\": \"" + SECRET + "\"}]}").status());
        }
        // What a crash between removing the key and removing the data left behind.
        Files.delete(tenants().resolve("acme.key"));
        try (TestServer s = new TestServer(stores.dir())) {
            String key = s.createTenant("acme");
            assertEquals(404, s.call("GET", TestServer.records("acme", "notes") + "/a", key, null).status(),
                    "the new tenant reads nothing of the old one");
            assertEquals(404, s.call("GET", "/v1/tenants/acme/collections/notes", key, null).status());
        }
        assertTrue(quarantined("acme.db"), "the old data is kept aside, not deleted and not adopted");
    }

    @Test
    void leftoverFilesAppearingAtRuntimeAreQuarantinedWhenTheNameIsCreated() throws Exception {
        Path old = stores.path("old.db");
        try (TestServer s = new TestServer(stores.path("first"))) {
            String key = s.createTenant("acme");
            s.call("PUT", TestServer.records("acme", "notes"), key, "{\"records\": [{\"id\": \"a\", \"text\": \"" + SECRET + "\"}]}");
        }
        Files.copy(stores.path("first/tenants/acme.db"), old);
        try (TestServer s = new TestServer(stores.path("second"))) {
            Files.copy(old, stores.path("second/tenants/acme.db")); // an orphan put there while it runs
            String key = s.createTenant("acme");
            assertEquals(404, s.call("GET", TestServer.records("acme", "notes") + "/a", key, null).status());
        }
        try (Stream<Path> q = Files.walk(stores.path("second/.quarantine"))) {
            assertTrue(q.anyMatch(p -> p.getFileName().toString().equals("acme.db")));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"delete-after-key", "delete-before-purge"})
    void aDeletionKilledAtAnyStepIsFinishedAtTheNextStart(String point) throws Exception {
        String oldKey;
        try (ChildServer child = ChildServer.start(stores.dir(), 8, ADMIN, null, "-D" + "litemem.test.pauseAt=" + point)) {
            oldKey = createTenant(child.url, "acme");
            assertEquals(200, send(child.url, "PUT", TestServer.records("acme", "notes"), oldKey,
                    "{\"records\": [{\"id\": \"a\", \"text\": \"" + SECRET + "\"}]}").statusCode());
            HttpClient.newHttpClient().sendAsync(request(child.url, "DELETE", "/v1/tenants/acme", ADMIN, null),
                    HttpResponse.BodyHandlers.discarding());
            child.awaitLine(l -> l.equals("paused at " + point));
            child.kill();
        }
        assertRecreatedEmpty(oldKey);
        try (Stream<Path> trash = Files.list(stores.path(".trash"))) {
            assertEquals(0, trash.count(), "the interrupted deletion was finished and purged");
        }
        assertFalse(quarantined("acme.db"), "a finished deletion leaves nothing in the quarantine");
    }

    @ParameterizedTest
    @ValueSource(strings = {"create-after-db-file", "create-before-key"})
    void aCreationKilledBeforeItsKeyLeavesNoTenant(String point) throws Exception {
        try (ChildServer child = ChildServer.start(stores.dir(), 8, ADMIN, null, "-D" + "litemem.test.pauseAt=" + point)) {
            HttpClient.newHttpClient().sendAsync(request(child.url, "POST", "/v1/tenants", ADMIN, "{\"name\": \"acme\"}"),
                    HttpResponse.BodyHandlers.discarding());
            child.awaitLine(l -> l.equals("paused at " + point));
            child.kill();
        }
        try (ChildServer child = ChildServer.start(stores.dir(), 8, ADMIN, null)) {
            JsonNode list = TestServer.JSON.readTree(send(child.url, "GET", "/v1/tenants", ADMIN, null).body());
            assertEquals(0, list.get("tenants").size(), "no tenant exists without its key");
            String key = createTenant(child.url, "acme");
            assertEquals(404, send(child.url, "GET", "/v1/tenants/acme/collections/notes", key, null).statusCode());
        }
        assertFalse(Files.exists(tenants().resolve("acme.key.tmp")));
    }

    private void assertRecreatedEmpty(String oldKey) throws Exception {
        try (ChildServer child = ChildServer.start(stores.dir(), 8, ADMIN, null)) {
            assertEquals(404, send(child.url, "GET", TestServer.records("acme", "notes") + "/a", oldKey, null).statusCode(),
                    "the deleted tenant is gone");
            try (Stream<Path> files = Files.list(tenants())) {
                assertEquals(List.of(), files.map(p -> p.getFileName().toString()).toList(), "no file of it is left");
            }
            String key = createTenant(child.url, "acme");
            assertEquals(404, send(child.url, "GET", TestServer.records("acme", "notes") + "/a", key, null).statusCode(),
                    "the next tenant of that name starts empty");
            assertEquals(404, send(child.url, "GET", TestServer.records("acme", "notes") + "/a", oldKey, null).statusCode());
        }
    }

    private boolean quarantined(String fileName) throws Exception {
        Path q = stores.path(".quarantine");
        if (!Files.exists(q)) {
            return false;
        }
        try (Stream<Path> files = Files.walk(q)) {
            return files.anyMatch(p -> p.getFileName().toString().equals(fileName));
        }
    }

    static String createTenant(String url, String name) throws Exception {
        HttpResponse<String> r = send(url, "POST", "/v1/tenants", ADMIN, "{\"name\": \"" + name + "\"}");
        assertEquals(201, r.statusCode(), r.body());
        return TestServer.JSON.readTree(r.body()).get("apiKey").asText();
    }

    static HttpResponse<String> send(String url, String method, String path, String key, String body) throws Exception {
        return HttpClient.newHttpClient().send(request(url, method, path, key, body), HttpResponse.BodyHandlers.ofString());
    }

    static HttpRequest request(String url, String method, String path, String key, String body) {
        return HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build();
    }
}
