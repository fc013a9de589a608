package dev.litemem.check;

/**
 * One problem a check found in a LiteMem file.
 *
 * @param kind    which check found it
 * @param table   the table it is in ({@code records}, {@code records_fts}, {@code changes}, {@code index_checkpoints},
 *                ...), or null when it concerns the file as a whole
 * @param row     the row: a record's {@code row_id}, a change's {@code seq}, a checkpoint's {@code id}, a table's rowid
 *                in SQLite's own report; null when no single row can be named
 * @param message what is wrong and what to do about it; never the user's data (texts, metadata values, vectors)
 */
public record Finding(Kind kind, String table, Long row, String message) {

    /** The checks, by the name they have in {@code litemem check --json} (docs/OPERATIONS.md). */
    public enum Kind {
        /** The path is not a readable LiteMem file (not SQLite, another application's, a newer LiteMem's). */
        FILE("file"),
        /** SQLite's own {@code PRAGMA integrity_check} (or {@code quick_check}): pages, b-trees, indexes, constraints. */
        INTEGRITY("integrity"),
        /** The keyword index (FTS5 {@code integrity-check}, also against the records table). */
        FTS("fts"),
        /** A stored index checkpoint fails its header checksum, its own checksum, its structure or its identity. */
        CHECKPOINT("checkpoint"),
        /** A checkpoint's graph does not hold the same rows as the collection (labels, count). */
        INDEX("index"),
        /** The change log's sequence numbers are out of order, missing or beyond the high-water mark. */
        CHANGE_LOG("changelog"),
        /** A stored vector is not of the collection's dimension, not finite, or all zero under cosine. */
        VECTOR("vector"),
        /** A record's metadata is not a JSON object. */
        METADATA("metadata");

        private final String id;

        Kind(String id) {
            this.id = id;
        }

        /** The stable lower-case name used in JSON output. */
        public String id() {
            return id;
        }
    }
}
