package dev.litemem.server.internal;

import dev.litemem.Collection;
import dev.litemem.Filter;
import dev.litemem.Record;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns one document into records, one per paragraph (blocks separated by blank lines), with the source and chunk
 * position set and ids {@code SOURCE#CHUNK}. Re-ingesting a source first removes its previous chunks. This is the
 * one place to switch to the core ingest API (dev.litemem.ingest) when it lands.
 */
final class DocumentIngester {
    private final int maxChunkChars;

    DocumentIngester(int maxChunkChars) {
        this.maxChunkChars = maxChunkChars;
    }

    record Result(int chunks, long seq) {
    }

    Result ingest(Collection collection, String source, String text, Map<String, Object> metadata, int maxChunks) {
        List<String> chunks = split(text);
        if (chunks.isEmpty()) {
            throw Errors.invalid("text", "the document has no text to ingest");
        }
        if (chunks.size() > maxChunks) {
            throw Errors.tooLarge("text", "the document splits into " + chunks.size() + " chunks; at most " + maxChunks
                    + " are allowed per request: split it into several documents");
        }
        List<Record> records = new ArrayList<>(chunks.size());
        for (int i = 0; i < chunks.size(); i++) {
            Map<String, Object> m = new LinkedHashMap<>(metadata);
            records.add(Record.builder().id(source + "#" + i).text(chunks.get(i)).metadata(m).source(source, i).build());
        }
        collection.deleteWhere(Filter.eq(Filter.SOURCE, source));
        long seq = collection.upsertAll(records);
        return new Result(records.size(), seq);
    }

    List<String> split(String text) {
        List<String> out = new ArrayList<>();
        for (String para : text.replace("\r\n", "\n").split("\n\\s*\n")) {
            String p = para.strip();
            while (p.length() > maxChunkChars) {
                int cut = p.lastIndexOf(' ', maxChunkChars);
                if (cut <= 0) {
                    cut = maxChunkChars;
                }
                out.add(p.substring(0, cut).strip());
                p = p.substring(cut).strip();
            }
            if (!p.isEmpty()) {
                out.add(p);
            }
        }
        return out;
    }
}
