package dev.litemem.migrate;

import dev.litemem.InvalidInputException;
import dev.litemem.internal.Sha256;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One of the user's own migrations, for their own tables in a LiteMem file: a numbered SQL file such as
 * {@code 001_add_orders.sql} (version 1, name {@code add_orders}). Applied in version order, each once per file,
 * recorded in the file's {@code user_migrations} table with its SHA-256, inside the one transaction that migrates
 * the file. The SQL must not open or end transactions itself.
 *
 * @param version the number its file name starts with (1 or more)
 * @param name    the rest of the file name, without {@code .sql}
 * @param sql     the statements, separated by semicolons
 */
public record UserMigration(int version, String name, String sql) {
    private static final Pattern FILE = Pattern.compile("(\\d+)[_-]?(.*)\\.sql");

    /** The SHA-256 of the SQL (hex): a migration changed after it was applied somewhere is refused there. */
    public String sha256() {
        return HexFormat.of().formatHex(Sha256.of(sql));
    }

    /**
     * Every {@code N_name.sql} (or {@code N-name.sql}, {@code N.sql}) in the folder, by version. Other files are
     * ignored; two files of one version are refused.
     */
    public static List<UserMigration> load(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new InvalidInputException("user-migrations", dir + " is not a folder: give the folder of numbered SQL"
                    + " files, such as 001_add_orders.sql");
        }
        TreeMap<Integer, UserMigration> byVersion = new TreeMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.sorted(Comparator.naturalOrder()).toList()) {
                Matcher m = FILE.matcher(p.getFileName().toString());
                if (!m.matches() || !Files.isRegularFile(p)) {
                    continue;
                }
                int version;
                try {
                    version = Integer.parseInt(m.group(1));
                } catch (NumberFormatException e) {
                    throw new InvalidInputException("user-migrations", p.getFileName() + ": the number is too large");
                }
                if (version < 1) {
                    throw new InvalidInputException("user-migrations", p.getFileName() + ": versions start at 1");
                }
                UserMigration u = new UserMigration(version, m.group(2), Files.readString(p, StandardCharsets.UTF_8));
                UserMigration other = byVersion.putIfAbsent(version, u);
                if (other != null) {
                    throw new InvalidInputException("user-migrations", "two files have version " + version + " ("
                            + other.name() + ", " + u.name() + "): give each its own number");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + dir + ": " + e.getMessage(), e);
        }
        return new ArrayList<>(byVersion.values());
    }
}
