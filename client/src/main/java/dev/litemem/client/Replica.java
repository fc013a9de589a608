package dev.litemem.client;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.litemem.Collection;
import dev.litemem.Filter;
import dev.litemem.Hit;
import dev.litemem.InvalidInputException;
import dev.litemem.LiteMem;
import dev.litemem.LiteMemException;
import dev.litemem.LiteMemOptions;
import dev.litemem.Page;
import dev.litemem.Record;
import dev.litemem.SearchRequest;
import dev.litemem.changes.ReplicaFile;
import dev.litemem.client.wire.ChangesJson;
import dev.litemem.client.wire.ProblemJson;
import dev.litemem.memory.MemoryHit;
import dev.litemem.memory.MemoryItem;
import dev.litemem.memory.MemoryVersion;
import dev.litemem.memory.RememberOptions;
import dev.litemem.memory.RememberResult;
import dev.litemem.memory.Scope;
import dev.litemem.work.JournalEntry;
import dev.litemem.work.StateEntry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * An embedded replica of one tenant of a LiteMem server (docs/REPLICAS.md): a local LiteMem file that follows the
 * tenant, so reads never leave the process, while writes go to the primary.
 *
 * <pre>{@code
 * try (Replica replica = Replica.builder(Path.of("acme.db"), URI.create("http://10.0.0.5:8080"), "acme", key).open()) {
 *     replica.put("notes", Record.of("n1", "Alice prefers short answers", Map.of()));   // to the primary, then
 *     replica.get("notes", "n1");                                                          // read locally: it is there
 * }
 * }</pre>
 *
 * <ul>
 *   <li>Bootstraps from the tenant's export, then applies the change feed in order, each batch in one local
 *       transaction through the file's normal write path (its HNSW index and FTS follow), with its position.</li>
 *   <li>Reads (get, list, search in every mode, recall) run on the local file; agent memory (local().memory()) and
 *       work state (local().work()) are in the feed, so their reads run locally too.</li>
 *   <li>Writes go to the primary and, by default, return once this replica has applied them (read your writes); each
 *       write's {@link Bookmark} is {@link #lastBookmark()}; {@link #session()} carries the newest one it saw.</li>
 *   <li>Offline, reads answer from the file ({@link #status()} tells its position and age); writes fail at once with
 *       {@link ReplicaUnavailableException}, nothing is queued.</li>
 *   <li>A pruned gap (410) or a new incarnation of the tenant: it bootstraps again, replacing the file atomically.</li>
 * </ul>
 * Thread-safe. One follower thread ({@code litemem-replica-TENANT}) while following.
 */
public final class Replica implements MemoryClient {
    private static final ObjectMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
    private static final ThreadLocal<Bookmark> LAST_WRITE = new ThreadLocal<>();
    private final Path file;
    private final String tenantUrl;
    private final String tenant;
    private final String key;
    private final String of;
    private final LiteMemOptions options;
    private final HttpClient http;
    private final HttpMemoryClient primary;
    private final Duration readYourWrites;
    private final int batchLimit;
    private final int pollSeconds;
    private final Duration requestTimeout;
    private final ReentrantReadWriteLock swap = new ReentrantReadWriteLock();
    private final Object progress = new Object();
    private final Object pull = new Object();
    private final AtomicLong bytesReceived = new AtomicLong();
    private final AtomicLong changesReceived = new AtomicLong();
    private volatile LiteMem local;
    private volatile String replicaId;
    private volatile long position;
    private volatile String incarnation;
    private volatile long primaryLatest;
    private volatile Instant lastContact;
    private volatile String offlineReason;
    private volatile int bootstraps;
    private volatile boolean closed;
    private final Thread follower;

    private Replica(Builder b) {
        this.file = b.file.toAbsolutePath();
        String base = b.primary.toString();
        base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        this.tenant = b.tenant;
        this.tenantUrl = base + "/v1/tenants/" + tenant;
        this.key = b.key;
        this.of = tenant + " at " + base;
        this.options = b.options;
        this.readYourWrites = b.readYourWrites;
        this.batchLimit = b.batchLimit;
        this.pollSeconds = (int) b.pollWait.toSeconds();
        this.requestTimeout = b.requestTimeout;
        this.http = HttpClient.newBuilder().connectTimeout(b.requestTimeout).build();
        this.primary = new HttpMemoryClient(URI.create(tenantUrl), key, b.requestTimeout);
        openOrBootstrap();
        if (b.follow) {
            follower = new Thread(this::follow, "litemem-replica-" + tenant);
            follower.setDaemon(true);
            follower.start();
        } else {
            follower = null;
        }
    }

    /**
     * A replica of {@code tenant} on the server at {@code primary} ({@code http://HOST:PORT}) in {@code localFile}
     * (created from the tenant's export when absent; an existing file must be this tenant's replica).
     */
    public static Builder builder(Path localFile, URI primary, String tenant, String key) {
        return new Builder(localFile, primary, tenant, key);
    }

    /** {@link #builder} with the defaults: follows, and writes wait until applied here (up to 30 s). */
    public static Replica open(Path localFile, URI primary, String tenant, String key) {
        return builder(localFile, primary, tenant, key).open();
    }

    /** Options of a replica. */
    public static final class Builder {
        private final Path file;
        private final URI primary;
        private final String tenant;
        private final String key;
        // NORMAL: a replica's file can always be fetched again, and its position commits with its rows, so a power
        // loss costs at most the last batches, applied again; FULL would pay an fsync per applied batch.
        private LiteMemOptions options = LiteMemOptions.builder().durability(dev.litemem.Durability.NORMAL).build();
        private boolean follow = true;
        private Duration readYourWrites = Duration.ofSeconds(30);
        private int batchLimit = 1000;
        private Duration pollWait = Duration.ofSeconds(20);
        private Duration requestTimeout = Duration.ofSeconds(10);

        private Builder(Path file, URI primary, String tenant, String key) {
            this.file = Objects.requireNonNull(file, "localFile");
            this.primary = Objects.requireNonNull(primary, "primary");
            this.tenant = Objects.requireNonNull(tenant, "tenant");
            this.key = Objects.requireNonNull(key, "key");
        }

        /**
         * The local file's options (its embedder must be the collections' model for text search). Default: the
         * defaults with {@link dev.litemem.Durability#NORMAL} (docs/REPLICAS.md says why).
         */
        public Builder options(LiteMemOptions options) {
            this.options = Objects.requireNonNull(options, "options");
            return this;
        }

        /**
         * Whether a thread follows the primary (default true). Without, the replica catches up when opened, on
         * {@link #sync()}, and when a read or write waits for a bookmark.
         */
        public Builder follow(boolean follow) {
            this.follow = follow;
            return this;
        }

        /** How long a write waits until the replica applied it (default 30 s); null: writes do not wait. */
        public Builder readYourWrites(Duration timeout) {
            this.readYourWrites = timeout;
            return this;
        }

        /** Change-log entries asked for per request (1 to 10,000; default 1,000). */
        public Builder batchLimit(int limit) {
            if (limit < 1 || limit > 10_000) {
                throw new IllegalArgumentException("batchLimit must be 1 to 10,000");
            }
            this.batchLimit = limit;
            return this;
        }

        /** How long one request of the feed waits on the server for a change (0 to 60 s; default 20 s). */
        public Builder pollWait(Duration wait) {
            if (wait.isNegative() || wait.toSeconds() > 60) {
                throw new IllegalArgumentException("pollWait must be 0 to 60 seconds");
            }
            this.pollWait = wait;
            return this;
        }

        /** The connect timeout and the timeout of each request beyond its poll wait (default 10 s). */
        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        public Replica open() {
            return new Replica(this);
        }
    }

    // ---- reads: the local file

    @Override
    public Optional<Record> get(String collection, String id) {
        return read(() -> existing(collection).flatMap(c -> c.get(id)));
    }

    @Override
    public Page<Record> list(String collection, String whereJson, String cursor, int limit) {
        Filter filter = whereJson == null ? null : Filter.parse(whereJson);
        return read(() -> existing(collection).map(c -> c.list(filter, cursor, limit)).orElse(new Page<>(List.of(), null)));
    }

    @Override
    public List<Hit> search(String collection, Query query) {
        SearchRequest request = (query.text() != null ? SearchRequest.text(query.text())
                : SearchRequest.vector(query.vector())).k(query.k()).includeVectors(true);
        if (query.mode() != null) {
            request.mode(dev.litemem.SearchMode.fromId(query.mode()));
        }
        if (query.where() != null) {
            request.where(Filter.parse(query.where()));
        }
        return read(() -> existing(collection).map(c -> c.search(request)).orElse(List.of()));
    }

    /**
     * Recalls from the local file: agent memory is in the change feed (docs/REPLICAS.md). A local recall does not mark
     * the memories accessed (a replica takes no local writes; the primary's last-access times are its own).
     */
    @Override
    public List<MemoryHit> recall(Scope scope, String query, int k) {
        return read(() -> local.collections().stream().noneMatch(c -> c.name().equals(dev.litemem.memory.Memory.COLLECTION)) ? List.<MemoryHit>of()
                : local.memory().recall(scope, query, k, dev.litemem.memory.RecallOptions.defaults().markAccessed(false)));
    }

    /** Runs {@code read} on the local store (the file may be replaced by a new bootstrap between two reads). */
    public <T> T read(Supplier<T> read) {
        swap.readLock().lock();
        try {
            if (closed) {
                throw new LiteMemException("this replica is closed");
            }
            return read.get();
        } finally {
            swap.readLock().unlock();
        }
    }

    /** The local store, for reads beyond this interface (call it inside {@link #read}: a bootstrap replaces it). */
    public LiteMem local() {
        return local;
    }

    private Optional<Collection> existing(String name) {
        try {
            return local.findCollection(name);
        } catch (InvalidInputException e) {
            return Optional.empty(); // a name no collection can have
        }
    }

    // ---- writes: the primary

    @Override
    public long put(String collection, List<Record> records) {
        return forwarded(() -> primary.put(collection, records));
    }

    @Override
    public boolean delete(String collection, String id) {
        return forwarded(() -> primary.delete(collection, id));
    }

    @Override
    public int deleteWhere(String collection, String whereJson) {
        return forwarded(() -> primary.deleteWhere(collection, whereJson));
    }

    @Override
    public RememberResult remember(Scope scope, String text, RememberOptions options) {
        return forwarded(() -> primary.remember(scope, text, options));
    }

    @Override
    public int forget(Scope scope) {
        return forwarded(() -> primary.forget(scope));
    }

    // Agent memory and work state arrive with the feed and recall runs locally, but these reads still ask the primary:
    // the local Memory and Work APIs may write (the reserved collection on first use, access marks), and a replica's
    // file takes no local writes. Their writes go to the primary as every write does and wait for their bookmark.

    @Override
    public Optional<MemoryItem> getMemory(String id) {
        return primary.getMemory(id);
    }

    @Override
    public Page<MemoryItem> listMemories(Scope scope, String cursor, int limit) {
        return primary.listMemories(scope, cursor, limit);
    }

    @Override
    public List<MemoryVersion> history(String memoryId) {
        return primary.history(memoryId);
    }

    @Override
    public int undo(Scope scope, int n) {
        return forwarded(() -> primary.undo(scope, n));
    }

    @Override
    public RememberResult supersede(String memoryId, String text, RememberOptions options) {
        return forwarded(() -> primary.supersede(memoryId, text, options));
    }

    @Override
    public Optional<StateEntry> getState(Scope scope, String key) {
        return primary.getState(scope, key);
    }

    @Override
    public StateEntry putState(Scope scope, String key, String json) {
        return forwarded(() -> primary.putState(scope, key, json));
    }

    @Override
    public Optional<StateEntry> compareAndSetState(Scope scope, String key, long expectedVersion, String json) {
        return forwarded(() -> primary.compareAndSetState(scope, key, expectedVersion, json));
    }

    @Override
    public boolean deleteState(Scope scope, String key) {
        return forwarded(() -> primary.deleteState(scope, key));
    }

    @Override
    public long appendJournal(String run, String type, String payloadJson) {
        return forwarded(() -> primary.appendJournal(run, type, payloadJson));
    }

    @Override
    public List<JournalEntry> readJournal(String run, String type, long afterSeq, int limit) {
        return primary.readJournal(run, type, afterSeq, limit);
    }

    /**
     * The bookmark of this thread's last write through this replica (any replica of the process), or null: hand it
     * to another replica or process ({@link #await}, {@link #session(Bookmark)}) to read this write there.
     */
    public static Bookmark lastBookmark() {
        return LAST_WRITE.get();
    }

    private void checkWritable() {
        if (closed) {
            throw new LiteMemException("this replica is closed");
        }
        String reason = offlineReason;
        if (reason != null && follower != null) {
            throw new ReplicaUnavailableException("the primary of this replica (" + of + ") is unreachable (" + reason
                    + "): writes are not queued, retry when it is back; reads still answer from the local file at"
                    + " position " + position + " (see status())");
        }
    }

    /** A write sent to the primary: refused at once when offline; by default it returns once this replica applied it. */
    private <T> T forwarded(Supplier<T> write) {
        checkWritable();
        T result = write.get();
        wrote();
        return result;
    }

    private void wrote() {
        String text = HttpMemoryClient.takeBookmark();
        Bookmark b = text == null ? null : Bookmark.parse(text);
        LAST_WRITE.set(b);
        if (b != null && readYourWrites != null) {
            await(b, readYourWrites);
        }
    }

    // ---- bookmarks and sessions

    /**
     * Waits until this replica has applied {@code bookmark} (of this tenant), up to {@code timeout}.
     *
     * @throws ReplicaUnavailableException when it has not within the timeout (offline, or far behind)
     */
    public void await(Bookmark bookmark, Duration timeout) {
        if (bookmark == null) {
            return;
        }
        if (!bookmark.tenant().equals(tenant)) {
            throw new InvalidInputException("bookmark", "the bookmark is of tenant '" + bookmark.tenant()
                    + "'; this replica follows '" + tenant + "'");
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!reached(bookmark)) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || closed) {
                throw new ReplicaUnavailableException("this replica has not reached bookmark " + bookmark + " within "
                        + timeout.toMillis() + " ms: it is at " + position + " of incarnation " + incarnation
                        + (offlineReason == null ? "" : "; the primary is unreachable (" + offlineReason + ")"));
            }
            if (follower == null) {
                syncUntil(deadline);
                if (!bookmark.incarnation().equals(incarnation)) {
                    throw new ReplicaUnavailableException("bookmark " + bookmark + " is of incarnation "
                            + bookmark.incarnation() + ", but the tenant's is " + incarnation + " (it was deleted and"
                            + " created again, or restored): this replica has not reached bookmark " + bookmark
                            + " and never will");
                }
                continue;
            }
            synchronized (progress) {
                if (!reached(bookmark)) {
                    try {
                        progress.wait(Math.max(1, left / 1_000_000));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new ReplicaUnavailableException("interrupted while waiting for bookmark " + bookmark, e);
                    }
                }
            }
        }
    }

    private boolean reached(Bookmark b) {
        return b.incarnation().equals(incarnation) && position >= b.seq();
    }

    /** A session: sequential consistency across its calls, by the newest bookmark it saw (its writes' included). */
    public Session session() {
        return new Session(this, null, readYourWrites == null ? Duration.ofSeconds(30) : readYourWrites);
    }

    /** A session that starts at {@code bookmark} (from another process or replica). */
    public Session session(Bookmark bookmark) {
        return new Session(this, bookmark, readYourWrites == null ? Duration.ofSeconds(30) : readYourWrites);
    }

    /** A session that starts at {@code bookmark}, whose reads wait at most {@code timeout} for the replica. */
    public Session session(Bookmark bookmark, Duration timeout) {
        return new Session(this, bookmark, Objects.requireNonNull(timeout, "timeout"));
    }

    /** Where this replica stands. */
    public ReplicaStatus status() {
        Instant synced = read(() -> local.replicaFile().state().map(s -> Instant.ofEpochMilli(s.syncedAtMillis()))
                .orElse(null));
        return new ReplicaStatus(tenant, position, incarnation, primaryLatest, lastContact, synced,
                offlineReason == null, offlineReason, bootstraps, bytesReceived.get(), changesReceived.get());
    }

    /**
     * Catches up with the primary now (in the caller's thread), until it answers nothing newer.
     *
     * @throws ReplicaUnavailableException if the primary cannot be reached
     */
    public ReplicaStatus sync() {
        syncUntil(System.nanoTime() + Duration.ofMinutes(10).toNanos());
        return status();
    }

    private void syncUntil(long deadline) {
        while (System.nanoTime() < deadline && !closed) {
            try {
                if (pullOnce(0)) {
                    return;
                }
            } catch (IOException e) {
                offline(e);
                throw new ReplicaUnavailableException("the primary of this replica (" + of + ") cannot be reached: "
                        + e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ReplicaUnavailableException("interrupted while catching up", e);
            }
        }
    }

    // ---- following

    private void follow() {
        long backoffMillis = 100;
        while (!closed) {
            try {
                pullOnce(pollSeconds);
                backoffMillis = 100;
            } catch (InterruptedException e) {
                return; // closing
            } catch (IOException | LiteMemException e) {
                if (closed) {
                    return;
                }
                offline(e);
                synchronized (progress) {
                    try {
                        progress.wait(backoffMillis);
                    } catch (InterruptedException ie) {
                        return;
                    }
                }
                backoffMillis = Math.min(2_000, backoffMillis * 2);
            }
        }
    }

    private void offline(Exception e) {
        String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        offlineReason = reason;
        synchronized (progress) {
            progress.notifyAll();
        }
    }

    /** One request of the feed, applied; true when it reached the primary's newest change. */
    private boolean pullOnce(int waitSeconds) throws IOException, InterruptedException {
        synchronized (pull) {
            HttpRequest req = HttpRequest.newBuilder(URI.create(tenantUrl + "/changes?after=" + position + "&limit="
                            + batchLimit + "&wait=" + waitSeconds))
                    .timeout(requestTimeout.plusSeconds(waitSeconds)).header("Authorization", "Bearer " + key)
                    .header("X-LiteMem-Replica", replicaId).GET().build();
            HttpResponse<byte[]> res = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
            lastContact = Instant.now();
            if (res.statusCode() == 410) {
                offlineReason = null;
                bootstrap();
                return false;
            }
            if (res.statusCode() != 200) {
                throw refused("following", res.statusCode(), res.body());
            }
            bytesReceived.addAndGet(res.body().length);
            ChangesJson changes = JSON.readValue(res.body(), ChangesJson.class);
            offlineReason = null;
            primaryLatest = changes.latest();
            if (!changes.incarnation().equals(incarnation)) {
                bootstrap(); // the tenant was deleted and created again, or restored: another history
                return false;
            }
            if (changes.position() > position) {
                changesReceived.addAndGet((changes.changes() == null ? 0 : changes.changes().size())
                        + (changes.entities() == null ? 0 : changes.entities().size()));
                swap.readLock().lock();
                try {
                    local.replicaFile().apply(changes.toBatch());
                } finally {
                    swap.readLock().unlock();
                }
                position = changes.position();
            }
            synchronized (progress) {
                progress.notifyAll();
            }
            return position >= changes.latest();
        }
    }

    // ---- bootstrap

    private void openOrBootstrap() {
        if (Files.exists(file)) {
            LiteMem existing = LiteMem.open(file, options);
            Optional<ReplicaFile.State> state;
            try {
                state = existing.replicaFile().state();
            } catch (RuntimeException e) {
                existing.close();
                throw e;
            }
            if (state.isEmpty() || !state.get().of().equals(of)) {
                existing.close();
                throw new LiteMemException(file + " is " + (state.isEmpty() ? "not a replica" : "the replica of "
                        + state.get().of()) + ", not of " + of + ": give a new path (a replica never replaces a file"
                        + " that is not its own)");
            }
            local = existing;
            replicaId = state.get().replicaId();
            position = state.get().position();
            incarnation = state.get().incarnation();
            try {
                syncUntil(System.nanoTime() + requestTimeout.toNanos());
            } catch (ReplicaUnavailableException e) {
                // Opened offline: reads answer from the file; the follower (or the next sync) catches up.
            }
            return;
        }
        replicaId = newId();
        try {
            bootstrap();
        } catch (IOException e) {
            throw new ReplicaUnavailableException("cannot make the replica " + file + ": the primary (" + of + ") cannot"
                    + " be reached for its snapshot: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ReplicaUnavailableException("interrupted while loading the snapshot", e);
        }
    }

    /**
     * Loads the tenant's export next to the file, marks it as this replica (position = the snapshot's newest change),
     * then replaces the file with it in one rename: a crash at any point leaves the old replica or the new one.
     */
    private void bootstrap() throws IOException, InterruptedException {
        Path next = file.resolveSibling(file.getFileName() + ".bootstrap");
        deleteWithSidecars(next);
        HttpRequest req = HttpRequest.newBuilder(URI.create(tenantUrl + "/export"))
                .timeout(requestTimeout.plusMinutes(10)).header("Authorization", "Bearer " + key).GET().build();
        HttpResponse<Path> res = http.send(req, HttpResponse.BodyHandlers.ofFile(next));
        if (res.statusCode() != 200) {
            byte[] body = Files.readAllBytes(next);
            deleteWithSidecars(next);
            throw refused("loading the snapshot", res.statusCode(), body);
        }
        bytesReceived.addAndGet(Files.size(next));
        try (LiteMem snapshot = LiteMem.open(next, options)) {
            snapshot.replicaFile().markAsReplicaOfSnapshot(of, replicaId);
        }
        // Durable before it replaces the old file: a crash after the swap must not leave a file whose pages never
        // reached the disk (the snapshot was written through the page cache).
        force(next, false);
        swap.writeLock().lock();
        try {
            if (local != null) {
                local.close();
            }
            deleteWithSidecars(file);
            Files.move(next, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            force(file.toAbsolutePath().getParent(), true); // the rename itself durable
            local = LiteMem.open(file, options);
            ReplicaFile.State s = local.replicaFile().state().orElseThrow();
            position = s.position();
            incarnation = s.incarnation();
            bootstraps++;
        } finally {
            swap.writeLock().unlock();
        }
        synchronized (progress) {
            progress.notifyAll();
        }
    }

    /**
     * Forces a file's bytes, or a folder's entries, to the device. A folder that cannot be opened for it (Windows) is
     * left to the OS. (The client carries core's public packages only, so not core's internal DurableFiles.)
     */
    private static void force(Path path, boolean folder) throws IOException {
        try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(path,
                folder ? java.nio.file.StandardOpenOption.READ : java.nio.file.StandardOpenOption.WRITE)) {
            channel.force(true);
        } catch (java.nio.file.AccessDeniedException | UnsupportedOperationException e) {
            if (!folder) {
                throw e;
            }
        }
    }

    private static void deleteWithSidecars(Path f) throws IOException {
        for (String suffix : new String[] {"-wal", "-shm", ""}) {
            Files.deleteIfExists(f.resolveSibling(f.getFileName() + suffix));
        }
    }

    private LiteMemException refused(String doing, int status, byte[] body) {
        String detail;
        try {
            ProblemJson p = JSON.readValue(body, ProblemJson.class);
            detail = p.title() + ": " + p.detail();
        } catch (IOException | RuntimeException e) {
            detail = "no problem details";
        }
        if (status == 404 || status == 401) {
            return new LiteMemException("the primary refused " + doing + " for tenant '" + tenant + "' (" + status + " "
                    + detail + "): check the tenant name and its key (a tenant deleted and created again has a new key)");
        }
        return new LiteMemException("the primary refused " + doing + " (" + status + " " + detail + ")");
    }

    private static String newId() {
        byte[] b = new byte[12];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /** Stops following and closes the local file (its index is checkpointed as for any file). */
    @Override
    public void close() {
        closed = true;
        if (follower != null) {
            follower.interrupt();
            try {
                follower.join(Duration.ofSeconds(30).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        swap.writeLock().lock();
        try {
            if (local != null && !local.isClosed()) {
                local.close();
            }
        } finally {
            swap.writeLock().unlock();
        }
        synchronized (progress) {
            progress.notifyAll();
        }
    }
}
