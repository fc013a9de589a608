package dev.litemem.internal.store;

import java.util.List;

/**
 * The file format: forward-only migrations, each applied in its own transaction together with the new
 * {@code PRAGMA user_version}. Never edit a released step; add a new one. docs/ARCHITECTURE.md describes every table.
 */
public final class Schema {
    /** SQLite's application_id for LiteMem files: ASCII "LMEM". */
    public static final int APPLICATION_ID = 0x4C4D454D;

    /** Migration i (0-based) takes the file from version i to version i + 1. */
    static final List<List<String>> MIGRATIONS = List.of(
            // 1: collections, records, change log.
            List.of("""
                    CREATE TABLE collections (
                      id          INTEGER PRIMARY KEY,
                      name        TEXT    NOT NULL UNIQUE,
                      model       TEXT    NOT NULL,
                      dimension   INTEGER NOT NULL CHECK (dimension > 0),
                      metric      TEXT    NOT NULL CHECK (metric IN ('cosine', 'dot', 'l2')),
                      created_at  INTEGER NOT NULL
                    )""", """
                    CREATE TABLE records (
                      row_id         INTEGER PRIMARY KEY,
                      collection_id  INTEGER NOT NULL REFERENCES collections (id) ON DELETE CASCADE,
                      id             TEXT    NOT NULL,
                      text           TEXT,
                      metadata       TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(metadata) AND json_type(metadata) = 'object'),
                      embedding      BLOB,
                      created_at     INTEGER NOT NULL,
                      updated_at     INTEGER NOT NULL,
                      UNIQUE (collection_id, id)
                    )""", """
                    CREATE TABLE changes (
                      seq            INTEGER PRIMARY KEY AUTOINCREMENT,
                      at             INTEGER NOT NULL,
                      collection_id  INTEGER NOT NULL,
                      record_id      TEXT    NOT NULL,
                      row_id         INTEGER,
                      op             TEXT    NOT NULL CHECK (op IN ('insert', 'update', 'delete'))
                    )""", """
                    CREATE INDEX changes_by_collection ON changes (collection_id, seq)"""),
            // 2: provenance (source document and chunk position) and the actor of each change, for the audit trail.
            List.of("ALTER TABLE records ADD COLUMN source TEXT",
                    "ALTER TABLE records ADD COLUMN chunk INTEGER",
                    "CREATE INDEX records_by_source ON records (collection_id, source, chunk) WHERE source IS NOT NULL",
                    "ALTER TABLE changes ADD COLUMN actor TEXT"),
            // 3: the embedding cache: (model id, SHA-256 of the text) -> vector, so unchanged text is never embedded twice.
            List.of("""
                    CREATE TABLE embedding_cache (
                      model       TEXT NOT NULL,
                      text_sha256 BLOB NOT NULL,
                      embedding   BLOB NOT NULL,
                      created_at  INTEGER NOT NULL,
                      PRIMARY KEY (model, text_sha256)
                    ) WITHOUT ROWID"""),
            // 4: keyword search: an FTS5 index over the record text, kept in step by triggers in the writing transaction.
            List.of("""
                    CREATE VIRTUAL TABLE records_fts USING fts5 (
                      text, content = 'records', content_rowid = 'row_id',
                      tokenize = 'porter unicode61 remove_diacritics 2'
                    )""", """
                    CREATE TRIGGER records_fts_insert AFTER INSERT ON records BEGIN
                      INSERT INTO records_fts (rowid, text) VALUES (new.row_id, new.text);
                    END""", """
                    CREATE TRIGGER records_fts_delete AFTER DELETE ON records BEGIN
                      INSERT INTO records_fts (records_fts, rowid, text) VALUES ('delete', old.row_id, old.text);
                    END""", """
                    CREATE TRIGGER records_fts_update AFTER UPDATE OF text ON records BEGIN
                      INSERT INTO records_fts (records_fts, rowid, text) VALUES ('delete', old.row_id, old.text);
                      INSERT INTO records_fts (rowid, text) VALUES (new.row_id, new.text);
                    END""",
                    "INSERT INTO records_fts (records_fts) VALUES ('rebuild')"),
            // 5: HNSW parameters per collection, and index checkpoints: the graph of a collection's vectors (never the
            // vectors themselves) in bounded pages, written in one transaction with the change-log sequence it covers.
            List.of("ALTER TABLE collections ADD COLUMN hnsw_m INTEGER NOT NULL DEFAULT 16",
                    "ALTER TABLE collections ADD COLUMN hnsw_ef_construction INTEGER NOT NULL DEFAULT 200",
                    "ALTER TABLE collections ADD COLUMN hnsw_ef_search INTEGER NOT NULL DEFAULT 64", """
                    CREATE TABLE index_checkpoints (
                      id             INTEGER PRIMARY KEY,
                      collection_id  INTEGER NOT NULL REFERENCES collections (id) ON DELETE CASCADE,
                      seq            INTEGER NOT NULL,
                      byte_count     INTEGER NOT NULL,
                      page_count     INTEGER NOT NULL,
                      node_count     INTEGER NOT NULL,
                      created_at     INTEGER NOT NULL
                    )""", """
                    CREATE INDEX index_checkpoints_by_collection ON index_checkpoints (collection_id, seq)""", """
                    CREATE TABLE index_checkpoint_pages (
                      checkpoint_id  INTEGER NOT NULL REFERENCES index_checkpoints (id) ON DELETE CASCADE,
                      page           INTEGER NOT NULL,
                      data           BLOB    NOT NULL,
                      PRIMARY KEY (checkpoint_id, page)
                    )"""),
            // 6: ingested documents (one row per source file; its chunks are the records with that source), for
            // incremental ingest: unchanged content hash and chunker settings -> the file is skipped.
            List.of("""
                    CREATE TABLE documents (
                      collection_id  INTEGER NOT NULL REFERENCES collections (id) ON DELETE CASCADE,
                      path           TEXT    NOT NULL,
                      title          TEXT,
                      size           INTEGER NOT NULL,
                      modified_at    INTEGER NOT NULL,
                      content_sha256 BLOB    NOT NULL,
                      chunker        TEXT    NOT NULL,
                      chunks         INTEGER NOT NULL,
                      ingested_at    INTEGER NOT NULL,
                      PRIMARY KEY (collection_id, path)
                    ) WITHOUT ROWID"""),
            // 7: a CRC32C over each checkpoint's header row (collection, seq, sizes) and the checksum of its bytes, so a
            // changed seq is detected instead of hiding later changes from the index. Older rows have none: rebuilt once.
            List.of("ALTER TABLE index_checkpoints ADD COLUMN header_crc INTEGER"),
            // 8: the change log names what changed (entity: records, and the kinds other capabilities log) and who
            // changed it on what authority (attribution), with room for hashes of the row before and after and for
            // the outbox flag; entities outside collections have no collection. An entry a reader outside the file will
            // replay (one bound for the ledger) carries the after-image of what it changed, as written in its
            // transaction (JSON, plus the vector of a record), so that reader sees every intermediate state exactly;
            // other entries, deletes and older entries have none. SQLite cannot drop the old CHECK on
            // op or the NOT NULL on collection_id in place, so the table is rebuilt, keeping every seq and the
            // AUTOINCREMENT high-water mark (a seq is never reused). The file gets its incarnation: a random id, new
            // whenever its sequence numbers could be reused (a restore to an earlier point).
            List.of("""
                    CREATE TABLE changes_v8 (
                      seq            INTEGER PRIMARY KEY AUTOINCREMENT,
                      at             INTEGER NOT NULL,
                      entity         TEXT    NOT NULL DEFAULT 'record',
                      collection_id  INTEGER,
                      record_id      TEXT    NOT NULL,
                      row_id         INTEGER,
                      op             TEXT    NOT NULL,
                      actor          TEXT,
                      on_behalf_of   TEXT,
                      model          TEXT,
                      authority      TEXT,
                      request_id     TEXT,
                      before_sha256  BLOB,
                      after_sha256   BLOB,
                      ledger         INTEGER NOT NULL DEFAULT 0,
                      image          TEXT,
                      image_vector   BLOB
                    )""",
                    "INSERT INTO changes_v8 (seq, at, collection_id, record_id, row_id, op, actor)"
                            + " SELECT seq, at, collection_id, record_id, row_id, op, actor FROM changes ORDER BY seq",
                    // The old table's high-water mark can be above its largest seq (rows removed since): keep it.
                    "UPDATE sqlite_sequence SET seq = max(seq, coalesce((SELECT seq FROM sqlite_sequence"
                            + " WHERE name = 'changes'), 0)) WHERE name = 'changes_v8'",
                    "INSERT INTO sqlite_sequence (name, seq) SELECT 'changes_v8', seq FROM sqlite_sequence"
                            + " WHERE name = 'changes' AND NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'changes_v8')",
                    "DROP TABLE changes",
                    "ALTER TABLE changes_v8 RENAME TO changes",
                    "CREATE INDEX changes_by_collection ON changes (collection_id, seq)", """
                    CREATE TABLE meta (
                      key    TEXT NOT NULL PRIMARY KEY,
                      value  TEXT NOT NULL
                    ) WITHOUT ROWID""",
                    "INSERT INTO meta (key, value) VALUES ('incarnation', lower(hex(randomblob(16))))"),
            // 9: the outbox (issue 13). Which changes go to the central ledger: per collection (ledger = 'none', the
            // default, or 'all') and, for entities outside collections, per entity kind (ledger_policies); explicit
            // ledger events always. changes.ledger marks them, and a partial index finds them for the shipper. The
            // registry of change-log consumers keeps each reader's position (the ledger's is a hint: the central
            // database's cursor is the truth), so that pruning never removes what a required consumer still needs.
            List.of("ALTER TABLE collections ADD COLUMN ledger TEXT NOT NULL DEFAULT 'none' CHECK (ledger IN ('none', 'all'))",
                    """
                    CREATE TABLE ledger_policies (
                      entity  TEXT NOT NULL PRIMARY KEY,
                      policy  TEXT NOT NULL CHECK (policy IN ('none', 'all'))
                    ) WITHOUT ROWID""",
                    "CREATE INDEX changes_outbox ON changes (seq) WHERE ledger = 1", """
                    CREATE TABLE changelog_consumers (
                      name         TEXT    NOT NULL PRIMARY KEY,
                      position     INTEGER NOT NULL,
                      incarnation  TEXT,
                      required     INTEGER NOT NULL DEFAULT 1,
                      updated_at   INTEGER NOT NULL
                    ) WITHOUT ROWID"""),
            // 10: agent memory and work state (issue 12). A memory is a
            // record of the reserved collection '_memories' (embedding, keyword index, vector index and checkpoints as
            // for any record) plus a row here: its scope as indexed columns ('' when an id is not given), kind,
            // importance, expiry, bi-temporal validity and last access. The unique key over the scope and the
            // normalized text of the current memories makes an exact repeat impossible to store twice, whatever
            // checks a writer made before its transaction. memory_versions keeps, per change, the state it replaced
            // (history and undo). work_state, journal and idempotency_keys hold an agent's work in progress.
            List.of("""
                    CREATE TABLE memories (
                      row_id           INTEGER PRIMARY KEY REFERENCES records (row_id) ON DELETE CASCADE,
                      id               TEXT    NOT NULL UNIQUE,
                      user_id          TEXT    NOT NULL,
                      agent_id         TEXT    NOT NULL,
                      session_id       TEXT    NOT NULL,
                      kind             TEXT    NOT NULL,
                      importance       REAL    NOT NULL,
                      text_key         TEXT    NOT NULL,
                      expires_at       INTEGER,
                      valid_from       INTEGER NOT NULL,
                      valid_to         INTEGER,
                      superseded_by    TEXT,
                      superseded_actor TEXT,
                      last_accessed_at INTEGER NOT NULL
                    )""",
                    "CREATE UNIQUE INDEX memories_current_text ON memories (user_id, agent_id, session_id, text_key)"
                            + " WHERE valid_to IS NULL",
                    "CREATE INDEX memories_by_scope ON memories (user_id, agent_id, session_id)",
                    "CREATE INDEX memories_by_agent ON memories (agent_id, session_id)",
                    "CREATE INDEX memories_by_session ON memories (session_id)",
                    "CREATE INDEX memories_expiring ON memories (expires_at) WHERE expires_at IS NOT NULL", """
                    CREATE TABLE memory_versions (
                      version        INTEGER PRIMARY KEY AUTOINCREMENT,
                      memory_id      TEXT    NOT NULL,
                      user_id        TEXT    NOT NULL,
                      agent_id       TEXT    NOT NULL,
                      session_id     TEXT    NOT NULL,
                      op             TEXT    NOT NULL,
                      before         TEXT,
                      before_vector  BLOB,
                      after          TEXT,
                      at             INTEGER NOT NULL,
                      actor          TEXT,
                      undo_of        INTEGER,
                      undone_by      INTEGER
                    )""",
                    "CREATE INDEX memory_versions_by_memory ON memory_versions (memory_id, version)",
                    "CREATE INDEX memory_versions_by_scope ON memory_versions (user_id, agent_id, session_id, version)", """
                    CREATE TABLE work_state (
                      user_id     TEXT    NOT NULL,
                      agent_id    TEXT    NOT NULL,
                      session_id  TEXT    NOT NULL,
                      key         TEXT    NOT NULL,
                      value       TEXT    NOT NULL,
                      version     INTEGER NOT NULL,
                      updated_at  INTEGER NOT NULL,
                      expires_at  INTEGER,
                      PRIMARY KEY (user_id, agent_id, session_id, key)
                    ) WITHOUT ROWID""", """
                    CREATE TABLE journal (
                      seq      INTEGER PRIMARY KEY AUTOINCREMENT,
                      run      TEXT    NOT NULL,
                      type     TEXT    NOT NULL,
                      payload  TEXT    NOT NULL,
                      at       INTEGER NOT NULL,
                      actor    TEXT
                    )""",
                    "CREATE INDEX journal_by_run ON journal (run, seq)", """
                    CREATE TABLE idempotency_keys (
                      key         TEXT    NOT NULL PRIMARY KEY,
                      result      TEXT    NOT NULL,
                      created_at  INTEGER NOT NULL,
                      expires_at  INTEGER
                    ) WITHOUT ROWID""",
                    "CREATE INDEX idempotency_expiring ON idempotency_keys (expires_at) WHERE expires_at IS NOT NULL"));

    /** The schema version this LiteMem writes and understands. */
    public static final int CURRENT_VERSION = MIGRATIONS.size();

    private Schema() {
    }
}
