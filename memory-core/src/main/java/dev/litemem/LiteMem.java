package dev.litemem;

import dev.litemem.internal.index.CollectionIndex;
import dev.litemem.internal.index.IndexMaintainer;
import dev.litemem.internal.memory.MemoryBackend;
import dev.litemem.internal.memory.MemoryStore;
import dev.litemem.internal.store.ChangeLog;
import dev.litemem.internal.store.RowTriggers;
import dev.litemem.internal.store.CollectionRows;
import dev.litemem.internal.store.Database;
import dev.litemem.internal.store.EmbeddingCache;
import dev.litemem.internal.store.Consumers;
import dev.litemem.internal.store.LedgerRows;
import dev.litemem.internal.store.Retention;
import dev.litemem.internal.store.RecordRows;
import dev.litemem.internal.work.WorkStore;
import dev.litemem.memory.Memory;
import dev.litemem.work.Work;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;

/**
 * One LiteMem store: one SQLite file holding an agent's or a tenant's collections of records, their embeddings and
 * their change log.
 *
 * <pre>{@code
 * try (var mem = LiteMem.open(Path.of("agent-42.db"))) {
 *     var notes = mem.collection("notes");
 *     notes.upsert(Record.of("pref-1", "Alice prefers short answers", Map.of("user", "alice")));
 *     var hits = notes.search("how does Alice like her answers?", 3);
 * }
 * }</pre>
 *
 * Thread-safe: share one instance per file across the threads of a process. Writes are serialized, reads run in
 * parallel. Close it once, when no thread uses it any more.
 */
public final class LiteMem implements AutoCloseable {
    private static final Pattern COLLECTION_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");
    private static final Pattern CONSUMER_NAME = Pattern.compile("[a-z][a-z0-9_.:-]{0,127}");
    private final Database db;
    private final LiteMemOptions options;
    private final ConcurrentHashMap<String, Collection> collections = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Long, CollectionIndex> indexes = new ConcurrentHashMap<>();
    private final IndexMaintainer maintainer;
    private volatile Optional<Embedder> embedder;
    private volatile MemoryStore memory;
    private volatile WorkStore work;
    private boolean memoryExpiryScheduled;

    private LiteMem(Database db, LiteMemOptions options) {
        this.db = db;
        this.options = options;
        this.embedder = options.embedder().isPresent() ? options.embedder() : null;
        this.maintainer = new IndexMaintainer(options.backgroundIndexing() ? db.maintenance() : null,
                options.checkpointInterval(), options.pruneChangeLogEvery(), this::pruneChangeLog);
    }

    /** Opens (or creates) the store in {@code file} with the default options. */
    public static LiteMem open(Path file) {
        return open(file, LiteMemOptions.defaults());
    }

    /**
     * Opens (or creates) the store in {@code file}, migrating an older LiteMem file forward.
     *
     * @throws IncompatibleFileException if the file is not a LiteMem file or was written by a newer LiteMem (the file
     *                                   is left unchanged)
     */
    public static LiteMem open(Path file, LiteMemOptions options) {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(options, "options");
        Database db = Database.open(file, options);
        try {
            syncRowTriggers(db);
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
        return new LiteMem(db, options);
    }

    /**
     * With change images on, makes the row-image triggers match the tables (a migration or a user's DDL may have
     * changed a table's shape since they were made); a read when nothing changed, the common case.
     */
    private static void syncRowTriggers(Database db) {
        boolean stale = db.read(h -> {
            try {
                return LedgerRows.meta(h, ChangeLog.IMAGES_KEY).map("all"::equals).orElse(false)
                        && RowTriggers.outOfDate(h.getConnection());
            } catch (java.sql.SQLException e) {
                throw new LiteMemException("cannot read the row-image triggers: " + e.getMessage(), e);
            }
        });
        if (stale) {
            db.write(h -> LedgerRows.meta(h, ChangeLog.IMAGES_KEY).map("all"::equals).orElse(false) && RowTriggers.sync(h));
        }
    }

    public Path path() {
        return db.file();
    }

    /**
     * The collection with this name, created on first use with the store's embedder (its model id and dimension) and
     * the cosine metric.
     */
    public Collection collection(String name) {
        Collection existing = collections.get(checkName(name));
        if (existing != null) {
            return existing;
        }
        Optional<CollectionInfo> stored = find(checkName(name));
        if (stored.isPresent()) {
            return cached(stored.get());
        }
        Embedder e = embedder().orElseThrow(() -> new LiteMemException("collection '" + name + "' does not exist and this"
                + " store has no embedder to decide its model and dimension: create it with collection(name,"
                + " CollectionSpec.vectors(dimension, metric)), or add litemem-embedding to the class path"));
        return collection(name, CollectionSpec.of(e));
    }

    /**
     * The collection with this name, created with {@code spec} if it does not exist.
     *
     * @throws LiteMemException if it exists with a different model, dimension or metric
     */
    public Collection collection(String name, CollectionSpec spec) {
        return collection(name, spec, null);
    }

    /**
     * The collection with this name, created with {@code spec} and the outbox policy {@code ledger} if it does not
     * exist. An existing collection keeps its policy: change it with {@link Collection#ledgerPolicy(LedgerPolicy)}.
     *
     * @param ledger which of its changes go to the central ledger ({@link LedgerPolicy#NONE} when null)
     * @throws LiteMemException if it exists with a different model, dimension or metric
     */
    public Collection collection(String name, CollectionSpec spec, LedgerPolicy ledger) {
        checkName(name);
        Objects.requireNonNull(spec, "spec");
        boolean[] created = {false};
        CollectionInfo info = db.write(h -> CollectionRows.find(h, name).orElseGet(() -> {
            created[0] = true;
            CollectionInfo made = CollectionRows.insert(h, name, spec);
            if (ledger != null && ledger != LedgerPolicy.NONE) {
                LedgerRows.setCollectionPolicy(h, CollectionRows.id(h, name), ledger);
            }
            return made;
        }));
        if (!info.spec().sameVectorSpace(spec)) {
            throw new LiteMemException("collection '" + name + "' already exists with model " + info.spec().model() + ", "
                    + info.spec().dimension() + " dimensions and metric " + info.spec().metric().id() + "; it cannot be"
                    + " reopened as model " + spec.model() + ", " + spec.dimension() + " dimensions, metric "
                    + spec.metric().id() + ": use another collection name");
        }
        return created[0] ? cachedUntilRollback(info) : cached(info);
    }

    /**
     * The collection with this name if it exists; never creates one. Once found it is cached, so asking again costs
     * no statement.
     */
    public Optional<Collection> findCollection(String name) {
        Collection existing = collections.get(name);
        if (existing != null) {
            return Optional.of(existing);
        }
        return find(checkName(name)).map(this::cached);
    }

    /**
     * The agent memory of this file: memories of users, agents and sessions in the reserved collection
     * {@value dev.litemem.memory.Memory#COLLECTION}, made on first use with the store's embedder. See docs/MEMORY.md.
     */
    public Memory memory() {
        MemoryStore m = memory;
        if (m == null) {
            synchronized (this) {
                if (memory == null) {
                    Collection c = reserved(Memory.COLLECTION);
                    long id = c.id();
                    MemoryStore made = new MemoryStore(new MemoryBackend(db, id, c::textEmbedder, c::run, c::vectorIndex,
                            c::indexAsIs, () -> written(id), options.defaultActor()));
                    memory = made;
                    // Made inside a transaction that rolls back, the reserved collection is gone: so is this store.
                    db.onRollback(() -> {
                        synchronized (this) {
                            if (memory == made) {
                                memory = null;
                            }
                        }
                    });
                    if (!memoryExpiryScheduled && !isReplica()) { // a replica's memories expire when its primary's do
                        memoryExpiryScheduled = true;
                        maintainer.addPeriodic(() -> {
                            MemoryStore current = memory;
                            if (current != null) {
                                current.expireNow();
                            }
                        });
                    }
                }
                m = memory;
            }
        }
        return m;
    }

    /**
     * The work state of this file: versioned key-value state per scope, a journal per run, and idempotent steps
     * ({@code once}). See docs/MEMORY.md.
     */
    public Work work() {
        WorkStore w = work;
        if (w == null) {
            synchronized (this) {
                if (work == null) {
                    work = new WorkStore(db, options.defaultActor());
                    if (!isReplica()) {
                        maintainer.addPeriodic(work::expireNow);
                    }
                }
                w = work;
            }
        }
        return w;
    }

    private boolean isReplica() {
        return db.read(h -> dev.litemem.internal.store.LedgerRows.meta(h, dev.litemem.internal.store.ReplicaMeta.OF)
                .isPresent());
    }

    /** A collection whose name users cannot choose (the name rule refuses a leading '_'): capabilities' own. */
    private Collection reserved(String name) {
        Collection existing = collections.get(name);
        if (existing != null) {
            return existing;
        }
        Optional<CollectionInfo> stored = find(name);
        if (stored.isPresent()) {
            return cached(stored.get());
        }
        Embedder e = embedder().orElseThrow(() -> new LiteMemException("this store has no embedder for its memory:"
                + " open it with LiteMemOptions.builder().embedder(...), or add litemem-embedding to the class path"));
        CollectionSpec spec = CollectionSpec.of(e);
        boolean[] created = {false};
        CollectionInfo info = db.write(h -> CollectionRows.find(h, name).orElseGet(() -> {
            created[0] = true;
            return CollectionRows.insert(h, name, spec);
        }));
        return created[0] ? cachedUntilRollback(info) : cached(info);
    }

    /** Every collection in the file, by name. */
    public List<CollectionInfo> collections() {
        return db.read(CollectionRows::all);
    }

    /**
     * Runs {@code work} in one write transaction on this file: statements on your own tables through the Jdbi
     * {@link Handle}, and calls to this store's collections from the same thread, commit or roll back together.
     */
    public <T, X extends Exception> T inTransaction(HandleCallback<T, X> work) throws X {
        return callChecked(work, true);
    }

    /** Runs {@code work} on a read-only connection (or inside this thread's current write transaction). */
    public <T, X extends Exception> T withReadHandle(HandleCallback<T, X> work) throws X {
        return callChecked(work, false);
    }

    @SuppressWarnings("unchecked")
    private <T, X extends Exception> T callChecked(HandleCallback<T, X> work, boolean write) throws X {
        try {
            java.util.function.Function<Handle, T> f = h -> {
                try {
                    return work.withHandle(h);
                } catch (RuntimeException e) {
                    throw e;
                } catch (Exception e) {
                    throw new CheckedWrapper(e);
                }
            };
            return write ? db.write(f) : db.readOnly(f);
        } catch (CheckedWrapper w) {
            throw (X) w.getCause();
        }
    }

    /**
     * About how many heap bytes this store's loaded vector indexes hold (vectors, graphs, bookkeeping); indexes load
     * on a collection's first search or write after open. For callers that bound the memory of many open stores.
     */
    public long indexMemoryBytes() {
        long total = 0;
        for (CollectionIndex index : indexes.values()) {
            total += index.memoryBytes();
        }
        return total;
    }

    /**
     * The file's outbox to the central ledger: explicit events ({@link Ledger#append}), policies of entities outside
     * collections, and what a shipper reads. See docs/LEDGER.md.
     */
    public Ledger ledger() {
        return new Ledger(this, db, null);
    }

    /**
     * Turns row images on or off (off is the default). On, every row change of every table that holds data, LiteMem's
     * and the users' own, is logged in its transaction with the row before and after (an entry of entity {@code row},
     * docs/ARCHITECTURE.md, "Row images and the state hash"), by triggers generated from each table's columns: what a
     * point-in-time backup ({@code litemem backup}, which turns it on) replays and verifies. A per-file setting (meta
     * key {@code change_images = all}), so every process that writes the file keeps them; it costs the changed rows
     * (twice for an update) in the log until the log is pruned. Off drops the triggers. Calling it with {@code true}
     * again re-creates the triggers of tables whose shape changed since (as {@link #open} does). Transactions already
     * under way finish as they began.
     */
    public void keepChangeImages(boolean all) {
        db.write(h -> {
            if (all) {
                LedgerRows.setMeta(h, ChangeLog.IMAGES_KEY, "all");
                RowTriggers.sync(h);
            } else {
                h.createUpdate("DELETE FROM meta WHERE key = ?").bind(0, ChangeLog.IMAGES_KEY).execute();
                RowTriggers.dropAll(h);
            }
            return null;
        });
    }

    /** Whether every change-log entry keeps its after-image ({@link #keepChangeImages}). */
    public boolean keepsChangeImages() {
        return db.read(h -> LedgerRows.meta(h, ChangeLog.IMAGES_KEY).map("all"::equals).orElse(false));
    }

    /**
     * Gives the file a new incarnation and returns it: call it when the file's sequence numbers may be reused, as
     * after restoring it from a backup to an earlier point, so that the central ledger, replicas and backups never
     * take its new history for the old one. Inside {@link #inTransaction} it joins that transaction.
     */
    public String newIncarnation() {
        return db.write(LedgerRows::newIncarnation);
    }

    /**
     * Deletes the change-log entries that no required consumer needs any more (docs/ARCHITECTURE.md, "Retention"):
     * those at or below the lowest position of the registered consumers of this incarnation, of every collection's
     * index checkpoint and of this process's loaded indexes; outbox entries only once the ledger shipper has recorded
     * them as shipped; never the newest entry. Runs in short write transactions; also run every
     * {@link LiteMemOptions#pruneChangeLogEvery()} by the store's maintenance after writes. A reader that finds its position pruned
     * (below {@link ChangeLogPruning#prunedThrough()}) must start over; this store's indexes do so by themselves.
     */
    public ChangeLogPruning pruneChangeLog() {
        long deleted = 0;
        long through;
        while (true) {
            java.util.Map<Long, Long> loaded = new java.util.HashMap<>();
            for (CollectionIndex index : indexes.values()) {
                if (index.loaded()) {
                    loaded.merge(index.collectionId(), index.appliedSeq(), Math::min);
                }
            }
            long[] result = db.write(h -> {
                long floor = Retention.floor(h, loaded);
                int n = Retention.pruneChunk(h, floor);
                return new long[] {n, Retention.prunedThrough(h)};
            });
            deleted += result[0];
            through = result[1];
            if (result[0] < 10_000) {
                return new ChangeLogPruning(deleted, through);
            }
        }
    }

    /** The consumers pruning respects: registered ones and each collection's index checkpoint, with their positions. */
    public List<ChangeLogConsumer> changeLogConsumers() {
        return db.read(Retention::consumers);
    }

    /**
     * Registers a reader of the change log (a replica, a backup, your own tool) at {@code position} for the file's
     * current incarnation, or moves it: while {@code required}, pruning keeps every entry after its position. Call it
     * again as the reader advances; remove it when the reader is gone, or the log never shrinks below it.
     *
     * @param name 1 to 128 lower-case letters, digits, '_', '.', '-' or ':', starting with a letter; not {@code ledger}
     *             (the shipper's) and not starting with {@code index:}
     */
    public void registerChangeLogConsumer(String name, long position, boolean required) {
        if (name == null || !CONSUMER_NAME.matcher(name).matches() || name.equals(Ledger.CONSUMER)
                || name.startsWith("index:")) {
            throw new InvalidInputException("name", "a consumer name must be 1 to 128 lower-case letters, digits, '_',"
                    + " '.', '-' or ':', starting with a letter, and neither 'ledger' nor 'index:...'");
        }
        if (position < 0) {
            throw new InvalidInputException("position", "a position is a sequence number, 0 or more");
        }
        db.write(h -> {
            Consumers.set(h, name, position, RecordRows.incarnation(h), required);
            return null;
        });
    }

    /**
     * Removes the registered consumers whose name starts with {@code namePrefix} and that were not registered again
     * (moved) since {@code since}: for a server holding the log for readers that may go away for good (replicas).
     * Returns how many.
     */
    public int removeChangeLogConsumersIdleSince(String namePrefix, java.time.Instant since) {
        Objects.requireNonNull(namePrefix, "namePrefix");
        return db.write(h -> Consumers.removeIdle(h, namePrefix, since.toEpochMilli()));
    }

    /** Removes a registered consumer; returns whether it was there. */
    public boolean removeChangeLogConsumer(String name) {
        return db.write(h -> Consumers.remove(h, name));
    }

    /**
     * The file's incarnation: a random id made when the file was created, and made anew whenever its sequence numbers
     * could be reused (a restore to an earlier point). Readers of the change log outside this file (a ledger, a
     * replica, a backup) key their positions by it, so that two histories are never confused.
     */
    public String incarnation() {
        return db.read(RecordRows::incarnation);
    }

    /**
     * The file's change feed: its changes after a position, each as the state of the row it changed, for replicas
     * (docs/REPLICAS.md).
     */
    public dev.litemem.changes.ChangeFeed changeFeed() {
        return new dev.litemem.internal.changes.FeedReader(db);
    }

    /**
     * The replica's side of this file: marking a snapshot as a replica, applying its primary's change batches, its
     * position. For the replica client (litemem-client's {@code Replica}); a file marked as a replica refuses every
     * other write.
     */
    public dev.litemem.changes.ReplicaFile replicaFile() {
        return new dev.litemem.internal.changes.ReplicaApplier(db, name -> {
            Collection c = collections.get(name);
            if (c == null) {
                c = find(name).map(this::cached).orElse(null);
            }
            if (c != null) {
                written(c.id());
            }
        });
    }

    /** The sequence number of the newest change in the file, or 0 when there is none. */
    public long lastSequence() {
        return db.read(RecordRows::lastSequence);
    }

    /** Up to {@code limit} changes with a sequence number above {@code afterSeq}, oldest first. */
    public List<Change> changesSince(long afterSeq, int limit) {
        return db.read(h -> RecordRows.changesSince(h, afterSeq, limit));
    }

    /**
     * Writes a consistent copy of this store to {@code target} while other threads and processes go on writing: the
     * last committed state, read in one read transaction on a reader connection and written compactly (SQLite's
     * {@code VACUUM INTO}; free pages are left out). The copy is a LiteMem file of the same schema version, with
     * the same permissions as this file where the file system has POSIX permissions (a private store gives a
     * private copy). The one export of LiteMem: the command line's {@code export} and the server's use it.
     *
     * @return the copy's size in bytes
     * @throws LiteMemException if {@code target} exists (it is left unchanged) or cannot be written (nothing is left
     *                          behind)
     */
    public long exportTo(Path target) {
        Objects.requireNonNull(target, "target");
        Path absolute = target.toAbsolutePath();
        try {
            Files.createFile(absolute, permissionsOf(db.file()));
        } catch (FileAlreadyExistsException e) {
            throw new LiteMemException(target + " already exists: export to a new path (the existing file was left"
                    + " unchanged)", e);
        } catch (IOException e) {
            throw new LiteMemException("cannot create " + target + " (" + e.getMessage() + "): check that its folder"
                    + " exists and is writable", e);
        }
        boolean done = false;
        try {
            // VACUUM INTO fills the empty file just created; on a reader, so writers go on meanwhile.
            db.copyInto(absolute);
            long size = Files.size(absolute);
            done = true;
            return size;
        } catch (IOException e) {
            throw new LiteMemException("cannot read the size of the copy " + target + ": " + e.getMessage(), e);
        } finally {
            if (!done) {
                deleteQuietly(absolute);
            }
        }
    }

    private static FileAttribute<?>[] permissionsOf(Path file) {
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
            return new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(permissions)};
        } catch (UnsupportedOperationException | IOException e) {
            return new FileAttribute<?>[0]; // not a POSIX file system: the platform's default permissions
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // The export already failed with its own error, which is what the caller needs to see.
        }
    }

    /** Empties the embedding cache (texts are embedded again on their next write); returns how many entries it held. */
    public int clearEmbeddingCache() {
        return db.write(EmbeddingCache::clear);
    }

    /** The embedder used for records without vectors and text queries: the one given, else the bundled default. */
    public Optional<Embedder> embedder() {
        Optional<Embedder> e = embedder;
        if (e == null) {
            synchronized (this) {
                if (embedder == null) {
                    embedder = options.useBundledEmbedder() && !Embedders.available().isEmpty()
                            ? Optional.of(Embedders.bundled()) : Optional.empty();
                }
                e = embedder;
            }
        }
        return e;
    }

    /**
     * The embedder for a collection of the given model: the store's own when it was given explicitly or matches;
     * otherwise the bundled model of that id, when one is on the class path (so a file filled with another bundled
     * model just works).
     */
    Optional<Embedder> embedderFor(String model) {
        Optional<Embedder> own = embedder();
        if (options.embedder().isPresent() || (own.isPresent() && own.get().modelId().equals(model))) {
            return own;
        }
        if (options.useBundledEmbedder() && Embedders.available().contains(model)) {
            return Optional.of(Embedders.bundled(model));
        }
        return own;
    }

    Actor actor() {
        return options.defaultActor();
    }

    /** Whether {@link #close()} was called. */
    public boolean isClosed() {
        return db.isClosed();
    }

    /**
     * Brings the index of every collection written or searched since opening up to date and checkpoints it (so the
     * next open loads it instead of building it), then closes the file's connections, waiting for operations in flight.
     * Embedders are not closed (the bundled ones are shared by the process; the caller owns its own).
     */
    @Override
    public void close() {
        maintainer.close();
        db.maintenance().close(); // waits for a step in progress (a graph being built is finished, then checkpointed)
        RuntimeException failure = null;
        Set<CollectionIndex> toCheckpoint = new HashSet<>(maintainer.writtenIndexes());
        for (CollectionIndex index : indexes.values()) {
            if (index.loaded()) {
                toCheckpoint.add(index);
            }
        }
        for (CollectionIndex index : toCheckpoint) {
            try {
                index.ready();
                index.checkpoint();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        db.close();
        if (failure != null) {
            throw failure;
        }
    }

    /** This store's connections, for memory-core's own tests. */
    Database database() {
        return db;
    }

    void written(long collectionId) {
        CollectionIndex index = indexes.get(collectionId);
        index.markWritten();
        maintainer.written(collectionId, index);
    }

    private Collection cached(CollectionInfo info) {
        return collections.computeIfAbsent(info.name(), n -> {
            long id = db.read(h -> CollectionRows.id(h, n));
            CollectionIndex index = indexes.computeIfAbsent(id, i -> new CollectionIndex(db, i, info, options));
            return new Collection(this, db, id, info, index);
        });
    }

    /**
     * {@link #cached} for a collection this thread's write transaction just created: if that transaction rolls back,
     * the collection's row is gone, and so are its cache entries (a later collection may get the same id).
     */
    private Collection cachedUntilRollback(CollectionInfo info) {
        Collection c = cached(info);
        db.onRollback(() -> {
            collections.remove(info.name(), c);
            CollectionIndex index = indexes.get(c.id());
            if (index != null && indexes.remove(c.id(), index)) {
                maintainer.forget(c.id(), index);
            }
        });
        return c;
    }

    private Optional<CollectionInfo> find(String name) {
        return db.read(h -> CollectionRows.find(h, name));
    }

    private static String checkName(String name) {
        if (name == null || !COLLECTION_NAME.matcher(name).matches()) {
            throw new InvalidInputException("collection", "a collection name must be 1 to 128 letters, digits, '_', '.'"
                    + " or '-', starting with a letter or digit");
        }
        return name;
    }

    private static final class CheckedWrapper extends RuntimeException {
        CheckedWrapper(Exception cause) {
            super(cause);
        }
    }
}
