package dev.litemem.ingest;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one ingest run did. {@code chunks} counts the chunks written by this run (of added and changed files);
 * {@code truncated} how many of them the embedder cut at its token limit; {@code cancelled} whether it stopped early
 * (everything counted here is committed).
 */
public record IngestSummary(int filesAdded, int filesChanged, int filesUnchanged, int filesRemoved, long chunks,
                            List<FileError> errors, int truncated, long elapsedNanos, boolean cancelled) {
    public IngestSummary {
        errors = List.copyOf(errors);
    }

    /** A file that was skipped, and why. */
    public record FileError(String path, String message) {
    }

    public int filesSeen() {
        return filesAdded + filesChanged + filesUnchanged + errors.size();
    }

    public double seconds() {
        return elapsedNanos / 1e9;
    }

    public double filesPerSecond() {
        return elapsedNanos <= 0 ? 0 : filesSeen() * 1e9 / elapsedNanos;
    }

    public double chunksPerSecond() {
        return elapsedNanos <= 0 ? 0 : chunks * 1e9 / elapsedNanos;
    }

    /** The summary as a JSON-ready map with snake_case keys. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("files_added", filesAdded);
        m.put("files_changed", filesChanged);
        m.put("files_unchanged", filesUnchanged);
        m.put("files_removed", filesRemoved);
        m.put("chunks", chunks);
        m.put("errors", errors.size());
        m.put("truncated", truncated);
        m.put("seconds", Math.round(seconds() * 1000) / 1000.0);
        m.put("files_per_second", Math.round(filesPerSecond() * 10) / 10.0);
        m.put("chunks_per_second", Math.round(chunksPerSecond() * 10) / 10.0);
        m.put("cancelled", cancelled);
        return m;
    }
}
