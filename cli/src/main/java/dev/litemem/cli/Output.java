package dev.litemem.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.litemem.Hit;
import dev.litemem.Record;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;

/** JSON lines and readable text for records and hits. */
final class Output {
    static final ObjectMapper JSON = new ObjectMapper();

    private Output() {
    }

    static Map<String, Object> record(Record r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", r.id());
        m.put("text", r.text());
        m.put("metadata", r.metadata());
        m.put("source", r.source());
        m.put("chunk", r.chunk());
        m.put("created", r.createdAt() == null ? null : r.createdAt().toString());
        m.put("updated", r.updatedAt() == null ? null : r.updatedAt().toString());
        return m;
    }

    static Map<String, Object> hit(Hit h) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", h.record().id());
        m.put("score", h.score());
        m.putAll(record(h.record()));
        m.put("semantic_rank", h.semanticRank());
        m.put("semantic_score", h.semanticScore());
        m.put("keyword_rank", h.keywordRank());
        m.put("keyword_score", h.keywordScore());
        return m;
    }

    static void jsonLine(PrintWriter out, Object value) {
        try {
            out.println(JSON.writeValueAsString(value));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }

    static ObjectNode object() {
        return JSON.createObjectNode();
    }

    /** The text on one line, cut to {@code width} characters. */
    static String snippet(String text, int width) {
        if (text == null) {
            return "";
        }
        String flat = text.replaceAll("\\s+", " ").strip();
        return flat.length() <= width ? flat : flat.substring(0, width - 1) + "…";
    }
}
