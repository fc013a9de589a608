package dev.litemem.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.litemem.Hit;
import dev.litemem.InvalidInputException;
import dev.litemem.LiteMemOptions;
import dev.litemem.Page;
import dev.litemem.Record;
import dev.litemem.server.MemoryServer;
import dev.litemem.server.ServerConfig;
import dev.litemem.testing.WordHashEmbedder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The same agent code against an embedded file and against a real server, chosen by URI alone. */
class MemoryClientTest {
    static final String ADMIN = "client-test-admin-key-0123456789";
    @TempDir
    static Path dir;
    static MemoryServer server;
    static String serverUri;

    @BeforeAll
    static void startServer() throws Exception {
        server = MemoryServer.start(ServerConfig.builder(dir.resolve("server")).port(0).adminKey(ADMIN)
                .embedder(new WordHashEmbedder()).build());
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/v1/tenants"))
                .header("Authorization", "Bearer " + ADMIN).POST(HttpRequest.BodyPublishers.ofString("{\"name\": \"agent\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(201, r.statusCode());
        String key = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body()).get("apiKey").asText();
        serverUri = server.baseUrl() + "/v1/tenants/agent?key=" + key;
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    private static MemoryClient open(String kind) {
        LiteMemOptions options = LiteMemOptions.builder().embedder(new WordHashEmbedder()).build();
        return kind.equals("file") ? MemoryClients.open("file:" + dir.resolve("agent.db"), options)
                : MemoryClients.open(serverUri, options);
    }

    /** Agent code that knows only MemoryClient. */
    @ParameterizedTest
    @ValueSource(strings = {"file", "http"})
    void theSameAgentCodeRunsOnAFileAndOnAServer(String kind) {
        try (MemoryClient memory = open(kind)) {
            long seq = memory.put("prefs", List.of(
                    Record.of("p1", "Alice prefers short answers", Map.of("user", "alice", "year", 2021)),
                    Record.of("p2", "Bob wants detailed answers with sources", Map.of("user", "bob", "year", 2024)),
                    Record.builder().id("p3").text("Alice is on the billing team").metadata(Map.of("user", "alice"))
                            .source("hr.md", 2).build()));
            assertTrue(seq > 0);

            Record p1 = memory.get("prefs", "p1").orElseThrow();
            assertEquals("Alice prefers short answers", p1.text());
            assertEquals("alice", p1.metadata().get("user"));
            assertEquals(WordHashEmbedder.DIMENSION, p1.vector().length);
            assertEquals("hr.md", memory.get("prefs", "p3").orElseThrow().source());
            assertEquals(Optional.empty(), memory.get("prefs", "nope"));
            assertEquals(Optional.empty(), memory.get("no-such-collection", "p1"));

            List<Hit> hits = memory.search("prefs", Query.text("alice prefers short answers").k(2));
            assertEquals("p1", hits.get(0).record().id());
            List<Hit> bob = memory.search("prefs", Query.text("answers").k(5).where("{\"user\": \"bob\"}"));
            assertEquals(1, bob.size());
            assertEquals("p2", bob.get(0).record().id());
            List<Hit> byVector = memory.search("prefs", Query.vector(p1.vector()).k(1));
            assertEquals("p1", byVector.get(0).record().id());
            assertEquals(1.0f, byVector.get(0).score(), 1e-4f);
            assertEquals(List.of(), memory.search("no-such-collection", Query.text("x")));

            Page<Record> page = memory.list("prefs", null, null, 2);
            assertEquals(List.of("p1", "p2"), page.items().stream().map(Record::id).toList());
            Page<Record> rest = memory.list("prefs", null, page.nextCursor(), 2);
            assertEquals(List.of("p3"), rest.items().stream().map(Record::id).toList());
            assertFalse(rest.hasNext());
            assertEquals(2, memory.list("prefs", "{\"user\": \"alice\"}", null, 10).items().size());

            InvalidInputException bad = assertThrows(InvalidInputException.class,
                    () -> memory.put("prefs", Record.builder().id("v").vector(new float[3]).build()));
            assertEquals("records[0].vector", bad.field());
            InvalidInputException badFilter = assertThrows(InvalidInputException.class,
                    () -> memory.search("prefs", Query.text("x").where("{\"year\": {\"$gt\": [1]}}")));
            assertEquals("where.year.$gt", badFilter.field());

            memory.put("prefs", List.of(Record.of("docs/a b.md#2", "a chunk named after its file", Map.of())));
            assertEquals("a chunk named after its file", memory.get("prefs", "docs/a b.md#2").orElseThrow().text());
            assertTrue(memory.delete("prefs", "docs/a b.md#2"));

            assertTrue(memory.delete("prefs", "p2"));
            assertFalse(memory.delete("prefs", "p2"));
            assertEquals(2, memory.deleteWhere("prefs", "{\"user\": \"alice\"}"));
            assertEquals(0, memory.list("prefs", null, null, 10).items().size());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"ftp://host/x", "http://127.0.0.1:1/v1/other/agent?key=k", "mailto:x"})
    void badUrisAreRefused(String uri) {
        assertThrows(IllegalArgumentException.class, () -> MemoryClients.open(uri));
    }
}
