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
        assertTrue(second.out().contains("backed up through seq 2: 1 segments, 1 changes"), second.toString());

        Cli.Result restored = Cli.run(dir, "restore", "acme", "--from", "dest", "--to", "old.db", "--seq", "1");
        assertEquals(0, restored.exit(), restored.toString());
        assertTrue(restored.out().contains("at seq 1") && restored.out().contains("verified"), restored.out());
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
}
