package dev.litemem.ingest;

import dev.litemem.InvalidInputException;

/**
 * A document passed one of its {@link IngestLimits} (extracted text, PDF pages, chunks); nothing of it was embedded or
 * written. {@link #field()} names what was too large.
 */
public class DocumentTooLargeException extends InvalidInputException {
    public DocumentTooLargeException(String field, String message) {
        super(field, message);
    }
}
