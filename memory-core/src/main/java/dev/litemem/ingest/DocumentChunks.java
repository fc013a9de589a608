package dev.litemem.ingest;

import dev.litemem.internal.ingest.Chunk;
import dev.litemem.internal.ingest.Chunker;
import dev.litemem.internal.ingest.Extracted;
import dev.litemem.internal.ingest.Extractors;
import dev.litemem.internal.ingest.StoreWriter;
import dev.litemem.Embedder;
import dev.litemem.Embeddings;
import dev.litemem.InvalidInputException;
import dev.litemem.Record;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One document (not a file on disk: an upload, a request body) turned into records exactly as {@link Ingester} turns
 * files into them: extracted by its file name's type (Markdown, text, HTML, PDF), chunked along its structure to the
 * embedder's token count, each chunk embedded with its title and heading path. The memory server uses it.
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
        Extracted doc;
        try {
            doc = Extractors.extract(fileName, content);
        } catch (IOException e) {
            throw new InvalidInputException("file", "the document cannot be read as " + Extractors.format(fileName)
                    + ": " + e.getMessage());
        }
        List<Chunk> chunks = new Chunker(options, embedder::countTokens, embedder.maxTokens()).chunk(doc);
        if (chunks.isEmpty()) {
            throw new InvalidInputException("text", "the document has no text to ingest");
        }
        List<String> embedTexts = new ArrayList<>(chunks.size());
        chunks.forEach(c -> embedTexts.add(c.embedText()));
        Embeddings vectors = embedder.embed(embedTexts);
        List<Record> records = new ArrayList<>(chunks.size());
        for (int i = 0; i < chunks.size(); i++) {
            Chunk c = chunks.get(i);
            Map<String, Object> m = new LinkedHashMap<>(metadata);
            m.putAll(StoreWriter.chunkMetadata(source, doc.title(), c));
            records.add(Record.builder().id(StoreWriter.recordId(source, c.index())).text(c.text()).metadata(m)
                    .vector(vectors.vectors().get(i)).source(source, c.index()).build());
        }
        return records;
    }
}
