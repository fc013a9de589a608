package dev.litemem.internal.ingest;

import dev.litemem.ingest.DocumentTooLargeException;
import dev.litemem.ingest.IngestLimits;
import dev.litemem.Collection;
import dev.litemem.Filter;
import dev.litemem.Record;
import dev.litemem.internal.Sha256;
import dev.litemem.internal.store.DocumentTable;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** The reader threads' work: read, hash and, unless the file is unchanged, extract and chunk it. */
public final class FileParser {
    private FileParser() {
    }

    /** Runs on a reader thread: read, hash, and (unless unchanged) extract and chunk one file. */
    public static Parsed parse(SourceFile f, DocumentTable.Stored previous, String fingerprint, Chunker chunker,
                               Collection collection, IngestLimits limits) {
        byte[] content;
        long modified;
        try {
            content = Files.readAllBytes(f.file());
            modified = Files.getLastModifiedTime(f.file()).toMillis();
        } catch (IOException e) {
            return new Parsed.Failed(f, "cannot read: " + e.getClass().getSimpleName());
        }
        byte[] sha = Sha256.of(content);
        if (previous != null && Arrays.equals(previous.sha256(), sha) && previous.chunker().equals(fingerprint)) {
            return new Parsed.Unchanged(f);
        }
        try {
            Extracted extracted = Extractors.extract(f.file().getFileName().toString(), content, limits);
            List<Chunk> chunks = chunker.chunk(extracted, limits);
            Map<String, float[]> reused = previous == null || !previous.chunker().equals(fingerprint) ? Map.of()
                    : previousVectors(collection, f.source());
            return new Parsed.Ready(f, previous == null, extracted.title(), content.length, modified, sha, chunks, reused);
        } catch (DocumentTooLargeException e) {
            return new Parsed.Failed(f, e.getMessage());
        } catch (IOException | RuntimeException e) {
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            return new Parsed.Failed(f, "cannot parse " + Extractors.format(f.file().getFileName().toString())
                    .name().toLowerCase(java.util.Locale.ROOT) + ": " + why);
        }
    }

    /**
     * The vectors of a changed file's current chunks by the text they were embedded from, so that an edit re-embeds
     * only the chunks it changed (same chunker settings and model, so the same text gives the same vector).
     */
    private static Map<String, float[]> previousVectors(Collection collection, String source) {
        Map<String, float[]> out = new java.util.HashMap<>();
        String cursor = null;
        do {
            dev.litemem.Page<Record> page = collection.list(Filter.eq(Filter.SOURCE, source), cursor, 1000);
            for (Record r : page.items()) {
                Object headings = r.metadata().get("headings");
                Object title = r.metadata().get("title");
                if (r.hasVector() && r.text() != null && headings instanceof List<?> list) {
                    List<String> names = list.stream().map(String::valueOf).toList();
                    out.put(Chunker.embedText(title instanceof String t ? t : null, names, r.text()), r.vector());
                }
            }
            cursor = page.nextCursor();
        } while (cursor != null);
        return out;
    }
}
