package dev.litemem.internal.index;

import dev.litemem.CollectionInfo;
import dev.litemem.IndexStats;
import dev.litemem.LiteMemException;
import dev.litemem.LiteMemOptions;
import dev.litemem.index.CheckpointIdentity;
import dev.litemem.index.CheckpointMismatchException;
import dev.litemem.index.CorruptCheckpointException;
import dev.litemem.index.UnsupportedCheckpointVersionException;
import dev.litemem.index.VectorIndex;
import dev.litemem.internal.store.Database;
import dev.litemem.internal.store.Retention;
import dev.litemem.internal.store.VectorCodec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A collection's HNSW index, derived from its rows: loaded from the newest valid checkpoint (or rebuilt from the rows
 * when there is none, or it fails its checksum, or it does not match the collection), then kept in step by replaying
 * the change log after the sequence it reflects. Replay reads each changed row's current vector, so it is idempotent.
 * See docs/ARCHITECTURE.md, "Index checkpoints".
 */
public final class CollectionIndex {
    private static final Logger LOG = LoggerFactory.getLogger(CollectionIndex.class);
    static final int REPLAY_BATCH = 10_000;

    private final Database db;
    private final long collectionId;
    private final CollectionInfo info;
    private final LiteMemOptions options;
    private final CheckpointIdentity identity;
    /** Guards loading, replay, the swap after compaction and the checkpoint snapshot. Searches do not take it. */
    private final ReentrantLock lock = new ReentrantLock();
    private volatile VectorIndex index;
    private volatile long appliedSeq;
    private volatile long checkpointSeq = -1;
    private volatile long checkpointBytes;
    private volatile long checkpointAtNanos = System.nanoTime();
    private volatile int changesSinceCheckpoint;
    private volatile String source = "not loaded";
    /** Set when this process commits a write to the collection; cleared by the next search, which catches up. */
    private volatile boolean writtenHere;
    /** Rows whose stored embedding cannot be used (changed outside LiteMem): left out of the index. */
    private final Set<Long> skippedRows = ConcurrentHashMap.newKeySet();

    public CollectionIndex(Database db, long collectionId, CollectionInfo info, LiteMemOptions options) {
        this.db = db;
        this.collectionId = collectionId;
        this.info = info;
        this.options = options;
        this.identity = identity(collectionId, info);
    }

    /** The identity a collection's checkpoints are written under and must match to be loaded. */
    public static CheckpointIdentity identity(long collectionId, CollectionInfo info) {
        return new CheckpointIdentity(collectionId + ":" + info.name() + ":" + info.createdAt().toEpochMilli(),
                info.spec().model(), info.spec().dimension(), info.spec().metric(), info.spec().hnsw());
    }

    /** Heap bytes of the loaded index (0 when not loaded); see {@link VectorIndex#memoryBytes()}. */
    public long memoryBytes() {
        VectorIndex loaded = index;
        return loaded == null ? 0 : loaded.memoryBytes();
    }

    /** The index, loaded and caught up with every committed change: a search sees every acknowledged write. */
    public VectorIndex ready() {
        loadIfNeeded();
        catchUp();
        if (!options.backgroundIndexing()) {
            maybeBuildGraph(); // nobody else will
        }
        return index;
    }

    /** Whether the collection is small enough to be answered by an exact scan, without a graph. */
    private boolean exactSized(int vectors) {
        return vectors < options.exactSearchBelow();
    }

    /**
     * Replaces the exact index of a collection that grew past {@link LiteMemOptions#exactSearchBelow()} by a graph,
     * built outside the lock while searches go on scanning; changes applied meanwhile are replayed onto the graph.
     */
    void maybeBuildGraph() {
        VectorIndex current = index;
        if (current == null || current.hasGraph() || exactSized(current.size())) {
            return;
        }
        long seqAtCopy = appliedSeq;
        long started = System.nanoTime();
        VectorIndex graph = current.withGraph(options.indexThreads());
        lock.lock();
        try {
            if (index != current) {
                return; // rebuilt meanwhile
            }
            index = graph;
            appliedSeq = seqAtCopy;
            applyPending();
            checkpointSeq = -1;
            changesSinceCheckpoint = Math.max(changesSinceCheckpoint, graph.size());
            source = "graph built (the collection grew past " + options.exactSearchBelow() + " vectors)";
        } finally {
            lock.unlock();
        }
        LOG.debug("Built the graph of '{}' ({} vectors) in {} ms", info.name(), graph.size(),
                (System.nanoTime() - started) / 1_000_000);
    }

    /** Whether the index has a graph with changes no checkpoint holds yet. */
    boolean hasUncheckpointedChanges() {
        VectorIndex i = index;
        return i != null && i.hasGraph() && appliedSeq != checkpointSeq;
    }

    /**
     * The index for a search: loaded, and caught up when this process wrote to the collection since (no statement
     * otherwise). Changes of other processes are seen by the search's own statement, which reads the change log's
     * position with the hits ({@link #position()}); the search then catches up and runs again.
     */
    public VectorIndex readyForSearch() {
        if (index == null) {
            writtenHere = false;
            loadIfNeeded(); // its snapshot is as new as a catch-up would be
        } else if (writtenHere) {
            writtenHere = false;
            catchUp();
        }
        if (!options.backgroundIndexing()) {
            maybeBuildGraph();
        }
        return index;
    }

    /**
     * The index loaded but NOT caught up, for a search that covers the changes after {@link #position()} (read before
     * this call) itself: a write path must not pay for inserting the previous write into the graph.
     */
    public VectorIndex loadedAsIs() {
        loadIfNeeded();
        return index;
    }

    private void loadIfNeeded() {
        if (index == null) {
            lock.lock();
            try {
                if (index == null) {
                    load();
                }
            } finally {
                lock.unlock();
            }
        }
    }

    /** A write to the collection committed in this process: the next search catches up first. */
    public void markWritten() {
        writtenHere = true;
    }

    /** The sequence number of the last change the index reflects. */
    public long position() {
        return appliedSeq;
    }

    /** The change-log position the loaded index reflects (meaningful only when {@link #loaded()}). */
    public long appliedSeq() {
        return appliedSeq;
    }

    public boolean loaded() {
        return index != null;
    }

    public long collectionId() {
        return collectionId;
    }

    /** Applies the committed changes not yet in the index. */
    public void catchUp() {
        if (index == null || !hasPending()) {
            return;
        }
        lock.lock();
        try {
            applyPending();
        } finally {
            lock.unlock();
        }
    }

    /** Writes a checkpoint now if the index changed since the last one. */
    public void checkpoint() {
        byte[] bytes;
        long seq;
        int nodes;
        lock.lock();
        try {
            if (index == null || !index.hasGraph()) {
                return; // an exact index is rebuilt from the rows faster than a checkpoint would load
            }
            applyPending();
            if (appliedSeq == checkpointSeq) {
                return;
            }
            seq = appliedSeq;
            nodes = index.size();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            index.writeCheckpoint(out, identity);
            bytes = out.toByteArray();
        } catch (IOException e) {
            throw new LiteMemException("writing the index checkpoint of collection '" + info.name() + "' failed: "
                    + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
        db.write(h -> {
            Checkpoints.write(h, collectionId, seq, bytes, nodes);
            return null;
        });
        checkpointSeq = seq;
        checkpointBytes = bytes.length;
        checkpointAtNanos = System.nanoTime();
        changesSinceCheckpoint = 0;
        LOG.debug("Checkpointed the index of '{}' at change {} ({} nodes, {} bytes)", info.name(), seq, nodes, bytes.length);
    }

    /** Checkpoints when enough changes or time have accumulated since the last checkpoint. */
    void maybeCheckpoint() {
        if (!hasUncheckpointedChanges()) {
            return;
        }
        boolean enoughChanges = changesSinceCheckpoint >= options.checkpointEveryChanges();
        boolean longEnough = System.nanoTime() - checkpointAtNanos >= options.checkpointInterval().toNanos();
        if (enoughChanges || longEnough) {
            checkpoint();
        }
    }

    /** Rebuilds the graph without its deleted nodes when they pass the threshold; searches go on meanwhile. */
    void maybeCompact() {
        VectorIndex current = index;
        if (current == null || current.deletedRatio() < options.compactionThreshold() || current.deletedCount() < 100) {
            return;
        }
        long seqAtCopy = appliedSeq;
        VectorIndex copy = current.compactCopy(options.indexThreads());
        lock.lock();
        try {
            index = copy;
            appliedSeq = seqAtCopy;
            // Replay from where the copy started: changes applied to the old index since then are applied again.
            applyPending();
        } finally {
            lock.unlock();
        }
        LOG.info("Compacted the index of '{}': {} deleted nodes dropped", info.name(), current.deletedCount());
    }

    /** Drops the in-memory index and rebuilds it from the rows. */
    public void rebuild() {
        lock.lock();
        try {
            rebuildFromRows("asked for", snapshot(false));
            applyPending();
        } finally {
            lock.unlock();
        }
    }

    public IndexStats stats() {
        VectorIndex i = index;
        return new IndexStats(i != null, i == null ? 0 : i.size(), i == null ? 0 : i.deletedCount(), appliedSeq,
                checkpointSeq, checkpointSeq < 0 ? 0 : checkpointBytes, source, skippedRows.size());
    }

    /** Loads from the newest usable checkpoint (one below the change log's pruned point is not), else the rows. */
    private void load() {
        Snapshot s = snapshot(true);
        reportSkipped(s.skipped.size(), "loading");
        String refused = s.checkpoint == null ? null : headerProblem(s);
        if (refused == null && s.checkpoint != null && s.checkpoint.seq() < s.prunedThrough) {
            refused = "the change log after it was pruned (through change " + s.prunedThrough + ")";
        }
        if (exactSized(s.vectors.size())) {
            rebuildFromRows(null, s); // no graph: whatever checkpoint is stored was not even read
        } else if (s.checkpoint == null) {
            rebuildFromRows(s.vectors.isEmpty() ? null : "no checkpoint", s);
        } else if (refused != null) {
            rebuildFromRows("the checkpoint was refused: " + refused, s);
        } else {
            try {
                VectorIndex loaded = VectorIndex.readCheckpoint(new ByteArrayInputStream(s.checkpointBytes), identity,
                        s.vectors::get);
                index = loaded;
                appliedSeq = s.checkpoint.seq();
                checkpointSeq = s.checkpoint.seq();
                source = "checkpoint";
            } catch (UnsupportedCheckpointVersionException e) {
                // The checkpoint is derived from the rows, and the version field comes before its checksum, so a damaged
                // byte there looks like a newer format: rebuild either way (the file's own schema version is what
                // refuses files of a newer LiteMem). The next checkpoint is written in this version's format.
                rebuildFromRows("the checkpoint has a format this LiteMem does not read (" + e.getMessage() + ")", s);
            } catch (CorruptCheckpointException | CheckpointMismatchException | IOException e) {
                rebuildFromRows("the checkpoint was refused: " + e.getMessage(), s);
            }
        }
        checkpointAtNanos = System.nanoTime();
        // Nothing to replay: the snapshot's vectors and position agree. ready() catches up with later commits.
    }

    /** Why the stored checkpoint's header row cannot be used with the change log, or null when it can. */
    private String headerProblem(Snapshot s) {
        String problem = Checkpoints.headerProblem(collectionId, s.checkpoint, s.checkpointBytes);
        if (problem != null) {
            return problem;
        }
        long seq = s.checkpoint.seq();
        if (seq < 0 || seq > s.logHighWater) {
            return "it claims to cover change " + seq + ", but the change log ends at " + s.logHighWater;
        }
        return null;
    }

    private void reportSkipped(int found, String when) {
        if (found > 0) {
            // Row ids only: never the records' data.
            LOG.warn("Left {} row(s) of collection '{}' out of its index while {}: their stored embeddings are damaged"
                            + " (wrong length or dimension, NaN or infinite, or all zero under cosine; changed outside"
                            + " LiteMem); rewrite or delete them. Row ids: {}", found, info.name(), when,
                    skippedRows.stream().sorted().limit(10).toList());
        }
    }

    private void rebuildFromRows(String reason, Snapshot s) {
        long started = System.nanoTime();
        boolean exact = exactSized(s.vectors.size());
        VectorIndex fresh = exact
                ? VectorIndex.createExact(info.spec().dimension(), info.spec().metric(), info.spec().hnsw())
                : VectorIndex.create(info.spec().dimension(), info.spec().metric(), info.spec().hnsw());
        long[] labels = new long[s.vectors.size()];
        float[][] vectors = new float[s.vectors.size()][];
        int i = 0;
        for (Map.Entry<Long, float[]> e : s.vectors.entrySet()) {
            labels[i] = e.getKey();
            vectors[i++] = e.getValue();
        }
        fresh.addAll(labels, vectors, options.indexThreads());
        index = fresh;
        appliedSeq = s.maxSeq;
        checkpointBytes = 0;
        checkpointSeq = -1; // whatever is stored does not describe this graph: the next checkpoint replaces it
        changesSinceCheckpoint = labels.length;
        source = exact ? "exact scan (fewer than " + options.exactSearchBelow() + " vectors: no graph)"
                : reason == null ? "new" : "rebuilt (" + reason + ")";
        if (reason != null && !reason.equals("no checkpoint") && !exact) {
            LOG.warn("Rebuilt the index of collection '{}' from its {} rows in {} ms: {}", info.name(), labels.length,
                    (System.nanoTime() - started) / 1_000_000, reason);
        }
    }

    /** The newest checkpoint, the change-log position and every vector, all from one read snapshot. */
    private Snapshot snapshot(boolean withCheckpoint) {
        return db.readSnapshot(h -> {
            Snapshot s = new Snapshot();
            s.maxSeq = h.createQuery("SELECT coalesce(max(seq), 0) FROM changes").mapTo(Long.class).one();
            s.prunedThrough = Retention.prunedThroughFor(h, collectionId);
            h.createQuery("SELECT row_id, embedding FROM records WHERE collection_id = ? AND embedding IS NOT NULL")
                    .bind(0, collectionId)
                    .map((rs, ctx) -> s.add(rs.getLong(1), usable(rs.getBytes(2))))
                    .forEach(x -> { });
            if (withCheckpoint && !exactSized(s.vectors.size())) {
                Optional<Checkpoints.Stored> cp = Checkpoints.newest(h, collectionId);
                if (cp.isPresent()) {
                    s.checkpoint = cp.get();
                    // The highest sequence ever given out, even if the log's newest rows were pruned later.
                    s.logHighWater = Math.max(s.maxSeq, h.createQuery("SELECT coalesce(max(seq), 0) FROM sqlite_sequence"
                            + " WHERE name = 'changes'").mapTo(Long.class).one());
                    s.checkpointBytes = Checkpoints.read(h, cp.get());
                    checkpointSeq = cp.get().seq();
                    checkpointBytes = cp.get().byteCount();
                }
            }
            skippedRows.clear();
            skippedRows.addAll(s.skipped);
            return s;
        });
    }

    private boolean hasPending() {
        long after = appliedSeq;
        // Pending changes, or a position another process's pruning has passed (then the index must start over).
        return db.readCommitted(h -> Retention.prunedThroughFor(h, collectionId) > after
                || h.createQuery("SELECT EXISTS (SELECT 1 FROM changes WHERE collection_id = ? AND seq > ?)")
                        .bind(0, collectionId).bind(1, after).mapTo(Boolean.class).one());
    }

    /** Replays committed changes after {@link #appliedSeq}. Caller holds {@link #lock}. */
    private void applyPending() {
        while (true) {
            long after = appliedSeq;
            Batch batch = db.readSnapshot(h -> readBatch(h, after));
            if (batch.pruned) {
                // The change log no longer holds every change after this index's position (pruned, by this process
                // while the index was not loaded, or by another process): start over from the checkpoint or the rows.
                LOG.info("The change log of '{}' was pruned past the index's position {}: reloading the index",
                        info.name(), after);
                load();
                return;
            }
            if (batch.lastSeq < 0) {
                return;
            }
            List<Long> addLabels = new ArrayList<>();
            List<float[]> addVectors = new ArrayList<>();
            int newlySkipped = 0;
            for (Long rowId : batch.rowIds) {
                float[] v = batch.vectors.get(rowId);
                if (v == null) {
                    index.remove(rowId);
                    // Deleted, or its new vector unusable: either way the row's old vector no longer describes it.
                    if (!batch.skipped.contains(rowId)) {
                        skippedRows.remove(rowId);
                    } else if (skippedRows.add(rowId)) {
                        newlySkipped++;
                    }
                } else {
                    skippedRows.remove(rowId);
                    addLabels.add(rowId);
                    addVectors.add(v);
                }
            }
            reportSkipped(newlySkipped, "replaying changes");
            long[] labels = addLabels.stream().mapToLong(Long::longValue).toArray();
            int threads = labels.length >= 256 ? options.indexThreads() : 1;
            index.addAll(labels, addVectors.toArray(new float[0][]), threads);
            appliedSeq = batch.lastSeq;
            changesSinceCheckpoint += batch.rowIds.size();
        }
    }

    private Batch readBatch(Handle h, long after) {
        Batch b = new Batch();
        if (Retention.prunedThroughFor(h, collectionId) > after) {
            b.pruned = true;
            return b;
        }
        h.createQuery("SELECT seq, row_id FROM changes WHERE collection_id = ? AND seq > ? ORDER BY seq LIMIT " + REPLAY_BATCH)
                .bind(0, collectionId).bind(1, after)
                .map((rs, ctx) -> {
                    b.lastSeq = rs.getLong(1);
                    b.rowIds.add(rs.getLong(2));
                    return null;
                }).forEach(x -> { });
        if (b.rowIds.isEmpty()) {
            return b;
        }
        StringBuilder in = new StringBuilder();
        for (Long rowId : b.rowIds) {
            in.append(in.length() == 0 ? "" : ",").append(rowId);
        }
        h.createQuery("SELECT row_id, embedding FROM records WHERE collection_id = ? AND embedding IS NOT NULL AND row_id IN ("
                        + in + ")").bind(0, collectionId)
                .map((rs, ctx) -> {
                    long rowId = rs.getLong(1);
                    float[] v = usable(rs.getBytes(2));
                    return v == null ? b.skipped.add(rowId) : b.vectors.put(rowId, v);
                })
                .forEach(x -> { });
        return b;
    }

    /** A stored embedding the index can hold, or null (wrong length or dimension, NaN, infinite, zero under cosine). */
    private float[] usable(byte[] blob) {
        return VectorCodec.decodeUsable(blob, info.spec().dimension(),
                info.spec().metric() == dev.litemem.index.Metric.COSINE);
    }

    private static final class Snapshot {
        long maxSeq;
        long prunedThrough;
        long logHighWater;
        Checkpoints.Stored checkpoint;
        byte[] checkpointBytes;
        final Map<Long, float[]> vectors = new HashMap<>();
        final Set<Long> skipped = new LinkedHashSet<>();

        Object add(long rowId, float[] vector) {
            return vector == null ? skipped.add(rowId) : vectors.put(rowId, vector);
        }
    }

    private static final class Batch {
        boolean pruned;
        long lastSeq = -1;
        final Set<Long> rowIds = new LinkedHashSet<>();
        final Map<Long, float[]> vectors = new HashMap<>();
        final Set<Long> skipped = new LinkedHashSet<>();
    }
}
