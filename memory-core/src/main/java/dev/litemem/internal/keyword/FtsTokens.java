package dev.litemem.internal.keyword;

import dev.litemem.LiteMemException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * FTS5's own tokenizer and SQLite's own {@code ln()}, on one private in-memory SQLite connection of the process: the
 * in-memory keyword index never tokenizes or takes a logarithm in Java, so its tokens and its idf are the bits FTS5
 * computes (the same library, the same tokenizer code, the same libm {@code log()} that bm25() calls). A word's tokens
 * are read back through {@code fts5vocab} from a contentless FTS5 table with the records' tokenizer; they are cached
 * (query words repeat), so a search usually runs no SQL here. Thread-safe: one statement at a time.
 */
final class FtsTokens {
    /** The tokenizer of {@code records_fts} (Schema, version 4); an index is built only for a table that declares it. */
    static final String TOKENIZE = "porter unicode61 remove_diacritics 2";
    private static final int CACHE_MAX = 100_000;
    private static final FtsTokens INSTANCE = new FtsTokens();

    private final Map<String, List<String>> cache = new ConcurrentHashMap<>();
    private Connection connection;

    private FtsTokens() {
    }

    static FtsTokens get() {
        return INSTANCE;
    }

    /** The tokens FTS5 makes of {@code word} (in order; a word may give none or several). */
    List<String> tokens(String word) {
        List<String> cached = cache.get(word);
        if (cached != null) {
            return cached;
        }
        List<String> tokens;
        synchronized (this) {
            try {
                Connection c = connection();
                try (Statement s = c.createStatement()) {
                    s.execute("INSERT INTO tokens (tokens) VALUES ('delete-all')");
                }
                try (PreparedStatement insert = c.prepareStatement("INSERT INTO tokens (rowid, text) VALUES (1, ?)")) {
                    insert.setString(1, word);
                    insert.execute();
                }
                tokens = new ArrayList<>();
                try (Statement s = c.createStatement();
                     ResultSet rs = s.executeQuery("SELECT term FROM token_instances ORDER BY \"offset\"")) {
                    while (rs.next()) {
                        tokens.add(rs.getString(1));
                    }
                }
            } catch (SQLException e) {
                throw new LiteMemException("SQLite failed while tokenizing a query word: " + e.getMessage(), e);
            }
        }
        if (cache.size() >= CACHE_MAX) {
            cache.clear();
        }
        List<String> out = List.copyOf(tokens);
        cache.put(word, out);
        return out;
    }

    /**
     * The tokens FTS5 makes of each row's text, as term -> count per row (rows FTS5 makes no token of are absent): the
     * texts go through the same tokenizer in one transaction of the private connection.
     */
    synchronized Map<Long, Map<String, Integer>> documents(Map<Long, String> texts) {
        Map<Long, Map<String, Integer>> out = new java.util.HashMap<>();
        try {
            Connection c = connection();
            try (Statement s = c.createStatement()) {
                s.execute("BEGIN");
                s.execute("INSERT INTO tokens (tokens) VALUES ('delete-all')");
            }
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO tokens (rowid, text) VALUES (?, ?)")) {
                for (Map.Entry<Long, String> e : texts.entrySet()) {
                    insert.setLong(1, e.getKey());
                    insert.setString(2, e.getValue());
                    insert.execute();
                }
            }
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT term, doc FROM token_instances")) {
                while (rs.next()) {
                    out.computeIfAbsent(rs.getLong(2), k -> new java.util.HashMap<>()).merge(rs.getString(1), 1, Integer::sum);
                }
            }
            try (Statement s = c.createStatement()) {
                s.execute("INSERT INTO tokens (tokens) VALUES ('delete-all')");
                s.execute("COMMIT");
            }
        } catch (SQLException e) {
            if (connection != null) {
                try (Statement s = connection.createStatement()) {
                    s.execute("ROLLBACK");
                } catch (SQLException rollback) {
                    e.addSuppressed(rollback); // the transaction may not have begun
                }
            }
            throw new LiteMemException("SQLite failed while tokenizing changed rows: " + e.getMessage(), e);
        }
        return out;
    }

    /**
     * bm25()'s idf of a phrase matching {@code hits} of {@code rows} rows, computed as fts5_aux.c does it, in SQLite:
     * {@code log((nRow - nHit + 0.5) / (nHit + 0.5))} (integer subtraction, then double), at least 1e-6. One statement
     * for all the values.
     */
    synchronized double[] idf(long rows, long[] hits) {
        double[] out = new double[hits.length];
        StringBuilder json = new StringBuilder("[");
        for (int i = 0; i < hits.length; i++) {
            json.append(i == 0 ? "" : ",").append(hits[i]);
        }
        try (PreparedStatement s = connection().prepareStatement(
                "SELECT key, ln((? - value + 0.5) / (value + 0.5)) FROM json_each(?)")) {
            s.setLong(1, rows);
            s.setString(2, json.append(']').toString());
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    double idf = rs.getDouble(2);
                    out[rs.getInt(1)] = idf <= 0.0 ? 1e-6 : idf;
                }
            }
        } catch (SQLException e) {
            throw new LiteMemException("SQLite failed while computing keyword statistics: " + e.getMessage(), e);
        }
        return out;
    }

    private Connection connection() throws SQLException {
        if (connection == null) {
            Connection c = DriverManager.getConnection("jdbc:sqlite::memory:");
            try (Statement s = c.createStatement()) {
                s.execute("CREATE VIRTUAL TABLE tokens USING fts5 (text, content = '', tokenize = '" + TOKENIZE + "')");
                s.execute("CREATE VIRTUAL TABLE token_instances USING fts5vocab (tokens, 'instance')");
            } catch (SQLException e) {
                c.close();
                throw e;
            }
            connection = c;
        }
        return connection;
    }
}
