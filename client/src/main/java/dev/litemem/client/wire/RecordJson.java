package dev.litemem.client.wire;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.litemem.Record;
import java.time.Instant;
import java.util.Map;

/**
 * A record as JSON: an item of {@code PUT .../records} (id, text, metadata, vector, source, chunk; the times are the
 * server's and ignored there), and the answer of {@code GET .../records/{id}} and the items of a page. The vector is
 * present only when asked for ({@code ?vector=true}, {@code ?vectors=true}); times are ISO-8601 instants.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonPropertyOrder({"id", "text", "metadata", "source", "chunk", "createdAt", "updatedAt", "vector"})
public record RecordJson(String id, String text, Map<String, Object> metadata, String source, Integer chunk,
                         String createdAt, String updatedAt, float[] vector) {

    /** The record's fields; its vector only when {@code withVector}. */
    public static RecordJson of(Record r, boolean withVector) {
        return new RecordJson(r.id(), r.text(), r.metadata(), r.source(), r.source() == null ? null : r.chunk(),
                text(r.createdAt()), text(r.updatedAt()), withVector && r.hasVector() ? r.vector() : null);
    }

    public Record toRecord() {
        return Record.builder().id(id).text(text).metadata(metadata == null ? Map.of() : metadata).vector(vector)
                .source(source, chunk).timestamps(instant(createdAt), instant(updatedAt)).build();
    }

    static String text(Instant t) {
        return t == null ? null : t.toString();
    }

    static Instant instant(String t) {
        return t == null ? null : Instant.parse(t);
    }
}
