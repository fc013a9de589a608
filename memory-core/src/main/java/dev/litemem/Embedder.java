package dev.litemem;

import java.util.List;

/**
 * Turns text into vectors. LiteMem ships a local ONNX implementation (module {@code litemem-embedding}); plug in your
 * own (a remote API, a fixed function in tests) by implementing this interface.
 *
 * <p>Implementations must be thread-safe: LiteMem calls {@link #embed(List)} from many threads at once.
 */
public interface Embedder extends AutoCloseable {

    /**
     * A stable identifier of the model and everything that changes its vectors (pooling, normalization, token
     * limit), for example {@code all-minilm-l6-v2}. It is recorded in every collection the embedder fills, and a
     * collection refuses an embedder with a different id.
     */
    String modelId();

    /** The length of every vector this embedder returns. */
    int dimension();

    /**
     * Embeds the texts, in order. Null, empty or whitespace-only texts are refused with an
     * {@link InvalidInputException} naming their position.
     */
    Embeddings embed(List<String> texts);

    /** The model's input limit in tokens: longer texts are cut, and counted in {@link Embeddings#truncated()}. */
    default int maxTokens() {
        return Integer.MAX_VALUE;
    }

    /**
     * How many tokens the model sees for this text before truncation, for chunkers that must fit the limit. The
     * default estimates it from words and punctuation; model-backed embedders count with their own tokenizer.
     */
    default int countTokens(String text) {
        int tokens = 0;
        boolean inWord = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isLetterOrDigit(c)) {
                if (!inWord) {
                    tokens++;
                }
                inWord = true;
            } else {
                inWord = false;
                if (!Character.isWhitespace(c)) {
                    tokens++;
                }
            }
        }
        return tokens;
    }

    /** Embeds one text. */
    default float[] embed(String text) {
        return embed(List.of(text)).vectors().get(0);
    }

    @Override
    default void close() {
    }
}
