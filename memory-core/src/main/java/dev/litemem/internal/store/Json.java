package dev.litemem.internal.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.litemem.InvalidInputException;
import java.util.Map;

/** The one JSON mapper of the core, for metadata objects. */
public final class Json {
    public static final ObjectMapper MAPPER = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    private Json() {
    }

    public static Map<String, Object> parseObject(String json, String field) {
        if (json == null || json.isBlank()) {
            return Map.of();
        }
        JsonNode node;
        try {
            node = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new InvalidInputException(field, field + " is not valid JSON (line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr() + "): pass a JSON object such as {\"user\": \"alice\"}");
        }
        if (node == null || !node.isObject()) {
            throw new InvalidInputException(field, field + " must be a JSON object such as {\"user\": \"alice\"}, but was a JSON "
                    + (node == null ? "nothing" : node.getNodeType().name().toLowerCase()));
        }
        return MAPPER.convertValue(node, MAP);
    }

    public static String write(Map<String, Object> object, String field) {
        try {
            return MAPPER.writeValueAsString(object);
        } catch (JsonProcessingException e) {
            throw new InvalidInputException(field, field + " cannot be written as JSON (" + e.getOriginalMessage()
                    + "): use strings, numbers, booleans, nulls, lists and maps only");
        }
    }
}
