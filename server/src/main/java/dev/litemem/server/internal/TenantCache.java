package dev.litemem.server.internal;

import dev.litemem.LiteMem;
import dev.litemem.LiteMemException;
import dev.litemem.LiteMemOptions;
import dev.litemem.check.CheckReport;
import dev.litemem.check.Finding;
import dev.litemem.check.StoreCheck;
import dev.litemem.server.ServerException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The open tenant files: at most {@code maxOpen} of them (the configured bound, lowered to what the process's file
 * descriptors allow) and about {@code maxBytes} of SQLite page cache and loaded vector indexes (re-estimated when a
 * request releases the tenant, since an index loads on first use and grows with writes), least recently used closed
 * first (closing the last connection checkpoints the WAL into the file), reopened on demand. A tenant is leased for
 * the length of a request and is never closed while leased. When descriptors run short, idle tenants are closed before
 * another opens.
 *
 * <p>Locks (docs/CONCURRENCY.md): {@link #lock} guards the map, the name reservations and the estimates. It is a leaf:
 * code holding it touches only those fields, never a file, a store, a key or another lock, and the only wait under it
 * is a deletion waiting for the tenant's leases (which releases it). Each entry's monitor guards opening and closing
 * its store and is never held while taking {@link #lock}.
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
    private final FileDescriptors descriptors;
    /** Whether a tenant's file gets the quick check before its store opens (on by default; tests of other things may not). */
    private final boolean checkOnOpen = !Boolean.getBoolean("litemem.server.skipOpenCheck");
    /** The tenant files as their stores left them: one unchanged since needs no quick check ({@code DATA/.checked}). */
    private final ClosedFiles closedFiles;
    private final java.util.concurrent.atomic.AtomicLong openChecksRun = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong openChecksSkipped = new java.util.concurrent.atomic.AtomicLong();
    private final Object lock = new Object();
    private final LinkedHashMap<String, Entry> open = new LinkedHashMap<>(64, 0.75f, true);
    /** Names being created or deleted: no lease is given on them meanwhile. */
    private final Set<String> reserved = new HashSet<>();
    /** Names of evicted tenants whose store is being closed in the background. */
    private final Set<String> closing = new HashSet<>();
    /**
     * Tenants whose file failed the quick check when the cache opened it (docs/OPERATIONS.md, "Quarantine"): refused
     * with 503 until the file changes (restored or repaired in place) or the name is deleted or created anew.
     */
    private final Map<String, Quarantine> quarantined = new java.util.HashMap<>();
    private long estimatedBytes;
    private long opens;
    private long evictions;
    private boolean closed;
    /** Closes evicted tenants: one thread, only while there are some to close. */
    private final java.util.concurrent.ThreadPoolExecutor closer = new java.util.concurrent.ThreadPoolExecutor(1, 1,
            10, java.util.concurrent.TimeUnit.SECONDS, new java.util.concurrent.LinkedBlockingQueue<>(), r -> {
                Thread t = new Thread(r, "litemem-tenant-closer");
                t.setDaemon(true);
                return t;
            });

    /** @param options how tenant stores open; {@code createIfMissing(false)}: a tenant's file exists from its creation on */
    TenantCache(TenantKeys keys, LiteMemOptions options, int maxOpen, long maxBytes, int connectionsPerTenant) {
        this(keys, options, maxOpen, maxBytes, connectionsPerTenant, FileDescriptors.probe(connectionsPerTenant), true);
    }

    TenantCache(TenantKeys keys, LiteMemOptions options, int maxOpen, long maxBytes, int connectionsPerTenant,
                FileDescriptors descriptors) {
        this(keys, options, maxOpen, maxBytes, connectionsPerTenant, descriptors, true);
    }

    TenantCache(TenantKeys keys, LiteMemOptions options, int maxOpen, long maxBytes, int connectionsPerTenant,
                FileDescriptors descriptors, boolean logBound) {
        this.keys = keys;
        this.options = options;
        this.descriptors = descriptors;
        this.closedFiles = new ClosedFiles(keys.dir().resolveSibling(".checked"));
        this.maxOpen = Math.min(maxOpen, descriptors.tenantBound());
        this.maxBytes = maxBytes;
        this.connectionsPerTenant = connectionsPerTenant;
        closer.allowCoreThreadTimeOut(true);
        if (descriptors.known() && logBound) {
            LOG.info("Open tenants: at most {} (configured {}; file descriptor limit {}, {} open at start, {} per open"
                            + " tenant, {} kept for connections and the rest)", this.maxOpen, maxOpen, descriptors.limit(),
                    descriptors.openAtStart(), descriptors.perTenant(), descriptors.reserve());
        }
    }

    /** The bound on open tenants in force: the configured one, or lower where file descriptors are fewer. */
    int maxOpen() {
        return maxOpen;
    }

    /** Leases the tenant's store, opening it if needed; 404 if the tenant does not exist (nothing is created then). */
    Lease acquire(String name) {
        refuseIfQuarantined(name);
        Entry entry;
        synchronized (lock) {
            if (closed) {
                throw new ServerException(503, "shutting-down", null, "the server is shutting down");
            }
            if (reserved.contains(name)) {
                throw Errors.tenantNotFound(); // being deleted (or not yet created)
            }
            entry = open.get(name);
            if (entry == null) {
                entry = new Entry(name);
                open.put(name, entry);
            }
            entry.users++;
        }
        try {
            // Checked after counting as a user: a deletion that moved the key away before is seen here, and a deletion
            // that starts later waits for this lease.
            if (!keys.exists(name)) {
                throw Errors.tenantNotFound();
            }
            openStore(entry);
        } catch (RuntimeException e) {
            release(entry);
            throw e;
        }
        evictIfNeeded();
        return new Lease(entry);
    }

    /** A quarantined tenant's file as it was when it failed the check: a change means someone restored or repaired it. */
    private record Quarantine(String kinds, long size, long modified, Object fileKey) {
        static Quarantine of(Path file, String kinds) {
            try {
                java.nio.file.attribute.BasicFileAttributes a = Files.readAttributes(file,
                        java.nio.file.attribute.BasicFileAttributes.class);
                return new Quarantine(kinds, a.size(), a.lastModifiedTime().toMillis(), a.fileKey());
            } catch (IOException e) {
                return new Quarantine(kinds, -1, -1, null);
            }
        }
    }

    /** 503 tenant-quarantined while the tenant's file is the one that failed; a changed file is checked again. */
    private void refuseIfQuarantined(String name) {
        Quarantine q;
        synchronized (lock) {
            q = quarantined.get(name);
        }
        if (q == null) {
            return;
        }
        if (Quarantine.of(keys.dbFile(name), q.kinds()).equals(q)) {
            throw Errors.tenantQuarantined(name, q.kinds());
        }
        synchronized (lock) {
            quarantined.remove(name, q);
        }
        LOG.info("Tenant '{}' was quarantined and its file has changed since: checking it again", name);
    }

    /** Runs the quick check before a store opens; a file that fails is quarantined (nothing opens or writes it). */
    private void checkBeforeOpening(String name, Path file) {
        if (!Files.isRegularFile(file)) {
            return; // missing: opening refuses it as before (500 tenant-file-incompatible), the path only in the log
        }
        CheckReport report = StoreCheck.quickCheck(file);
        if (report.findings().stream().allMatch(f -> f.kind() == Finding.Kind.FILE)) {
            return; // clean, or not a LiteMem file at all: opening refuses that as before (500 tenant-file-incompatible)
        }
        String kinds = report.findings().stream().map(f -> f.kind().id()).distinct().collect(Collectors.joining(", "));
        synchronized (lock) {
            quarantined.put(name, Quarantine.of(file, kinds));
        }
        // Findings name tables and rows, never the user's data.
        LOG.warn("Quarantined tenant '{}': its file failed the quick check ({} ms): {}", name, report.millis(),
                report.findings().stream().map(f -> f.kind().id() + " " + (f.table() == null ? "" : f.table())
                        + (f.row() == null ? "" : " row " + f.row()) + ": " + f.message()).collect(Collectors.joining("; ")));
        throw Errors.tenantQuarantined(name, kinds);
    }

    /** How many tenants are quarantined now. */
    int quarantinedCount() {
        synchronized (lock) {
            return quarantined.size();
        }
    }

    /** Opens the entry's store unless open, closing idle tenants first when file descriptors run short. */
    private void openStore(Entry entry) {
        if (entry.mem != null) {
            return;
        }
        relieveDescriptorPressure();
        long estimate;
        try {
            estimate = entry.ensureOpen();
        } catch (LiteMemException e) {
            if (!descriptors.underPressure()) {
                throw e;
            }
            // Out of descriptors despite the budget (many client connections): close idle tenants and try once more.
            if (relieveDescriptorPressure() == 0) {
                throw serverBusy();
            }
            estimate = entry.ensureOpen();
        }
        if (estimate > 0) {
            synchronized (lock) {
                opens++;
                if (!entry.removed) {
                    entry.bytes = estimate;
                    entry.pageCacheBytes = estimate;
                    estimatedBytes += estimate;
                }
            }
        }
    }

    private void release(Entry entry) {
        synchronized (lock) {
            entry.users--;
            if (entry.mem == null && entry.users == 0 && open.get(entry.name) == entry) {
                open.remove(entry.name);
            }
            lock.notifyAll();
        }
    }

    /**
     * Reserves a name for a creation or a deletion: until {@link #unreserve}, no lease is given on it and no other
     * reservation. Returns false when it is already reserved. Never waits.
     */
    boolean reserve(String name) {
        synchronized (lock) {
            if (closed) {
                throw new ServerException(503, "shutting-down", null, "the server is shutting down");
            }
            quarantined.remove(name); // created anew or deleted: the file that failed is no longer this tenant's
            return reserved.add(name);
        }
    }

    void unreserve(String name) {
        closedFiles.forget(name); // created anew or deleted: what its file was when closed no longer matters
        synchronized (lock) {
            reserved.remove(name);
        }
    }

    /** Quick checks run when tenants opened, and skipped because the file was unchanged since its store closed. */
    long[] openChecks() {
        return new long[] {openChecksRun.get(), openChecksSkipped.get()};
    }

    /**
     * Takes a reserved tenant out of the cache and waits until no request uses it (or the cache closes); returns its
     * entry to close, or null when it was not open. The wait holds only this cache's lock, which it releases.
     */
    Entry detach(String name) throws InterruptedException {
        synchronized (lock) {
            while (closing.contains(name) && !closed) {
                lock.wait(); // evicted just before: its files are still open in the background
            }
            Entry entry = open.remove(name);
            if (entry == null) {
                return null;
            }
            entry.removed = true;
            estimatedBytes -= entry.bytes;
            while (entry.users > 0 && !closed) {
                lock.wait();
            }
            return entry;
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
                    evicted(e);
                    victims.add(e);
                }
            }
        }
        for (Entry e : victims) {
            closeLater(e);
        }
    }

    /**
     * Closes an evicted tenant off the request's path (closing the last connection checkpoints and removes the WAL):
     * the request that made room does not wait for it. A deletion of the name waits for it ({@link #detach}).
     */
    private void closeLater(Entry e) {
        synchronized (lock) {
            closing.add(e.name);
        }
        Runnable close = () -> {
            try {
                e.close();
            } finally {
                synchronized (lock) {
                    closing.remove(e.name);
                    lock.notifyAll();
                }
            }
        };
        try {
            closer.execute(close);
        } catch (java.util.concurrent.RejectedExecutionException shutDown) {
            close.run();
        }
    }

    /**
     * Before a store opens outside the cache (a new tenant's, to write its schema): closes idle tenants while file
     * descriptors are short. Throws 503 when they stay short.
     */
    void makeRoomForAStore() {
        relieveDescriptorPressure();
        if (descriptors.underPressure() && descriptors.open() + descriptors.perTenant() > descriptors.limit()) {
            throw serverBusy();
        }
    }

    private static ServerException serverBusy() {
        return new ServerException(503, "server-busy", null,
                "the server has too many files open to open this tenant now: retry shortly");
    }

    /** Closes idle tenants, least recently used first, while descriptors are short; returns how many it closed. */
    private int relieveDescriptorPressure() {
        int closedNow = 0;
        while (descriptors.underPressure()) {
            Entry victim = null;
            synchronized (lock) {
                for (Iterator<Entry> it = open.values().iterator(); it.hasNext() && victim == null; ) {
                    Entry e = it.next();
                    if (e.users == 0 && e.mem != null) {
                        it.remove();
                        evicted(e);
                        victim = e;
                    }
                }
            }
            if (victim == null) {
                break;
            }
            victim.close();
            closedNow++;
        }
        if (closedNow > 0) {
            LOG.info("Closed {} idle tenant(s): {} of {} file descriptors in use", closedNow, descriptors.open(),
                    descriptors.limit());
        }
        return closedNow;
    }

    /** Under {@link #lock}: an entry just taken out of the map. */
    private void evicted(Entry e) {
        e.removed = true;
        estimatedBytes -= e.bytes;
        evictions++;
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
            lock.notifyAll();
        }
        closer.shutdown();
        try {
            closer.awaitTermination(1, java.util.concurrent.TimeUnit.HOURS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Entry e : all) {
            e.close();
        }
        if (checkOnOpen) {
            closedFiles.save();
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
            release(entry);
            entry.remeasure();
            evictIfNeeded();
        }
    }

    /** One tenant in the cache. Its monitor guards opening and closing the store; the other fields are under lock. */
    final class Entry {
        final String name;
        int users;
        /** The estimate counted in estimatedBytes: pageCacheBytes plus the indexes' bytes when last measured. */
        long bytes;
        long pageCacheBytes;
        /** Taken out of the map (evicted, deleted or the cache closed): its bytes no longer count. Under lock. */
        boolean removed;
        volatile LiteMem mem;
        /** The file as the store opened it, when it was unchanged since its last close (under this entry's monitor). */
        private ClosedFiles.Fingerprint openedAs;

        Entry(String name) {
            this.name = name;
        }

        /** Opens the store unless open; returns its estimated bytes when this call opened it, else 0. */
        synchronized long ensureOpen() {
            if (mem != null) {
                return 0;
            }
            Path file = keys.dbFile(name);
            if (checkOnOpen) {
                openedAs = closedFiles.unchangedSinceClosed(name, file);
                if (openedAs != null) {
                    openChecksSkipped.incrementAndGet();
                } else {
                    openChecksRun.incrementAndGet();
                    checkBeforeOpening(name, file);
                }
            }
            LiteMem m = LiteMem.open(file, options);
            long size;
            try {
                size = Files.size(file);
            } catch (IOException e) {
                size = 0;
            }
            mem = m;
            return OVERHEAD_BYTES + connectionsPerTenant * Math.min(size, PAGE_CACHE_BYTES);
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

        synchronized void close() {
            LiteMem m = mem;
            if (m == null) {
                return;
            }
            try {
                m.close();
                if (checkOnOpen) {
                    closedFiles.closed(name, keys.dbFile(name), openedAs);
                }
            } catch (RuntimeException e) {
                LOG.warn("closing tenant '{}' failed: {}", name, e.getMessage());
            }
        }
    }
}
