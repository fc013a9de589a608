package dev.litemem.internal.filter;

import dev.litemem.Filter;
import java.util.ArrayList;
import java.util.List;
import org.jdbi.v3.core.statement.SqlStatement;

/**
 * The WHERE clause of a query over one collection's records (alias {@code r}), with an optional filter and cursor.
 * A filter is compiled once, here; every query of one request (count, row ids, keyword search) reuses the clause.
 */
public final class SqlWhere {
    private final String sql;
    private final List<Object> params;
    private final boolean filtered;

    private SqlWhere(String sql, List<Object> params, boolean filtered) {
        this.sql = sql;
        this.params = params;
        this.filtered = filtered;
    }

    /**
     * @param filter null for every record of the collection
     * @throws dev.litemem.InvalidInputException when the filter is malformed
     */
    public static SqlWhere of(long collectionId, Filter filter) {
        List<Object> params = new ArrayList<>(List.of(collectionId));
        String sql = "r.collection_id = ?";
        if (filter != null) {
            FilterSql.Fragment f = FilterSql.compile(filter);
            sql += " AND (" + f.sql() + ")";
            params.addAll(f.params());
        }
        return new SqlWhere(sql, params, filter != null);
    }

    /** Whether a filter restricts the rows (beyond the collection). */
    public boolean filtered() {
        return filtered;
    }

    /**
     * This clause and {@code clause} (SQL over the records' alias {@code r}, with {@code ?} for each of {@code more}),
     * as a filter: for capabilities that keep columns of their own beside the records (memory's scopes).
     */
    public SqlWhere and(String clause, List<Object> more) {
        List<Object> all = new ArrayList<>(params);
        all.addAll(more);
        return new SqlWhere(sql + " AND (" + clause + ")", all, true);
    }

    public SqlWhere after(String cursor) {
        if (cursor == null) {
            return this;
        }
        List<Object> more = new ArrayList<>(params);
        more.add(cursor);
        return new SqlWhere(sql + " AND r.id > ?", more, filtered);
    }

    public String sql() {
        return sql;
    }

    public <S extends SqlStatement<S>> S bind(S statement) {
        return bind(statement, 0);
    }

    /** Binds this clause's parameters from position {@code first} on. */
    public <S extends SqlStatement<S>> S bind(S statement, int first) {
        for (int i = 0; i < params.size(); i++) {
            statement.bind(first + i, params.get(i));
        }
        return statement;
    }
}
