package dev.litemem.internal.store;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.litemem.InvalidInputException;
import dev.litemem.LiteMemException;
import java.util.Map;

/**
 * The JSON of the core: {@link #MAPPER} writes metadata and reads back what LiteMem itself stored; {@link #readStrict}
 * reads what a caller typed (filters, metadata on the command line) as strictly as the server reads request bodies: no
 * duplicate keys, nothing after the value, nesting at most {@value #MAX_NESTING} levels, NaN and Infinity refused.
 */
public final class Json {
    public static final int MAX_NESTING = 64;
    public static final ObjectMapper MAPPER = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
    private static final ObjectMapper STRICT = JsonMapper.builder(JsonFactory.builder()
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING).build())
                    .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    private Json() {
    }

    /**
     * A caller's JSON text, strictly; the error names {@code field}, says where (when the parser knows) and never
     * quotes the input.
     *
     * @param example shown in the message, such as {@code {"user": "alice"}}
     */
    public static JsonNode readStrict(String json, String field, String example) {
        try {
            JsonNode node = STRICT.readTree(json == null ? "" : json);
            return node == null || node.isMissingNode() ? null : node;
        } catch (StreamConstraintsException e) {
            throw new InvalidInputException(field, field + " is nested more than " + MAX_NESTING + " levels deep (or"
                    + " too long): write it as a flatter JSON object such as " + example);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null || at.getLineNr() < 1 ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
            throw new InvalidInputException(field, field + " is not valid JSON" + where + ": check quoting, commas,"
                    + " duplicate keys and anything after the closing brace; write it as a JSON object such as " + example);
        }
    }

    /** A metadata object the caller typed (for example {@code --meta}); blank means none. */
    public static Map<String, Object> parseObject(String json, String field) {
        if (json == null || json.isBlank()) {
            return Map.of();
        }
        JsonNode node = readStrict(json, field, "{\"user\": \"alice\"}");
        if (node == null || !node.isObject()) {
            throw new InvalidInputException(field, field + " must be a JSON object such as {\"user\": \"alice\"}, but was a JSON "
                    + (node == null ? "nothing" : node.getNodeType().name().toLowerCase()));
        }
        return MAPPER.convertValue(node, MAP);
    }

    /** Metadata as LiteMem stored it (valid by the table's CHECK); read without the limits meant for typed input. */
    public static Map<String, Object> readStored(String json) {
        if (json == null || json.isBlank()) {
            return Map.of();
        }
        try {
            return MAPPER.readValue(json, MAP);
        } catch (JsonProcessingException e) {
            throw new LiteMemException("a stored metadata object is not valid JSON: the file was changed outside LiteMem;"
                    + " rewrite or delete that record", e);
        }
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
