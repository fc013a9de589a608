package dev.litemem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.litemem.index.Metric;
import dev.litemem.testing.TempStores;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A second process holding the write lock makes our writes wait the busy timeout, then fail clearly. */
class MultiProcessTest {
    @RegisterExtension
    final TempStores stores = new TempStores();

    @Test
    void aWriterInAnotherProcessMakesUsWaitThenFailCleanly() throws Exception {
        Path file = stores.path("shared.db");
        LiteMemOptions options = LiteMemOptions.builder().useBundledEmbedder(false).busyTimeout(Duration.ofMillis(500)).build();
        try (LiteMem mem = stores.open(file, options)) {
            Collection c = mem.collection("v", CollectionSpec.vectors(2, Metric.L2));
            c.upsert(Record.builder().id("before").vector(new float[] {1, 1}).build());
            try (ChildJvm other = ChildJvm.start(LockHolder.class, file.toString())) {
                assertEquals("locked", other.readLine());
                long started = System.nanoTime();
                StoreBusyException e = assertThrows(StoreBusyException.class,
                        () -> c.upsert(Record.builder().id("blocked").vector(new float[] {2, 2}).build()));
                long waitedMillis = (System.nanoTime() - started) / 1_000_000;
                assertTrue(waitedMillis >= 400, "waited for the busy timeout, not " + waitedMillis + " ms");
                assertTrue(e.getMessage().contains("500 ms") && e.getMessage().contains("retry"), e.getMessage());
                assertEquals(1, c.count(), "readers are not blocked by the other writer");
                other.process.getOutputStream().close();
                assertEquals("released", other.readLine());
                other.process.waitFor();
            }
            c.upsert(Record.builder().id("after").vector(new float[] {3, 3}).build());
            assertTrue(c.get("before").isPresent() && c.get("after").isPresent() && c.get("blocked").isEmpty());
            assertEquals(1, c.count(Filter.eq(Filter.ID, "from-other-process")));
            assertEquals("ok", Stores.integrityCheck(mem));
        }
    }

    @Test
    void idleStoresHoldNoLock() throws Exception {
        Path file = stores.path("idle.db");
        try (LiteMem mem = stores.open(file, LiteMemOptions.builder().useBundledEmbedder(false).build())) {
            mem.collection("v", CollectionSpec.vectors(2, Metric.L2)).upsert(Record.builder().id("a").vector(new float[] {1, 1}).build());
            try (ChildJvm other = ChildJvm.start(LockHolder.class, file.toString())) {
                assertEquals("locked", other.readLine(), "another process can write while this store is open and idle");
                other.process.getOutputStream().close();
                assertEquals("released", other.readLine());
            }
            assertEquals(Map.of(), mem.collection("v").get("a").orElseThrow().metadata());
        }
    }
}
