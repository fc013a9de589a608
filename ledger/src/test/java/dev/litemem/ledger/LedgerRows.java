package dev.litemem.ledger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** What the tests read back from the ledger database. */
final class LedgerRows {
    private LedgerRows() {
    }

    /** The seqs of a (tenant, incarnation) in the ledger, in the order PostgreSQL stored them (seq order). */
    static List<Long> seqs(Connection c, String tenant, String incarnation) throws SQLException {
        List<Long> out = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT seq FROM litemem.events WHERE tenant = ? AND incarnation = ?"
                + " ORDER BY seq")) {
            s.setString(1, tenant);
            s.setString(2, incarnation);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getLong(1));
                }
            }
        }
        return out;
    }

    static long cursor(Connection c, String tenant, String incarnation) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT position FROM litemem.cursors WHERE tenant = ? AND incarnation = ?")) {
            s.setString(1, tenant);
            s.setString(2, incarnation);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getLong(1) : -1;
            }
        }
    }

    static long count(Connection c, String sql) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql); ResultSet rs = s.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
