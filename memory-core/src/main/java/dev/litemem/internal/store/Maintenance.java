package dev.litemem.internal.store;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one pool of background threads that maintains every open store of the process (index catch-up, checkpoints,
 * compaction; and any other periodic work on a file): a bounded number of daemon threads ({@link #THREADS}) that
 * exist only while there is work and end after {@link #KEEP_ALIVE} idle, so an idle open store holds no thread.
 *
 * <p>Work is scheduled per store through {@link #forStore}: {@link Tasks#schedule} once after a delay,
 * {@link Tasks#scheduleEvery} periodically. Closing a store's {@link Tasks} cancels what is pending and waits for what
 * runs, so no task of a store runs after its {@code close()} returned. A failing task is logged; periodic ones go on.
 * Tasks should be short steps that reschedule themselves rather than loops: a long task delays other stores' work.
 */
public final class Maintenance {
    private static final Logger LOG = LoggerFactory.getLogger(Maintenance.class);
    /** Half the processors (at least 1, at most 4): maintenance never takes the machine from the requests. */
    public static final int THREADS = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors() / 2));
    static final Duration KEEP_ALIVE = Duration.ofSeconds(10);
    private static final Maintenance SHARED = new Maintenance(THREADS, KEEP_ALIVE);

    private final ScheduledThreadPoolExecutor executor;

    /** A pool of its own: for tests (the process has {@link #shared()}). */
    public Maintenance(int threads, Duration keepAlive) {
        AtomicInteger count = new AtomicInteger();
        ThreadFactory factory = r -> {
            Thread t = new Thread(r, "litemem-maintenance-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        executor = new ScheduledThreadPoolExecutor(threads, factory);
        executor.setKeepAliveTime(Math.max(1, keepAlive.toMillis()), TimeUnit.MILLISECONDS);
        executor.allowCoreThreadTimeOut(true);
        executor.setRemoveOnCancelPolicy(true);
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    /** The process's pool. */
    public static Maintenance shared() {
        return SHARED;
    }

    /** Threads of the pool alive now (0 when no store had work for {@link #KEEP_ALIVE}). */
    public int liveThreads() {
        return executor.getPoolSize();
    }

    /** A new handle for one store's tasks ({@code name} appears in log lines). */
    public Tasks forStore(String name) {
        return new Tasks(name);
    }

    /** One store's scheduled work. Thread-safe. */
    public final class Tasks implements AutoCloseable {
        private final String name;
        private final Set<Future<?>> pending = new HashSet<>();
        private final ThreadLocal<Boolean> inTask = new ThreadLocal<>();
        private int running;
        private boolean closed;

        private Tasks(String name) {
            this.name = name;
        }

        /** Runs {@code task} once after {@code delay} (zero: as soon as a thread is free); ignored after close. */
        public Future<?> schedule(Runnable task, Duration delay) {
            synchronized (this) {
                if (closed) {
                    return null;
                }
                Holder holder = new Holder(task, false);
                holder.future = executor.schedule(holder, Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
                pending.add(holder.future);
                return holder.future;
            }
        }

        /** Runs {@code task} every {@code period} (first after one period) until cancelled or closed. */
        public Future<?> scheduleEvery(Runnable task, Duration period) {
            synchronized (this) {
                if (closed) {
                    return null;
                }
                Holder holder = new Holder(task, true);
                long nanos = period.toNanos();
                holder.future = executor.scheduleWithFixedDelay(holder, nanos, nanos, TimeUnit.NANOSECONDS);
                pending.add(holder.future);
                return holder.future;
            }
        }

        /**
         * Cancels the pending tasks and waits for the running ones to finish (a task is never cut short); no task of
         * this store runs afterwards. Called from one of this store's own tasks, it does not wait for that task.
         */
        @Override
        public void close() {
            boolean interrupted = false;
            synchronized (this) {
                closed = true;
                for (Future<?> f : pending) {
                    f.cancel(false);
                }
                pending.clear();
                int own = Boolean.TRUE.equals(inTask.get()) ? 1 : 0;
                while (running > own) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }

        private final class Holder implements Runnable {
            private final Runnable task;
            private final boolean periodic;
            volatile ScheduledFuture<?> future;

            Holder(Runnable task, boolean periodic) {
                this.task = task;
                this.periodic = periodic;
            }

            @Override
            public void run() {
                synchronized (Tasks.this) {
                    if (closed) {
                        return;
                    }
                    running++;
                    if (!periodic) {
                        pending.remove(future);
                    }
                }
                inTask.set(Boolean.TRUE);
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.error("Background maintenance of {} failed; it is tried again on the next write or search", name, e);
                } finally {
                    inTask.remove();
                    synchronized (Tasks.this) {
                        running--;
                        Tasks.this.notifyAll();
                    }
                }
            }
        }
    }
}
