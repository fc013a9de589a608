package dev.litemem.index.internal;

import dev.litemem.index.IndexException;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/** Runs a task for each index 0..count-1 on up to {@code threads} daemon threads ("litemem-index-add"). */
final class Parallel {

    /** Fewer items per thread than this are not worth a thread. */
    static final int MIN_ITEMS_PER_THREAD = 64;

    private Parallel() {
    }

    static void forEach(int count, int threads, IntConsumer task) {
        int workers = Math.max(1, Math.min(threads, count / MIN_ITEMS_PER_THREAD));
        if (workers == 1) {
            for (int i = 0; i < count; i++) {
                task.accept(i);
            }
            return;
        }
        ExecutorService pool = Executors.newFixedThreadPool(workers, runnable -> {
            Thread thread = new Thread(runnable, "litemem-index-add");
            thread.setDaemon(true);
            return thread;
        });
        try {
            AtomicInteger next = new AtomicInteger();
            List<Future<?>> futures = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                futures.add(pool.submit(() -> {
                    for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                        task.accept(i);
                    }
                }));
            }
            for (Future<?> future : futures) {
                future.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IndexException("interrupted while adding vectors", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IndexException("adding vectors failed", e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }
}
