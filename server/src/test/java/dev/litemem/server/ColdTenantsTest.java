package dev.litemem.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cold-tenant scenario (docs/SERVER.md, "Cold tenants"): tenants of 200 vectors written while no server runs, a
 * server started on them, and the first vector search of every tenant from 8 clients. 1,000 tenants by default;
 * {@code -Dlitemem.coldTenants=10000} for the full run, {@code -Dlitemem.coldTenants.warmUpMillis=0} without the
 * start-up warm-up (1.5 s by default). Every first query must answer (200 with hits) and the
 * descriptors stay within the bound; the latencies are printed for the docs (speed is not asserted in a test).
 */
class ColdTenantsTest {
    @TempDir
    Path dir;

    @Test
    void everyColdTenantAnswersItsFirstQueryAndDescriptorsStayBounded() throws Exception {
        int tenants = Integer.getInteger("litemem.coldTenants", 1_000);
        Path data = dir.resolve("data");
        ColdTenants.writeDataFolder(data, tenants);
        long fdsBefore = ColdTenants.openFds();
        ColdTenants.Result result;
        int bound;
        // With the start-up warm-up, as a server started by hand runs (the suite turns it off for other tests).
        java.time.Duration warmUp = java.time.Duration.ofMillis(Long.getLong("litemem.coldTenants.warmUpMillis", 1_500));
        try (MemoryServer server = MemoryServer.start(ServerConfig.builder(data).port(0).adminKey(ColdTenants.ADMIN)
                .warmUp(warmUp).build())) {
            bound = server.maxOpenTenants();
            result = ColdTenants.firstQueries(server.baseUrl(), tenants, 8);
        }
        System.out.println(result + " (descriptors before the server " + fdsBefore + ", open-tenant bound " + bound + ")");
        assertEquals(0, result.errors(), result.toString());
        assertEquals(tenants, result.sortedNanos().length);
        // At most `bound` tenants open, 3 descriptors each when read by one request at a time (7 at most), beside
        // the JVM's own and the clients' connections.
        assertTrue(result.fdsAtEnd() - fdsBefore <= Math.min(tenants, bound) * 7L + 100,
                "open file descriptors grew by " + (result.fdsAtEnd() - fdsBefore));
        if (tenants >= 10_000) {
            assertTrue(result.fdsAtEnd() <= 2_000, result.fdsAtEnd() + " descriptors open at the end");
        }
    }
}
