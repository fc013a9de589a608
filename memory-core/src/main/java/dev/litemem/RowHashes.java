package dev.litemem;

import dev.litemem.internal.store.RecordWriter;
import dev.litemem.internal.store.RowHash;

/**
 * The canonical row hash (RowHash v1, docs/ARCHITECTURE.md "Canonical row hash") that the change log stores as
 * {@code before_sha256} / {@code after_sha256}, for tools outside the core that verify rows against the log: backups
 * sum it over a file's records to verify a restore.
 */
public final class RowHashes {
    /** The version of the definition: a new definition gets a new version, a hash never changes meaning. */
    public static final int VERSION = RowHash.VERSION;

    private RowHashes() {
    }

    /**
     * The 32-byte hash of a {@code records} row as stored: its columns (the metadata as the stored JSON text, times in
     * epoch milliseconds) and its embedding (float32 little-endian, null when none).
     */
    public static byte[] ofRecordRow(String id, String text, String metadataJson, String source, Integer chunk,
                                     long createdAtMillis, long updatedAtMillis, byte[] embedding) {
        return RecordWriter.hashOfRow(id, text, metadataJson, source, chunk, createdAtMillis, updatedAtMillis, embedding);
    }
}
