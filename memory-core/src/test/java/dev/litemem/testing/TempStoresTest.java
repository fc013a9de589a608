package dev.litemem.testing;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.litemem.LiteMem;
import dev.litemem.Record;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

/** The extension fails a test on each problem it promises to find, and passes a sound one (driven by hand here). */
class TempStoresTest {

    @Test
    void aSoundStorePassesAndItsFolderIsDeleted() throws Exception {
        TempStores stores = new TempStores();
        stores.beforeEach(null);
        Path dir = stores.dir();
        try (LiteMem mem = stores.open("a.db")) {
            mem.collection("notes").upsertAll(notes(50));
        }
        assertDoesNotThrow(() -> stores.afterEach(null));
        assertFalse(Files.exists(dir));
    }

    @Test
    void aStoreLeftOpenFailsTheTestAndIsClosed() throws Exception {
        TempStores stores = new TempStores();
        stores.beforeEach(null);
        LiteMem mem = stores.open("leaked.db");
        mem.collection("notes").upsert(Record.of("a", "alpha", Map.of()));
        AssertionFailedError e = assertThrows(AssertionFailedError.class, () -> stores.afterEach(null));
        assertTrue(e.getMessage().contains("leaked.db was opened and never closed"), e.getMessage());
        assertTrue(mem.isClosed());
    }

    @Test
    void aConnectionHeldElsewhereFailsTheTest() throws Exception {
        TempStores stores = new TempStores();
        stores.beforeEach(null);
        try (LiteMem mem = stores.open("held.db")) {
            mem.collection("notes").upsert(Record.of("a", "alpha", Map.of()));
        }
        try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + stores.path("held.db"));
             Statement s = other.createStatement()) {
            s.executeQuery("SELECT count(*) FROM records").close();
            AssertionFailedError e = assertThrows(AssertionFailedError.class, () -> stores.afterEach(null));
            assertTrue(e.getMessage().contains("held.db is still open"), e.getMessage());
        }
    }

    @Test
    void aKeywordIndexOutOfStepWithTheRecordsFailsTheTest() throws Exception {
        TempStores stores = new TempStores();
        stores.beforeEach(null);
        try (LiteMem mem = stores.open("fts.db")) {
            mem.collection("notes").upsertAll(notes(20));
            // A row in the keyword index that no record has: what a missed trigger would leave.
            mem.inTransaction(h -> h.execute("INSERT INTO records_fts (rowid, text) VALUES (999999, 'ghost words')"));
        }
        AssertionFailedError e = assertThrows(AssertionFailedError.class, () -> stores.afterEach(null));
        assertTrue(e.getMessage().contains("fts.db: the keyword index does not match the records"), e.getMessage());
    }

    @Test
    void aDamagedFileFailsTheTestUnlessItIsMarkedDamaged() throws Exception {
        for (boolean marked : new boolean[] {false, true}) {
            TempStores stores = new TempStores();
            stores.beforeEach(null);
            Path file = stores.path("damaged.db");
            try (LiteMem mem = stores.open(file)) {
                mem.collection("notes").upsertAll(notes(400));
            }
            long size = Files.size(file);
            try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
                raf.seek(size / 2); // inside a b-tree page, past the header
                raf.write(new byte[4096]);
            }
            if (marked) {
                stores.damaged(file);
                assertDoesNotThrow(() -> stores.afterEach(null));
            } else {
                AssertionFailedError e = assertThrows(AssertionFailedError.class, () -> stores.afterEach(null));
                assertTrue(e.getMessage().contains("damaged.db"), e.getMessage());
            }
        }
    }

    private static List<Record> notes(int n) {
        List<Record> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(Record.of("n" + i, "note number " + i + " about topic " + (i % 7), Map.of("i", i)));
        }
        return out;
    }
}
