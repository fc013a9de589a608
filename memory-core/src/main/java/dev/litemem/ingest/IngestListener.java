package dev.litemem.ingest;

/**
 * Hears about a running ingest. Called from the ingest's own threads (one at a time is not guaranteed): keep it quick
 * and thread-safe.
 */
public interface IngestListener {
    /** The walk is done and {@code files} files will be looked at. */
    default void started(int files) {
    }

    /** Some files or chunks were done. */
    default void progress(IngestProgress progress) {
    }

    /** A file could not be read or parsed and was skipped; the message says why (it never contains file content). */
    default void fileFailed(String path, String message) {
    }
}
