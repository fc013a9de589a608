package dev.litemem.internal.memory;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.litemem.LiteMemException;
import dev.litemem.internal.store.Database;
import dev.litemem.internal.store.Json;
import dev.litemem.internal.store.VectorCodec;
import dev.litemem.memory.MemoryItem;
import dev.litemem.memory.Scope;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** The rows of a memory: its record (text, metadata, vector) and its row in {@code memories}. */
final class MemoryRows {
    static final String SELECT = "SELECT r.row_id, r.id, r.text, r.metadata, r.embedding, r.created_at, r.updated_at,"
            + " m.user_id, m.agent_id, m.session_id, m.kind, m.importance, m.expires_at, m.valid_from, m.valid_to,"
            + " m.superseded_by, m.last_accessed_at FROM memories m JOIN records r ON r.row_id = m.row_id";
    /**
     * The memories of some ids (a JSON array), without their vectors: recall's hits. The ids are the outer loop (CROSS
     * JOIN), each memory found by its unique id.
     */
    static final String BY_IDS_WITHOUT_VECTOR = "SELECT r.row_id, r.id, r.text, r.metadata, NULL AS embedding,"
            + " r.created_at, r.updated_at, m.user_id, m.agent_id, m.session_id, m.kind, m.importance, m.expires_at,"
            + " m.valid_from, m.valid_to, m.superseded_by, m.last_accessed_at FROM json_each(?) AS hit"
            + " CROSS JOIN memories m ON m.id = hit.value JOIN records r ON r.row_id = m.row_id";
    /** Not expired at the instant bound to it. */
    static final String VISIBLE = "(m.expires_at IS NULL OR m.expires_at > ?)";
    /** One memory by row id. */
    static final String BY_ROW = SELECT + " WHERE m.row_id = ?";
    /** The current memory of one scope (user, agent, session as stored) with one text key: the unique key's row. */
    static final String BY_TEXT_KEY = SELECT + " WHERE m.user_id = ? AND m.agent_id = ? AND m.session_id = ?"
            + " AND m.text_key = ? AND m.valid_to IS NULL";
    private static final String INSERT_RECORD = "INSERT INTO records (collection_id, id, text, metadata, embedding,"
            + " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING row_id";
    private static final String INSERT_MEMORY = "INSERT INTO memories (row_id, id, user_id, agent_id, session_id, kind,"
            + " importance, text_key, expires_at, valid_from, valid_to, superseded_by, superseded_actor,"
            + " last_accessed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?)";

    /** A memory as stored, with its row id and vector. */
    record Stored(long rowId, MemoryItem item, byte[] vector) {
    }

    private MemoryRows() {
    }

    static Stored map(ResultSet rs) throws SQLException {
        MemoryItem item = new MemoryItem(rs.getString("id"), rs.getString("text"),
                Json.readStored(rs.getString("metadata")),
                new Scope(emptyToNull(rs.getString("user_id")), emptyToNull(rs.getString("agent_id")),
                        emptyToNull(rs.getString("session_id"))),
                rs.getString("kind"), rs.getDouble("importance"), instant(rs, "created_at"), instant(rs, "updated_at"),
                instant(rs, "last_accessed_at"), instant(rs, "expires_at"), instant(rs, "valid_from"),
                instant(rs, "valid_to"), rs.getString("superseded_by"));
        return new Stored(rs.getLong("row_id"), item, rs.getBytes("embedding"));
    }

    /**
     * The SQL (over alias {@code m}) that a read scope keeps: the ids it gives must match, the others match anything.
     */
    static String matching(Scope scope, List<Object> params) {
        List<String> parts = new ArrayList<>();
        add(parts, params, "m.user_id", scope.user());
        add(parts, params, "m.agent_id", scope.agent());
        add(parts, params, "m.session_id", scope.session());
        return String.join(" AND ", parts);
    }

    /** The SQL (over alias {@code m}) of exactly this scope, as a memory's own scope. */
    static String exactly(Scope scope, List<Object> params) {
        params.add(column(scope.user()));
        params.add(column(scope.agent()));
        params.add(column(scope.session()));
        return "m.user_id = ? AND m.agent_id = ? AND m.session_id = ?";
    }

    private static void add(List<String> parts, List<Object> params, String column, String value) {
        if (value != null) {
            parts.add(column + " = ?");
            params.add(value);
        }
    }

    static String column(String id) {
        return id == null ? "" : id;
    }

    static Optional<Stored> byId(Handle h, String id) {
        return h.createQuery(SELECT + " WHERE m.id = ?").bind(0, id).map((rs, ctx) -> map(rs)).findOne();
    }

    /**
     * The scope's current memory with this text key, if any (the unique key's row). Plain JDBC on a statement prepared
     * once per connection, like every statement of remember's path: preparing one cost about what running it did.
     */
    static Optional<Stored> byTextKey(Database db, Handle h, Scope scope, String key) throws SQLException {
        PreparedStatement q = db.prepared(h, BY_TEXT_KEY);
        q.setString(1, column(scope.user()));
        q.setString(2, column(scope.agent()));
        q.setString(3, column(scope.session()));
        q.setString(4, key);
        return one(q);
    }

    /** One memory by row id. */
    static Optional<Stored> byRow(Database db, Handle h, long rowId) throws SQLException {
        PreparedStatement q = db.prepared(h, BY_ROW);
        q.setLong(1, rowId);
        return one(q);
    }

    private static Optional<Stored> one(PreparedStatement q) throws SQLException {
        try (ResultSet rs = q.executeQuery()) {
            return rs.next() ? Optional.of(map(rs)) : Optional.empty();
        }
    }

    /** Inserts the record and the memory row of {@code m}; returns the row id. */
    static long insert(Database db, Handle h, long collectionId, MemoryItem m, String metadataJson, byte[] vector)
            throws SQLException {
        PreparedStatement r = db.prepared(h, INSERT_RECORD);
        r.setLong(1, collectionId);
        r.setString(2, m.id());
        r.setString(3, m.text());
        r.setString(4, metadataJson);
        r.setBytes(5, vector);
        r.setLong(6, m.createdAt().toEpochMilli());
        r.setLong(7, m.updatedAt().toEpochMilli());
        long rowId;
        try (ResultSet rs = r.executeQuery()) {
            rs.next();
            rowId = rs.getLong(1);
        }
        PreparedStatement q = db.prepared(h, INSERT_MEMORY);
        q.setLong(1, rowId);
        q.setString(2, m.id());
        q.setString(3, column(m.scope().user()));
        q.setString(4, column(m.scope().agent()));
        q.setString(5, column(m.scope().session()));
        q.setString(6, m.kind());
        q.setDouble(7, m.importance());
        q.setString(8, TextKey.of(m.text()));
        setLong(q, 9, millis(m.expiresAt()));
        setLong(q, 10, millis(m.validFrom()));
        setLong(q, 11, millis(m.validTo()));
        q.setString(12, m.supersededBy());
        setLong(q, 13, millis(m.lastAccessedAt()));
        q.executeUpdate();
        return rowId;
    }

    static void setLong(PreparedStatement q, int index, Long value) throws SQLException {
        if (value == null) {
            q.setNull(index, Types.INTEGER);
        } else {
            q.setLong(index, value);
        }
    }

    /** Rewrites a memory's rows to {@code m} (same id and scope); the vector is kept when {@code vector} is null. */
    static void update(Handle h, long rowId, MemoryItem m, String metadataJson, byte[] vector, String actor) {
        h.createUpdate("UPDATE records SET text = ?, metadata = ?, embedding = coalesce(?, embedding), updated_at = ?"
                        + " WHERE row_id = ?")
                .bind(0, m.text()).bind(1, metadataJson).bind(2, vector).bind(3, m.updatedAt().toEpochMilli())
                .bind(4, rowId).execute();
        h.createUpdate("UPDATE memories SET kind = ?, importance = ?, text_key = ?, expires_at = ?, valid_from = ?,"
                        + " valid_to = ?, superseded_by = ?, superseded_actor = ?, last_accessed_at = ? WHERE row_id = ?")
                .bind(0, m.kind()).bind(1, m.importance()).bind(2, TextKey.of(m.text())).bind(3, millis(m.expiresAt()))
                .bind(4, millis(m.validFrom())).bind(5, millis(m.validTo())).bind(6, m.supersededBy())
                .bind(7, m.supersededBy() == null ? null : actor).bind(8, millis(m.lastAccessedAt())).bind(9, rowId)
                .execute();
    }

    /** Deletes the record; its {@code memories} row goes with it (foreign key, ON DELETE CASCADE). */
    static void delete(Handle h, long rowId) {
        h.createUpdate("DELETE FROM records WHERE row_id = ?").bind(0, rowId).execute();
    }

    /**
     * A memory as JSON: the change log's after-image and the history's states. The shape of a record's image
     * ({@code id, text, metadata, source, chunk, created_at, updated_at}) with the memory's own columns under
     * {@code memory}, so a reader of record images reads it too.
     */
    static String json(MemoryItem m) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("id", m.id());
        o.put("text", m.text());
        o.set("metadata", Json.MAPPER.valueToTree(m.metadata()));
        o.putNull("source");
        o.putNull("chunk");
        o.put("created_at", m.createdAt().toEpochMilli());
        o.put("updated_at", m.updatedAt().toEpochMilli());
        ObjectNode mem = o.putObject("memory");
        mem.put("user", m.scope().user());
        mem.put("agent", m.scope().agent());
        mem.put("session", m.scope().session());
        mem.put("kind", m.kind());
        mem.put("importance", m.importance());
        mem.put("expires_at", millis(m.expiresAt()));
        mem.put("valid_from", millis(m.validFrom()));
        mem.put("valid_to", millis(m.validTo()));
        mem.put("superseded_by", m.supersededBy());
        mem.put("last_accessed_at", millis(m.lastAccessedAt()));
        try {
            return Json.MAPPER.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new LiteMemException("cannot write a memory as JSON", e);
        }
    }

    /** A memory from {@link #json}, or null for null. */
    static MemoryItem parse(String json) {
        if (json == null) {
            return null;
        }
        try {
            JsonNode o = Json.MAPPER.readTree(json);
            JsonNode mem = o.get("memory");
            @SuppressWarnings("unchecked")
            Map<String, Object> metadata = Json.MAPPER.convertValue(o.get("metadata"), Map.class);
            return new MemoryItem(o.get("id").asText(), o.get("text").asText(), metadata,
                    new Scope(text(mem, "user"), text(mem, "agent"), text(mem, "session")), mem.get("kind").asText(),
                    mem.get("importance").asDouble(), Instant.ofEpochMilli(o.get("created_at").asLong()),
                    Instant.ofEpochMilli(o.get("updated_at").asLong()), instant(mem, "last_accessed_at"),
                    instant(mem, "expires_at"), instant(mem, "valid_from"), instant(mem, "valid_to"),
                    text(mem, "superseded_by"));
        } catch (JsonProcessingException e) {
            throw new LiteMemException("a stored memory version is not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    static float[] vector(byte[] blob) {
        return blob == null ? null : VectorCodec.decodeOrNull(blob);
    }

    private static String text(JsonNode o, String field) {
        JsonNode v = o.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static Instant instant(JsonNode o, String field) {
        JsonNode v = o.get(field);
        return v == null || v.isNull() ? null : Instant.ofEpochMilli(v.asLong());
    }

    static Long millis(Instant i) {
        return i == null ? null : i.toEpochMilli();
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : Instant.ofEpochMilli(v);
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
