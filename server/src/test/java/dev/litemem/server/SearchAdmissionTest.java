package dev.litemem.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Search admission (docs/CONCURRENCY.md): at most {@code maxConcurrentSearches} searches and recalls run at once, the
 * others wait their turn, and nothing else waits for them.
 */
class SearchAdmissionTest {
    private static final String SEARCH = "/v1/tenants/acme/collections/notes/search";

    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aSearchBeyondTheLimitWaitsForTheRunningOneWhileOtherRequestsAreServed(@TempDir Path dir) throws Exception {
        DeadlockTest.HoldingEmbedder embedder = new DeadlockTest.HoldingEmbedder();
        try (TestServer s = new TestServer(dir, b -> b.embedder(embedder).maxConcurrentSearches(1))) {
            String key = s.createTenant("acme");
            assertEquals(200, s.call("PUT", TestServer.records("acme", "notes"), key,
                    "{\"records\": [{\"id\": \"a\", \"text\": \"alice prefers short answers\"}]}").status());
            assertTrue(s.call("GET", "/metrics", null, null).body().contains("litemem_searches_limit 1.0"));

            // The first search holds its turn inside the embedder (its query text is held there).
            CompletableFuture<TestServer.Response> held = CompletableFuture.supplyAsync(() ->
                    s.call("POST", SEARCH, key, "{\"text\": \"hold-the-tenant answers\", \"mode\": \"semantic\"}"));
            assertTrue(embedder.entered.await(60, TimeUnit.SECONDS));
            // A keyword search needs no embedder, only a turn: it waits.
            CompletableFuture<TestServer.Response> waiting = CompletableFuture.supplyAsync(() ->
                    s.call("POST", SEARCH, key, "{\"text\": \"answers\", \"mode\": \"keyword\"}"));
            Await.until("the second search waiting for its turn",
                    () -> s.call("GET", "/metrics", null, null).body().contains("litemem_searches_waiting 1.0"));
            assertFalse(waiting.isDone());
            // Reads and writes are not searches: they are served meanwhile.
            assertEquals(200, s.call("GET", TestServer.records("acme", "notes") + "/a", key, null).status());
            assertEquals(200, s.call("PUT", TestServer.records("acme", "notes"), key,
                    "{\"records\": [{\"id\": \"b\", \"text\": \"bob likes long answers\"}]}").status());
            assertFalse(waiting.isDone());

            embedder.release.countDown();
            assertEquals(200, held.get(60, TimeUnit.SECONDS).status());
            TestServer.Response second = waiting.get(60, TimeUnit.SECONDS);
            assertEquals(200, second.status(), second.body());
            assertEquals(2, second.json().get("hits").size());
            String metrics = s.call("GET", "/metrics", null, null).body();
            assertTrue(metrics.contains("litemem_searches_waiting 0.0") && metrics.contains("litemem_searches_running 0.0"),
                    metrics);
        }
    }

    @Test
    void theLimitMustBePositive() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> ServerConfig.builder(Path.of("data")).maxConcurrentSearches(0));
        assertTrue(e.getMessage().contains("maxConcurrentSearches"), e.getMessage());
    }
}
