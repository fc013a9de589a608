package dev.litemem.client.wire;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/** The request bodies of the memory, state and journal routes (docs/SERVER.md, openapi.json). */
public final class MemoryBodies {
    private MemoryBodies() {
    }

    /** {@code POST .../memories}: remember {@code text} in the scope (user, agent, session; at least one). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Remember(String user, String agent, String session, String text, String kind, Double importance,
                           Map<String, Object> metadata, Long ttlSeconds, String expiresAt) {
    }

    /** {@code POST .../memories/recall}: weights are relevance, recency, importance (default 1 each). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Recall(String user, String agent, String session, String query, Integer k, List<Double> weights,
                         List<String> kinds, JsonNode where, String asOf, Boolean markAccessed) {
    }

    /** {@code POST .../memories/{id}/supersede}: the new text; the other fields as for remember (the scope is the old one's). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Supersede(String text, String kind, Double importance, Map<String, Object> metadata, Long ttlSeconds,
                            String expiresAt) {
    }

    /** {@code POST .../memories/undo}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Undo(String user, String agent, String session, Integer n) {
    }

    /** {@code PUT .../state/{key}}: the value (JSON); {@code expectedVersion} makes it a compare-and-set (0: absent). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record State(JsonNode value, Long expectedVersion, Long ttlSeconds) {
    }

    /** {@code POST .../journal/{run}}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record JournalAppend(String type, JsonNode payload) {
    }
}
