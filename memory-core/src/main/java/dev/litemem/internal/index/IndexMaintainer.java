package dev.litemem.internal.index;

import dev.litemem.internal.store.Maintenance;
import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a store's written collections' indexes in step with the change log on the process's shared
 * {@link Maintenance} pool: a write schedules one step (load, catch up, build the graph of a collection that outgrew
 * the exact scan, checkpoint by count or time, compact); a step that leaves changes not yet checkpointed schedules
 * the next when the checkpoint interval is up. Nothing runs for a store that is not written: an idle store holds no
 * thread and no timer. Searches never wait for it: they catch up themselves. Failures are logged here and surface
 * again to the next search.
 */
public final class IndexMaintainer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(IndexMaintainer.class);

    /** How often the periodic tasks (memory's expiry sweep) run, at most. */
    static final long PERIODIC_MILLIS = 60_000;
    private final ConcurrentHashMap<Long, CollectionIndex> written = new ConcurrentHashMap<>();
    private final Maintenance.Tasks tasks;
    private final Duration checkpointInterval;
    /** The step scheduled and not started yet, with when it is due; under this object's monitor. */
    private Future<?> next;
    private long nextDueNanos;
    private final java.util.List<Runnable> periodicTasks = new java.util.concurrent.CopyOnWriteArrayList<>();
    private long periodicTasksRanAt = System.nanoTime();
    private volatile boolean stopping;
    private final Runnable periodic;
    private final long periodicEveryNanos;
    private long nextPeriodicNanos;

    /** @param tasks the store's handle on the shared pool, or null: no background work (searches and close do it) */
    public IndexMaintainer(Maintenance.Tasks tasks, Duration checkpointInterval) {
        this(tasks, checkpointInterval, Duration.ZERO, null);
    }

    /**
     * @param periodicEvery how often to run {@code periodic} (zero: never)
     * @param periodic      store-level periodic work (change-log pruning), run at the end of a step once it is due.
     *                      Steps run only after writes, so a store nobody writes never runs it: its log does not grow
     *                      either, and {@code LiteMem.pruneChangeLog()} prunes on demand
     */
    public IndexMaintainer(Maintenance.Tasks tasks, Duration checkpointInterval, Duration periodicEvery,
                           Runnable periodic) {
        this.tasks = tasks;
        this.checkpointInterval = checkpointInterval;
        this.periodic = periodic;
        this.periodicEveryNanos = periodicEvery.toNanos();
        this.nextPeriodicNanos = System.nanoTime() + periodicEveryNanos;
    }

    /** A write to the collection committed (or will commit with the caller's transaction). */
    public void written(long collectionId, CollectionIndex index) {
        written.put(collectionId, index);
        request(Duration.ZERO);
    }

    /**
     * Adds {@code task} to the store's periodic work (such as deleting expired memories): run at the end of a
     * maintenance step, at most about every {@value #PERIODIC_MILLIS} ms. Steps run after writes only, so a store
     * nobody writes runs none (never when background work is off).
     */
    /** Forgets a collection's index (its collection was created in a transaction that rolled back). */
    public void forget(long collectionId, CollectionIndex index) {
        written.remove(collectionId, index);
    }

    public void addPeriodic(Runnable task) {
        periodicTasks.add(task);
    }

    /** Schedules a step after {@code delay} unless one is already due by then. */
    private synchronized void request(Duration delay) {
        if (tasks == null || stopping) {
            return;
        }
        long due = System.nanoTime() + delay.toNanos();
        if (next != null && !next.isDone() && nextDueNanos - due <= 0) {
            return;
        }
        if (next != null) {
            next.cancel(false);
        }
        nextDueNanos = due;
        next = tasks.schedule(this::step, delay);
    }

    private void step() {
        synchronized (this) {
            next = null;
        }
        boolean unsaved = false;
        for (CollectionIndex index : written.values()) {
            if (stopping) {
                return;
            }
            try {
                if (!index.loaded()) {
                    index.ready();
                }
                index.catchUp();
                index.maybeBuildGraph();
                index.maybeCheckpoint();
                index.maybeCompact();
                unsaved |= index.hasUncheckpointedChanges();
            } catch (RuntimeException e) {
                LOG.error("Index maintenance failed; the next search will retry it", e);
            }
        }
        runPeriodic();
        if (unsaved) {
            request(checkpointInterval);
        }
    }

    private void runPeriodic() {
        long now = System.nanoTime();
        if (!periodicTasks.isEmpty() && now - periodicTasksRanAt >= PERIODIC_MILLIS * 1_000_000) {
            periodicTasksRanAt = now;
            for (Runnable task : periodicTasks) {
                if (stopping) {
                    return;
                }
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.error("Periodic maintenance failed; it runs again after a later write", e);
                }
            }
        }
        if (periodic == null || periodicEveryNanos <= 0 || stopping || System.nanoTime() - nextPeriodicNanos < 0) {
            return;
        }
        nextPeriodicNanos = System.nanoTime() + periodicEveryNanos;
        try {
            periodic.run();
        } catch (RuntimeException e) {
            LOG.error("Periodic store maintenance (change-log pruning) failed; it runs again after the next write", e);
        }
    }

    /** The collections written since the store opened. */
    public Collection<CollectionIndex> writtenIndexes() {
        return written.values();
    }

    /** Stops scheduling; the caller closes the store's {@link Maintenance.Tasks}, which waits for a running step. */
    @Override
    public void close() {
        stopping = true;
    }
}
