package dev.litemem.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin routes a tenant move uses (docs/SCALE-OUT.md): freeze (writes 503 with Retry-After, reads served, kept
 * across a restart), digest, export with the key's hash, import on another server keeping the key, creation by path.
 */
class TenantMoveRoutesTest {
    private static final String UPSERT = "{\"records\": [{\"id\": \"a\", \"text\": \"alpha beta\", \"metadata\": {\"n\": 1}},"
            + " {\"id\": \"b\", \"text\": \"gamma delta\"}]}";

    @Test
    void frozenTenantRefusesWritesServesReadsAndMovesWithItsKey(@TempDir Path dir) throws Exception {
        Path sourceDir = dir.resolve("source");
        String key;
        String digest;
        try (TestServer source = new TestServer(sourceDir); TestServer target = new TestServer(dir.resolve("target"))) {
            TestServer.Response created = source.call("PUT", "/v1/tenants/acme", TestServer.ADMIN, null);
            assertEquals(201, created.status(), created.body());
            key = created.json().get("apiKey").asText();
            assertEquals(409, source.call("PUT", "/v1/tenants/acme", TestServer.ADMIN, null).status());
            assertEquals(403, source.call("PUT", "/v1/tenants/other", key, null).status());
            assertEquals(200, source.call("PUT", TestServer.records("acme", "notes"), key, UPSERT).status());

            assertEquals(403, source.call("PUT", "/v1/tenants/acme/freeze", key, null).status());
            TestServer.Response frozen = source.call("PUT", "/v1/tenants/acme/freeze", TestServer.ADMIN, null);
            assertEquals(200, frozen.status(), frozen.body());
            assertEquals(200, source.call("PUT", "/v1/tenants/acme/freeze", TestServer.ADMIN, null).status(), "idempotent");
            assertTrue(source.call("GET", "/v1/tenants/acme/freeze", TestServer.ADMIN, null).json().get("frozen").asBoolean());
            assertEquals(404, source.call("GET", "/v1/tenants/nobody/freeze", TestServer.ADMIN, null).status());
            TestServer.Response refused = source.call("PUT", TestServer.records("acme", "notes"), key,
                    "{\"records\": [{\"id\": \"c\", \"text\": \"late\"}]}");
            assertEquals(503, refused.status(), refused.body());
            assertEquals("tenant-frozen", refused.problemType());
            assertEquals("5", refused.raw().headers().firstValue("Retry-After").orElse(""));
            assertEquals(503, source.call("DELETE", TestServer.records("acme", "notes") + "/a", key, null).status());
            assertEquals(503, source.call("POST", "/v1/tenants/acme/journal/run1", key, "{\"type\": \"t\", \"payload\": 1}").status());
            // Another tenant's key learns nothing: the answer it gets anyway.
            assertEquals(404, source.call("PUT", TestServer.records("acme", "notes"), "lmk_wrong", UPSERT).status());
            // Reads are served.
            assertEquals(200, source.call("GET", TestServer.records("acme", "notes") + "/a", key, null).status());
            TestServer.Response search = source.call("POST", "/v1/tenants/acme/collections/notes/search", key,
                    "{\"text\": \"alpha\", \"k\": 2}");
            assertEquals(200, search.status(), search.body());

            TestServer.Response d = source.call("GET", "/v1/tenants/acme/digest", TestServer.ADMIN, null);
            assertEquals(200, d.status(), d.body());
            assertTrue(d.json().get("frozen").asBoolean());
            assertTrue(d.json().get("tables").has("records"));
            assertEquals(2, d.json().get("tables").get("records").get("rows").asLong());
            digest = d.json().get("sha256").asText();
            assertEquals(403, source.call("GET", "/v1/tenants/acme/digest", key, null).status());

            HttpResponse<byte[]> export = source.http.send(HttpRequest.newBuilder(URI.create(source.server.baseUrl()
                    + "/v1/tenants/acme/export")).header("Authorization", "Bearer " + TestServer.ADMIN).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, export.statusCode());
            String keyHash = export.headers().firstValue("X-LiteMem-Key-Sha256").orElseThrow();
            HttpResponse<byte[]> byTenant = source.http.send(HttpRequest.newBuilder(URI.create(source.server.baseUrl()
                    + "/v1/tenants/acme/export")).header("Authorization", "Bearer " + key).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertFalse(byTenant.headers().firstValue("X-LiteMem-Key-Sha256").isPresent(), "only the admin learns it");

            assertEquals(400, importTo(target, "acme", "nothex", export.body()).statusCode());
            HttpResponse<String> bad = importTo(target, "acme", keyHash, "not a sqlite file".getBytes());
            assertEquals(400, bad.statusCode(), bad.body());
            assertTrue(bad.body().contains("invalid-snapshot"), bad.body());
            HttpResponse<String> imported = importTo(target, "acme", keyHash, export.body());
            assertEquals(201, imported.statusCode(), imported.body());
            assertTrue(imported.body().contains(digest), imported.body());
            assertEquals(409, importTo(target, "acme", keyHash, export.body()).statusCode());
            TestServer.Response there = target.call("GET", "/v1/tenants/acme/digest", TestServer.ADMIN, null);
            assertEquals(digest, there.json().get("sha256").asText());
            assertFalse(there.json().get("frozen").asBoolean());
            assertFalse(target.call("GET", "/v1/tenants/acme/freeze", TestServer.ADMIN, null).json().get("frozen").asBoolean());
            // The tenant's own key opens it on the target, and writes go on there.
            assertEquals(200, target.call("GET", TestServer.records("acme", "notes") + "/b", key, null).status());
            assertEquals(200, target.call("PUT", TestServer.records("acme", "notes"), key,
                    "{\"records\": [{\"id\": \"c\", \"text\": \"on the target\"}]}").status());
            assertNotEquals(digest, target.call("GET", "/v1/tenants/acme/digest", TestServer.ADMIN, null).json().get("sha256").asText());
        }
        // The freeze is kept across a restart of the source; lifting it lets writes in; deletion removes it.
        try (TestServer source = new TestServer(sourceDir)) {
            assertEquals(503, source.call("PUT", TestServer.records("acme", "notes"), key, UPSERT).status());
            assertEquals(digest, source.call("GET", "/v1/tenants/acme/digest", TestServer.ADMIN, null).json().get("sha256").asText());
            assertEquals(200, source.call("DELETE", "/v1/tenants/acme/freeze", TestServer.ADMIN, null).status());
            assertEquals(200, source.call("PUT", TestServer.records("acme", "notes"), key, UPSERT).status());
            assertEquals(200, source.call("PUT", "/v1/tenants/acme/freeze", TestServer.ADMIN, null).status());
            assertEquals(204, source.call("DELETE", "/v1/tenants/acme", TestServer.ADMIN, null).status());
            assertTrue(Files.notExists(sourceDir.resolve(".frozen/acme")));
            assertEquals(404, source.call("PUT", "/v1/tenants/acme/freeze", TestServer.ADMIN, null).status());
        }
    }

    /** A freeze answers only after the writes admitted before it have committed: the snapshot after it holds them. */
    @Test
    void freezeWaitsForTheWritesAlreadyAdmitted(@TempDir Path dir) throws Exception {
        DeadlockTest.HoldingEmbedder embedder = new DeadlockTest.HoldingEmbedder();
        try (TestServer server = new TestServer(dir, b -> b.embedder(embedder))) {
            String key = server.createTenant("acme");
            java.util.concurrent.CompletableFuture<TestServer.Response> write = java.util.concurrent.CompletableFuture
                    .supplyAsync(() -> server.call("PUT", TestServer.records("acme", "notes"), key,
                            "{\"records\": [{\"id\": \"held\", \"text\": \"hold-the-tenant please\"}]}"));
            assertTrue(embedder.entered.await(60, java.util.concurrent.TimeUnit.SECONDS));
            java.util.concurrent.CompletableFuture<TestServer.Response> freeze = java.util.concurrent.CompletableFuture
                    .supplyAsync(() -> server.call("PUT", "/v1/tenants/acme/freeze", TestServer.ADMIN, null));
            Await.until("the freeze waiting for the write", () -> Await.threadIn(Thread.State.TIMED_WAITING, "Freezes", "freeze"));
            assertFalse(freeze.isDone());
            // A write arriving now is refused at once; the admitted one goes on.
            assertEquals(503, server.call("PUT", TestServer.records("acme", "notes"), key,
                    "{\"records\": [{\"id\": \"late\", \"text\": \"late\"}]}").status());
            embedder.release.countDown();
            assertEquals(200, write.get(60, java.util.concurrent.TimeUnit.SECONDS).status());
            assertEquals(200, freeze.get(60, java.util.concurrent.TimeUnit.SECONDS).status());
            TestServer.Response d = server.call("GET", "/v1/tenants/acme/digest", TestServer.ADMIN, null);
            assertEquals(1, d.json().get("tables").get("records").get("rows").asLong(), d.body());
        }
    }

    private static HttpResponse<String> importTo(TestServer server, String tenant, String keyHash, byte[] body) throws Exception {
        return server.http.send(HttpRequest.newBuilder(URI.create(server.server.baseUrl() + "/v1/tenants/" + tenant
                        + "/import?keySha256=" + keyHash)).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + TestServer.ADMIN).header("Content-Type", "application/vnd.sqlite3")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
