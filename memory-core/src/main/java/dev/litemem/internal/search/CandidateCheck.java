package dev.litemem.internal.search;

import dev.litemem.LiteMemException;
import dev.litemem.internal.filter.SqlWhere;
import dev.litemem.internal.store.Database;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.Set;
import org.jdbi.v3.core.Handle;

/**
 * Which candidates of a search a filter keeps, for both sides (the semantic side's nearest rows, the keyword index's
 * best rows): one statement, the row ids bound as a JSON array, on a statement prepared once per connection (it is
 * hot: every filtered search and every memory recall runs it).
 */
final class CandidateCheck {
    private CandidateCheck() {
    }

    /** The rows among the first {@code count} of {@code ids} that {@code where} keeps. */
    static Set<Long> passing(Database db, Handle h, SqlWhere where, long[] ids, int count) {
        StringBuilder json = new StringBuilder(count * 7 + 2).append('[');
        for (int i = 0; i < count; i++) {
            json.append(i == 0 ? "" : ",").append(ids[i]);
        }
        // The candidates are the collection's rows: when the joined table says all the clause says, it alone is read
        // (no record rows, which hold the vectors and are many pages apart). CROSS JOIN keeps the candidates the outer
        // loop, each row found by its row id: with "row_id IN (json_each)" SQLite chose the clause's index (a memory
        // scope's) and read every row it keeps, 100,000 at issue 12's bar, per search.
        SqlWhere.OwnRows own = where.ownRows();
        String sql = own != null
                ? "SELECT " + own.alias() + ".row_id FROM json_each(?) AS candidate CROSS JOIN " + own.table() + " ON "
                        + own.alias() + ".row_id = candidate.value WHERE (" + own.clause() + ")"
                : "SELECT r.row_id FROM json_each(?) AS candidate CROSS JOIN " + where.from()
                        + " WHERE r.row_id = candidate.value AND " + where.sql();
        Set<Long> pass = new HashSet<>();
        try {
            PreparedStatement statement = db.prepared(h, sql);
            statement.setString(1, json.append(']').toString());
            if (own != null) {
                for (int i = 0; i < own.params().size(); i++) {
                    statement.setObject(2 + i, own.params().get(i));
                }
            } else {
                where.bind(statement, 2);
            }
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    pass.add(rs.getLong(1));
                }
            }
        } catch (SQLException e) {
            throw new LiteMemException("SQLite failed while checking search candidates: " + e.getMessage(), e);
        }
        return pass;
    }
}
