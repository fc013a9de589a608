package dev.litemem.server.internal;

import dev.litemem.LiteMem;
import dev.litemem.ingest.ChunkingOptions;
import dev.litemem.ingest.IngestLimits;
import dev.litemem.ingest.IngestedDocument;
import dev.litemem.ingest.Ingester;
import java.util.Map;

/**
 * A document upload through the core's one document path, {@link Ingester#ingestDocument}, as {@code litemem ingest}
 * puts a file: extracted by its file type, chunked along its structure to the embedder's tokens (ids
 * {@code SOURCE#N}), each chunk embedded through the tenant's embedding cache (text the model embedded before costs no
 * inference), then in one transaction the source's earlier chunks replaced and its row in the documents table written.
 * The request's limits are checked while the text is extracted and chunked, before anything is embedded or created.
 */
final class DocumentIngester {
    private final IngestLimits limits;

    DocumentIngester(Api.Limits limits) {
        this.limits = new IngestLimits(limits.maxDocumentChars(), limits.maxDocumentPages(), limits.maxBatch());
    }

    /** 413 (DocumentTooLargeException) past a limit, with nothing embedded or written. */
    IngestedDocument ingest(LiteMem mem, String collection, String source, String fileName, byte[] content,
                            Map<String, Object> metadata, dev.litemem.Actor actor) {
        return Ingester.builder(mem).collection(collection).chunking(ChunkingOptions.defaults()).limits(limits).actor(actor).build()
                .ingestDocument(source, fileName, content, metadata);
    }
}
