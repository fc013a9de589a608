package dev.litemem.internal.ingest;

import dev.litemem.ingest.DocumentTooLargeException;
import dev.litemem.ingest.IngestLimits;

/** Where extraction and chunking stop a document that passes one of its {@link IngestLimits}. */
final class LimitChecks {
    private LimitChecks() {
    }

    static void checkText(IngestLimits limits, long chars) {
        if (chars > limits.maxTextChars()) {
            throw new DocumentTooLargeException("text", "the document's text has more than " + limits.maxTextChars()
                    + " characters, the limit per document: split it into several documents");
        }
    }

    static void checkPages(IngestLimits limits, int pages) {
        if (pages > limits.maxPdfPages()) {
            throw new DocumentTooLargeException("file", "the PDF has " + pages + " pages; at most " + limits.maxPdfPages()
                    + " are read per document: split it into several documents");
        }
    }

    static void checkChunks(IngestLimits limits, int chunks) {
        if (chunks > limits.maxChunks()) {
            throw new DocumentTooLargeException("text", "the document splits into more than " + limits.maxChunks()
                    + " chunks; at most " + limits.maxChunks() + " are allowed per document: split it into several documents");
        }
    }
}
