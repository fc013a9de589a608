package dev.litemem.client.wire;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.litemem.changes.ChangeBatch;
import java.util.Base64;
import java.util.List;

/**
 * The answer of {@code GET /v1/tenants/{t}/changes?after=SEQ}: the tenant's changes after SEQ as the states of the rows
 * they changed (docs/REPLICAS.md). After applying every change, a replica is at {@code position}; {@code latest} is
 * the tenant's newest sequence number when it was read. Metadata travels as the JSON text stored (so a replica stores
 * it byte for byte), vectors as base64 of little-endian float32, times as epoch milliseconds.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonPropertyOrder({"incarnation", "after", "position", "latest", "collections", "changes", "entities"})
public record ChangesJson(String incarnation, long after, long position, long latest, List<Collection> collections,
                          List<Change> changes, List<Entity> entities) {

    /** An answer of records only. */
    public ChangesJson(String incarnation, long after, long position, long latest, List<Collection> collections,
                       List<Change> changes) {
        this(incarnation, after, position, latest, collections, changes, null);
    }

    /**
     * One agent-memory or work-state entity's rows after its last change (docs/REPLICAS.md): {@code entity} is
     * {@code memory}, {@code state}, {@code journal} or {@code idempotency}; {@code op} is {@code upsert} (with
     * {@code rows}: the rows' columns as stored, a JSON object as text) or {@code delete}; {@code vector} a memory's
     * vector as base64 of little-endian float32.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonPropertyOrder({"seq", "entity", "key", "op", "rowId", "rows", "vector"})
    public record Entity(long seq, String entity, String key, String op, Long rowId, String rows, String vector) {
    }

    /** A collection the changes belong to, as a replica creates it. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Collection(String name, String model, int dimension, String metric, int hnswM, int hnswEfConstruction,
                             int hnswEfSearch) {
    }

    /** One row's state after its last change: {@code op} is {@code upsert} (with the row) or {@code delete}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonPropertyOrder({"seq", "collection", "id", "op", "rowId", "text", "metadata", "source", "chunk", "createdAt",
            "updatedAt", "vector"})
    public record Change(long seq, String collection, String id, String op, Long rowId, String text, String metadata,
                         String source, Integer chunk, Long createdAt, Long updatedAt, String vector) {
    }

    public static ChangesJson of(ChangeBatch b) {
        return new ChangesJson(b.incarnation(), b.after(), b.position(), b.latest(),
                b.collections().stream().map(c -> new Collection(c.name(), c.model(), c.dimension(), c.metric(),
                        c.hnswM(), c.hnswEfConstruction(), c.hnswEfSearch())).toList(),
                b.rows().stream().map(r -> r.deleted()
                        ? new Change(r.seq(), r.collection(), r.id(), "delete", null, null, null, null, null, null, null,
                                null)
                        : new Change(r.seq(), r.collection(), r.id(), "upsert", r.rowId(), r.text(), r.metadataJson(),
                                r.source(),
                                r.chunk(), r.createdAt(), r.updatedAt(),
                                r.vector() == null ? null : Base64.getEncoder().encodeToString(r.vector()))).toList(),
                b.entities().isEmpty() ? null : b.entities().stream().map(e -> new Entity(e.seq(), e.entity(), e.key(),
                        e.deleted() ? "delete" : "upsert", e.rowId(), e.rowsJson(),
                        e.vector() == null ? null : Base64.getEncoder().encodeToString(e.vector()))).toList());
    }

    public ChangeBatch toBatch() {
        return new ChangeBatch(incarnation, after, position, latest,
                collections == null ? List.of() : collections.stream().map(c -> new ChangeBatch.CollectionDef(c.name(),
                        c.model(), c.dimension(), c.metric(), c.hnswM(), c.hnswEfConstruction(), c.hnswEfSearch())).toList(),
                changes == null ? List.of() : changes.stream().map(c -> "delete".equals(c.op())
                        ? ChangeBatch.RowChange.tombstone(c.seq(), c.collection(), c.id())
                        : new ChangeBatch.RowChange(c.seq(), c.collection(), c.id(), false, c.text(),
                                c.metadata() == null ? "{}" : c.metadata(), c.source(), c.chunk(),
                                c.createdAt() == null ? 0 : c.createdAt(), c.updatedAt() == null ? 0 : c.updatedAt(),
                                c.vector() == null ? null : Base64.getDecoder().decode(c.vector()), c.rowId())).toList(),
                entities == null ? List.of() : entities.stream().map(e -> new ChangeBatch.EntityChange(e.seq(),
                        e.entity(), e.key(), e.rowId(), "delete".equals(e.op()) ? null : e.rows(),
                        e.vector() == null ? null : Base64.getDecoder().decode(e.vector()))).toList());
    }
}
