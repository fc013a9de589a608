package dev.litemem.server.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.litemem.CollectionSpec;
import dev.litemem.LiteMemOptions;
import dev.litemem.Record;
import dev.litemem.index.Metric;
import dev.litemem.server.ServerException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TenantCacheTest {
    @TempDir
    Path dir;

    private DataFolder folder;
    private TenantKeys keys;

    @org.junit.jupiter.api.BeforeEach
    void prepare() {
        folder = DataFolder.open(dir, Api.creationOptions(dev.litemem.Durability.FULL));
        keys = new TenantKeys(folder.tenants());
    }

    private TenantCache cache(TenantKeys keys, int maxOpen, long maxBytes) {
        return new TenantCache(keys, LiteMemOptions.builder().useBundledEmbedder(false).readerConnections(1)
                .createIfMissing(false).build(), maxOpen, maxBytes, 2);
    }

    private Tenants tenants(TenantCache cache) {
        return new Tenants(folder, keys, cache, Api.creationOptions(dev.litemem.Durability.FULL));
    }

    private void create(String... names) {
        try (TenantCache cache = cache(keys, 1, Long.MAX_VALUE)) {
            for (String name : names) {
                tenants(cache).create(name);
            }
        }
    }

    private static void write(TenantCache.Lease lease, String id) {
        lease.mem().collection("v", CollectionSpec.vectors(2, Metric.COSINE))
                .upsert(Record.builder().id(id).vector(new float[] {1, 0}).build());
    }

    @Test
    void aFileUnchangedSinceItsStoreClosedOpensWithoutTheQuickCheckAndAChangedOneIsCheckedAgain() {
        create("a", "b");
        try (TenantCache cache = cache(keys, 4, Long.MAX_VALUE)) {
            try (TenantCache.Lease a = cache.acquire("a")) {
                write(a, "x");
            }
            cache.acquire("b").close();
            assertArrayEquals(new long[] {2, 0}, cache.openChecks(), "never closed by a server: checked");
        }
        Path record = dir.resolve(".checked");
        assertTrue(readString(record).contains("\na "), "recorded when the store closed, kept when the cache closed");
        // Changed by something else than the server (here another LiteMem writing it): checked again.
        try (dev.litemem.LiteMem other = dev.litemem.LiteMem.open(keys.dbFile("b"), LiteMemOptions.builder()
                .useBundledEmbedder(false).createIfMissing(false).build())) {
            other.collection("v", CollectionSpec.vectors(2, Metric.COSINE))
                    .upsert(Record.builder().id("outside").vector(new float[] {0, 1}).build());
        }
        try (TenantCache cache = cache(keys, 4, Long.MAX_VALUE)) {
            try (TenantCache.Lease a = cache.acquire("a")) {
                assertTrue(a.mem().collection("v").get("x").isPresent());
            }
            assertArrayEquals(new long[] {0, 1}, cache.openChecks(), "a: unchanged since closed, not checked");
            try (TenantCache.Lease b = cache.acquire("b")) {
                assertTrue(b.mem().collection("v").get("outside").isPresent());
            }
            assertArrayEquals(new long[] {1, 1}, cache.openChecks(), "b: written by another, checked");
        }
        try (TenantCache cache = cache(keys, 4, Long.MAX_VALUE)) {
            tenants(cache).delete("a");
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        assertFalse(readString(record).contains("\na "), "a deleted tenant's record goes with it");
        assertTrue(readString(record).contains("\nb "));
    }

    private static String readString(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void leastRecentlyUsedIdleTenantsAreClosedAndLeasedOnesNever() {
        create("a", "b", "c");
        try (TenantCache cache = cache(keys, 2, Long.MAX_VALUE)) {
            TenantCache.Lease a = cache.acquire("a");
            cache.acquire("b").close();
            cache.acquire("c").close();
            assertTrue(cache.isOpen("a"), "a leased tenant is never closed");
            assertFalse(cache.isOpen("b"));
            assertTrue(cache.isOpen("c"));
            write(a, "still-works");
            a.close();
            try (TenantCache.Lease b = cache.acquire("b")) {
                write(b, "reopened");
            }
            assertFalse(cache.isOpen("a"), "a was the least recently used");
            assertEquals(2, cache.openCount());
            assertEquals(2, cache.evictions());
            assertEquals(4, cache.opens());
            try (TenantCache.Lease again = cache.acquire("a")) {
                assertTrue(again.mem().collection("v").get("still-works").isPresent(), "written before the eviction");
            }
        }
    }

    @Test
    void theMemoryBoundClosesIdleTenants() {
        create("a");
        try (TenantCache cache = cache(keys, 100, 1)) {
            try (TenantCache.Lease a = cache.acquire("a")) {
                write(a, "x");
                assertTrue(cache.isOpen("a"));
                assertTrue(cache.estimatedBytes() > 1);
            }
            assertEquals(0, cache.openCount());
            assertEquals(0, cache.estimatedBytes());
        }
    }

    @Test
    void loadedIndexesCountTowardsTheMemoryBound() {
        create("big", "small");
        long bound;
        try (TenantCache cache = cache(keys, 100, Long.MAX_VALUE)) {
            long pageCacheOnly;
            try (TenantCache.Lease big = cache.acquire("big")) {
                pageCacheOnly = cache.estimatedBytes();
                var vectors = big.mem().collection("v", CollectionSpec.vectors(384, Metric.COSINE));
                java.util.Random random = new java.util.Random(5);
                java.util.List<Record> batch = new java.util.ArrayList<>();
                for (int i = 0; i < 2000; i++) {
                    float[] v = new float[384];
                    for (int d = 0; d < v.length; d++) {
                        v[d] = (float) random.nextGaussian();
                    }
                    batch.add(Record.builder().id("r" + i).vector(v).build());
                }
                vectors.upsertAll(batch);
                vectors.search(dev.litemem.SearchRequest.vector(batch.get(0).vector()).k(3)); // loads the index
            }
            long withIndex = cache.estimatedBytes();
            // 2,000 vectors of 384 floats are 3 MB; the graph and bookkeeping come on top.
            assertTrue(withIndex - pageCacheOnly > 2000L * 384 * 4, pageCacheOnly + " -> " + withIndex);
            bound = withIndex - 1;
        }
        try (TenantCache cache = cache(keys, 100, bound)) {
            try (TenantCache.Lease big = cache.acquire("big")) {
                float[] query = new float[384];
                query[0] = 1;
                big.mem().collection("v").search(dev.litemem.SearchRequest.vector(query).k(1));
            }
            cache.acquire("small").close();
            assertFalse(cache.isOpen("big"), "the tenant whose index passed the bound was closed");
        }
    }

    @Test
    void unknownTenantsAreNeverOpenedOrCreated() throws Exception {
        try (TenantCache cache = cache(keys, 2, Long.MAX_VALUE)) {
            ServerException e = assertThrows(ServerException.class, () -> cache.acquire("ghost"));
            assertEquals("tenant-not-found", e.type());
            assertThrows(ServerException.class, () -> cache.acquire("../ghost"));
        }
        try (var files = Files.list(folder.tenants())) {
            assertEquals(0, files.count());
        }
    }

    @Test
    @org.junit.jupiter.api.Timeout(value = 60, threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
    void deletingWaitsForTheRequestsUsingTheTenant() throws Exception {
        create("a");
        try (TenantCache cache = cache(keys, 2, Long.MAX_VALUE)) {
            TenantCache.Lease lease = cache.acquire("a");
            write(lease, "first");
            CompletableFuture<Void> deletion = CompletableFuture.runAsync(() -> {
                try {
                    tenants(cache).delete("a");
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            while (keys.exists("a")) {
                Thread.onSpinWait();
            }
            assertThrows(ServerException.class, () -> cache.acquire("a"), "a deleted tenant takes no new requests");
            write(lease, "second");
            assertFalse(deletion.isDone(), "the deletion waits for the lease");
            lease.close();
            deletion.get(30, TimeUnit.SECONDS);
            assertFalse(Files.exists(folder.tenants().resolve("a.db")));
            assertFalse(Files.exists(folder.tenants().resolve("a.db-wal")));
            try (var trash = Files.list(dir.resolve(".trash"))) {
                assertEquals(0, trash.count(), "the trash is emptied");
            }
        }
    }
}
