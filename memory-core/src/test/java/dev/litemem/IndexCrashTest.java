package dev.litemem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.litemem.testing.TempStores;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A child JVM that writes, deletes and checkpoints is killed with SIGKILL at random moments; every reopen yields an
 * index holding exactly the live rows, and a file that passes integrity_check. -Dlitemem.crash.kills=N runs longer.
 */
class IndexCrashTest {
    private static final int KILLS = Integer.getInteger("litemem.crash.kills", 50);
    @RegisterExtension
    final TempStores stores = new TempStores();

    @Test
    void theIndexAlwaysReopensToExactlyTheLiveRows() throws Exception {
        Path file = stores.path("index-crash.db");
        Random random = new Random(2024);
        for (int kill = 0; kill < KILLS; kill++) {
            try (ChildJvm child = ChildJvm.start(IndexChurner.class, file.toString(), String.valueOf(kill))) {
                assertEquals("ready", child.readLine(), "the churner started");
                // Kill somewhere in writes, deletes, replays or checkpoints.
                int lines = random.nextInt(40);
                for (int i = 0; i < lines && child.readLine() != null; i++) {
                    // Each line is one acknowledged batch.
                }
                child.process.waitFor(random.nextInt(30), TimeUnit.MILLISECONDS);
                child.kill();
            }
            assertLiveRowsExactly(file);
        }
    }

    private void assertLiveRowsExactly(Path file) {
        try (LiteMem mem = stores.open(file, LiteMemOptions.builder().useBundledEmbedder(false).build())) {
            assertEquals("ok", Stores.integrityCheck(mem));
            if (mem.collections().isEmpty()) {
                return;
            }
            Collection c = mem.collection("v");
            IndexStats stats = c.loadIndex();
            Set<String> rows = new HashSet<>();
            String cursor = null;
            do {
                Page<Record> page = c.list(cursor, 10_000);
                page.items().forEach(r -> rows.add(r.id()));
                cursor = page.nextCursor();
            } while (cursor != null);
            assertEquals(rows.size(), stats.size(), "index size vs live rows (" + stats.source() + ")");
            if (rows.isEmpty()) {
                return;
            }
            List<Hit> all = c.search(SearchRequest.vector(IndexChurner.probe()).k(rows.size()).exact(true));
            assertEquals(rows, IndexCheckpointTest.ids(all), "the index returns exactly the live rows");
            List<Hit> graph = c.search(SearchRequest.vector(IndexChurner.probe()).k(Math.min(10, rows.size())));
            graph.forEach(h -> assertTrue(rows.contains(h.record().id())));
        }
    }
}
