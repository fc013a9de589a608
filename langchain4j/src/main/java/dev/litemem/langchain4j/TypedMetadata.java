package dev.litemem.langchain4j;

import dev.langchain4j.data.document.Metadata;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * LangChain4j metadata as a LiteMem metadata object, with its Java types kept. JSON tells strings, integers that fit
 * an int, and doubles apart by itself; a {@code UUID}, a {@code Long} and a {@code Float} are stored as a string or a
 * number (so filters compare them as such, numbers numerically) and named in a side object under the key
 * {@value #TYPES_KEY}: {@code {"@types": {"id": "uuid", "count": "long", "ratio": "float"}}}. LiteMem filters cannot
 * address a key that starts with {@code @}, so the side object never meets a user's filter.
 */
final class TypedMetadata {
    static final String TYPES_KEY = "@types";
    private static final String UUID_TYPE = "uuid";
    private static final String LONG_TYPE = "long";
    private static final String FLOAT_TYPE = "float";

    private TypedMetadata() {
    }

    static Map<String, Object> encode(Metadata metadata) {
        Map<String, Object> out = new LinkedHashMap<>();
        Map<String, String> types = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : metadata.toMap().entrySet()) {
            String key = e.getKey();
            if (key.startsWith("@")) {
                throw new IllegalArgumentException("metadata key '" + key + "' starts with '@', which LiteMem keeps for"
                        + " its own fields: rename the key");
            }
            Object value = e.getValue();
            if (value instanceof UUID uuid) {
                out.put(key, uuid.toString());
                types.put(key, UUID_TYPE);
            } else if (value instanceof Long) {
                out.put(key, value);
                types.put(key, LONG_TYPE);
            } else if (value instanceof Float) {
                out.put(key, value);
                types.put(key, FLOAT_TYPE);
            } else {
                out.put(key, value); // String, Integer, Double: JSON keeps their kind
            }
        }
        if (!types.isEmpty()) {
            out.put(TYPES_KEY, types);
        }
        return out;
    }

    /**
     * The metadata of a stored record. Records written by other LiteMem clients may hold values LangChain4j metadata
     * cannot (booleans, lists, objects, very large numbers): those are given as text; nulls are left out.
     */
    static Metadata decode(Map<String, Object> stored) {
        Map<String, String> types = types(stored.get(TYPES_KEY));
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : stored.entrySet()) {
            String key = e.getKey();
            Object value = e.getValue();
            if (key.equals(TYPES_KEY) || value == null) {
                continue;
            }
            String type = types.get(key);
            if (UUID_TYPE.equals(type) && value instanceof String s) {
                out.put(key, UUID.fromString(s));
            } else if (LONG_TYPE.equals(type) && value instanceof Number n) {
                out.put(key, n.longValue());
            } else if (FLOAT_TYPE.equals(type) && value instanceof Number n) {
                out.put(key, n.floatValue());
            } else {
                out.put(key, plain(value));
            }
        }
        return Metadata.from(out);
    }

    private static Object plain(Object value) {
        if (value instanceof String || value instanceof Integer || value instanceof Long || value instanceof Double) {
            return value;
        }
        if (value instanceof BigInteger || value instanceof BigDecimal) {
            return value.toString();
        }
        if (value instanceof Number n) {
            return n.doubleValue();
        }
        return String.valueOf(value);
    }

    private static Map<String, String> types(Object side) {
        Map<String, String> types = new LinkedHashMap<>();
        if (side instanceof Map<?, ?> map) {
            map.forEach((k, v) -> types.put(String.valueOf(k), String.valueOf(v)));
        }
        return types;
    }

    /** A filter value as LiteMem compares it: a UUID as its text, a float as the decimal it is written as. */
    static Object filterValue(Object value) {
        if (value instanceof UUID uuid) {
            return uuid.toString();
        }
        if (value instanceof Float f) {
            // Stored as Float.toString's shortest decimal; widening the float itself would give 1.2300000190734863.
            return Double.parseDouble(Float.toString(f));
        }
        return value;
    }
}
