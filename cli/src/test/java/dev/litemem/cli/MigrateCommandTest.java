package dev.litemem.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.litemem.LiteMem;
import dev.litemem.LiteMemOptions;
import dev.litemem.Record;
import dev.litemem.internal.Sha256;
import dev.litemem.testing.TempStores;
import dev.litemem.testing.WordHashEmbedder;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code litemem migrate} over 2,000 tenant files (copies of one tiny template) with a user migration that fails on 3 of
 * them, the command killed with SIGKILL in the middle, then rerun: the 1,997 migrated exactly once each, the 3 reported
 * and byte for byte unchanged. The big folder lives in a plain temporary folder: TempStores would integrity-check 2,000
 * files after the test; the small folders are TempStores'.
 */
class MigrateCommandTest {
    private static final int TENANTS = 2_000;
    private static final Set<String> BAD = Set.of("t0100", "t0900", "t1700");
    @RegisterExtension
    final TempStores stores = new TempStores();

    @Test
    void twoThousandTenantsAKillInTheMiddleAndARerunMigrateEachOnceAndLeaveTheFailuresAsTheyWere(@TempDir Path big)
            throws Exception {
        Path data = big.resolve("data");
        Path tenants = Files.createDirectories(data.resolve("tenants"));
        Path sql = userMigrations(big);
        Path template = template(big.resolve("template.db"));
        Path badTemplate = big.resolve("bad-template.db");
        Files.copy(template, badTemplate);
        exec(badTemplate, "CREATE TABLE orders (x)"); // the user migration's CREATE TABLE fails on these
        Map<String, String> badHashes = new HashMap<>();
        for (int i = 0; i < TENANTS; i++) {
            String name = String.format("t%04d", i);
            Path file = tenants.resolve(name + ".db");
            Files.copy(BAD.contains(name) ? badTemplate : template, file);
            if (BAD.contains(name)) {
                badHashes.put(name, hash(file));
            }
        }

        // First run, killed with SIGKILL as soon as it reports the failure of t0900 (about half-way).
        Process first = Cli.command(big, "migrate", "--data", data.toString(), "--user-migrations", sql.toString(),
                "--parallel", "2").redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try (BufferedReader err = new BufferedReader(new InputStreamReader(first.getErrorStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = err.readLine()) != null && !line.contains("tenant t0900 failed")) {
                // progress lines and the first failure
            }
            assertTrue(line != null, "the first run ended before t0900 failed");
            first.destroyForcibly(); // SIGKILL
        }
        assertTrue(first.waitFor(60, TimeUnit.SECONDS));
        List<JsonNode> afterKill = outcomes(data);
        assertTrue(afterKill.size() >= 900 && afterKill.size() < TENANTS, "killed mid-way: " + afterKill.size() + " outcomes");

        Cli.Result rerun = Cli.run(big, "migrate", "--data", data.toString(), "--user-migrations", sql.toString(),
                "--parallel", "2", "--json");
        assertEquals(1, rerun.exit(), rerun.toString());
        JsonNode summary = Output.JSON.readTree(rerun.out());
        assertEquals(TENANTS, summary.get("tenants").asInt());
        assertEquals(3, summary.get("failed").asInt());
        int doneBefore = summary.get("done_before").asInt();
        assertTrue(doneBefore >= 897, rerun.out());
        assertEquals(TENANTS - 3, doneBefore + summary.get("migrated").asInt() + summary.get("current").asInt(), rerun.out());
        assertTrue(summary.get("current").asInt() <= 2, "at most the tenants in flight at the kill: " + rerun.out());
        for (JsonNode f : summary.get("failures")) {
            assertTrue(BAD.contains(f.get("tenant").asText()), f.toString());
            assertTrue(f.get("error").asText().contains("user migration 1 (orders) failed"), f.toString());
        }
        System.out.printf("migrate rerun over %d tenants (%d done before the kill): %.1f s%n", TENANTS, doneBefore,
                summary.get("seconds").asDouble());

        // Every good tenant: both migrations applied exactly once (a second CREATE TABLE would fail; the UPDATE adds 1).
        Map<String, Integer> migratedLines = new HashMap<>();
        for (JsonNode o : outcomes(data)) {
            if (o.get("outcome").asText().equals("migrated")) {
                migratedLines.merge(o.get("tenant").asText(), 1, Integer::sum);
            }
        }
        for (int i = 0; i < TENANTS; i++) {
            String name = String.format("t%04d", i);
            Path file = tenants.resolve(name + ".db");
            if (BAD.contains(name)) {
                assertEquals(badHashes.get(name), hash(file), name + " is exactly as it was");
                assertEquals(null, migratedLines.get(name));
            } else {
                assertEquals(2.0, query(file, "SELECT total FROM orders"), name);
                assertEquals(2.0, query(file, "SELECT count(*) FROM user_migrations"), name);
                assertTrue(migratedLines.getOrDefault(name, 0) <= 1, name + " journaled as migrated more than once");
            }
        }
        assertTrue(migratedLines.size() >= TENANTS - 3 - 2);

        // A third run has nothing left but the failures, which it tries again.
        JsonNode third = Output.JSON.readTree(Cli.run(big, "migrate", "--data", data.toString(), "--user-migrations",
                sql.toString(), "--json").out());
        assertEquals(TENANTS - 3, third.get("done_before").asInt());
        assertEquals(3, third.get("failed").asInt());
    }

    @Test
    void aDryRunChangesNothingAndARunningServerIsRefused() throws Exception {
        Path data = stores.dir().resolve("data");
        Path tenants = Files.createDirectories(data.resolve("tenants"));
        Path template = template(stores.dir().resolve("template.db"));
        Files.copy(template, tenants.resolve("a.db"));
        Files.copy(template, tenants.resolve("b.db"));
        Path sql = userMigrations(stores.dir());
        String before = hash(tenants.resolve("a.db"));

        Cli.Result plan = Cli.run(stores.dir(), "migrate", "--data", data.toString(), "--user-migrations", sql.toString(),
                "--dry-run");
        assertEquals(0, plan.exit(), plan.toString());
        assertTrue(plan.out().contains("pending  a: schema") && plan.out().contains("user migrations [1, 2]"), plan.toString());
        assertEquals(before, hash(tenants.resolve("a.db")));
        assertTrue(!Files.exists(data.resolve(MigrationJournal.FILE)), "a dry run writes no journal");

        try (FileChannel channel = FileChannel.open(data.resolve(".server.lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE); FileLock held = channel.lock()) {
            Cli.Result refused = Cli.run(stores.dir(), "migrate", "--data", data.toString());
            assertEquals(1, refused.exit(), refused.toString());
            assertTrue(refused.err().contains("stop it before migrating"), refused.toString());
        }
        assertEquals(before, hash(tenants.resolve("a.db")));

        Cli.Result usage = Cli.run(stores.dir(), "migrate", "--data", stores.dir().toString());
        assertEquals(2, usage.exit(), usage.toString());
        assertTrue(usage.err().contains("is not a server data folder"), usage.toString());

        Cli.Result done = Cli.run(stores.dir(), "migrate", "--data", data.toString(), "--user-migrations", sql.toString());
        assertEquals(0, done.exit(), done.toString());
        assertTrue(done.lastLine().contains("2 migrated, 0 already current, 0 done by an earlier run, 0 failed"),
                done.toString());
    }

    private static Path userMigrations(Path parent) throws Exception {
        Path sql = Files.createDirectories(parent.resolve("sql"));
        Files.writeString(sql.resolve("001_orders.sql"), "CREATE TABLE orders (id INTEGER PRIMARY KEY, total REAL);\n"
                + "INSERT INTO orders (total) VALUES (1);\n");
        Files.writeString(sql.resolve("002_notes.sql"), "ALTER TABLE orders ADD COLUMN note TEXT;\n"
                + "UPDATE orders SET total = total + 1;\n");
        return sql;
    }

    /** A LiteMem file with one record, made tiny (1 KiB pages) so that 2,000 copies stay small. */
    private static Path template(Path file) throws Exception {
        try (LiteMem mem = LiteMem.open(file, LiteMemOptions.builder().embedder(new WordHashEmbedder()).build())) {
            mem.collection("notes").upsert(Record.of("a", "a note", Map.of()));
        }
        exec(file, "PRAGMA journal_mode = DELETE", "PRAGMA page_size = 1024", "VACUUM", "PRAGMA journal_mode = WAL");
        return file;
    }

    private static void exec(Path file, String... sql) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
            for (String q : sql) {
                s.execute(q);
            }
        }
    }

    private static double query(Path file, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            assertTrue(rs.next(), sql);
            return rs.getDouble(1);
        }
    }

    private static List<JsonNode> outcomes(Path data) throws Exception {
        List<JsonNode> out = new java.util.ArrayList<>();
        for (String line : Files.readAllLines(data.resolve(MigrationJournal.FILE))) {
            try {
                JsonNode n = Output.JSON.readTree(line);
                if (n != null && n.has("tenant")) {
                    out.add(n);
                }
            } catch (java.io.IOException torn) {
                // the line the kill tore
            }
        }
        return out;
    }

    private static String hash(Path file) throws Exception {
        return HexFormat.of().formatHex(Sha256.of(Files.readAllBytes(file)));
    }
}
