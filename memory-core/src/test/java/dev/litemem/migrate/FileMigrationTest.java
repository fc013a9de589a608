package dev.litemem.migrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.litemem.LiteMem;
import dev.litemem.LiteMemOptions;
import dev.litemem.internal.Sha256;
import dev.litemem.internal.store.OldFiles;
import dev.litemem.internal.store.Schema;
import dev.litemem.testing.TempStores;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** One file migrated as a unit: schema and user migrations in one transaction, all or nothing. */
class FileMigrationTest {
    @RegisterExtension
    final TempStores stores = new TempStores();
    private static final UserMigration ONE = new UserMigration(1, "orders",
            "CREATE TABLE orders (id INTEGER PRIMARY KEY, total REAL); INSERT INTO orders (total) VALUES (1.5);");
    private static final UserMigration TWO = new UserMigration(2, "order_notes", "ALTER TABLE orders ADD COLUMN note TEXT;");

    @Test
    void anOlderFileGetsTheSchemaAndTheUserMigrationsOnceAndARerunFindsItCurrent() throws Exception {
        Path file = stores.path("old.db");
        OldFiles.create(file, Schema.CURRENT_VERSION - 1);
        MigrationResult plan = FileMigration.plan(file, List.of(ONE, TWO));
        assertEquals(MigrationResult.Status.PENDING, plan.status());
        assertEquals(List.of(1, 2), plan.userMigrations());

        MigrationResult r = FileMigration.migrate(file, List.of(ONE, TWO));
        assertEquals(MigrationResult.Status.MIGRATED, r.status(), r.error());
        assertEquals(Schema.CURRENT_VERSION - 1, r.schemaBefore());
        assertEquals(Schema.CURRENT_VERSION, r.schemaAfter());
        assertEquals(List.of(1, 2), r.userMigrations());
        assertEquals(MigrationResult.Status.CURRENT, FileMigration.migrate(file, List.of(ONE, TWO)).status());
        assertEquals(1, count(file, "SELECT count(*) FROM orders WHERE note IS NULL"));
        assertEquals(2, count(file, "SELECT count(*) FROM user_migrations"));
        try (LiteMem mem = LiteMem.open(file, LiteMemOptions.builder().useBundledEmbedder(false).build())) {
            assertEquals(1, mem.collection("notes").count());
        }
    }

    @Test
    void aFailureAnywhereLeavesTheFileExactlyAsItWas() throws Exception {
        Path file = stores.path("failing.db");
        OldFiles.create(file, Schema.CURRENT_VERSION - 1);
        String before = hash(file);
        UserMigration bad = new UserMigration(2, "broken", "ALTER TABLE orders ADD COLUMN a TEXT; INSERT INTO nowhere VALUES (1);");
        MigrationResult r = FileMigration.migrate(file, List.of(ONE, bad));
        assertEquals(MigrationResult.Status.FAILED, r.status());
        assertTrue(r.error().contains("user migration 2 (broken) failed") && r.error().contains("no such table"), r.error());
        assertEquals(before, hash(file), "schema steps and user migration 1 were rolled back with it");

        assertEquals(MigrationResult.Status.MIGRATED, FileMigration.migrate(file, List.of(ONE)).status());
        UserMigration edited = new UserMigration(1, "orders", ONE.sql() + " -- edited");
        MigrationResult changed = FileMigration.migrate(file, List.of(edited, TWO));
        assertEquals(MigrationResult.Status.FAILED, changed.status());
        assertTrue(changed.error().contains("changed since it was applied"), changed.error());
    }

    @Test
    void numberedFilesAreReadInVersionOrder() throws Exception {
        Path dir = Files.createDirectories(stores.path("sql"));
        Files.writeString(dir.resolve("010_later.sql"), "SELECT 1;");
        Files.writeString(dir.resolve("2-second.sql"), "SELECT 2;");
        Files.writeString(dir.resolve("README.md"), "not a migration");
        List<UserMigration> all = UserMigration.load(dir);
        assertEquals(List.of(2, 10), all.stream().map(UserMigration::version).toList());
        assertEquals("later", all.get(1).name());
    }

    private static String hash(Path file) throws Exception {
        return HexFormat.of().formatHex(Sha256.of(Files.readAllBytes(file)));
    }

    private static long count(Path file, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
