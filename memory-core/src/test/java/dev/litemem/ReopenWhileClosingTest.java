package dev.litemem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.litemem.testing.TempStores;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Stores opened on a file while other stores on it close (a server's evicted tenant closing while a request opens it
 * again): the last connection's close checkpoints the WAL and deletes it, which the opening store's file check may
 * see half-way (the log there, then gone). That is not an error, and no open may fail for it.
 */
class ReopenWhileClosingTest {
    @RegisterExtension
    final TempStores stores = new TempStores();

    @Test
    void storesOpenWhileOthersOnTheSameFileCloseAndDeleteTheirLog() throws Exception {
        Path file = stores.path("busy.db");
        try (LiteMem mem = stores.open(file)) {
            mem.collection("notes").upsert(Record.of("a", "text", Map.of()));
        }
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        AtomicInteger opens = new AtomicInteger();
        long deadline = System.nanoTime() + 2_000_000_000L;
        List<Thread> threads = new java.util.ArrayList<>();
        for (int t = 0; t < 3; t++) {
            Thread thread = new Thread(() -> {
                while (System.nanoTime() < deadline && failures.isEmpty()) {
                    try (LiteMem mem = stores.open(file)) {
                        // A read leaves a WAL (and a write a non-empty one) that the close removes.
                        mem.collection("notes").get("a");
                        opens.incrementAndGet();
                    } catch (RuntimeException e) {
                        failures.add(e);
                    }
                }
            });
            thread.start();
            threads.add(thread);
        }
        for (Thread thread : threads) {
            thread.join();
        }
        assertEquals(List.of(), failures.stream().map(Throwable::toString).toList());
        assertTrue(opens.get() > 100, "too few opens to mean anything: " + opens.get());
    }
}
