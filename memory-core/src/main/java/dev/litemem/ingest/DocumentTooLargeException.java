package dev.litemem.ingest;

import dev.litemem.InvalidInputException;

/**
 * A document splits into more chunks than the ingester allows ({@link Ingester.Builder#maxChunksPerDocument(int)}).
 * It was refused before anything was embedded or written.
 */
public class DocumentTooLargeException extends InvalidInputException {
    private final int chunks;
    private final int limit;

    public DocumentTooLargeException(int chunks, int limit) {
        super("text", "the document splits into " + chunks + " chunks; at most " + limit + " are allowed per"
                + " document: split it into several documents");
        this.chunks = chunks;
        this.limit = limit;
    }

    public int chunks() {
        return chunks;
    }

    public int limit() {
        return limit;
    }
}
