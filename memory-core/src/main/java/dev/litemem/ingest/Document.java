package dev.litemem.ingest;

import java.time.Instant;

/**
 * One ingested source file: its path as recorded (the ingest root as given, then the path below it), title, size,
 * modification time, SHA-256 of its bytes (hex), how many chunks it has and when it was ingested.
 */
public record Document(String path, String title, long size, Instant modified, String sha256, int chunks,
                       Instant ingested) {
}
