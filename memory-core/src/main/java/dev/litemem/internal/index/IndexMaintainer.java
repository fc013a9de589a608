package dev.litemem.internal.index;

import dev.litemem.LiteMemException;
import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One background thread per store ("litemem-index: FILE") that keeps written collections' indexes in step with the
 * change log, checkpoints them by count or time, and compacts them when deleted nodes pile up. Searches never wait
 * for it: they catch up themselves. Failures are logged here and surface again to the next search.
 */
public final class IndexMaintainer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(IndexMaintainer.class);
    private static final long IDLE_WAKEUP_MILLIS = 1_000;

    /** How often the periodic tasks (memory's expiry sweep) run, at most. */
    static final long PERIODIC_MILLIS = 60_000;
    private final ConcurrentHashMap<Long, CollectionIndex> written = new ConcurrentHashMap<>();
    private final java.util.List<Runnable> periodic = new java.util.concurrent.CopyOnWriteArrayList<>();
    private long periodicRanAt = System.currentTimeMillis();
    private final Collection<CollectionIndex> all;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition signal = lock.newCondition();
    private final Thread thread;
    private volatile boolean stopping;
    private boolean signalled;

    public IndexMaintainer(String name, Collection<CollectionIndex> all, boolean background) {
        this.all = all;
        if (background) {
            this.thread = new Thread(this::run, "litemem-index: " + name);
            this.thread.setDaemon(true);
            this.thread.start();
        } else {
            this.thread = null;
        }
    }

    /** A write to the collection committed (or will commit with the caller's transaction). */
    public void written(long collectionId, CollectionIndex index) {
        written.put(collectionId, index);
        lock.lock();
        try {
            signalled = true;
            signal.signal();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Runs {@code task} on this thread about every {@value #PERIODIC_MILLIS} ms (never when background work is off):
     * the store's other periodic maintenance, such as deleting expired memories.
     */
    public void addPeriodic(Runnable task) {
        periodic.add(task);
    }

    private void runPeriodic() {
        long now = System.currentTimeMillis();
        if (periodic.isEmpty() || now - periodicRanAt < PERIODIC_MILLIS) {
            return;
        }
        periodicRanAt = now;
        for (Runnable task : periodic) {
            if (stopping) {
                return;
            }
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.error("Periodic maintenance failed; it runs again in a minute", e);
            }
        }
    }

    private void run() {
        while (!stopping) {
            lock.lock();
            try {
                if (!signalled && !stopping) {
                    signal.await(IDLE_WAKEUP_MILLIS, TimeUnit.MILLISECONDS);
                }
                signalled = false;
            } catch (InterruptedException e) {
                return;
            } finally {
                lock.unlock();
            }
            for (CollectionIndex index : written.values()) {
                maintain(index, true);
            }
            for (CollectionIndex index : all) {
                maintain(index, false);
            }
            runPeriodic();
        }
    }

    private void maintain(CollectionIndex index, boolean loadIfNeeded) {
        if (stopping) {
            return;
        }
        try {
            if (loadIfNeeded && !index.loaded()) {
                index.ready();
            }
            index.catchUp();
            index.maybeCheckpoint();
            index.maybeCompact();
        } catch (RuntimeException e) {
            LOG.error("Index maintenance failed; the next search will retry it", e);
        }
    }

    /** The collections written since the store opened. */
    public Collection<CollectionIndex> writtenIndexes() {
        return written.values();
    }

    /** Stops the thread after the step it is in (a build is not cut short: close checkpoints its result). */
    @Override
    public void close() {
        stopping = true;
        lock.lock();
        try {
            signal.signal();
        } finally {
            lock.unlock();
        }
        try {
            if (thread != null) {
                thread.join();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LiteMemException("interrupted while stopping the index thread", e);
        }
    }
}
