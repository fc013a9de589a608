package dev.litemem.embedding;

import dev.litemem.LiteMemException;

/** The local embedder could not load its model or could not run it. The message says what to check. */
public class EmbeddingException extends LiteMemException {
    public EmbeddingException(String message) {
        super(message);
    }

    public EmbeddingException(String message, Throwable cause) {
        super(message, cause);
    }
}
