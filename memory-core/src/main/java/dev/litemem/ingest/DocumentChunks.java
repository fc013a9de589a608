package dev.litemem.ingest;

import dev.litemem.Embedder;
import dev.litemem.InvalidInputException;
import dev.litemem.Record;
import dev.litemem.internal.ingest.DocumentStore;
import java.util.List;
import java.util.Map;

/**
 * One document (not a file on disk: an upload, a request body) turned into records exactly as {@link Ingester} turns
 * files into them: extracted by its file name's type (Markdown, text, HTML, PDF), chunked along its structure to the
 * embedder's token count, each chunk embedded with its title and heading path. It writes nothing: to put a document
 * into a collection (documents row, embedding cache, old chunks replaced), use {@link Ingester#ingestDocument}.
 */
public final class DocumentChunks {
    private DocumentChunks() {
    }

    /**
     * @param source   the record source (ids are {@code source#chunk})
     * @param fileName decides the format by its extension (.md, .txt, .html, .pdf; anything else is plain text)
     * @param metadata added to every chunk's metadata (the chunk's own keys win)
     * @throws InvalidInputException when the content cannot be read as that format, or holds no text
     */
    public static List<Record> records(String source, String fileName, byte[] content, Map<String, Object> metadata,
                                       Embedder embedder, ChunkingOptions options) {
        return records(source, fileName, content, metadata, embedder, options, IngestLimits.defaults());
    }

    /**
     * As {@link #records(String, String, byte[], Map, Embedder, ChunkingOptions)}, within {@code limits}: extraction
     * stops at the text or page limit, and the chunks are counted before the first is embedded, so a document past a
     * limit costs no embedding work.
     *
     * @throws DocumentTooLargeException when the document passes one of the limits
     */
    public static List<Record> records(String source, String fileName, byte[] content, Map<String, Object> metadata,
                                       Embedder embedder, ChunkingOptions options, IngestLimits limits) {
        DocumentStore.Chunked doc = DocumentStore.chunk(fileName, content, options, embedder, limits);
        List<float[]> vectors = embedder.embed(doc.embedTexts()).vectors();
        return DocumentStore.records(source, source, doc.title(), doc.chunks(), vectors.toArray(new float[0][]), metadata);
    }
}
