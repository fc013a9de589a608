package dev.litemem.changes;

import com.fasterxml.jackson.databind.JsonNode;
import dev.litemem.LiteMemException;
import dev.litemem.internal.Sha256;
import dev.litemem.internal.store.Json;
import dev.litemem.internal.store.RowTriggers;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Row images and the row hash of the state hash, version {@value #HASH_VERSION} (docs/ARCHITECTURE.md, "Row images
 * and the state hash"), for tools that verify or rebuild a file row by row (backups). While a file keeps its change
 * images, every row change of every table that holds data (LiteMem's and the users' own, {@link #tables}) is logged
 * as an entry of entity {@value #ENTITY} with the row before and after ({@link #parse}). A file's state is the set of
 * its rows; each row's hash ({@link #rowHash}) is
 *
 * <pre>
 * SHA-256( "litemem-state/2" 0x00 | str table | (0x01 i64 rowid | 0x00 for a WITHOUT ROWID table) | u32 n
 *          | n times: str column, u8 type (1 integer: i64, 2 real: IEEE 754 bits as i64, 3 text: str, 4 blob: bytes,
 *                     5 null) )
 * str, bytes = u32 length (big-endian) + UTF-8 / the bytes; integers big-endian
 * </pre>
 *
 * so the same hash follows from a scan of the file ({@link #scan}) and from a row image, and a backup can sum them
 * (mod 2^256) incrementally from the log: minus the row before, plus the row after.
 */
public final class RowImages {
    /** The version of the row hash; a new definition gets a new version. */
    public static final int HASH_VERSION = 2;
    /** The change-log entity of a row image. */
    public static final String ENTITY = RowTriggers.ENTITY;
    private static final byte[] TAG = ("litemem-state/" + HASH_VERSION + "\0").getBytes(StandardCharsets.US_ASCII);

    private RowImages() {
    }

    /** One row: its rowid (null for a WITHOUT ROWID table) and its column values (Long, Double, String, byte[], null). */
    public record Row(Long rowid, List<Object> values) {
    }

    /** A row image: the table's columns then, and the row before (null for an insert) and after (null for a delete). */
    public record Image(List<String> columns, Row before, Row after) {
    }

    /** Whether a change-log entry of this entity is a row image. */
    public static boolean isRowImage(String entity) {
        return ENTITY.equals(entity);
    }

    /** The names of the tables the state covers in this file, sorted: LiteMem's data tables and the users' own. */
    public static List<String> tables(Connection c) throws SQLException {
        return RowTriggers.tables(c).stream().map(RowTriggers.Table::name).toList();
    }

    /** Reads a row image as the triggers write it. */
    public static Image parse(String image) {
        try {
            JsonNode o = Json.MAPPER.readTree(image);
            List<String> columns = new ArrayList<>();
            o.get("c").forEach(n -> columns.add(n.asText()));
            return new Image(List.copyOf(columns), row(o.get("o"), o.get("or"), columns.size()),
                    row(o.get("n"), o.get("nr"), columns.size()));
        } catch (IOException | RuntimeException e) {
            throw new LiteMemException("a row image is not readable: the log or the backup is damaged", e);
        }
    }

    private static Row row(JsonNode values, JsonNode rowid, int n) {
        if (values == null || values.isNull()) {
            return null;
        }
        if (values.size() != 2 * n) {
            throw new LiteMemException("a row image has " + values.size() / 2 + " values for " + n + " columns");
        }
        List<Object> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String type = values.get(2 * i).asText();
            JsonNode v = values.get(2 * i + 1);
            out.add(switch (type) {
                case "integer" -> v.asLong();
                case "real" -> real(v.asText());
                case "text" -> v.asText();
                case "blob" -> HexFormat.of().parseHex(v.asText());
                case "null" -> null;
                default -> throw new LiteMemException("a row image has a value of type '" + type + "'");
            });
        }
        return new Row(rowid == null || rowid.isNull() ? null : rowid.asLong(), out);
    }

    private static double real(String text) {
        return switch (text) {
            case "Inf", "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(text);
        };
    }

    /** The 32-byte hash of one row of {@code table}, as defined above. */
    public static byte[] rowHash(String table, List<String> columns, Row row) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
            DataOutputStream out = new DataOutputStream(bytes);
            out.write(TAG);
            str(out, table);
            if (row.rowid() == null) {
                out.writeByte(0);
            } else {
                out.writeByte(1);
                out.writeLong(row.rowid());
            }
            out.writeInt(columns.size());
            for (int i = 0; i < columns.size(); i++) {
                str(out, columns.get(i));
                Object v = row.values().get(i);
                if (v instanceof Long l) {
                    out.writeByte(1);
                    out.writeLong(l);
                } else if (v instanceof Double d) {
                    out.writeByte(2);
                    out.writeLong(Double.doubleToLongBits(d));
                } else if (v instanceof String s) {
                    out.writeByte(3);
                    str(out, s);
                } else if (v instanceof byte[] b) {
                    out.writeByte(4);
                    out.writeInt(b.length);
                    out.write(b);
                } else {
                    out.writeByte(5);
                }
            }
            out.flush();
            MessageDigest d = Sha256.newDigest();
            d.update(bytes.toByteArray());
            return d.digest();
        } catch (IOException e) {
            throw new IllegalStateException("writing to memory cannot fail", e);
        }
    }

    private static void str(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    /**
     * Reads every row of every table the state covers and passes each table's name and row hash to {@code onRow};
     * returns the rows per table. Run it in one read transaction (or on a file nobody writes).
     */
    public static Map<String, Long> scan(Connection c, BiConsumer<String, byte[]> onRow) throws SQLException {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (RowTriggers.Table t : RowTriggers.tables(c)) {
            StringBuilder sql = new StringBuilder("SELECT ").append(t.rowid() ? "rowid" : "NULL");
            for (String col : t.columns()) {
                String q = RowTriggers.quote(col);
                sql.append(", typeof(").append(q).append("), ").append(q);
            }
            sql.append(" FROM ").append(RowTriggers.quote(t.name()));
            long n = 0;
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql.toString())) {
                while (rs.next()) {
                    List<Object> values = new ArrayList<>(t.columns().size());
                    for (int i = 0; i < t.columns().size(); i++) {
                        int at = 3 + 2 * i;
                        values.add(switch (rs.getString(at - 1)) {
                            case "integer" -> rs.getLong(at);
                            case "real" -> rs.getDouble(at);
                            case "text" -> rs.getString(at);
                            case "blob" -> rs.getBytes(at);
                            default -> null;
                        });
                    }
                    Long rowid = t.rowid() ? rs.getLong(1) : null;
                    onRow.accept(t.name(), rowHash(t.name(), t.columns(), new Row(rowid, values)));
                    n++;
                }
            }
            counts.put(t.name(), n);
        }
        return counts;
    }

    /**
     * Applies row images to a file in the caller's transaction, each as the change it records: the row before is
     * deleted (by rowid, or for a WITHOUT ROWID table by all its values), the row after inserted with its rowid. Turn
     * the file's own row triggers off first (take {@code change_images} out of {@code meta}) and foreign keys off, so
     * that the log's own record of cascades is what happens. Keeps its statements until closed.
     */
    public static final class Applier implements AutoCloseable {
        private final Connection c;
        private final Map<String, PreparedStatement> statements = new java.util.HashMap<>();

        public Applier(Connection c) {
            this.c = c;
        }

        /** Applies one row image of {@code table}. */
        public void apply(String table, Image image) throws SQLException {
            String t = RowTriggers.quote(table);
            if (image.before() != null) {
                if (image.before().rowid() != null) {
                    PreparedStatement s = statement("DELETE FROM " + t + " WHERE rowid = ?");
                    s.setLong(1, image.before().rowid());
                    s.executeUpdate();
                } else {
                    StringBuilder where = new StringBuilder();
                    for (String col : image.columns()) {
                        where.append(where.isEmpty() ? "" : " AND ").append(RowTriggers.quote(col)).append(" IS ?");
                    }
                    PreparedStatement s = statement("DELETE FROM " + t + " WHERE " + where);
                    bind(s, 1, image.before().values());
                    s.executeUpdate();
                }
            }
            if (image.after() != null) {
                boolean rowid = image.after().rowid() != null;
                StringBuilder cols = new StringBuilder(rowid ? "rowid" : "");
                StringBuilder marks = new StringBuilder(rowid ? "?" : "");
                for (String col : image.columns()) {
                    cols.append(cols.isEmpty() ? "" : ", ").append(RowTriggers.quote(col));
                    marks.append(marks.isEmpty() ? "" : ", ").append("?");
                }
                PreparedStatement s = statement("INSERT INTO " + t + " (" + cols + ") VALUES (" + marks + ")");
                int at = 1;
                if (rowid) {
                    s.setLong(at++, image.after().rowid());
                }
                bind(s, at, image.after().values());
                s.executeUpdate();
            }
        }

        private PreparedStatement statement(String sql) throws SQLException {
            PreparedStatement s = statements.get(sql);
            if (s == null) {
                s = c.prepareStatement(sql);
                statements.put(sql, s);
            }
            return s;
        }

        @Override
        public void close() throws SQLException {
            for (PreparedStatement s : statements.values()) {
                s.close();
            }
            statements.clear();
        }
    }

    private static void bind(PreparedStatement s, int first, List<Object> values) throws SQLException {
        for (int i = 0; i < values.size(); i++) {
            Object v = values.get(i);
            int at = first + i;
            if (v instanceof Long l) {
                s.setLong(at, l);
            } else if (v instanceof Double d) {
                s.setDouble(at, d);
            } else if (v instanceof String str) {
                s.setString(at, str);
            } else if (v instanceof byte[] b) {
                s.setBytes(at, b);
            } else {
                s.setNull(at, Types.NULL);
            }
        }
    }

    /**
     * A fingerprint of what decides how rows are logged: the definitions of the file's tables and triggers and the
     * row-image epoch (new whenever the row triggers were installed or dropped). A backup chain goes on only while it
     * stays the same: a table that changed shape, or a time without row triggers, needs a new base.
     */
    public static String schemaFingerprint(Connection c) throws SQLException {
        MessageDigest d = Sha256.newDigest();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT type, name, coalesce(sql, '') FROM sqlite_master WHERE type IN"
                     + " ('table', 'trigger') AND substr(name, 1, 7) <> 'sqlite_' ORDER BY type, name")) {
            while (rs.next()) {
                for (int i = 1; i <= 3; i++) {
                    d.update(rs.getString(i).getBytes(StandardCharsets.UTF_8));
                    d.update((byte) 0);
                }
            }
        }
        try (PreparedStatement s = c.prepareStatement("SELECT value FROM meta WHERE key = ?")) {
            s.setString(1, RowTriggers.EPOCH_KEY);
            try (ResultSet rs = s.executeQuery()) {
                d.update((rs.next() ? rs.getString(1) : "").getBytes(StandardCharsets.UTF_8));
            }
        }
        return HexFormat.of().formatHex(d.digest());
    }
}
