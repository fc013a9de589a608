package dev.litemem;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.litemem.testing.TempStores;
import dev.litemem.testing.WordHashEmbedder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class IncompatibleFileTest {
    @RegisterExtension
    final TempStores stores = new TempStores();

    @Test
    void aFileOfANewerLiteMemIsRefusedAndLeftUnchanged() throws Exception {
        Path file = stores.path("newer.db");
        try (LiteMem mem = stores.open(file)) {
            mem.collection("notes").upsert(Record.of("a", "text", Map.of()));
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
            s.execute("PRAGMA user_version = 99");
        }
        assertRefusedUnchanged(file, "newer LiteMem");
    }

    @Test
    void aSqliteDatabaseOfAnotherApplicationIsRefusedAndLeftUnchanged() throws Exception {
        Path file = stores.path("other.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE accounts (id INTEGER PRIMARY KEY, owner TEXT)");
            s.execute("INSERT INTO accounts (owner) VALUES ('someone')");
        }
        assertRefusedUnchanged(file, "another application");
    }

    @Test
    void aFileThatIsNotSqliteIsRefusedAndLeftUnchanged() throws Exception {
        Path file = stores.path("notes.txt");
        Files.writeString(file, "just some notes, not a database\n".repeat(200));
        assertRefusedUnchanged(file, "not a SQLite database");
    }

    @Test
    void anEmptyFileBecomesAStore() throws Exception {
        Path file = stores.path("empty.db");
        Files.createFile(file);
        try (LiteMem mem = stores.open(file)) {
            mem.collection("notes").upsert(Record.of("a", "text", Map.of()));
            assertEquals(1, mem.collection("notes").count());
        }
    }

    @Test
    void aStoreTruncatedToZeroBytesIsRefusedWhereItMustExist() throws Exception {
        Path file = stores.path("truncated.db");
        try (LiteMem mem = stores.open(file)) {
            mem.collection("notes").upsert(Record.of("a", "text", Map.of()));
        }
        Files.write(file, new byte[0]);
        LiteMemOptions existing = LiteMemOptions.builder().embedder(new WordHashEmbedder()).createIfMissing(false).build();
        List<Path> filesBefore = list();
        IncompatibleFileException e = assertThrows(IncompatibleFileException.class, () -> stores.open(file, existing));
        assertTrue(e.getMessage().contains("empty (0 bytes)") && e.getMessage().contains("unchanged"), e.getMessage());
        assertEquals(0, Files.size(file));
        assertEquals(filesBefore, list(), "no side files are left behind");

        Path missing = stores.path("missing.db");
        e = assertThrows(IncompatibleFileException.class, () -> stores.open(missing, existing));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
        assertEquals(filesBefore, list(), "nothing was created");
    }

    @Test
    void anEmptyFileWithAWriteAheadLogIsRefused() throws Exception {
        Path file = stores.path("torn.db");
        Path savedWal = stores.path("saved-wal");
        try (LiteMem mem = stores.open(file, LiteMemOptions.builder().embedder(new WordHashEmbedder())
                .backgroundIndexing(false).build())) {
            mem.collection("notes").upsert(Record.of("a", "text", Map.of()));
            Files.copy(file.resolveSibling("torn.db-wal"), savedWal);
        }
        assertTrue(Files.size(savedWal) > 0);
        Files.write(file, new byte[0]);
        Files.move(savedWal, file.resolveSibling("torn.db-wal"));
        IncompatibleFileException e = assertThrows(IncompatibleFileException.class, () -> stores.open(file));
        assertTrue(e.getMessage().contains("write-ahead log"), e.getMessage());
        assertEquals(0, Files.size(file));
    }

    private void assertRefusedUnchanged(Path file, String expectedWords) throws IOException, SQLException {
        byte[] before = Files.readAllBytes(file);
        List<Path> filesBefore = list();
        IncompatibleFileException e = assertThrows(IncompatibleFileException.class, () -> stores.open(file));
        assertTrue(e.getMessage().contains(expectedWords), e.getMessage());
        assertTrue(e.getMessage().contains("unchanged"), e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(file));
        assertEquals(filesBefore, list(), "no side files are left behind");
    }

    private List<Path> list() throws IOException {
        try (Stream<Path> s = Files.list(stores.dir())) {
            return s.sorted().toList();
        }
    }
}
