package dev.litemem.server;

import static dev.litemem.server.ReplicaTest.childJava;
import static dev.litemem.server.ReplicaTest.primaryDigest;
import static dev.litemem.server.ReplicaTest.replica;
import static dev.litemem.server.ReplicaTest.replicaDigest;
import static dev.litemem.server.ReplicaTest.sameSearches;
import static dev.litemem.server.TestServer.ADMIN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.litemem.LiteMemException;
import dev.litemem.Record;
import dev.litemem.client.HttpMemoryClient;
import dev.litemem.client.Replica;
import dev.litemem.testing.TempStores;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * SIGKILL of a replica (a child JVM) while it applies the feed, and of the server (a child JVM) while replicas follow
 * it, many times over; afterwards the replica converges to the primary: the same digest of every row, the same
 * search results. {@code -Dlitemem.test.replicaKills=50} for the full run (CI: {@value #CI_KILLS} each).
 */
class ReplicaCrashTest {
    static final int CI_KILLS = 3;
    static final int KILLS = Integer.getInteger("litemem.test.replicaKills", CI_KILLS);

    @RegisterExtension
    final TempStores stores = new TempStores();

    /**
     * Writes upserts and deletes over 1,500 ids until stopped; counts the acknowledged ones. Each text names its id, so
     * no two records tie in a search (a tie's order follows row ids, which a replica numbers its own way).
     */
    static CompletableFuture<Void> writer(HttpMemoryClient primary, AtomicBoolean stop, AtomicLong acknowledged,
                                          long seed) {
        return CompletableFuture.runAsync(() -> {
            Random random = new Random(seed);
            while (!stop.get()) {
                int n = random.nextInt(1500);
                try {
                    if (random.nextInt(10) == 0) {
                        primary.delete("notes", "r" + n);
                    } else {
                        primary.put("notes", Record.of("r" + n, "item" + n + " text about " + (n % 40) + " word "
                                + random.nextInt(20) + " of " + (n % 7), Map.of("n", n)));
                    }
                    acknowledged.incrementAndGet();
                } catch (LiteMemException e) {
                    // The server is down (killed on purpose): the write was not acknowledged; go on.
                }
            }
        });
    }

    @Test
    void aReplicaKilledWhileApplyingResumesExactlyAndConverges() throws Exception {
        Path data = stores.path("data");
        Random random = new Random(42);
        try (TestServer s = new TestServer(data)) {
            String key = s.createTenant("acme");
            HttpMemoryClient primary = new HttpMemoryClient(URI.create(s.server.baseUrl() + "/v1/tenants/acme"), key,
                    Duration.ofSeconds(30));
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong acknowledged = new AtomicLong();
            CompletableFuture<Void> writing = writer(primary, stop, acknowledged, 7);
            Path file = stores.path("killed.db");
            for (int kill = 0; kill < KILLS; kill++) {
                Process child = new ProcessBuilder(childJava(ChildReplicaMain.class, file.toString(), s.server.baseUrl(),
                        "acme", key, Integer.toString(1 + random.nextInt(40)), "follow")).redirectErrorStream(true)
                        .start();
                BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                        StandardCharsets.UTF_8));
                try {
                    String line = out.readLine();
                    while (line != null && !line.startsWith("following at ")) {
                        line = out.readLine(); // its log lines
                    }
                    assertTrue(line != null, "the replica exited before it followed");
                    CompletableFuture.runAsync(() -> drain(out));
                    // Kill it after a random number of further writes: it applies batches of 1-40 all the while.
                    long target = acknowledged.get() + 1 + random.nextInt(60);
                    Await.until("more writes", () -> acknowledged.get() >= target);
                } finally {
                    child.destroyForcibly();
                    assertTrue(child.waitFor(60, TimeUnit.SECONDS));
                }
            }
            stop.set(true);
            writing.get(60, TimeUnit.SECONDS);
            assertTrue(acknowledged.get() > KILLS);
            try (Replica r = replica(file, s.server.baseUrl(), "acme", key).follow(false).open()) {
                r.sync();
                assertEquals(0, r.status().bootstraps(), "resumed from its position, no new snapshot");
                assertEquals(primaryDigest(data, "acme"), replicaDigest(r));
                sameSearches(primary, r, "notes");
            }
        }
    }

    private static void drain(BufferedReader out) {
        try {
            while (out.readLine() != null) {
                // Read and dropped, so a full pipe never stops the child.
            }
        } catch (java.io.IOException e) {
            // Killed: its output ends.
        }
    }

    @Test
    void theServerKilledWhileReplicasFollowItAndRestartedConverges() throws Exception {
        Path data = stores.path("data");
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Random random = new Random(43);
        ChildServer server = ChildServer.start(data, 100, port, ADMIN, null);
        server.drainOutput();
        try {
            TestServer.Response created = createTenant(server.url);
            String key = created.json().get("apiKey").asText();
            HttpMemoryClient primary = new HttpMemoryClient(URI.create(server.url + "/v1/tenants/acme"), key,
                    Duration.ofSeconds(5));
            primary.put("notes", Record.of("first", "before the replica", Map.of()));
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong acknowledged = new AtomicLong();
            try (Replica r = replica(stores.path("follower.db"), server.url, "acme", key)
                    .requestTimeout(Duration.ofSeconds(2)).batchLimit(25).open()) {
                CompletableFuture<Void> writing = writer(primary, stop, acknowledged, 11);
                for (int kill = 0; kill < KILLS; kill++) {
                    long target = acknowledged.get() + 1 + random.nextInt(80);
                    Await.until("more writes", () -> acknowledged.get() >= target);
                    server.kill();
                    server = ChildServer.start(data, 100, port, ADMIN, null);
                    server.drainOutput();
                }
                long target = acknowledged.get() + 20;
                Await.until("writes after the last restart", () -> acknowledged.get() >= target);
                stop.set(true);
                writing.get(60, TimeUnit.SECONDS);
                r.sync();
                assertEquals(primaryDigest(data, "acme"), replicaDigest(r));
                sameSearches(primary, r, "notes");
                assertTrue(r.status().online());
            }
        } finally {
            server.close();
        }
    }

    private static TestServer.Response createTenant(String url) throws Exception {
        java.net.http.HttpResponse<byte[]> r = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(URI.create(url + "/v1/tenants"))
                        .header("Authorization", "Bearer " + ADMIN).header("Content-Type", "application/json")
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"name\":\"acme\"}")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(201, r.statusCode());
        return new TestServer.Response(r.statusCode(), "", new String(r.body(), StandardCharsets.UTF_8), r);
    }
}
