package dev.litemem;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;

/** Child process of {@link MultiProcessTest}: holds the file's write lock until its standard input closes. */
public final class LockHolder {
    private LockHolder() {
    }

    public static void main(String[] args) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + args[0]); Statement s = c.createStatement()) {
            s.execute("BEGIN IMMEDIATE");
            s.execute("INSERT INTO records (collection_id, id, text, metadata, created_at, updated_at)"
                    + " SELECT id, 'from-other-process', 'x', '{}', 0, 0 FROM collections LIMIT 1");
            System.out.println("locked");
            System.out.flush();
            while (System.in.read() != -1) {
                // Hold the lock until the parent closes our standard input.
            }
            s.execute("COMMIT");
            System.out.println("released");
            System.out.flush();
        }
    }
}
