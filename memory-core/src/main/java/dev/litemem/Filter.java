package dev.litemem;

import dev.litemem.internal.filter.FilterParser;
import java.util.List;
import java.util.Objects;

/**
 * A condition on records: on their metadata (by key; nested keys joined with dots, {@code "author.name"}) or on the
 * record fields {@value #ID}, {@value #SOURCE}, {@value #CHUNK}, {@value #CREATED} and {@value #UPDATED}. The same
 * language is written as JSON on the command line and over HTTP (see {@link #parse(String)}):
 *
 * <pre>{@code
 * {"user": "alice", "year": {"$gte": 2020}, "$or": [{"tag": {"$in": ["a", "b"]}}, {"pinned": true}]}
 * }</pre>
 *
 * Filters compile to parameterized SQL: values are always bound, never concatenated.
 */
public sealed interface Filter {
    String ID = "@id";
    String SOURCE = "@source";
    String CHUNK = "@chunk";
    String CREATED = "@created";
    String UPDATED = "@updated";

    /** Comparison operators; numbers compare as numbers, ISO-8601 dates and times as instants, strings as text. */
    enum Op { EQ, NE, GT, GTE, LT, LTE }

    record Compare(String field, Op op, Object value) implements Filter {
        public Compare {
            Objects.requireNonNull(field, "field");
            Objects.requireNonNull(op, "op");
        }
    }

    record In(String field, List<?> values, boolean negated) implements Filter {
        public In {
            Objects.requireNonNull(field, "field");
            values = List.copyOf(values);
        }
    }

    record Exists(String field, boolean exists) implements Filter {
        public Exists {
            Objects.requireNonNull(field, "field");
        }
    }

    record And(List<Filter> filters) implements Filter {
        public And {
            filters = List.copyOf(filters);
        }
    }

    record Or(List<Filter> filters) implements Filter {
        public Or {
            filters = List.copyOf(filters);
        }
    }

    record Not(Filter filter) implements Filter {
        public Not {
            Objects.requireNonNull(filter, "filter");
        }
    }

    static Filter eq(String field, Object value) {
        return new Compare(field, Op.EQ, value);
    }

    static Filter ne(String field, Object value) {
        return new Compare(field, Op.NE, value);
    }

    static Filter gt(String field, Object value) {
        return new Compare(field, Op.GT, value);
    }

    static Filter gte(String field, Object value) {
        return new Compare(field, Op.GTE, value);
    }

    static Filter lt(String field, Object value) {
        return new Compare(field, Op.LT, value);
    }

    static Filter lte(String field, Object value) {
        return new Compare(field, Op.LTE, value);
    }

    static Filter in(String field, List<?> values) {
        return new In(field, values, false);
    }

    static Filter notIn(String field, List<?> values) {
        return new In(field, values, true);
    }

    static Filter exists(String field) {
        return new Exists(field, true);
    }

    static Filter and(Filter... filters) {
        return new And(List.of(filters));
    }

    static Filter or(Filter... filters) {
        return new Or(List.of(filters));
    }

    static Filter not(Filter filter) {
        return new Not(filter);
    }

    /**
     * Parses the JSON filter language: an object whose keys are fields (conditions joined by AND) or the operators
     * {@code $and}, {@code $or} (arrays of filters) and {@code $not} (a filter); a field's value is either a plain
     * value (equality) or an object of {@code $eq $ne $gt $gte $lt $lte $in $nin $exists}.
     *
     * @throws InvalidInputException naming the offending part, for example {@code where.year.$gt}
     */
    static Filter parse(String json) {
        return FilterParser.parse(json);
    }
}
