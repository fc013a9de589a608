package dev.litemem.internal.filter;

import com.fasterxml.jackson.databind.JsonNode;
import dev.litemem.Filter;
import dev.litemem.InvalidInputException;
import dev.litemem.internal.store.Json;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** Reads the JSON filter language of {@link Filter#parse(String)}. */
public final class FilterParser {
    static final int MAX_DEPTH = 32;
    static final int MAX_NODES = 1_000;
    private int nodes;

    private FilterParser() {
    }

    public static Filter parse(String json) {
        JsonNode root = Json.readStrict(json, "where", "{\"user\": \"alice\"}");
        if (root == null) {
            throw new InvalidInputException("where", "the filter is empty: write it as a JSON object such as {\"user\": \"alice\"}");
        }
        return new FilterParser().filter(root, "where", 0);
    }

    private Filter filter(JsonNode node, String path, int depth) {
        if (++nodes > MAX_NODES || depth > MAX_DEPTH) {
            throw new InvalidInputException(path, "the filter is too large: at most " + MAX_NODES + " conditions nested "
                    + MAX_DEPTH + " deep");
        }
        if (!node.isObject()) {
            throw new InvalidInputException(path, path + " must be a JSON object of conditions, such as {\"user\": \"alice\"}");
        }
        List<Filter> all = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = e.getKey();
            String at = path + "." + key;
            switch (key) {
                case "$and", "$or" -> {
                    if (!e.getValue().isArray() || e.getValue().isEmpty()) {
                        throw new InvalidInputException(at, at + " must be a non-empty array of filters");
                    }
                    List<Filter> parts = new ArrayList<>();
                    for (int i = 0; i < e.getValue().size(); i++) {
                        parts.add(filter(e.getValue().get(i), at + "[" + i + "]", depth + 1));
                    }
                    all.add(key.equals("$and") ? new Filter.And(parts) : new Filter.Or(parts));
                }
                case "$not" -> all.add(new Filter.Not(filter(e.getValue(), at, depth + 1)));
                default -> {
                    if (key.startsWith("$")) {
                        throw new InvalidInputException(at, "unknown operator '" + key + "' at " + path
                                + ": use $and, $or or $not here, or a field name");
                    }
                    FilterSql.checkField(key, at);
                    all.add(condition(key, e.getValue(), at));
                }
            }
        }
        if (all.isEmpty()) {
            throw new InvalidInputException(path, path + " is an empty object: give at least one condition");
        }
        return all.size() == 1 ? all.get(0) : new Filter.And(all);
    }

    private Filter condition(String field, JsonNode value, String path) {
        if (!value.isObject()) {
            return new Filter.Compare(field, Filter.Op.EQ, scalar(value, path));
        }
        List<Filter> all = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String at = path + "." + e.getKey();
            nodes++;
            switch (e.getKey()) {
                case "$eq" -> all.add(new Filter.Compare(field, Filter.Op.EQ, scalar(e.getValue(), at)));
                case "$ne" -> all.add(new Filter.Compare(field, Filter.Op.NE, scalar(e.getValue(), at)));
                case "$gt" -> all.add(new Filter.Compare(field, Filter.Op.GT, ordered(e.getValue(), at)));
                case "$gte" -> all.add(new Filter.Compare(field, Filter.Op.GTE, ordered(e.getValue(), at)));
                case "$lt" -> all.add(new Filter.Compare(field, Filter.Op.LT, ordered(e.getValue(), at)));
                case "$lte" -> all.add(new Filter.Compare(field, Filter.Op.LTE, ordered(e.getValue(), at)));
                case "$in", "$nin" -> {
                    if (!e.getValue().isArray() || e.getValue().isEmpty() || e.getValue().size() > MAX_NODES) {
                        throw new InvalidInputException(at, at + " must be a non-empty array of at most " + MAX_NODES + " values");
                    }
                    List<Object> values = new ArrayList<>();
                    for (int i = 0; i < e.getValue().size(); i++) {
                        values.add(scalar(e.getValue().get(i), at + "[" + i + "]"));
                    }
                    all.add(new Filter.In(field, values, e.getKey().equals("$nin")));
                }
                case "$exists" -> {
                    if (!e.getValue().isBoolean()) {
                        throw new InvalidInputException(at, at + " must be true or false");
                    }
                    all.add(new Filter.Exists(field, e.getValue().booleanValue()));
                }
                default -> throw new InvalidInputException(at, "unknown operator '" + e.getKey() + "' at " + path
                        + ": use $eq, $ne, $gt, $gte, $lt, $lte, $in, $nin or $exists");
            }
        }
        if (all.isEmpty()) {
            throw new InvalidInputException(path, path + " is an empty object: give an operator such as {\"$gte\": 3}");
        }
        return all.size() == 1 ? all.get(0) : new Filter.And(all);
    }

    private static Object scalar(JsonNode value, String path) {
        if (value.isTextual()) {
            return value.textValue();
        }
        if (value.isBoolean()) {
            return value.booleanValue();
        }
        if (value.isNull()) {
            return null;
        }
        if (value.isIntegralNumber() && value.canConvertToLong()) {
            return value.longValue();
        }
        if (value.isNumber()) {
            return value.doubleValue();
        }
        throw new InvalidInputException(path, path + " must be a string, number, boolean or null");
    }

    private static Object ordered(JsonNode value, String path) {
        if (value.isNumber() || value.isTextual()) {
            return scalar(value, path);
        }
        throw new InvalidInputException(path, path + " must be a number or a string (an ISO-8601 date compares as a date)");
    }
}
