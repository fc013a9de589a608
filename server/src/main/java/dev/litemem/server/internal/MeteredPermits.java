package dev.litemem.server.internal;

import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fair bound on how many calls of one kind run at once, with the counts the metrics show: the calls beyond the
 * bound wait in arrival order. Used for the embedder and for searches (docs/CONCURRENCY.md).
 */
final class MeteredPermits {
    /** A call that may throw what the caller's own code throws. */
    interface Call<T, X extends Exception> {
        T call() throws X;
    }

    private final Semaphore permits;
    private final int limit;
    private final AtomicInteger waiting = new AtomicInteger();
    private final AtomicInteger running = new AtomicInteger();

    MeteredPermits(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("at least one permit, was " + limit);
        }
        this.limit = limit;
        this.permits = new Semaphore(limit, true);
    }

    int limit() {
        return limit;
    }

    int waiting() {
        return waiting.get();
    }

    int running() {
        return running.get();
    }

    /** Runs {@code call} once a permit is free, in the order the callers arrived. */
    <T, X extends Exception> T call(Call<T, X> call) throws X, InterruptedException {
        waiting.incrementAndGet();
        try {
            permits.acquire();
        } finally {
            waiting.decrementAndGet();
        }
        running.incrementAndGet();
        try {
            return call.call();
        } finally {
            running.decrementAndGet();
            permits.release();
        }
    }
}
