package dev.litemem.server.internal;

import dev.litemem.Collection;
import dev.litemem.Embedder;
import dev.litemem.Filter;
import dev.litemem.LiteMem;
import dev.litemem.Record;
import dev.litemem.ingest.ChunkingOptions;
import dev.litemem.ingest.DocumentChunks;
import dev.litemem.ingest.IngestLimits;
import java.util.List;
import java.util.Map;

/**
 * Turns one document into records as {@code litemem ingest} does (dev.litemem.ingest: extraction by file type,
 * structure- and token-aware chunks with their heading paths, ids {@code SOURCE#CHUNK}), within the request's limits:
 * the core pipeline stops extracting at the text or page limit and counts the chunks before the first is embedded.
 * This runs before the tenant is leased; re-ingesting a source then replaces its chunks in one transaction.
 */
final class DocumentIngester {
    record Result(int chunks, long seq) {
    }

    private final IngestLimits limits;

    DocumentIngester(Api.Limits limits) {
        this.limits = new IngestLimits(limits.maxDocumentChars(), limits.maxDocumentPages(), limits.maxBatch());
    }

    /** The document's records, embedded; 413 (DocumentTooLargeException) past a limit, with nothing embedded. */
    List<Record> records(String source, String fileName, byte[] content, Map<String, Object> metadata, Embedder embedder) {
        return DocumentChunks.records(source, fileName, content, metadata, embedder, ChunkingOptions.defaults(), limits);
    }

    /** Replaces the source's chunks: the old ones go and the new ones come in one transaction. */
    Result replace(LiteMem mem, Collection collection, String source, List<Record> records) {
        long seq = mem.inTransaction(h -> {
            collection.deleteWhere(Filter.eq(Filter.SOURCE, source));
            return collection.upsertAll(records);
        });
        return new Result(records.size(), seq);
    }
}
