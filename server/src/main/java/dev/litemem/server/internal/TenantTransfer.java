package dev.litemem.server.internal;

import dev.litemem.LiteMem;
import dev.litemem.LiteMemOptions;
import dev.litemem.internal.SqliteFiles;
import dev.litemem.server.ServerException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What moving a tenant between nodes needs of a server (docs/SCALE-OUT.md): a digest of every row of a tenant's file,
 * and the import of a snapshot as a new tenant that keeps its key.
 */
final class TenantTransfer {
    /** Tables derived from others (FTS5 index, HNSW checkpoints): rebuilt from the rows, so left out of the digest. */
    private static final Pattern DERIVED = Pattern.compile("sqlite_.*|records_fts.*|index_checkpoint.*");
    static final Pattern KEY_HASH = Pattern.compile("[0-9a-f]{64}");

    /** A tenant's digest: rows and SHA-256 per table, and over all. Equal digests mean equal content. */
    record Digest(String tenant, long rows, String sha256, Map<String, Table> tables) {
        record Table(long rows, String sha256) {
        }
    }

    private TenantTransfer() {
    }

    /**
     * Reads every row of every table but the derived ones in one read transaction, each table in the order of all its
     * columns (not rowid: VACUUM INTO, which makes snapshots, may renumber rows of tables without an integer key).
     */
    static Digest digest(String tenant, Path db) {
        java.util.Properties readOnly = new java.util.Properties();
        readOnly.setProperty("open_mode", "1"); // SQLITE_OPEN_READONLY (sqlite-jdbc's SQLiteConfig property)
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db.toAbsolutePath(), readOnly);
             Statement st = c.createStatement()) {
            st.execute("PRAGMA busy_timeout = 10000");
            c.setAutoCommit(false);
            List<String> names = new ArrayList<>();
            try (ResultSet rs = st.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")) {
                while (rs.next()) {
                    if (!DERIVED.matcher(rs.getString(1)).matches()) {
                        names.add(rs.getString(1));
                    }
                }
            }
            Map<String, Digest.Table> tables = new LinkedHashMap<>();
            MessageDigest all = sha256();
            long total = 0;
            for (String name : names) {
                Digest.Table t = table(st, name);
                tables.put(name, t);
                total += t.rows();
                all.update((name + "\0" + t.rows() + "\0" + t.sha256() + "\n").getBytes(StandardCharsets.UTF_8));
            }
            c.rollback();
            return new Digest(tenant, total, HexFormat.of().formatHex(all.digest()), tables);
        } catch (SQLException e) {
            throw new ServerException("cannot read tenant '" + tenant + "' for its digest: " + e.getMessage(), e);
        }
    }

    private static Digest.Table table(Statement st, String name) throws SQLException {
        String quoted = "\"" + name.replace("\"", "\"\"") + "\"";
        int columns;
        try (ResultSet rs = st.executeQuery("SELECT * FROM " + quoted + " LIMIT 0")) {
            columns = rs.getMetaData().getColumnCount();
        }
        StringBuilder order = new StringBuilder();
        for (int i = 1; i <= columns; i++) {
            order.append(i == 1 ? "" : ", ").append(i);
        }
        MessageDigest md = sha256();
        long rows = 0;
        byte[] eight = new byte[8];
        try (ResultSet rs = st.executeQuery("SELECT * FROM " + quoted + " ORDER BY " + order)) {
            while (rs.next()) {
                rows++;
                for (int i = 1; i <= columns; i++) {
                    Object v = rs.getObject(i);
                    if (v == null) {
                        md.update((byte) 0);
                    } else if (v instanceof Integer || v instanceof Long) {
                        md.update((byte) 1);
                        md.update(longBytes(((Number) v).longValue(), eight));
                    } else if (v instanceof Double || v instanceof Float) {
                        md.update((byte) 2);
                        md.update(longBytes(Double.doubleToLongBits(((Number) v).doubleValue()), eight));
                    } else if (v instanceof byte[] b) {
                        md.update((byte) 3);
                        md.update(longBytes(b.length, eight));
                        md.update(b);
                    } else {
                        byte[] b = v.toString().getBytes(StandardCharsets.UTF_8);
                        md.update((byte) 4);
                        md.update(longBytes(b.length, eight));
                        md.update(b);
                    }
                }
            }
        }
        return new Digest.Table(rows, HexFormat.of().formatHex(md.digest()));
    }

    private static byte[] longBytes(long v, byte[] into) {
        for (int i = 0; i < 8; i++) {
            into[i] = (byte) (v >>> (56 - 8 * i));
        }
        return into;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Copies an uploaded snapshot to {@code target} (which must not exist) and checks that LiteMem opens it. */
    static void receive(InputStream body, Path target) throws IOException {
        try (OutputStream out = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            byte[] buffer = new byte[64 * 1024];
            while (true) {
                int n;
                try {
                    n = body.read(buffer);
                } catch (IOException e) {
                    throw new ServerException(400, "upload-incomplete", "body", "the snapshot's upload broke off before"
                            + " its end: nothing was imported; send it again");
                }
                if (n < 0) {
                    break;
                }
                out.write(buffer, 0, n);
            }
        }
        dev.litemem.internal.DurableFiles.fsync(target);
        DataFolder.ownerOnly(target, "rw-------");
        LiteMemOptions check = LiteMemOptions.builder().createIfMissing(false).useBundledEmbedder(false)
                .backgroundIndexing(false).readerConnections(1).build();
        try (LiteMem mem = LiteMem.open(target, check)) {
            mem.lastSequence();
        } catch (RuntimeException e) {
            throw new ServerException(400, "invalid-snapshot", "body", "the uploaded file is not a LiteMem store this"
                    + " server can open (" + e.getClass().getSimpleName() + "): send the body of GET"
                    + " /v1/tenants/{tenant}/export");
        } finally {
            Files.deleteIfExists(target.resolveSibling(target.getFileName() + "-shm"));
        }
        // Closing the last connection folds the WAL into the file and removes it; only the file itself moves on.
        Path wal = SqliteFiles.wal(target);
        if (SqliteFiles.walHoldsPages(target)) {
            throw new ServerException("the checked snapshot left a write-ahead log behind; the import was not done", null);
        }
        Files.deleteIfExists(wal);
    }
}
