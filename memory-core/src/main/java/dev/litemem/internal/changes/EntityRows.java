package dev.litemem.internal.changes;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.litemem.LiteMemException;
import dev.litemem.internal.store.Json;
import dev.litemem.internal.store.RecordWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The one reader and applier of the current rows of the entities outside users' collections that the change feed
 * carries (docs/REPLICAS.md): agent memory ({@value #MEMORY}), work state ({@value #STATE}), journal entries
 * ({@value #JOURNAL}) and idempotency keys ({@value #IDEMPOTENCY}). The feed reads an entity's rows as they are now
 * ({@link #read}); a replica writes them back as they are ({@link #apply}).
 *
 * <p>The state of one entity is a JSON object of its tables' columns as stored, so applying it reproduces the rows
 * column for column:
 * <ul>
 *   <li>{@code memory}: {@code record} (its row of {@code records}, without the vector, which travels beside it),
 *       {@code memory} (its row of {@code memories}) and {@code versions} (every row of {@code memory_versions} of that
 *       memory id, blobs as base64), so history() and undo() read on a replica as on the primary. A deleted memory may
 *       still have versions: then only {@code versions} is present.</li>
 *   <li>{@code state}, {@code journal}, {@code idempotency}: the row of {@code work_state}, {@code journal},
 *       {@code idempotency_keys}.</li>
 * </ul>
 * Keys as the change log has them: a memory's id (its row id in the log's {@code row_id}), a state entry's JSON array
 * of scope ids and key, a journal entry's run (its {@code seq} in {@code row_id}), an idempotency key.
 */
public final class EntityRows {
    public static final String MEMORY = "memory";
    public static final String STATE = "state";
    public static final String JOURNAL = "journal";
    public static final String IDEMPOTENCY = "idempotency";
    /** The entities carried, beside records. */
    public static final Set<String> CARRIED = Set.of(MEMORY, STATE, JOURNAL, IDEMPOTENCY);

    private static final Map<String, List<String>> COLUMNS = Map.of(
            "memories", List.of("row_id", "id", "user_id", "agent_id", "session_id", "kind", "importance", "text_key",
                    "expires_at", "valid_from", "valid_to", "superseded_by", "superseded_actor", "last_accessed_at"),
            "memory_versions", List.of("version", "memory_id", "user_id", "agent_id", "session_id", "op", "before",
                    "before_vector", "after", "at", "actor", "undo_of", "undone_by"),
            "work_state", List.of("user_id", "agent_id", "session_id", "key", "value", "version", "updated_at",
                    "expires_at"),
            "journal", List.of("seq", "run", "type", "payload", "at", "actor"),
            "idempotency_keys", List.of("key", "result", "created_at", "expires_at"));
    private static final Set<String> BLOBS = Set.of("before_vector");

    /** An entity's current rows: {@code json} as described above, the memory's vector and row id (else null). */
    public record Row(String json, byte[] vector, Long rowId) {
    }

    private EntityRows() {
    }

    /** The identity of a logged change of a carried entity: repeats of one key collapse to the last. */
    public static String identity(String entity, String key, Long rowId) {
        return entity + "\u0000" + key + (JOURNAL.equals(entity) ? "\u0000" + rowId : "");
    }

    /**
     * The rows of one entity as they are now, or empty when it is gone.
     *
     * @param key   the change log's key of the entity
     * @param rowId the change log's row id (a journal entry's seq; unused otherwise)
     */
    public static Optional<Row> read(Connection c, String entity, long memoriesCollectionId, String key, Long rowId)
            throws SQLException {
        switch (entity) {
            case MEMORY: {
                ObjectNode o = Json.MAPPER.createObjectNode();
                byte[] vector = null;
                Long recordRow = null;
                try (PreparedStatement s = c.prepareStatement("SELECT row_id, id, text, metadata, source, chunk,"
                        + " created_at, updated_at, embedding FROM records WHERE collection_id = ? AND id = ?")) {
                    s.setLong(1, memoriesCollectionId);
                    s.setString(2, key);
                    try (ResultSet rs = s.executeQuery()) {
                        if (rs.next()) {
                            recordRow = rs.getLong(1);
                            vector = rs.getBytes(9);
                            o.set("record", row(rs, 8));
                        }
                    }
                }
                if (recordRow != null) {
                    List<ObjectNode> m = rows(c, "SELECT * FROM memories WHERE row_id = ?", recordRow);
                    if (!m.isEmpty()) {
                        o.set("memory", m.get(0));
                    }
                }
                List<ObjectNode> versions = rows(c, "SELECT * FROM memory_versions WHERE memory_id = ? ORDER BY version",
                        key);
                o.putArray("versions").addAll(versions);
                return recordRow == null && versions.isEmpty() ? Optional.empty()
                        : Optional.of(new Row(write(o), vector, recordRow));
            }
            case STATE: {
                JsonNode k = parse(key);
                return one(c, "SELECT * FROM work_state WHERE user_id = ? AND agent_id = ? AND session_id = ? AND key = ?",
                        k.get(0).asText(), k.get(1).asText(), k.get(2).asText(), k.get(3).asText());
            }
            case JOURNAL:
                return one(c, "SELECT * FROM journal WHERE seq = ?", rowId);
            case IDEMPOTENCY:
                return one(c, "SELECT * FROM idempotency_keys WHERE key = ?", key);
            default:
                throw new LiteMemException("the change feed does not carry entity '" + entity + "'");
        }
    }

    /**
     * Makes one entity's rows what {@code row} says, or removes them when it is null, in the caller's write
     * transaction. A memory's record goes through {@code memories} (the replica's record writer of the memory
     * collection), so its vector index and keyword index follow as for any record.
     */
    public static void apply(Connection c, String entity, String key, Long rowId, Row row, RecordWriter memories,
                             java.util.function.LongConsumer otherCollection) throws SQLException {
        switch (entity) {
            case MEMORY -> applyMemory(c, key, row == null ? new Row("{\"versions\":[]}", null, null) : row, memories,
                    -1, otherCollection);
            case STATE -> {
                JsonNode k = parse(key);
                exec(c, "DELETE FROM work_state WHERE user_id = ? AND agent_id = ? AND session_id = ? AND key = ?",
                        k.get(0).asText(), k.get(1).asText(), k.get(2).asText(), k.get(3).asText());
                if (row != null) {
                    insert(c, "work_state", (ObjectNode) parse(row.json()));
                }
            }
            case JOURNAL -> {
                exec(c, "DELETE FROM journal WHERE seq = ?", rowId);
                if (row != null) {
                    insert(c, "journal", (ObjectNode) parse(row.json()));
                }
            }
            case IDEMPOTENCY -> {
                exec(c, "DELETE FROM idempotency_keys WHERE key = ?", key);
                if (row != null) {
                    insert(c, "idempotency_keys", (ObjectNode) parse(row.json()));
                }
            }
            default -> throw new LiteMemException("a change of entity '" + entity + "' cannot be applied: this"
                    + " LiteMem does not know it; upgrade the replica");
        }
    }

    /**
     * A memory's rows. With a record writer (a replica) the record goes through it; without (a restore, on a file whose
     * index is rebuilt from its rows) it is written directly into {@code records} of collection {@code collectionId}.
     * {@code versions} absent: the memory's versions are left as they are.
     */
    private static void applyMemory(Connection c, String id, Row row, RecordWriter w, long collectionId,
                                    java.util.function.LongConsumer otherCollection) throws SQLException {
        JsonNode o = parse(row.json());
        JsonNode record = o.get("record");
        if (w == null) {
            exec(c, "DELETE FROM memories WHERE row_id IN (SELECT row_id FROM records WHERE collection_id = ? AND id = ?)",
                    collectionId, id);
            exec(c, "DELETE FROM records WHERE collection_id = ? AND id = ?", collectionId, id);
            if (record != null) {
                ObjectNode r = ((ObjectNode) record).deepCopy();
                r.put("row_id", row.rowId());
                r.put("collection_id", collectionId);
                insertRecord(c, r, row.vector());
            }
        } else if (record == null) {
            long existing = w.rowId(id);
            if (existing >= 0) {
                w.delete(existing, id, System.currentTimeMillis()); // its memories row goes with it (cascade)
            }
        } else {
            JsonNode chunk = record.get("chunk");
            w.replicate(row.rowId(), id, textOrNull(record, "text"), record.get("metadata").asText(),
                    textOrNull(record, "source"), chunk == null || chunk.isNull() ? null : chunk.asInt(),
                    record.get("created_at").asLong(), record.get("updated_at").asLong(), row.vector(),
                    otherCollection::accept);
        }
        if (record != null) {
            JsonNode memory = o.get("memory");
            if (memory != null) {
                // REPLACE: a row another memory holds in the unique key of current texts is that memory's older state;
                // its own newer state is in this batch or a later one, and brings its row back.
                insert(c, "memories", (ObjectNode) memory);
            }
        }
        JsonNode versions = o.get("versions");
        if (versions != null) {
            exec(c, "DELETE FROM memory_versions WHERE memory_id = ?", id);
            for (JsonNode v : versions) {
                insert(c, "memory_versions", (ObjectNode) v);
            }
        }
    }

    private static void insertRecord(Connection c, ObjectNode r, byte[] vector) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO records (row_id, collection_id, id, text, metadata,"
                + " source, chunk, created_at, updated_at, embedding) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            s.setLong(1, r.get("row_id").asLong());
            s.setLong(2, r.get("collection_id").asLong());
            s.setString(3, r.get("id").asText());
            s.setString(4, textOrNull(r, "text"));
            s.setString(5, r.get("metadata").asText());
            s.setString(6, textOrNull(r, "source"));
            JsonNode chunk = r.get("chunk");
            if (chunk == null || chunk.isNull()) {
                s.setNull(7, Types.INTEGER);
            } else {
                s.setInt(7, chunk.asInt());
            }
            s.setLong(8, r.get("created_at").asLong());
            s.setLong(9, r.get("updated_at").asLong());
            s.setBytes(10, vector);
            s.executeUpdate();
        }
    }

    // ---------------------------------------------------------------- after-images (point-in-time restore)

    /**
     * Applies one change-log entry of a carried entity from its after-image (null: a delete or an expiry), for a restore
     * on a raw connection whose vector index is rebuilt from the rows. An image carries less than the rows: a memory's
     * {@code memory_versions} rows are not imaged (left as they are), {@code superseded_actor} is taken as the entry's
     * actor, and a journal entry's actor is the entry's actor.
     *
     * @param memoriesCollectionId the id of collection {@code _memories} in the file (for a memory), else ignored
     */
    public static void applyImage(Connection c, long memoriesCollectionId, String entity, String key, Long rowId,
                                  String image, byte[] vector, String actor) throws SQLException {
        if (MEMORY.equals(entity)) {
            ObjectNode o = Json.MAPPER.createObjectNode();
            if (image != null) {
                JsonNode i = parse(image);
                JsonNode m = i.get("memory");
                ObjectNode record = o.putObject("record");
                record.put("id", key);
                record.set("text", i.get("text"));
                record.put("metadata", write(i.get("metadata")));
                record.set("source", i.get("source"));
                record.set("chunk", i.get("chunk"));
                record.set("created_at", i.get("created_at"));
                record.set("updated_at", i.get("updated_at"));
                ObjectNode mem = o.putObject("memory");
                mem.put("row_id", rowId);
                mem.put("id", key);
                mem.put("user_id", textOrNull(m, "user") == null ? "" : m.get("user").asText());
                mem.put("agent_id", textOrNull(m, "agent") == null ? "" : m.get("agent").asText());
                mem.put("session_id", textOrNull(m, "session") == null ? "" : m.get("session").asText());
                mem.set("kind", m.get("kind"));
                mem.set("importance", m.get("importance"));
                mem.put("text_key", dev.litemem.internal.memory.TextKeys.of(i.get("text").asText()));
                for (String f : List.of("expires_at", "valid_from", "valid_to", "superseded_by", "last_accessed_at")) {
                    mem.set(f, m.get(f));
                }
                mem.put("superseded_actor", textOrNull(m, "superseded_by") == null ? null : actor);
            }
            applyMemory(c, key, new Row(write(o), vector, rowId), null, memoriesCollectionId, x -> { });
            return;
        }
        Row row = null;
        if (image != null) {
            ObjectNode i = (ObjectNode) parse(image);
            ObjectNode r = Json.MAPPER.createObjectNode();
            switch (entity) {
                case STATE -> {
                    for (String f : List.of("user", "agent", "session")) {
                        r.put(f + "_id", textOrNull(i, f) == null ? "" : i.get(f).asText());
                    }
                    r.set("key", i.get("key"));
                    r.put("value", write(i.get("value")));
                    r.set("version", i.get("version"));
                    r.set("updated_at", i.get("updated_at"));
                    r.set("expires_at", i.get("expires_at"));
                }
                case JOURNAL -> {
                    r.set("seq", i.get("seq"));
                    r.set("run", i.get("run"));
                    r.set("type", i.get("type"));
                    r.put("payload", write(i.get("payload")));
                    r.set("at", i.get("at"));
                    r.put("actor", actor);
                }
                case IDEMPOTENCY -> r.setAll(i);
                default -> throw new LiteMemException("entity '" + entity + "' has no replay");
            }
            row = new Row(write(r), null, rowId);
        }
        apply(c, entity, key, rowId, row, null, x -> { });
    }

    // ---------------------------------------------------------------- rows as JSON

    private static Optional<Row> one(Connection c, String sql, Object... params) throws SQLException {
        List<ObjectNode> found = rows(c, sql, params);
        return found.isEmpty() ? Optional.empty() : Optional.of(new Row(write(found.get(0)), null, null));
    }

    private static List<ObjectNode> rows(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                s.setObject(i + 1, params[i]);
            }
            List<ObjectNode> out = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(row(rs, rs.getMetaData().getColumnCount()));
                }
            }
            return out;
        }
    }

    /** The first {@code columns} columns of the current row, by name, as stored (blobs as base64). */
    private static ObjectNode row(ResultSet rs, int columns) throws SQLException {
        ResultSetMetaData md = rs.getMetaData();
        ObjectNode o = Json.MAPPER.createObjectNode();
        for (int i = 1; i <= columns; i++) {
            String name = md.getColumnName(i);
            Object v = rs.getObject(i);
            if (v == null) {
                o.putNull(name);
            } else if (v instanceof byte[] b) {
                o.put(name, Base64.getEncoder().encodeToString(b));
            } else if (v instanceof Double d) {
                o.put(name, d);
            } else if (v instanceof Number n) {
                o.put(name, n.longValue());
            } else {
                o.put(name, v.toString());
            }
        }
        return o;
    }

    /** Inserts (or replaces) one row of {@code table} from its columns as JSON; only the table's known columns. */
    private static void insert(Connection c, String table, ObjectNode row) throws SQLException {
        List<String> known = COLUMNS.get(table);
        List<String> names = new ArrayList<>();
        List<JsonNode> values = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = row.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!known.contains(e.getKey())) {
                throw new LiteMemException("a change of table " + table + " has column '" + e.getKey() + "', which this"
                        + " LiteMem does not know: upgrade the replica");
            }
            names.add(e.getKey());
            values.add(e.getValue());
        }
        String sql = "INSERT OR REPLACE INTO " + table + " (" + String.join(", ", names) + ") VALUES ("
                + "?, ".repeat(names.size() - 1) + "?)";
        try (PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < names.size(); i++) {
                JsonNode v = values.get(i);
                int at = i + 1;
                if (v == null || v.isNull()) {
                    s.setNull(at, Types.NULL);
                } else if (BLOBS.contains(names.get(i))) {
                    s.setBytes(at, Base64.getDecoder().decode(v.asText()));
                } else if (v.isIntegralNumber()) {
                    s.setLong(at, v.asLong());
                } else if (v.isNumber()) {
                    s.setDouble(at, v.asDouble());
                } else {
                    s.setString(at, v.asText());
                }
            }
            s.executeUpdate();
        }
    }

    private static void exec(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                s.setObject(i + 1, params[i]);
            }
            s.executeUpdate();
        }
    }

    private static String textOrNull(JsonNode o, String field) {
        JsonNode v = o.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static JsonNode parse(String json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new LiteMemException("a change of agent memory or work state is not valid JSON: "
                    + e.getOriginalMessage(), e);
        }
    }

    private static String write(JsonNode o) {
        try {
            return Json.MAPPER.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new LiteMemException("cannot write rows as JSON", e);
        }
    }
}
