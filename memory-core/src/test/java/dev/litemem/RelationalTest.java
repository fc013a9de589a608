package dev.litemem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.litemem.testing.TempStores;
import java.nio.file.Path;
import java.util.Map;
import org.jdbi.v3.core.statement.StatementException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Users' own tables live in the same file and commit or roll back together with LiteMem writes. */
class RelationalTest {
    @RegisterExtension
    final TempStores stores = new TempStores();

    @Test
    void ownTablesShareTheTransaction() {
        try (LiteMem mem = stores.open(stores.path("rel.db"))) {
            Collection notes = mem.collection("notes");
            mem.inTransaction(h -> {
                h.execute("CREATE TABLE tasks (id TEXT PRIMARY KEY, note_id TEXT, done INTEGER)");
                h.execute("INSERT INTO tasks VALUES ('t1', 'n1', 0)");
                notes.upsert(Record.of("n1", "call the plumber", Map.of()));
                return null;
            });
            assertThrows(IllegalStateException.class, () -> mem.inTransaction(h -> {
                h.execute("INSERT INTO tasks VALUES ('t2', 'n2', 0)");
                notes.upsert(Record.of("n2", "never committed", Map.of()));
                assertTrue(notes.get("n2").isPresent(), "the transaction sees its own write");
                throw new IllegalStateException("abort");
            }));
            assertFalse(notes.get("n2").isPresent());
            long tasks = mem.withReadHandle(h -> h.createQuery("SELECT count(*) FROM tasks").mapTo(Long.class).one());
            assertEquals(1, tasks);
            String joined = mem.withReadHandle(h -> h.createQuery("SELECT r.text FROM tasks t JOIN records r ON r.id = t.note_id")
                    .mapTo(String.class).one());
            assertEquals("call the plumber", joined);
            assertEquals(1, mem.changesSince(0, 10).size(), "the rolled-back write left no change-log entry");
        }
    }

    @Test
    void boundArgumentsStayOutOfExceptionMessages() {
        String secret = "private-user-sentence";
        try (LiteMem mem = stores.open(stores.path("msg.db"))) {
            mem.inTransaction(h -> h.execute("CREATE TABLE t (x TEXT CHECK (length(x) < 5))"));
            RuntimeException e = assertThrows(RuntimeException.class,
                    () -> mem.inTransaction(h -> h.execute("INSERT INTO t VALUES (?)", secret)));
            for (Throwable t = e; t != null; t = t.getCause()) {
                assertFalse(String.valueOf(t.getMessage()).contains(secret), t.toString());
                if (t instanceof StatementException) {
                    return;
                }
            }
        }
    }

    @Test
    void readsOnReadOnlyConnectionsCannotWrite() {
        try (LiteMem mem = stores.open(stores.path("ro.db"))) {
            mem.collection("notes").upsert(Record.of("a", "x", Map.of()));
            assertThrows(LiteMemException.class, () -> mem.withReadHandle(h -> h.execute("DELETE FROM records")));
            assertEquals(1, mem.collection("notes").count());
        }
    }
}
