package dev.litemem.internal.ingest;

import dev.litemem.Collection;
import dev.litemem.Embedder;
import dev.litemem.Filter;
import dev.litemem.InvalidInputException;
import dev.litemem.Record;
import dev.litemem.ingest.ChunkingOptions;
import dev.litemem.ingest.Document;
import dev.litemem.ingest.IngestLimits;
import dev.litemem.internal.store.DocumentTable;
import dev.litemem.internal.store.EmbeddingCache;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;

/**
 * The one way a document's chunks enter a collection, for files ({@code Ingester.run}) and single documents
 * ({@code Ingester.ingestDocument}, the server's uploads) alike: chunk records named {@code SOURCE#N} with their place
 * in the document in their metadata, and one write transaction in which the document's old chunks go, the new ones
 * come, the vectors computed for them enter the embedding cache (when the caller uses it) and its documents row is
 * written.
 */
public final class DocumentStore {
    private DocumentStore() {
    }

    /** A document's text, chunked: what a single document upload needs before it is embedded. */
    public record Chunked(String title, List<Chunk> chunks) {
        /** The texts to embed, one per chunk (the heading path, then the text). */
        public List<String> embedTexts() {
            List<String> texts = new ArrayList<>(chunks.size());
            chunks.forEach(c -> texts.add(c.embedText()));
            return texts;
        }
    }

    /**
     * Extracts a document by its file name's type and chunks it to the embedder's token count.
     *
     * @throws dev.litemem.ingest.DocumentTooLargeException when it passes one of {@code limits} (before any embedding)
     * @throws InvalidInputException when the content cannot be read as that format, or holds no text
     */
    public static Chunked chunk(String fileName, byte[] content, ChunkingOptions options, Embedder embedder,
                                IngestLimits limits) {
        Extracted doc;
        try {
            doc = Extractors.extract(fileName, content, limits);
        } catch (IOException e) {
            throw new InvalidInputException("file", "the document cannot be read as " + Extractors.format(fileName)
                    + ": " + e.getMessage());
        }
        List<Chunk> chunks = new Chunker(options, embedder::countTokens, embedder.maxTokens()).chunk(doc, limits);
        if (chunks.isEmpty()) {
            throw new InvalidInputException("text", "the document has no text to ingest");
        }
        return new Chunked(doc.title(), chunks);
    }

    /**
     * The chunks as records: id {@code SOURCE#N}, the chunk's text, its vector, and metadata that says where it sits
     * (path, title, heading path, page, tokens) over {@code metadata} (the chunk's own keys win).
     */
    public static List<Record> records(String source, String path, String title, List<Chunk> chunks, float[][] vectors,
                                       Map<String, Object> metadata) {
        List<Record> records = new ArrayList<>(chunks.size());
        for (Chunk c : chunks) {
            Map<String, Object> m = new LinkedHashMap<>(metadata);
            m.putAll(StoreWriter.chunkMetadata(path, title, c));
            records.add(Record.builder().id(StoreWriter.recordId(source, c.index())).text(c.text()).metadata(m)
                    .vector(vectors[c.index()]).source(source, c.index()).build());
        }
        return records;
    }

    /**
     * Replaces the document in the caller's write transaction {@code h} (of the store {@code collection} belongs to):
     * its old chunks out, {@code records} in, the vectors computed for them into the embedding cache, its row in the
     * documents table. Returns the change-log sequence of the last record written.
     *
     * @param model    the model that computed {@code computed}
     * @param computed the cache rows to add (vectors embedded now), or none
     */
    public static long replace(Handle h, Collection collection, long collectionId, List<Record> records, String model,
                               Map<EmbeddingCache.Hash, float[]> computed, Document row, byte[] sha256,
                               String fingerprint) {
        collection.deleteWhere(Filter.eq(Filter.SOURCE, row.path()));
        long seq = collection.upsertAll(records);
        if (!computed.isEmpty()) {
            EmbeddingCache.store(h, model, computed, row.ingested().toEpochMilli());
        }
        DocumentTable.upsert(h, collectionId, row, sha256, fingerprint);
        return seq;
    }
}
