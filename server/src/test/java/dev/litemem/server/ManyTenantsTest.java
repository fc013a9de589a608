package dev.litemem.server;

import static dev.litemem.server.TestServer.records;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many tenant files behind a small open-tenant cache: every tenant is created, written and then queried in turn, so
 * nearly every query meets a cold tenant that must be reopened. 500 tenants by default; run the full size with
 * {@code -Dlitemem.manyTenants=10000}. Prints the median and p99 time of a cold tenant's first query and the open
 * file descriptors (figures for the docs, not assertions). Commits use Durability.NORMAL here: this test is about
 * the cache and the descriptors, and FULL would spend its time in fsyncs.
 */
class ManyTenantsTest {
    static final int CACHE = 100;
    @TempDir
    Path dir;

    static long openFds() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    @Test
    void manyTenantsAreServedThroughABoundedCache() throws Exception {
        int tenants = Integer.getInteger("litemem.manyTenants", 500);
        long fdsBefore = openFds();
        try (TestServer s = new TestServer(dir, b -> b.maxOpenTenants(CACHE).durability(dev.litemem.Durability.NORMAL))) {
            // Created and written from 8 clients at once (the time goes into fsyncs); queried one by one below.
            String[] keys = new String[tenants];
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
            List<java.util.concurrent.Future<?>> created = new ArrayList<>();
            for (int t = 0; t < tenants; t++) {
                int i = t;
                created.add(pool.submit(() -> {
                    String name = String.format("tenant-%05d", i);
                    keys[i] = s.createTenant(name);
                    var put = s.call("PUT", records(name, "notes"), keys[i], "{\"records\": [{\"id\": \"n\", \"text\":"
                            + " \"the note of " + name + "\", \"metadata\": {\"i\": " + i + "}}]}");
                    assertEquals(200, put.status(), put.body());
                }));
            }
            for (var f : created) {
                f.get();
            }
            pool.shutdown();
            assertTrue(s.call("GET", "/health", null, null).json().get("openTenants").asInt() <= CACHE);
            List<Long> coldNanos = new ArrayList<>(tenants);
            for (int i = 0; i < tenants; i++) {
                String name = String.format("tenant-%05d", i);
                long start = System.nanoTime();
                var hits = s.call("POST", "/v1/tenants/" + name + "/collections/notes/search", keys[i],
                        "{\"text\": \"note\", \"k\": 3, \"where\": {\"i\": " + i + "}}");
                coldNanos.add(System.nanoTime() - start);
                assertEquals(200, hits.status(), hits.body());
                assertEquals(1, hits.json().get("hits").size());
                assertEquals(i, hits.json().get("hits").get(0).get("metadata").get("i").asInt());
            }
            int open = s.call("GET", "/health", null, null).json().get("openTenants").asInt();
            assertTrue(open <= CACHE, open + " tenants open");
            long fds = openFds();
            String metrics = s.call("GET", "/metrics", null, null).body();
            assertTrue(metrics.contains("litemem_tenant_cache_evictions"));
            Collections.sort(coldNanos);
            System.out.printf("many tenants: %d tenants, cache %d, cold first query p50 %.2f ms, p99 %.2f ms,"
                            + " open tenants %d, open fds %d (before the server: %d)%n", tenants, CACHE,
                    coldNanos.get(tenants / 2) / 1e6, coldNanos.get(tenants * 99 / 100) / 1e6, open, fds, fdsBefore);
            // The descriptors follow the cache, not the number of tenants (about 7 per open tenant: 3 connections).
            assertTrue(fds - fdsBefore < CACHE * 12L, "open file descriptors grew by " + (fds - fdsBefore));
        }
        assertTrue(openFds() - fdsBefore < 50, "closing the server closes the tenant files");
    }
}
