package dev.litemem.server;

import static dev.litemem.server.TestServer.ADMIN;
import static dev.litemem.server.TestServer.records;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.litemem.testing.WordHashEmbedder;
import com.fasterxml.jackson.databind.JsonNode;
import dev.litemem.LiteMem;
import dev.litemem.LiteMemOptions;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole API over real HTTP against a real server on a loopback port. */
class ApiTest {
    @TempDir
    Path dir;
    TestServer s;
    String key;

    @BeforeEach
    void start() {
        s = new TestServer(dir);
        key = s.createTenant("acme");
    }

    @AfterEach
    void stop() {
        s.close();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private void putNotes() {
        var r = s.call("PUT", records("acme", "notes"), key, """
                {"records": [
                  {"id": "a", "text": "Alice prefers short answers", "metadata": {"user": "alice", "year": 2021}},
                  {"id": "b", "text": "Bob likes long detailed answers", "metadata": {"user": "bob", "year": 2019}},
                  {"id": "c", "text": "Alice works on the billing team", "metadata": {"user": "alice", "year": 2024}}
                ]}""");
        assertEquals(200, r.status(), r.body());
        assertEquals(3, r.json().get("upserted").asInt());
        assertTrue(r.json().get("seq").asLong() > 0);
    }

    @Test
    void healthMetricsAndOpenApiAreServed() {
        var health = s.call("GET", "/health", null, null);
        assertEquals(200, health.status());
        assertEquals("ok", health.json().get("status").asText());
        putNotes();
        var metrics = s.call("GET", "/metrics", null, null);
        assertEquals(200, metrics.status());
        assertTrue(metrics.body().contains("litemem_http_requests_seconds_count"), metrics.body());
        assertTrue(metrics.body().contains("route=\"/v1/tenants/{tenant}/collections/{collection}/records\""));
        assertTrue(metrics.body().contains("litemem_tenants_open 1.0"), metrics.body());
        assertTrue(metrics.body().contains("litemem_embedder_queue"));
        assertTrue(metrics.body().contains("litemem_open_tenant_file_bytes"));
        var openapi = s.call("GET", "/openapi.json", null, null);
        assertEquals(200, openapi.status());
        assertEquals("3.0.3", openapi.json().get("openapi").asText());
    }

    @Test
    void recordsAreWrittenReadListedAndDeleted() {
        putNotes();
        var get = s.call("GET", records("acme", "notes") + "/a?vector=true", key, null);
        assertEquals(200, get.status());
        JsonNode a = get.json();
        assertEquals("Alice prefers short answers", a.get("text").asText());
        assertEquals("alice", a.get("metadata").get("user").asText());
        assertEquals(WordHashEmbedder.DIMENSION, a.get("vector").size());
        assertTrue(a.hasNonNull("createdAt"));

        var page1 = s.call("GET", records("acme", "notes") + "?limit=2", key, null).json();
        assertEquals(2, page1.get("records").size());
        assertEquals("b", page1.get("nextCursor").asText());
        var page2 = s.call("GET", records("acme", "notes") + "?limit=2&cursor=b", key, null).json();
        assertEquals(1, page2.get("records").size());
        assertTrue(page2.get("nextCursor").isNull());

        var alice = s.call("GET", records("acme", "notes") + "?where=" + enc("{\"user\":\"alice\"}"), key, null).json();
        assertEquals(2, alice.get("records").size());

        assertEquals(204, s.call("DELETE", records("acme", "notes") + "/b", key, null).status());
        assertEquals(404, s.call("GET", records("acme", "notes") + "/b", key, null).status());
        assertEquals("record-not-found", s.call("DELETE", records("acme", "notes") + "/b", key, null).problemType());

        var deleted = s.call("DELETE", records("acme", "notes") + "?where=" + enc("{\"year\":{\"$gt\":2022}}"), key, null);
        assertEquals(200, deleted.status(), deleted.body());
        assertEquals(1, deleted.json().get("deleted").asInt());
        var noWhere = s.call("DELETE", records("acme", "notes"), key, null);
        assertEquals(400, noWhere.status());
        assertEquals("where", noWhere.field());
        assertEquals(1, s.call("GET", records("acme", "notes"), key, null).json().get("records").size());
    }

    @Test
    void recordIdsWithSlashesAndReservedCharactersAreAddressable() {
        // Ingested chunks are named after their file's path, e.g. "docs/guide.md#3".
        String id = "docs/guide v2.md#3?x=1&y";
        var put = s.call("PUT", records("acme", "notes"), key,
                "{\"records\": [{\"id\": \"" + id + "\", \"text\": \"a chunk of the guide\"}]}");
        assertEquals(200, put.status(), put.body());
        String path = records("acme", "notes") + "/" + URLEncoder.encode(id, StandardCharsets.UTF_8)
                .replace("+", "%20").replace("%2F", "/");
        var get = s.call("GET", path, key, null);
        assertEquals(200, get.status(), get.body());
        assertEquals(id, get.json().get("id").asText());
        assertEquals(404, s.call("GET", records("acme", "notes") + "/docs", key, null).status(), "a prefix is no id");
        assertEquals(204, s.call("DELETE", path, key, null).status());
        assertEquals(404, s.call("GET", path, key, null).status());
    }

    @Test
    void searchByTextAndVectorWithFilters() {
        putNotes();
        var hits = s.call("POST", "/v1/tenants/acme/collections/notes/search", key,
                "{\"text\": \"alice prefers short answers\", \"k\": 2}").json().get("hits");
        assertEquals(2, hits.size());
        assertEquals("a", hits.get(0).get("id").asText());
        assertTrue(hits.get(0).get("score").asDouble() >= hits.get(1).get("score").asDouble());
        assertEquals("alice", hits.get(0).get("metadata").get("user").asText());
        assertTrue(hits.get(0).has("text"));

        var filtered = s.call("POST", "/v1/tenants/acme/collections/notes/search", key,
                "{\"text\": \"answers\", \"k\": 5, \"mode\": \"semantic\", \"where\": {\"$or\": [{\"user\": \"bob\"}, {\"year\": {\"$gte\": 2024}}]}}");
        assertEquals(200, filtered.status(), filtered.body());
        List<String> ids = new ArrayList<>();
        filtered.json().get("hits").forEach(h -> ids.add(h.get("id").asText()));
        ids.sort(null);
        assertEquals(List.of("b", "c"), ids);

        float[] v = new WordHashEmbedder().embed("Bob likes long detailed answers");
        StringBuilder vec = new StringBuilder("[");
        for (int i = 0; i < v.length; i++) {
            vec.append(i == 0 ? "" : ",").append(v[i]);
        }
        var byVector = s.call("POST", "/v1/tenants/acme/collections/notes/search", key,
                "{\"vector\": " + vec + "], \"k\": 1}").json().get("hits");
        assertEquals("b", byVector.get(0).get("id").asText());
        assertEquals(1.0, byVector.get(0).get("score").asDouble(), 1e-4);

        var keyword = s.call("POST", "/v1/tenants/acme/collections/notes/search", key,
                "{\"text\": \"detailed answers\", \"mode\": \"keyword\"}").json().get("hits");
        assertEquals("b", keyword.get(0).get("id").asText());
        assertEquals(1, keyword.get(0).get("keywordRank").asInt());
        assertTrue(!keyword.get(0).has("semanticRank"));
        var hybrid = s.call("POST", "/v1/tenants/acme/collections/notes/search", key,
                "{\"text\": \"detailed answers\", \"mode\": \"hybrid\", \"k\": 1}").json().get("hits");
        assertTrue(hybrid.get(0).has("semanticRank") && hybrid.get(0).has("keywordRank"), hybrid.toString());
        var badMode = s.call("POST", "/v1/tenants/acme/collections/notes/search", key, "{\"text\": \"x\", \"mode\": \"fuzzy\"}");
        assertEquals(400, badMode.status());
        assertEquals("mode", badMode.field());
        var missing = s.call("POST", "/v1/tenants/acme/collections/nothing/search", key, "{\"text\": \"x\"}");
        assertEquals(404, missing.status());
        assertEquals("collection-not-found", missing.problemType());
    }

    @Test
    void aCollectionsLedgerPolicyIsSetAtCreationChangedByAnotherPutAndShown() {
        var created = s.call("PUT", "/v1/tenants/acme/collections/invoices", key, "{\"dimension\": 2, \"ledger\": \"all\"}");
        assertEquals(201, created.status(), created.body());
        assertEquals("all", created.json().get("ledger").asText());
        var plain = s.call("PUT", "/v1/tenants/acme/collections/scratch", key, "{\"dimension\": 2}");
        assertEquals("none", plain.json().get("ledger").asText());
        var again = s.call("PUT", "/v1/tenants/acme/collections/invoices", key, "{\"dimension\": 2}");
        assertEquals("all", again.json().get("ledger").asText(), "a PUT without ledger leaves the policy alone");
        var changed = s.call("PUT", "/v1/tenants/acme/collections/invoices", key, "{\"dimension\": 2, \"ledger\": \"none\"}");
        assertEquals(200, changed.status(), changed.body());
        assertEquals("none", s.call("GET", "/v1/tenants/acme/collections/invoices", key, null).json().get("ledger").asText());
        var bad = s.call("PUT", "/v1/tenants/acme/collections/invoices", key, "{\"dimension\": 2, \"ledger\": \"some\"}");
        assertEquals(400, bad.status(), bad.body());
        assertTrue(bad.body().contains("ledger"), bad.body());
    }

    @Test
    void collectionsAreCreatedOnWriteOrExplicitlyAndListed() {
        putNotes();
        var created = s.call("PUT", "/v1/tenants/acme/collections/vecs", key, "{\"dimension\": 3, \"metric\": \"l2\"}");
        assertEquals(201, created.status(), created.body());
        assertEquals("caller-vectors", created.json().get("model").asText());
        assertEquals(200, s.call("PUT", "/v1/tenants/acme/collections/vecs", key, "{\"dimension\": 3, \"metric\": \"l2\"}").status());
        var conflict = s.call("PUT", "/v1/tenants/acme/collections/vecs", key, "{\"dimension\": 4}");
        assertEquals(409, conflict.status());
        var put = s.call("PUT", records("acme", "vecs"), key, "{\"records\": [{\"id\": \"p\", \"vector\": [1, 2, 3]}]}");
        assertEquals(200, put.status(), put.body());
        var list = s.call("GET", "/v1/tenants/acme/collections", key, null).json().get("collections");
        assertEquals(2, list.size());
        assertEquals("notes", list.get(0).get("name").asText());
        assertEquals("test-words-32", list.get(0).get("model").asText());
        assertEquals("vecs", list.get(1).get("name").asText());
        var info = s.call("GET", "/v1/tenants/acme/collections/notes", key, null).json();
        assertEquals(3, info.get("count").asInt());
        assertEquals(404, s.call("GET", "/v1/tenants/acme/collections/none", key, null).status());
        assertEquals(2, s.call("GET", "/v1/tenants/acme/collections", key, null).json().get("collections").size(),
                "reading a missing collection must not create it");
    }

    @Test
    void documentsAreChunkedAsTheCliDoes() throws Exception {
        var json = s.call("POST", "/v1/tenants/acme/collections/docs/documents", key,
                "{\"source\": \"handbook.md\", \"text\": \"# Keys\\nRotate keys every 90 days.\\n\\n# On-call\\nOn-call starts on Monday.\\n\\n## Escalation\\nEscalate to the lead.\", \"metadata\": {\"kind\": \"handbook\"}}");
        assertEquals(200, json.status(), json.body());
        assertEquals(3, json.json().get("chunks").asInt(), "chunks never cross a heading");
        var chunk = s.call("GET", records("acme", "docs") + "/" + enc("handbook.md#1"), key, null).json();
        assertEquals("On-call starts on Monday.", chunk.get("text").asText());
        assertEquals("handbook.md", chunk.get("source").asText());
        assertEquals(1, chunk.get("chunk").asInt());
        assertEquals("handbook", chunk.get("metadata").get("kind").asText());
        assertEquals("On-call > Escalation", s.call("GET", records("acme", "docs") + "/" + enc("handbook.md#2"), key, null)
                .json().get("metadata").get("heading").asText());

        String file = Files.readString(Path.of("..", "samples", "acme-handbook", "api-key-rotation.md"));
        var upload = s.call("POST", "/v1/tenants/acme/collections/docs/documents?source=api-key-rotation.md", key, file,
                "text/markdown");
        assertEquals(200, upload.status(), upload.body());
        assertTrue(upload.json().get("chunks").asInt() > 1);
        var again = s.call("POST", "/v1/tenants/acme/collections/docs/documents", key,
                "{\"source\": \"handbook.md\", \"text\": \"Only one paragraph now.\"}");
        assertEquals(1, again.json().get("chunks").asInt());
        var left = s.call("GET", records("acme", "docs") + "?where=" + enc("{\"@source\":\"handbook.md\"}"), key, null).json();
        assertEquals(1, left.get("records").size(), "re-ingesting a source replaces its chunks");
        String boundary = "----litemem-test-boundary";
        String multipart = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"glossary.txt\"\r\n"
                + "Content-Type: text/plain\r\n\r\nAPI key: a secret.\n\nTenant: one file.\r\n--" + boundary + "--\r\n";
        var uploaded = s.call("POST", "/v1/tenants/acme/collections/docs/documents", key, multipart,
                "multipart/form-data; boundary=" + boundary);
        assertEquals(200, uploaded.status(), uploaded.body());
        assertEquals("glossary.txt", uploaded.json().get("source").asText());
        assertEquals(1, uploaded.json().get("chunks").asInt(), "short paragraphs pack into one chunk");
        assertTrue(s.call("GET", records("acme", "docs") + "/" + enc("glossary.txt#0"), key, null)
                .json().get("text").asText().contains("Tenant: one file."));
        var noFilePart = s.call("POST", "/v1/tenants/acme/collections/docs/documents", key, "--" + boundary
                + "\r\nContent-Disposition: form-data; name=\"other\"\r\n\r\nx\r\n--" + boundary + "--\r\n",
                "multipart/form-data; boundary=" + boundary);
        assertEquals(400, noFilePart.status(), noFilePart.body());
        assertEquals("file", noFilePart.field());
        var noSource = s.call("POST", "/v1/tenants/acme/collections/docs/documents", key, "text", "text/plain");
        assertEquals(400, noSource.status());
        assertEquals("source", noSource.field());
        var binary = s.call("POST", "/v1/tenants/acme/collections/docs/documents?source=x", key, "text",
                "application/octet-stream");
        assertEquals(415, binary.status());
    }

    @Test
    void tenantsAreListedWithStatsExportedAndDeleted() throws Exception {
        putNotes();
        String other = s.createTenant("beta");
        var list = s.call("GET", "/v1/tenants?limit=1", ADMIN, null).json();
        assertEquals("acme", list.get("tenants").get(0).get("name").asText());
        assertEquals("acme", list.get("nextCursor").asText());
        var rest = s.call("GET", "/v1/tenants?cursor=acme", ADMIN, null).json();
        assertEquals("beta", rest.get("tenants").get(0).get("name").asText());

        var stats = s.call("GET", "/v1/tenants/acme", ADMIN, null).json();
        assertEquals(3, stats.get("records").asInt());
        assertTrue(stats.get("fileBytes").asLong() > 0);
        assertEquals(200, s.call("GET", "/v1/tenants/acme", key, null).status());

        for (String k : new String[] {ADMIN, key}) {
            var export = s.call("GET", "/v1/tenants/acme/export", k, null);
            assertEquals(200, export.status());
            assertEquals("application/vnd.sqlite3", export.contentType());
            Path copy = dir.resolve("copy-" + (k.equals(ADMIN) ? "admin" : "tenant") + ".db");
            Files.write(copy, export.raw().body());
            try (LiteMem mem = LiteMem.open(copy, LiteMemOptions.builder().embedder(new WordHashEmbedder()).build())) {
                assertEquals(3, mem.collection("notes").count());
            }
        }
        assertEquals(404, s.call("GET", "/v1/tenants/acme/export", other, null).status());

        assertEquals(204, s.call("DELETE", "/v1/tenants/acme", ADMIN, null).status());
        assertFalse(Files.exists(dir.resolve("tenants/acme.db")));
        assertFalse(Files.exists(dir.resolve("tenants/acme.key")));
        assertEquals(404, s.call("GET", records("acme", "notes") + "/a", key, null).status());
        assertEquals(404, s.call("DELETE", "/v1/tenants/acme", ADMIN, null).status());
        var dup = s.call("POST", "/v1/tenants", ADMIN, "{\"name\": \"beta\"}");
        assertEquals(409, dup.status());
        String again = s.createTenant("acme");
        assertEquals(404, s.call("GET", records("acme", "notes") + "/a", again, null).status(),
                "a re-created tenant starts empty");
        assertFalse(again.equals(key));
    }

    @Test
    void keysAreStoredOnlyAsHashesAndTenantFilesAreOwnerOnly() throws Exception {
        String stored = Files.readString(dir.resolve("tenants/acme.key"));
        assertFalse(stored.contains(key));
        assertEquals(64, stored.trim().length());
        assertEquals(200, s.call("PUT", records("acme", "notes"), key, "{\"records\": [{\"text\": \"x\"}]}").status());
        for (String f : new String[] {"acme.key", "acme.db", "acme.db-wal", "acme.db-shm"}) {
            assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(dir.resolve("tenants").resolve(f))), f);
        }
    }

    @Test
    void unknownRoutesAnswerProblemJson() {
        var r = s.call("GET", "/v2/nothing", key, null);
        assertEquals(404, r.status());
        assertTrue(r.contentType().startsWith("application/problem+json"), r.contentType());
        assertEquals("not-found", r.problemType());
    }

    @Test
    void aSecondServerOnTheSameDataFolderRefusesToStart() {
        ServerException e = org.junit.jupiter.api.Assertions.assertThrows(ServerException.class, () -> new TestServer(dir));
        assertEquals("data-folder-in-use", e.type());
        assertEquals(200, s.call("GET", "/health", null, null).status());
    }

    @Test
    void routesMatchOpenApi() {
        JsonNode paths = s.call("GET", "/openapi.json", null, null).json().get("paths");
        List<String> documented = new ArrayList<>();
        paths.fields().forEachRemaining(p -> p.getValue().fieldNames().forEachRemaining(m -> {
            if (!m.equals("parameters")) {
                documented.add(m.toUpperCase() + " " + p.getKey());
            }
        }));
        List<String> served = new ArrayList<>(s.server.routes());
        documented.sort(null);
        served.sort(null);
        assertEquals(served, documented);
    }
}
