package dev.litemem.embedding;

import dev.litemem.Embedder;
import dev.litemem.Embeddings;
import java.util.List;

/** Measures how fast an embedder turns a list of texts into vectors (used by {@code litemem bench embed}). */
public final class EmbedBench {
    /** One measured run. */
    public record Result(int texts, double seconds, double textsPerSecond, int truncated) {
    }

    private EmbedBench() {
    }

    /**
     * Embeds the texts once, in one call (the embedder batches them), and times it. Warm the embedder up first
     * (for example with a smaller run) if the first-call cost should not count.
     */
    public static Result run(Embedder embedder, List<String> texts) {
        long start = System.nanoTime();
        Embeddings embeddings = embedder.embed(texts);
        double seconds = (System.nanoTime() - start) / 1e9;
        int count = embeddings.vectors().size();
        return new Result(count, seconds, seconds > 0 ? count / seconds : 0, embeddings.truncated());
    }
}
