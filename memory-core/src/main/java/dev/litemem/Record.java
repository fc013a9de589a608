package dev.litemem;

import dev.litemem.internal.store.Ids;
import dev.litemem.internal.store.Json;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One memory: an id, its text, a metadata JSON object, an optional embedding, and optionally the source document and
 * chunk position it came from. Immutable; {@link #createdAt()} and {@link #updatedAt()} are set by the store.
 */
public final class Record {
    private final String id;
    private final String text;
    private final Map<String, Object> metadata;
    private final float[] vector;
    private final String source;
    private final Integer chunk;
    private final Instant createdAt;
    private final Instant updatedAt;

    private Record(Builder b) {
        this.id = b.id == null ? Ids.newId() : b.id;
        this.text = b.text;
        this.metadata = b.metadata == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(b.metadata));
        this.vector = b.vector == null ? null : b.vector.clone();
        this.source = b.source;
        this.chunk = b.chunk;
        this.createdAt = b.createdAt;
        this.updatedAt = b.updatedAt;
    }

    /** A record with the given id, text and metadata; embedded by the store's embedder when written. */
    public static Record of(String id, String text, Map<String, ?> metadata) {
        return builder().id(id).text(text).metadata(metadata).build();
    }

    /** A record with a generated id (time-ordered, see {@link #id()}). */
    public static Record of(String text) {
        return builder().text(text).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder that starts from this record, for changing some of its fields. */
    public Builder toBuilder() {
        Builder b = new Builder().id(id).text(text).metadata(metadata).source(source, chunk);
        b.vector = vector;
        b.createdAt = createdAt;
        b.updatedAt = updatedAt;
        return b;
    }

    /** The id: given by the caller, or generated (a 26-character time-ordered id) when none was given. */
    public String id() {
        return id;
    }

    public String text() {
        return text;
    }

    /** The metadata object: values are strings, numbers, booleans, nulls, lists and maps. */
    public Map<String, Object> metadata() {
        return metadata;
    }

    /** A copy of the embedding, or null when the record has none yet. */
    public float[] vector() {
        return vector == null ? null : vector.clone();
    }

    public boolean hasVector() {
        return vector != null;
    }

    /** The source document (a path or URL), or null. */
    public String source() {
        return source;
    }

    /** The chunk's position in its source document, or null. */
    public Integer chunk() {
        return chunk;
    }

    /** When the record was first written; null on a record that was not read from a store. */
    public Instant createdAt() {
        return createdAt;
    }

    /** When the record was last written; null on a record that was not read from a store. */
    public Instant updatedAt() {
        return updatedAt;
    }

    float[] vectorNoCopy() {
        return vector;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Record r && id.equals(r.id) && Objects.equals(text, r.text) && metadata.equals(r.metadata)
                && Arrays.equals(vector, r.vector) && Objects.equals(source, r.source) && Objects.equals(chunk, r.chunk);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, text, metadata, source, chunk) * 31 + Arrays.hashCode(vector);
    }

    /** Shows the id and shape only: record text and metadata never go into logs. */
    @Override
    public String toString() {
        return "Record[id=" + id + ", text=" + (text == null ? "null" : text.length() + " chars")
                + ", metadata=" + metadata.size() + " keys, vector=" + (vector == null ? "none" : vector.length + " dims")
                + (source == null ? "" : ", chunk=" + chunk) + "]";
    }

    public static final class Builder {
        private String id;
        private String text;
        private Map<String, ?> metadata;
        private float[] vector;
        private String source;
        private Integer chunk;
        private Instant createdAt;
        private Instant updatedAt;

        private Builder() {
        }

        public Builder id(String id) {
            this.id = id;
            return this;
        }

        public Builder text(String text) {
            this.text = text;
            return this;
        }

        public Builder metadata(Map<String, ?> metadata) {
            this.metadata = metadata;
            return this;
        }

        /** Sets the metadata from a JSON text, which must be a JSON object. */
        public Builder metadataJson(String json) {
            this.metadata = Json.parseObject(json, "metadata");
            return this;
        }

        public Builder vector(float[] vector) {
            this.vector = vector == null ? null : vector.clone();
            return this;
        }

        public Builder source(String source, Integer chunk) {
            this.source = source;
            this.chunk = chunk;
            return this;
        }

        public Builder timestamps(Instant createdAt, Instant updatedAt) {
            this.createdAt = createdAt;
            this.updatedAt = updatedAt;
            return this;
        }

        public Record build() {
            return new Record(this);
        }
    }
}
