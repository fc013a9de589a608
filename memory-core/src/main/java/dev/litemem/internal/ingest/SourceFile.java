package dev.litemem.internal.ingest;

import java.nio.file.Path;

/**
 * A file to ingest: where it is, the path recorded for it (the root as given joined with {@code relative}, with '/'
 * separators) and its path below the root.
 */
public record SourceFile(Path file, String source, String relative) {
}
