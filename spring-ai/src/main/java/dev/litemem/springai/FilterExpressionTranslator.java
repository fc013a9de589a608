package dev.litemem.springai;

import dev.litemem.Filter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.springframework.ai.vectorstore.filter.Filter.Expression;
import org.springframework.ai.vectorstore.filter.Filter.Group;
import org.springframework.ai.vectorstore.filter.Filter.Key;
import org.springframework.ai.vectorstore.filter.Filter.Operand;
import org.springframework.ai.vectorstore.filter.Filter.Value;

/**
 * Maps Spring AI's portable {@link Expression} (as its own text parser or {@code FilterExpressionBuilder} makes it)
 * to LiteMem's filter, which compiles to SQL. A key with dots addresses a nested object, as in Spring AI's JSON-path
 * stores. {@code ISNULL} matches a missing key or a JSON null.
 */
final class FilterExpressionTranslator {
    private FilterExpressionTranslator() {
    }

    static Filter translate(Operand operand) {
        if (operand instanceof Group group) {
            return translate(group.content());
        }
        if (!(operand instanceof Expression e)) {
            throw new IllegalArgumentException("a filter expression was expected, not " + describe(operand));
        }
        return switch (e.type()) {
            case AND -> Filter.and(translate(e.left()), translate(e.right()));
            case OR -> Filter.or(translate(e.left()), translate(e.right()));
            case NOT -> Filter.not(translate(e.left()));
            case EQ -> Filter.eq(key(e), value(e));
            case NE -> Filter.ne(key(e), value(e));
            case GT -> Filter.gt(key(e), value(e));
            case GTE -> Filter.gte(key(e), value(e));
            case LT -> Filter.lt(key(e), value(e));
            case LTE -> Filter.lte(key(e), value(e));
            case IN -> Filter.in(key(e), values(e));
            case NIN -> Filter.notIn(key(e), values(e));
            case ISNULL -> Filter.or(Filter.not(Filter.exists(key(e))), Filter.eq(key(e), null));
            case ISNOTNULL -> Filter.and(Filter.exists(key(e)), Filter.ne(key(e), null));
        };
    }

    private static String key(Expression e) {
        if (!(e.left() instanceof Key key)) {
            throw new IllegalArgumentException(e.type() + " needs a metadata key on its left, not " + describe(e.left()));
        }
        String k = key.key().trim();
        if (k.length() >= 2 && (k.startsWith("\"") && k.endsWith("\"") || k.startsWith("'") && k.endsWith("'"))) {
            k = k.substring(1, k.length() - 1);
        }
        return k;
    }

    private static Object value(Expression e) {
        if (!(e.right() instanceof Value value)) {
            throw new IllegalArgumentException(e.type() + " needs a value on its right, not " + describe(e.right()));
        }
        return scalar(value.value());
    }

    private static List<Object> values(Expression e) {
        if (!(e.right() instanceof Value value)) {
            throw new IllegalArgumentException(e.type() + " needs a list of values on its right, not " + describe(e.right()));
        }
        List<Object> out = new ArrayList<>();
        if (value.value() instanceof List<?> list) {
            list.forEach(v -> out.add(scalar(v)));
        } else {
            out.add(scalar(value.value()));
        }
        return out;
    }

    /** Dates compare as ISO-8601 text, which LiteMem orders as instants. */
    private static Object scalar(Object value) {
        if (value instanceof Date date) {
            return date.toInstant().toString();
        }
        if (value instanceof Instant instant) {
            return instant.toString();
        }
        return value;
    }

    private static String describe(Operand operand) {
        return operand == null ? "nothing" : operand.getClass().getSimpleName();
    }
}
