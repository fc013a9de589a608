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
    private final String join;
    private final OwnRows own;

    /**
     * A capability's own table whose every row is a record of this collection, and the clause over it alone: enough
     * for a query that needs nothing of the records' own columns.
     *
     * @param table  the table and its alias, for example {@code memories m}
     * @param alias  the alias; {@code alias.row_id} is the record's row id
     */
    public record OwnRows(String table, String alias, String clause, List<Object> params) {
    }

    private SqlWhere(String sql, List<Object> params, boolean filtered, String join, OwnRows own) {
        this.sql = sql;
        this.params = params;
        this.filtered = filtered;
        this.join = join;
        this.own = own;
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
        return new SqlWhere(sql, params, filter != null, "", null);
    }

    /** Whether a filter restricts the rows (beyond the collection). */
    public boolean filtered() {
        return filtered;
    }

    /**
     * This clause and {@code clause} over a capability's own table ({@code table alias}, joined to the records by
     * {@code alias.row_id = r.row_id}; every row of it must be a record of this collection, as {@code memories} rows
     * are of {@code _memories}). Searches check such a clause on their candidates (one statement over a few row ids)
     * and join the table into the keyword query, instead of first reading every row it keeps: a memory scope usually
     * keeps most of its collection, and reading 100,000 row ids per search cost more than the search (issue 12).
     */
    public SqlWhere joined(String table, String alias, String clause, List<Object> more) {
        List<Object> all = new ArrayList<>(params);
        all.addAll(more);
        String on = " JOIN " + table + " " + alias + " ON " + alias + ".row_id = r.row_id";
        // Without a filter on the records' own columns, the table alone says which rows qualify.
        OwnRows rows = filtered || !join.isEmpty() ? null : new OwnRows(table + " " + alias, alias, clause, List.copyOf(more));
        return new SqlWhere(sql + " AND (" + clause + ")", all, true, join + on, rows);
    }

    /** The joined table alone, when it says all this clause says (no filter on the records' columns), else null. */
    public OwnRows ownRows() {
        return own;
    }

    /** Whether searches check this clause on their candidates rather than reading every row it keeps first. */
    public boolean checksCandidates() {
        return !join.isEmpty();
    }

    /** The FROM of a query over this clause: the records (alias {@code r}) and any joined table. */
    public String from() {
        return "records r" + join;
    }

    /** The joins after the records (empty, or starting with a space), for queries that start from another table. */
    public String joins() {
        return join;
    }

    public SqlWhere after(String cursor) {
        if (cursor == null) {
            return this;
        }
        List<Object> more = new ArrayList<>(params);
        more.add(cursor);
        return new SqlWhere(sql + " AND r.id > ?", more, filtered, join, null);
    }

    public String sql() {
        return sql;
    }

    public <S extends SqlStatement<S>> S bind(S statement) {
        return bind(statement, 0);
    }

    /** Binds this clause's parameters to a plain JDBC statement from (1-based) position {@code first} on. */
    public void bind(java.sql.PreparedStatement statement, int first) throws java.sql.SQLException {
        for (int i = 0; i < params.size(); i++) {
            statement.setObject(first + i, params.get(i));
        }
    }

    /** Binds this clause's parameters from position {@code first} on. */
    public <S extends SqlStatement<S>> S bind(S statement, int first) {
        for (int i = 0; i < params.size(); i++) {
            statement.bind(first + i, params.get(i));
        }
        return statement;
    }
}
