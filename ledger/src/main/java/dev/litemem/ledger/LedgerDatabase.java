package dev.litemem.ledger;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/**
 * The central ledger's PostgreSQL database: where connections come from. The schema is created or migrated on the
 * first connection ({@link LedgerSchema}). Thread-safe; each {@link Shipper} holds a connection of its own.
 */
public final class LedgerDatabase {
    private final PostgresUrl url;
    private volatile boolean migrated;

    public LedgerDatabase(PostgresUrl url) {
        this.url = url;
    }

    public static LedgerDatabase of(String url) {
        return new LedgerDatabase(PostgresUrl.parse(url));
    }

    public PostgresUrl url() {
        return url;
    }

    /** A new connection (auto-commit on), the schema migrated first if this is the first. */
    public Connection connect() {
        Connection c;
        try {
            Properties props = new Properties();
            props.putAll(url.properties());
            props.putIfAbsent("ApplicationName", "litemem-ledger");
            props.putIfAbsent("connectTimeout", "10");
            props.putIfAbsent("socketTimeout", "120");
            props.putIfAbsent("tcpKeepAlive", "true");
            c = DriverManager.getConnection(url.jdbcUrl(), props);
        } catch (SQLException e) {
            throw new LedgerException("cannot connect to the ledger database " + url.display() + ": " + e.getMessage()
                    + " (check that PostgreSQL runs there and the user may connect)", e);
        }
        if (!migrated) {
            try {
                LedgerSchema.migrate(c);
                migrated = true;
            } catch (SQLException | RuntimeException e) {
                closeQuietly(c);
                if (e instanceof LedgerException l) {
                    throw l;
                }
                throw new LedgerException("cannot create or migrate the ledger schema in " + url.display() + ": "
                        + e.getMessage() + " (the user needs CREATE on the database)", e);
            }
        }
        return c;
    }

    /** Connects once (creating or migrating the schema) and disconnects: a wrong URL or a refusal shows up now. */
    public void check() {
        closeQuietly(connect());
    }

    static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException e) {
                // Closing a broken connection: the error that broke it is what the caller reports.
            }
        }
    }
}
