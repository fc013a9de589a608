package dev.litemem.ingest;

/**
 * How documents are cut into chunks: a target size and an overlap, both in tokens of the embedder's own tokenizer. A
 * chunk never crosses a heading; it grows paragraph by paragraph (long paragraphs sentence by sentence) up to the
 * target, which is capped at the model's input limit; the next chunk of the same section repeats up to
 * {@code overlapTokens} of trailing sentences.
 */
public record ChunkingOptions(int targetTokens, int overlapTokens) {
    /**
     * 128: on the shared sets with long abstracts (cranfield, cisi) chunks of 128 tokens ranked better than 64, 200,
     * 256 or whole documents, semantic and hybrid, with all-MiniLM-L6-v2 (README, "Long documents").
     */
    public static final int DEFAULT_TARGET_TOKENS = 128;
    public static final int DEFAULT_OVERLAP_TOKENS = 32;

    public ChunkingOptions {
        if (targetTokens < 16 || targetTokens > 65_536) {
            throw new IllegalArgumentException("the chunk size must be between 16 and 65536 tokens, was " + targetTokens);
        }
        if (overlapTokens < 0 || overlapTokens > targetTokens / 2) {
            throw new IllegalArgumentException("the chunk overlap must be between 0 and half the chunk size ("
                    + targetTokens / 2 + " tokens), was " + overlapTokens);
        }
    }

    public static ChunkingOptions defaults() {
        return new ChunkingOptions(DEFAULT_TARGET_TOKENS, DEFAULT_OVERLAP_TOKENS);
    }

    /** Recorded with every document, so that changing the options re-chunks files whose content did not change. */
    String fingerprint(String modelId) {
        return "v1 tokens=" + targetTokens + " overlap=" + overlapTokens + " model=" + modelId;
    }
}
