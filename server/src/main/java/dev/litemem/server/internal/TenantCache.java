package dev.litemem.server.internal;

import dev.litemem.LiteMem;
import dev.litemem.LiteMemOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The open tenant files: at most {@code maxOpen} of them and about {@code maxBytes} of SQLite page cache and loaded
 * vector indexes (re-estimated when a request releases the tenant, since an index loads on first use and grows with
 * writes), least recently used closed first (closing the last connection checkpoints the WAL into the file),
 * reopened on demand. A tenant is leased for the length of a request and is never closed while leased.
 */
public final class TenantCache implements AutoCloseable {
    /** SQLite's default page cache per connection (cache_size = -2000, in KiB). */
    private static final long PAGE_CACHE_BYTES = 2000L * 1024;
    private static final long OVERHEAD_BYTES = 256L * 1024;
    private static final Logger LOG = LoggerFactory.getLogger(TenantCache.class);

    private final TenantKeys keys;
    private final LiteMemOptions options;
    private final int maxOpen;
    private final long maxBytes;
    private final int connectionsPerTenant;
    private final Object lock = new Object();
    private final LinkedHashMap<String, Entry> open = new LinkedHashMap<>(64, 0.75f, true);
    private long estimatedBytes;
    private long opens;
    private long evictions;
    private boolean closed;

    TenantCache(TenantKeys keys, LiteMemOptions options, int maxOpen, long maxBytes, int connectionsPerTenant) {
        this.keys = keys;
        this.options = options;
        this.maxOpen = maxOpen;
        this.maxBytes = maxBytes;
        this.connectionsPerTenant = connectionsPerTenant;
    }

    /** Leases the tenant's store, opening it if needed; 404 if the tenant does not exist (nothing is created then). */
    Lease acquire(String name) {
        Entry entry;
        synchronized (lock) {
            if (closed) {
                throw new dev.litemem.server.ServerException(503, "shutting-down", null, "the server is shutting down");
            }
            if (!keys.exists(name)) {
                throw Errors.tenantNotFound();
            }
            entry = open.get(name);
            if (entry == null) {
                entry = new Entry(name);
                open.put(name, entry);
            }
            entry.users++;
        }
        try {
            entry.ensureOpen();
        } catch (RuntimeException e) {
            synchronized (lock) {
                entry.users--;
                if (entry.mem == null && open.get(name) == entry) {
                    open.remove(name);
                }
                lock.notifyAll();
            }
            throw e;
        }
        evictIfNeeded();
        return new Lease(entry);
    }

    /**
     * Deletes the tenant: from this call on it does not exist; waits for the requests using it, closes it and removes
     * its files (the key, the database, its WAL and shared-memory files).
     */
    void delete(String name) throws InterruptedException {
        Entry entry;
        synchronized (lock) {
            if (!keys.exists(name)) {
                throw Errors.tenantNotFound();
            }
            keys.remove(name);
            entry = open.remove(name);
            if (entry != null) {
                entry.removed = true;
            }
            while (entry != null && entry.users > 0) {
                lock.wait();
            }
            if (entry != null) {
                estimatedBytes -= entry.bytes;
            }
        }
        if (entry != null) {
            entry.close();
        }
        Path db = keys.dbFile(name);
        try {
            for (String suffix : new String[] {"", "-wal", "-shm", "-journal"}) {
                Files.deleteIfExists(db.resolveSibling(db.getFileName() + suffix));
            }
        } catch (IOException e) {
            throw new dev.litemem.server.ServerException("cannot delete a tenant's files: " + e.getMessage(), e);
        }
    }

    int openCount() {
        synchronized (lock) {
            return open.size();
        }
    }

    long estimatedBytes() {
        synchronized (lock) {
            return estimatedBytes;
        }
    }

    long opens() {
        synchronized (lock) {
            return opens;
        }
    }

    long evictions() {
        synchronized (lock) {
            return evictions;
        }
    }

    boolean isOpen(String name) {
        synchronized (lock) {
            Entry e = open.get(name);
            return e != null && e.mem != null;
        }
    }

    /** The total size of the open tenants' database files, for the metrics. */
    long openFileBytes() {
        List<Path> files = new ArrayList<>();
        synchronized (lock) {
            for (String name : open.keySet()) {
                files.add(keys.dbFile(name));
            }
        }
        long total = 0;
        for (Path f : files) {
            try {
                total += Files.size(f);
            } catch (IOException e) {
                // Deleted or not created yet: counts as empty.
            }
        }
        return total;
    }

    private void evictIfNeeded() {
        List<Entry> victims = new ArrayList<>();
        synchronized (lock) {
            Iterator<Map.Entry<String, Entry>> it = open.entrySet().iterator();
            while ((open.size() > maxOpen || estimatedBytes > maxBytes) && it.hasNext()) {
                Entry e = it.next().getValue();
                if (e.users == 0 && e.mem != null) {
                    it.remove();
                    e.removed = true;
                    estimatedBytes -= e.bytes;
                    evictions++;
                    victims.add(e);
                }
            }
        }
        for (Entry e : victims) {
            e.close();
        }
    }

    @Override
    public void close() {
        List<Entry> all;
        synchronized (lock) {
            closed = true;
            all = new ArrayList<>(open.values());
            all.forEach(e -> e.removed = true);
            open.clear();
            estimatedBytes = 0;
        }
        for (Entry e : all) {
            e.close();
        }
    }

    /** One request's hold on an open tenant. */
    final class Lease implements AutoCloseable {
        private final Entry entry;
        private boolean released;

        private Lease(Entry entry) {
            this.entry = entry;
        }

        LiteMem mem() {
            return entry.mem;
        }

        String tenant() {
            return entry.name;
        }

        @Override
        public void close() {
            if (released) {
                return;
            }
            released = true;
            synchronized (lock) {
                entry.users--;
                lock.notifyAll();
            }
            entry.remeasure();
            evictIfNeeded();
        }
    }

    private final class Entry {
        final String name;
        int users;
        /** The estimate counted in estimatedBytes: pageCacheBytes plus the indexes' bytes when last measured. */
        long bytes;
        long pageCacheBytes;
        /** Taken out of the map (evicted, deleted or the cache closed): its bytes no longer count. Under lock. */
        boolean removed;
        volatile LiteMem mem;

        Entry(String name) {
            this.name = name;
        }

        synchronized void ensureOpen() {
            if (mem != null) {
                return;
            }
            Path file = keys.dbFile(name);
            createOwnerOnly(file);
            LiteMem m = LiteMem.open(file, options);
            long size;
            try {
                size = Files.size(file);
            } catch (IOException e) {
                size = 0;
            }
            long estimate = OVERHEAD_BYTES + connectionsPerTenant * Math.min(size, PAGE_CACHE_BYTES);
            synchronized (lock) {
                bytes = estimate;
                pageCacheBytes = estimate;
                estimatedBytes += estimate;
                opens++;
            }
            mem = m;
        }

        /** Counts the tenant's loaded indexes, measured outside the cache's lock (it takes the indexes' locks). */
        void remeasure() {
            LiteMem m = mem;
            if (m == null) {
                return;
            }
            long indexBytes = m.indexMemoryBytes();
            synchronized (lock) {
                if (!removed && mem == m) { // not open.get(name): that would count as a use in the LRU order
                    long measured = pageCacheBytes + indexBytes;
                    estimatedBytes += measured - bytes;
                    bytes = measured;
                }
            }
        }

        /** An empty file made owner-only before SQLite fills it; SQLite gives its WAL and SHM files the same mode. */
        private void createOwnerOnly(Path file) {
            try {
                OwnerOnlyFiles.create(file);
            } catch (java.nio.file.FileAlreadyExistsException e) {
                // Already there: SQLite opens it as usual.
            } catch (IOException e) {
                throw new dev.litemem.server.ServerException("cannot create a tenant's file: " + e.getMessage(), e);
            }
        }

        synchronized void close() {
            LiteMem m = mem;
            if (m == null) {
                return;
            }
            try {
                m.close();
            } catch (RuntimeException e) {
                LOG.warn("closing an evicted tenant failed: {}", e.getMessage());
            }
        }
    }
}
