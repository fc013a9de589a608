package dev.litemem.server.internal;

import dev.litemem.Collection;
import dev.litemem.Embedder;
import dev.litemem.Filter;
import dev.litemem.Record;
import dev.litemem.ingest.ChunkingOptions;
import dev.litemem.ingest.DocumentChunks;
import java.util.List;
import java.util.Map;

/**
 * Turns one document into records as {@code litemem ingest} does (dev.litemem.ingest: extraction by file type,
 * structure- and token-aware chunks with their heading paths), with ids {@code SOURCE#CHUNK}. Re-ingesting a source
 * replaces its previous chunks in one transaction. Embedding happens before the transaction.
 */
final class DocumentIngester {
    record Result(int chunks, long seq) {
    }

    Result ingest(dev.litemem.LiteMem mem, Collection collection, String source, String fileName, byte[] content, Map<String, Object> metadata,
                  Embedder embedder, int maxChunks) {
        List<Record> records = DocumentChunks.records(source, fileName, content, metadata, embedder,
                ChunkingOptions.defaults());
        if (records.size() > maxChunks) {
            throw Errors.tooLarge("text", "the document splits into " + records.size() + " chunks; at most " + maxChunks
                    + " are allowed per request: split it into several documents");
        }
        // The old chunks go and the new ones come in one transaction: readers never see the document half replaced.
        long seq = mem.inTransaction(h -> {
            collection.deleteWhere(Filter.eq(Filter.SOURCE, source));
            return collection.upsertAll(records);
        });
        return new Result(records.size(), seq);
    }
}
