package dev.litemem.client.wire;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import dev.litemem.memory.MemoryHit;
import dev.litemem.memory.MemoryItem;
import dev.litemem.memory.MemoryVersion;
import dev.litemem.memory.RememberResult;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The answers of the memory, state and journal routes (docs/SERVER.md, openapi.json); times are ISO-8601 instants. */
public final class MemoryAnswers {
    private MemoryAnswers() {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Remembered(String id, String outcome, String text, String previousText, Double similarity) {
        public static Remembered of(RememberResult r) {
            return new Remembered(r.id(), r.outcome().name(), r.text(), r.previousText(), r.similarity());
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Memory(String id, String text, Map<String, Object> metadata, String user, String agent,
                         String session, String kind, double importance, String createdAt, String updatedAt,
                         String lastAccessedAt, String expiresAt, String validFrom, String validTo,
                         String supersededBy) {
        public static Memory of(MemoryItem m) {
            return m == null ? null : new Memory(m.id(), m.text(), m.metadata(), m.scope().user(), m.scope().agent(),
                    m.scope().session(), m.kind(), m.importance(), iso(m.createdAt()), iso(m.updatedAt()),
                    iso(m.lastAccessedAt()), iso(m.expiresAt()), iso(m.validFrom()), iso(m.validTo()),
                    m.supersededBy());
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Hit(Memory memory, double score, double relevance, double recency, double importance) {
        public static Hit of(MemoryHit h) {
            return new Hit(Memory.of(h.memory()), h.score(), h.relevance(), h.recency(), h.importance());
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Hits(List<Hit> hits) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Page(List<Memory> memories, String nextCursor) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Version(long version, String memoryId, String op, String at, String actor, Memory before,
                          Memory after, Long undoOf, Long undoneBy) {
        public static Version of(MemoryVersion v) {
            return new Version(v.version(), v.memoryId(), v.op(), iso(v.at()), v.actor(), Memory.of(v.before()),
                    Memory.of(v.after()), v.undoOf(), v.undoneBy());
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record History(List<Version> versions) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Count(Integer undone, Integer forgotten) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record State(String key, JsonNode value, long version, String updatedAt, String expiresAt) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Appended(long seq) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record JournalEntry(long seq, String run, String type, JsonNode payload, String at, String actor) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Journal(List<JournalEntry> entries) {
    }

    static String iso(Instant i) {
        return i == null ? null : i.toString();
    }
}
