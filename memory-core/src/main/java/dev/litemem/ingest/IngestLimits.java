package dev.litemem.ingest;

/**
 * How much one document may cost before anything is embedded: its extracted text, the pages read of a PDF, and its
 * chunks (each one embedding). A document past a limit is refused with {@link DocumentTooLargeException} as soon as
 * the limit is passed: extraction stops there, and the chunks are counted before the first is embedded.
 *
 * @param maxTextChars characters of extracted text per document
 * @param maxPdfPages  pages of a PDF; a longer one is refused before its text is read
 * @param maxChunks    chunks per document, so embedding calls per document
 */
public record IngestLimits(int maxTextChars, int maxPdfPages, int maxChunks) {
    /** The command line's defaults: generous for files on disk, still bounded. */
    public static final int DEFAULT_MAX_TEXT_CHARS = 32 << 20;
    public static final int DEFAULT_MAX_PDF_PAGES = 10_000;
    public static final int DEFAULT_MAX_CHUNKS = 100_000;

    public IngestLimits {
        if (maxTextChars < 1 || maxPdfPages < 1 || maxChunks < 1) {
            throw new IllegalArgumentException("ingest limits must be at least 1: text " + maxTextChars + ", PDF pages "
                    + maxPdfPages + ", chunks " + maxChunks);
        }
    }

    public static IngestLimits defaults() {
        return new IngestLimits(DEFAULT_MAX_TEXT_CHARS, DEFAULT_MAX_PDF_PAGES, DEFAULT_MAX_CHUNKS);
    }
}
