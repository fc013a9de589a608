package dev.litemem.internal.filter;

import dev.litemem.Filter;
import dev.litemem.InvalidInputException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Compiles a {@link Filter} to a SQL condition over the records table (alias {@code r}) with bound parameters. Values
 * never enter the SQL text; metadata keys enter only as bound JSON paths.
 */
public final class FilterSql {
    /** A condition and the parameters it binds, in order. */
    public record Fragment(String sql, List<Object> params) {
    }

    private static final Pattern ISO_DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}([T ].*)?");
    private final List<Object> params = new ArrayList<>();

    private FilterSql() {
    }

    public static Fragment compile(Filter filter) {
        FilterSql compiler = new FilterSql();
        String sql = compiler.sql(filter);
        return new Fragment(sql, List.copyOf(compiler.params));
    }

    static void checkField(String field, String path) {
        if (field.isEmpty() || field.length() > 256) {
            throw new InvalidInputException(path, "a field name must be 1 to 256 characters");
        }
        if (field.startsWith("@")) {
            switch (field) {
                case Filter.ID, Filter.SOURCE, Filter.CHUNK, Filter.CREATED, Filter.UPDATED -> {
                    return;
                }
                default -> throw new InvalidInputException(path, "unknown record field '" + field
                        + "': use @id, @source, @chunk, @created or @updated, or a metadata key without '@'");
            }
        }
        for (String part : field.split("\\.", -1)) {
            if (part.isEmpty()) {
                throw new InvalidInputException(path, "the field name '" + field + "' has an empty part between dots");
            }
        }
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '"' || c == '\\' || Character.isISOControl(c)) {
                throw new InvalidInputException(path, "a field name may not contain quotes, backslashes or control characters");
            }
        }
    }

    private String sql(Filter filter) {
        if (filter instanceof Filter.And and) {
            return join(and.filters(), " AND ");
        }
        if (filter instanceof Filter.Or or) {
            return join(or.filters(), " OR ");
        }
        if (filter instanceof Filter.Not not) {
            // A missing field makes a condition NULL; NOT must then match, as it does in document stores.
            return "NOT coalesce((" + sql(not.filter()) + "), 0)";
        }
        if (filter instanceof Filter.Exists exists) {
            checkField(exists.field(), "where." + exists.field());
            if (exists.field().startsWith("@")) {
                return column(exists.field()) + (exists.exists() ? " IS NOT NULL" : " IS NULL");
            }
            params.add(jsonPath(exists.field()));
            return "json_type(r.metadata, ?)" + (exists.exists() ? " IS NOT NULL" : " IS NULL");
        }
        if (filter instanceof Filter.In in) {
            return in(in);
        }
        return compare((Filter.Compare) filter);
    }

    private String join(List<Filter> filters, String separator) {
        if (filters.isEmpty()) {
            throw new InvalidInputException("where", "$and and $or need at least one filter");
        }
        List<String> parts = new ArrayList<>();
        for (Filter f : filters) {
            parts.add("(" + sql(f) + ")");
        }
        return String.join(separator, parts);
    }

    private String in(Filter.In in) {
        checkField(in.field(), "where." + in.field());
        if (in.values().isEmpty()) {
            throw new InvalidInputException("where." + in.field(), "$in and $nin need at least one value");
        }
        String target = target(in.field());
        StringBuilder list = new StringBuilder();
        for (Object v : in.values()) {
            list.append(list.length() == 0 ? "?" : ", ?");
            params.add(bindable(in.field(), v));
        }
        return in.negated() ? "coalesce(" + target + " NOT IN (" + list + "), 1)" : target + " IN (" + list + ")";
    }

    private String compare(Filter.Compare c) {
        checkField(c.field(), "where." + c.field());
        Object value = c.value();
        if (c.field().startsWith("@")) {
            String column = column(c.field());
            if (value == null) {
                return switch (c.op()) {
                    case EQ -> column + " IS NULL";
                    case NE -> column + " IS NOT NULL";
                    default -> throw new InvalidInputException("where." + c.field(), "null can only be compared with $eq or $ne");
                };
            }
            params.add(bindable(c.field(), value));
            return column + " " + sqlOp(c.op()) + " ?";
        }
        String path = jsonPath(c.field());
        if (value == null || value instanceof Boolean) {
            String type = value == null ? "null" : value.toString();
            params.add(path);
            return switch (c.op()) {
                case EQ -> "json_type(r.metadata, ?) = '" + type + "'";
                case NE -> "json_type(r.metadata, ?) IS NOT '" + type + "'";
                default -> throw new InvalidInputException("where." + c.field(), "null and booleans can only be compared with $eq or $ne");
            };
        }
        if (c.op() == Filter.Op.EQ || c.op() == Filter.Op.NE) {
            params.add(path);
            params.add(value);
            return "json_extract(r.metadata, ?) " + sqlOp(c.op()) + " ?";
        }
        // Ordering comparisons only between values of the same kind: SQLite orders every number before every text.
        if (value instanceof Number) {
            params.add(path);
            params.add(path);
            params.add(value);
            return "(json_type(r.metadata, ?) IN ('integer', 'real') AND json_extract(r.metadata, ?) " + sqlOp(c.op()) + " ?)";
        }
        String text = (String) value;
        params.add(path);
        params.add(path);
        if (ISO_DATE.matcher(text).matches()) {
            params.add(toEpochMillis(text, "where." + c.field()) / 86_400_000.0 + 2440587.5);
            return "(json_type(r.metadata, ?) = 'text' AND julianday(json_extract(r.metadata, ?)) " + sqlOp(c.op()) + " ?)";
        }
        params.add(text);
        return "(json_type(r.metadata, ?) = 'text' AND json_extract(r.metadata, ?) " + sqlOp(c.op()) + " ?)";
    }

    private static String sqlOp(Filter.Op op) {
        return switch (op) {
            case EQ -> "=";
            case NE -> "IS NOT";
            case GT -> ">";
            case GTE -> ">=";
            case LT -> "<";
            case LTE -> "<=";
        };
    }

    private String target(String field) {
        if (field.startsWith("@")) {
            return column(field);
        }
        params.add(jsonPath(field));
        return "json_extract(r.metadata, ?)";
    }

    private static String column(String field) {
        return switch (field) {
            case Filter.ID -> "r.id";
            case Filter.SOURCE -> "r.source";
            case Filter.CHUNK -> "r.chunk";
            case Filter.CREATED -> "r.created_at";
            case Filter.UPDATED -> "r.updated_at";
            default -> throw new IllegalStateException(field);
        };
    }

    /** Binds record-field values in the column's own type: times as epoch milliseconds. */
    private static Object bindable(String field, Object value) {
        if (value instanceof Boolean b && !field.startsWith("@")) {
            return b ? 1 : 0;
        }
        if (field.equals(Filter.CREATED) || field.equals(Filter.UPDATED)) {
            if (value instanceof Number n) {
                return n.longValue();
            }
            if (value instanceof Instant i) {
                return i.toEpochMilli();
            }
            return toEpochMillis(String.valueOf(value), "where." + field);
        }
        if (value instanceof Instant i) {
            return i.toString();
        }
        return value;
    }

    private static long toEpochMillis(String text, String path) {
        try {
            if (text.length() == 10) {
                return LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
            }
            try {
                return OffsetDateTime.parse(text.replace(' ', 'T')).toInstant().toEpochMilli();
            } catch (DateTimeParseException e) {
                return java.time.LocalDateTime.parse(text.replace(' ', 'T')).toInstant(ZoneOffset.UTC).toEpochMilli();
            }
        } catch (DateTimeParseException e) {
            throw new InvalidInputException(path, path + " is not an ISO-8601 date or time (write 2024-05-01 or 2024-05-01T12:00:00Z)");
        }
    }

    /** A SQLite JSON path with every key quoted, so dots inside quotes and odd characters stay keys. */
    private static String jsonPath(String field) {
        StringBuilder path = new StringBuilder("$");
        for (String part : field.split("\\.")) {
            path.append(".\"").append(part).append('"');
        }
        return path.toString();
    }
}
