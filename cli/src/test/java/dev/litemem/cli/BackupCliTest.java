package dev.litemem.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** litemem backup and restore as a user runs them: output, exit codes, refusals. */
class BackupCliTest {
    @TempDir
    Path dir;

    @Test
    void backupThenRestoreAtASeqAndTheRefusals() throws Exception {
        assertEquals(0, Cli.run(dir, "add", "--db", "acme.db", "--id", "a", "first note").exit());
        Cli.Result first = Cli.run(dir, "backup", "--db", "acme.db", "--to", "dest");
        assertEquals(0, first.exit(), first.toString());
        assertTrue(first.out().contains("turned on change images"), first.out());
        assertTrue(first.out().contains("base snapshot at seq 1"), first.out());
        assertEquals(0, Cli.run(dir, "add", "--db", "acme.db", "--id", "b", "second note").exit());
        Cli.Result second = Cli.run(dir, "backup", "--db", "acme.db", "--to", "dest");
        // The write's own entry and its row image.
        assertTrue(second.out().contains("backed up through seq 3: 1 segments, 2 changes"), second.toString());

        Cli.Result restored = Cli.run(dir, "restore", "acme", "--from", "dest", "--to", "old.db", "--seq", "1");
        assertEquals(0, restored.exit(), restored.toString());
        assertTrue(restored.out().contains("at seq 1") && restored.out().contains("verified"), restored.out());
        assertTrue(restored.out().contains("state hash v2 over"), restored.out());
        Cli.Result list = Cli.run(dir, "list", "--db", "old.db");
        assertTrue(list.out().contains("first note") && !list.out().contains("second note"), list.toString());

        Cli.Result exists = Cli.run(dir, "restore", "acme", "--from", "dest", "--to", "old.db");
        assertEquals(1, exists.exit(), exists.toString());
        assertTrue(exists.err().contains("--force"), exists.err());
        Cli.Result beyond = Cli.run(dir, "restore", "acme", "--from", "dest", "--to", "new.db", "--seq", "99");
        assertEquals(1, beyond.exit(), beyond.toString());
        assertTrue(beyond.err().contains("beyond"), beyond.err());
        Cli.Result badTime = Cli.run(dir, "restore", "acme", "--from", "dest", "--to", "new.db", "--time", "noon");
        assertEquals(2, badTime.exit(), badTime.toString());
        Cli.Result both = Cli.run(dir, "restore", "acme", "--from", "dest", "--to", "new.db", "--seq", "1", "--time",
                "2026-01-01T00:00:00Z");
        assertEquals(2, both.exit(), both.toString());
        assertTrue(!Files.exists(dir.resolve("new.db")));
        Cli.Result noSource = Cli.run(dir, "backup", "--to", "dest");
        assertEquals(2, noSource.exit(), noSource.toString());
    }

    @Test
    void everyLoopsUntilStoppedAndBacksUpTenantsOfADataFolder() throws Exception {
        Files.createDirectories(dir.resolve("data/tenants"));
        assertEquals(0, Cli.run(dir, "add", "--db", "data/tenants/one.db", "--id", "a", "note one").exit());
        assertEquals(0, Cli.run(dir, "add", "--db", "data/tenants/two.db", "--id", "b", "note two").exit());
        Process p = Cli.command(dir, "backup", "--data", "data", "--to", "dest", "--every", "1s", "--keep", "2")
                .redirectErrorStream(true).start();
        java.io.BufferedReader out = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(),
                java.nio.charset.StandardCharsets.UTF_8));
        int summaries = 0;
        StringBuilder seen = new StringBuilder();
        for (String line = out.readLine(); line != null && summaries < 2; line = out.readLine()) {
            seen.append(line).append('\n');
            if (line.contains("2 tenants backed up, 0 failed")) {
                summaries++;
            }
        }
        assertEquals(2, summaries, seen.toString());
        p.destroy(); // SIGTERM: the pass under way finishes, then it exits
        assertTrue(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS));
        assertTrue(seen.toString().contains("one: base snapshot at seq 1"), seen.toString());
        Cli.Result restored = Cli.run(dir, "restore", "two", "--from", "dest", "--to", "two-restored.db");
        assertEquals(0, restored.exit(), restored.toString());
        Cli.Result badEvery = Cli.run(dir, "backup", "--db", "data/tenants/one.db", "--to", "dest", "--every", "often");
        assertEquals(2, badEvery.exit(), badEvery.toString());
    }
}
