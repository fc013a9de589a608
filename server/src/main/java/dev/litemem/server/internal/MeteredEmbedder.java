package dev.litemem.server.internal;

import dev.litemem.Embedder;
import dev.litemem.Embeddings;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The server's one embedder, shared by every tenant: at most {@code permits} embedding calls run at once (the model
 * saturates the CPU anyway); the others wait in line, and the length of that line is the embedder queue metric.
 */
final class MeteredEmbedder implements Embedder {
    private final Embedder delegate;
    private final Semaphore permits;
    private final AtomicInteger waiting = new AtomicInteger();
    private final AtomicInteger running = new AtomicInteger();

    MeteredEmbedder(Embedder delegate, int permits) {
        this.delegate = delegate;
        this.permits = new Semaphore(permits, true);
    }

    int waiting() {
        return waiting.get();
    }

    int running() {
        return running.get();
    }

    @Override
    public String modelId() {
        return delegate.modelId();
    }

    @Override
    public int dimension() {
        return delegate.dimension();
    }

    @Override
    public Embeddings embed(List<String> texts) {
        waiting.incrementAndGet();
        try {
            permits.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new dev.litemem.LiteMemException("interrupted while waiting for the embedder", e);
        } finally {
            waiting.decrementAndGet();
        }
        running.incrementAndGet();
        try {
            return delegate.embed(texts);
        } finally {
            running.decrementAndGet();
            permits.release();
        }
    }
}
