package dev.litemem.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.litemem.testing.TempStores;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The {@code Idempotency-Key} header on a real server: a retry with the key gets the first answer with no second
 * effect, on every kind of write route; another request with the key gets 422, one sent while the first runs 409; a
 * malformed key 400; keys expire; and (child JVM, SIGKILL) the effect and the stored answer commit together.
 */
class IdempotencyKeyTest {
    @RegisterExtension
    final TempStores stores = new TempStores();

    private static TestServer.Response keyed(TestServer s, String method, String path, String key, String idemKey,
                                             String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(s.server.baseUrl() + path))
                .timeout(Duration.ofSeconds(60)).header("Authorization", "Bearer " + key)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        if (idemKey != null) {
            b.header("Idempotency-Key", idemKey);
        }
        return s.send(b.build());
    }

    private static boolean replayed(TestServer.Response r) {
        return r.raw().headers().firstValue("Idempotent-Replayed").map("true"::equals).orElse(false);
    }

    private static long lastSeq(TestServer s, String key) {
        TestServer.Response r = s.call("GET", "/v1/tenants/acme", key, null);
        assertEquals(200, r.status(), r.body());
        return r.json().get("lastSeq").asLong();
    }

    /** Sends the request twice with one key: the second answer is the first, replayed. Returns the first. */
    private static TestServer.Response twice(TestServer s, String method, String path, String key, String body) {
        String idem = "\"" + UUID.randomUUID() + "\"";
        TestServer.Response first = keyed(s, method, path, key, idem, body);
        assertTrue(first.status() < 300, method + " " + path + ": " + first.status() + " " + first.body());
        assertFalse(replayed(first));
        long seq = lastSeq(s, key);
        TestServer.Response again = keyed(s, method, path, key, idem, body);
        assertEquals(seq, lastSeq(s, key), "the replay of " + method + " " + path + " wrote");
        assertEquals(first.status(), again.status(), path);
        assertEquals(first.body(), again.body(), path);
        assertEquals(first.contentType(), again.contentType(), path);
        assertTrue(replayed(again), path + " was not marked as replayed");
        assertTrue(again.raw().headers().firstValue("X-LiteMem-Bookmark").isPresent()
                || first.raw().headers().firstValue("X-LiteMem-Bookmark").isEmpty(), "bookmark of " + path);
        return first;
    }

    @Test
    void everyKindOfWriteRouteRepliesTheFirstAnswerWithNoSecondEffect() {
        try (TestServer s = new TestServer(stores.dir())) {
            String key = s.createTenant("acme");
            String t = "/v1/tenants/acme";
            twice(s, "PUT", t + "/collections/notes", key, "{}");
            String upsert = "{\"records\": [{\"id\": \"a\", \"text\": \"alpha\"}, {\"id\": \"b\", \"text\": \"beta\","
                    + " \"metadata\": {\"tag\": \"x\"}}]}";
            twice(s, "PUT", TestServer.records("acme", "notes"), key, upsert);
            twice(s, "DELETE", TestServer.records("acme", "notes") + "/a", key, null);
            twice(s, "DELETE", TestServer.records("acme", "notes") + "?where=%7B%22tag%22%3A%22x%22%7D", key, null);
            twice(s, "POST", t + "/collections/docs/documents", key,
                    "{\"source\": \"guide.md\", \"text\": \"# Guide\\n\\nSome words about tea.\"}");
            TestServer.Response remembered = twice(s, "POST", t + "/memories", key,
                    "{\"user\": \"alice\", \"text\": \"Alice likes green tea\"}");
            assertEquals(201, remembered.status());
            String id = remembered.json().get("id").asText();
            twice(s, "POST", t + "/memories/" + id + "/supersede", key,
                    "{\"text\": \"Alice likes black tea\"}");
            twice(s, "POST", t + "/memories/undo", key, "{\"user\": \"alice\", \"n\": 1}");
            twice(s, "PUT", t + "/state/plan?user=alice", key, "{\"value\": {\"step\": 1}}");
            twice(s, "POST", t + "/journal/run-1", key,
                    "{\"type\": \"tool-call\", \"payload\": {\"tool\": \"search\"}}");
            twice(s, "POST", t + "/ledger/events", key, "{\"type\": \"invoice\", \"payload\": {\"n\": 1}}");
            twice(s, "DELETE", t + "/state/plan?user=alice", key, null);
            twice(s, "DELETE", t + "/memories?user=alice", key, null);
            // Effects exactly once: one journal entry, version 1 of the state, the documents' chunks once.
            assertEquals(1, s.call("GET", t + "/journal/run-1", key, null).json().get("entries").size());
            assertEquals(0, s.call("GET", TestServer.records("acme", "notes"), key, null).json().get("records").size());
        }
    }

    /** openapi.json names the header on exactly the routes that honour it: a malformed key is refused there only. */
    @Test
    void theRoutesDocumentedWithTheHeaderAreTheRoutesThatHonourIt() {
        try (TestServer s = new TestServer(stores.dir())) {
            String key = s.createTenant("acme");
            com.fasterxml.jackson.databind.JsonNode paths = s.call("GET", "/openapi.json", null, null).json().get("paths");
            List<String> documented = new java.util.ArrayList<>();
            List<String> honoured = new java.util.ArrayList<>();
            paths.fields().forEachRemaining(p -> p.getValue().fields().forEachRemaining(op -> {
                if (op.getKey().equals("parameters") || op.getKey().equals("get")) {
                    return;
                }
                String method = op.getKey().toUpperCase(java.util.Locale.ROOT);
                if (op.getValue().path("parameters").toString().contains("IdempotencyKeyHeader")) {
                    documented.add(method + " " + p.getKey());
                }
                if (!p.getKey().startsWith("/v1/tenants/{tenant}")) {
                    return; // admin routes: the header is not taken there
                }
                String path = p.getKey().replace("{tenant}", "acme").replace("{collection}", "notes")
                        .replace("{id}", "x").replace("{key}", "k").replace("{run}", "r");
                TestServer.Response r = keyed(s, method, path, key, "two words", "{}");
                if (r.status() == 400 && "Idempotency-Key".equals(r.field())) {
                    honoured.add(method + " " + p.getKey());
                }
            }));
            documented.sort(null);
            honoured.sort(null);
            assertEquals(13, documented.size(), documented.toString());
            assertEquals(documented, honoured);
        }
    }

    /** A multipart upload is fingerprinted by its parts: the same upload is replayed, another file is refused. */
    @Test
    void aMultipartDocumentUploadIsReplayedAndAnotherFileUnderItsKeyRefused() {
        try (TestServer s = new TestServer(stores.dir())) {
            String key = s.createTenant("acme");
            String path = "/v1/tenants/acme/collections/docs/documents?source=guide.md";
            TestServer.Response first = upload(s, path, key, "# Guide\n\nTea is brewed at 80 degrees.");
            assertEquals(200, first.status(), first.body());
            long seq = lastSeq(s, key);
            TestServer.Response again = upload(s, path, key, "# Guide\n\nTea is brewed at 80 degrees.");
            assertTrue(replayed(again));
            assertEquals(first.body(), again.body());
            assertEquals(seq, lastSeq(s, key));
            TestServer.Response other = upload(s, path, key, "# Guide\n\nCoffee is brewed at 93 degrees.");
            assertEquals(422, other.status(), other.body());
            assertEquals("idempotency-key-reused", other.problemType());
        }
    }

    private static TestServer.Response upload(TestServer s, String path, String key, String text) {
        String body = "--zz\r\nContent-Disposition: form-data; name=\"file\"; filename=\"guide.md\"\r\n"
                + "Content-Type: text/markdown\r\n\r\n" + text + "\r\n--zz--\r\n";
        return s.send(HttpRequest.newBuilder(URI.create(s.server.baseUrl() + path)).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + key).header("Idempotency-Key", "\"upload-1\"")
                .header("Content-Type", "multipart/form-data; boundary=zz")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build());
    }

    @Test
    void theSameKeyWithAnotherRequestIsRefusedAndAMalformedKeySaysWhatAValidOneIs() {
        try (TestServer s = new TestServer(stores.dir())) {
            String key = s.createTenant("acme");
            String path = TestServer.records("acme", "notes");
            String idem = "\"order-7\"";
            assertEquals(200, keyed(s, "PUT", path, key, idem, "{\"records\": [{\"id\": \"a\", \"text\": \"one\"}]}").status());
            TestServer.Response other = keyed(s, "PUT", path, key, idem, "{\"records\": [{\"id\": \"a\", \"text\": \"two\"}]}");
            assertEquals(422, other.status(), other.body());
            assertEquals("idempotency-key-reused", other.problemType());
            assertEquals("one", s.call("GET", path + "/a", key, null).json().get("text").asText());
            // Another route with the same key is another request too.
            assertEquals(422, keyed(s, "POST", "/v1/tenants/acme/journal/r", key, idem,
                    "{\"type\": \"x\", \"payload\": 1}").status());
            // The bare form of the same key is the same key.
            assertTrue(replayed(keyed(s, "PUT", path, key, "order-7", "{\"records\": [{\"id\": \"a\", \"text\": \"one\"}]}")));
            for (String bad : List.of("\"\"", "\"" + "k".repeat(256) + "\"", "\"unterminated", "two words", "\"bad\\n\"")) {
                TestServer.Response r = keyed(s, "PUT", path, key, bad, "{\"records\": [{\"id\": \"z\", \"text\": \"z\"}]}");
                assertEquals(400, r.status(), bad);
                assertEquals("Idempotency-Key", r.field());
                assertTrue(r.json().get("detail").asText().contains("sf-string"), r.body());
            }
            assertEquals(404, s.call("GET", path + "/z", key, null).status());
            // A request without the header behaves as before: every PUT writes.
            assertEquals(200, s.call("PUT", path, key, "{\"records\": [{\"id\": \"a\", \"text\": \"three\"}]}").status());
            assertEquals("three", s.call("GET", path + "/a", key, null).json().get("text").asText());
            // A failed request stores nothing: the same key then runs for real.
            String fresh = "\"after-a-failure\"";
            assertEquals(400, keyed(s, "PUT", path, key, fresh, "{\"records\": 5}").status());
            TestServer.Response ok = keyed(s, "PUT", path, key, fresh, "{\"records\": 5}");
            assertEquals(400, ok.status());
            assertFalse(replayed(ok));
        }
    }

    @Test
    void aRetryWhileTheFirstRequestRunsGets409AndAfterItTheFirstAnswer() throws Exception {
        DeadlockTest.HoldingEmbedder embedder = new DeadlockTest.HoldingEmbedder();
        try (TestServer s = new TestServer(stores.dir(), b -> b.embedder(embedder))) {
            String key = s.createTenant("acme");
            String path = TestServer.records("acme", "notes");
            String body = "{\"records\": [{\"id\": \"held\", \"text\": \"hold-the-tenant please\"}]}";
            // The collection exists first, so the held request embeds before its first write: no lock is held.
            assertEquals(201, s.call("PUT", "/v1/tenants/acme/collections/notes", key, "{}").status());
            CompletableFuture<TestServer.Response> first = CompletableFuture.supplyAsync(
                    () -> keyed(s, "PUT", path, key, "\"k-1\"", body));
            assertTrue(embedder.entered.await(60, TimeUnit.SECONDS));
            TestServer.Response second = keyed(s, "PUT", path, key, "\"k-1\"", body);
            assertEquals(409, second.status(), second.body());
            assertEquals("idempotency-key-in-flight", second.problemType());
            assertEquals("1", second.raw().headers().firstValue("Retry-After").orElse(null));
            // Embedding holds no lock: another write of the tenant goes through meanwhile.
            assertEquals(200, s.call("PUT", path, key, "{\"records\": [{\"id\": \"other\", \"text\": \"x\"}]}").status());
            embedder.release.countDown();
            TestServer.Response done = first.get(60, TimeUnit.SECONDS);
            assertEquals(200, done.status());
            TestServer.Response retry = keyed(s, "PUT", path, key, "\"k-1\"", body);
            assertTrue(replayed(retry));
            assertEquals(done.body(), retry.body());
            assertEquals(2, s.call("GET", "/v1/tenants/acme/collections/notes", key, null).json().get("count").asLong());
        }
    }

    @Test
    void aKeyIsForgottenWhenItsTimeToLiveRunsOut() {
        try (TestServer s = new TestServer(stores.dir(), b -> b.idempotencyKeyTtl(Duration.ofMillis(300)))) {
            String key = s.createTenant("acme");
            String path = "/v1/tenants/acme/journal/run";
            String body = "{\"type\": \"step\", \"payload\": 1}";
            TestServer.Response first = keyed(s, "POST", path, key, "\"j\"", body);
            assertEquals(201, first.status());
            long until = System.currentTimeMillis() + 300;
            Await.until("the key's time to live to run out", () -> System.currentTimeMillis() > until);
            TestServer.Response later = keyed(s, "POST", path, key, "\"j\"", body);
            assertEquals(201, later.status());
            assertFalse(replayed(later));
            assertNotEquals(first.body(), later.body());
            assertEquals(2, s.call("GET", path, key, null).json().get("entries").size());
        }
    }

    @Test
    void theEffectAndTheStoredAnswerCommitTogetherAcrossASigkill() throws Exception {
        String path = TestServer.records("acme", "notes");
        String body = "{\"records\": [{\"id\": \"a\", \"text\": \"alpha\"}]}";
        String idem = "\"crash-1\"";
        String key;
        // 1. Killed after the route's writes but before their commit (and before the answer is stored): nothing of
        //    either is there, and the retry runs the write once, for real.
        try (ChildServer child = ChildServer.start(stores.dir(), 8, TestServer.ADMIN, null,
                "-Dlitemem.test.pauseAt=idempotent-before-commit")) {
            Client c = new Client(child.url);
            key = c.createTenant();
            CompletableFuture<Integer> pending = CompletableFuture.supplyAsync(() -> c.send("PUT", path, key, idem, body));
            child.awaitLine(l -> l.equals("paused at idempotent-before-commit"));
            child.kill();
            assertTrue(pending.handle((r, e) -> e != null || r >= 500).get(60, TimeUnit.SECONDS));
        }
        try (ChildServer child = ChildServer.start(stores.dir(), 8, TestServer.ADMIN, null)) {
            child.drainOutput();
            Client c = new Client(child.url);
            assertEquals(404, c.send("GET", path + "/a", key, null, null));
            assertEquals(200, c.send("PUT", path, key, idem, body));
            assertEquals("false", c.lastReplayed);
        }
        // 2. Killed after the commit, before the answer went out: the retry gets the first answer, and no second write.
        String idem2 = "\"crash-2\"";
        String body2 = "{\"records\": [{\"id\": \"b\", \"text\": \"beta\"}]}";
        try (ChildServer child = ChildServer.start(stores.dir(), 8, TestServer.ADMIN, null,
                "-Dlitemem.test.pauseAt=idempotent-committed")) {
            Client c = new Client(child.url);
            CompletableFuture<Integer> pending = CompletableFuture.supplyAsync(() -> c.send("PUT", path, key, idem2, body2));
            child.awaitLine(l -> l.equals("paused at idempotent-committed"));
            child.kill();
            assertTrue(pending.handle((r, e) -> e != null || r >= 500).get(60, TimeUnit.SECONDS));
        }
        try (ChildServer child = ChildServer.start(stores.dir(), 8, TestServer.ADMIN, null)) {
            child.drainOutput();
            Client c = new Client(child.url);
            long seqBefore = c.lastSeq(key);
            assertEquals(200, c.send("PUT", path, key, idem2, body2));
            assertEquals("true", c.lastReplayed);
            assertTrue(c.lastBody.contains("\"upserted\":1"), c.lastBody);
            assertEquals(seqBefore, c.lastSeq(key), "the replay wrote nothing");
            assertEquals(200, c.send("GET", path + "/b", key, null, null));
        }
    }

    @Test
    void theJavaClientReusesACallersKeyAndItsOwnKeyWhenItSendsAWriteAgain() throws Exception {
        try (TestServer s = new TestServer(stores.dir())) {
            String key = s.createTenant("acme");
            dev.litemem.client.HttpMemoryClient client = new dev.litemem.client.HttpMemoryClient(
                    URI.create(s.server.baseUrl() + "/v1/tenants/acme"), key, Duration.ofSeconds(30));
            long first = client.withIdempotencyKey("step-1", () -> client.appendJournal("run", "tool", "{\"n\": 1}"));
            long again = client.withIdempotencyKey("step-1", () -> client.appendJournal("run", "tool", "{\"n\": 1}"));
            assertEquals(first, again);
            dev.litemem.InvalidInputException reused = org.junit.jupiter.api.Assertions.assertThrows(
                    dev.litemem.InvalidInputException.class, () -> client.withIdempotencyKey("step-1",
                            () -> client.appendJournal("run", "tool", "{\"n\": 2}")));
            assertEquals("Idempotency-Key", reused.field());
            // Without a key of the caller's, each call is its own write (a fresh key each).
            client.appendJournal("run", "tool", "{\"n\": 1}");
            assertEquals(2, client.readJournal("run", null, 0, 10).size());
        }
        // The answer lost with the server (SIGKILL after the commit): the client sends the write again with its key to
        // the restarted server, gets the first answer, and the journal holds the entry once.
        int port;
        String key;
        try (ChildServer child = ChildServer.start(stores.dir().resolve("child"), 8, TestServer.ADMIN, null,
                "-Dlitemem.test.pauseAt=idempotent-committed")) {
            port = URI.create(child.url).getPort();
            key = new Client(child.url).createTenant();
            dev.litemem.client.HttpMemoryClient client = new dev.litemem.client.HttpMemoryClient(
                    URI.create(child.url + "/v1/tenants/acme"), key, Duration.ofSeconds(30), 60);
            CompletableFuture<Long> write = CompletableFuture.supplyAsync(
                    () -> client.appendJournal("run", "tool", "{\"n\": 1}"));
            child.awaitLine(l -> l.equals("paused at idempotent-committed"));
            child.kill();
            try (ChildServer restarted = ChildServer.start(stores.dir().resolve("child"), 8, port, TestServer.ADMIN, null)) {
                restarted.drainOutput();
                long seq = write.get(120, TimeUnit.SECONDS);
                List<dev.litemem.work.JournalEntry> entries = client.readJournal("run", null, 0, 10);
                assertEquals(1, entries.size());
                assertEquals(seq, entries.get(0).seq());
            }
        }
    }

    /** A small client of the child server. */
    private static final class Client {
        final String url;
        final java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(10)).build();
        volatile String lastReplayed;
        volatile String lastBody;

        Client(String url) {
            this.url = url;
        }

        String createTenant() {
            send("POST", "/v1/tenants", TestServer.ADMIN, null, "{\"name\": \"acme\"}");
            try {
                return TestServer.JSON.readTree(lastBody).get("apiKey").asText();
            } catch (java.io.IOException e) {
                throw new AssertionError(lastBody, e);
            }
        }

        long lastSeq(String key) {
            send("GET", "/v1/tenants/acme", key, null, null);
            try {
                return TestServer.JSON.readTree(lastBody).get("lastSeq").asLong();
            } catch (java.io.IOException e) {
                throw new AssertionError(lastBody, e);
            }
        }

        int send(String method, String path, String key, String idem, String body) {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(60))
                    .header("Authorization", "Bearer " + key)
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
            if (body != null) {
                b.header("Content-Type", "application/json");
            }
            if (idem != null) {
                b.header("Idempotency-Key", idem);
            }
            try {
                java.net.http.HttpResponse<String> r = http.send(b.build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
                lastReplayed = r.headers().firstValue("Idempotent-Replayed").orElse("false");
                lastBody = r.body();
                return r.statusCode();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
