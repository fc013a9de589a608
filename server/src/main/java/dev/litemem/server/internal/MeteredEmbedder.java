package dev.litemem.server.internal;

import dev.litemem.Embedder;
import dev.litemem.Embeddings;
import java.util.List;

/**
 * The server's one embedder, shared by every tenant: at most {@code permits} embedding calls run at once (the model
 * saturates the CPU anyway); the others wait in line, and the length of that line is the embedder queue metric.
 */
final class MeteredEmbedder implements Embedder {
    private final Embedder delegate;
    private final MeteredPermits permits;

    MeteredEmbedder(Embedder delegate, int permits) {
        this.delegate = delegate;
        this.permits = new MeteredPermits(permits);
    }

    int waiting() {
        return permits.waiting();
    }

    int running() {
        return permits.running();
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
        try {
            return permits.call(() -> delegate.embed(texts));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new dev.litemem.LiteMemException("interrupted while waiting for the embedder", e);
        }
    }
}
