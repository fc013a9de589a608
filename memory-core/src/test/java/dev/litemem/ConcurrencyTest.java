package dev.litemem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.litemem.index.Metric;
import dev.litemem.testing.TempStores;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Many threads through one instance: no SQLITE_BUSY, no lost acknowledged write, readers see consistent rows. */
class ConcurrencyTest {
    private static final Duration RUN_FOR = Duration.ofSeconds(3);
    /** Each thread goes through every kind of operation a few times, however slow the machine. */
    private static final int MIN_ROUNDS = 16;
    @RegisterExtension
    final TempStores stores = new TempStores();

    @Test
    void eightThreadsWritingAndReadingLoseNothing() throws Exception {
        Path file = stores.path("busy.db");
        ConcurrentLinkedQueue<String> acknowledged = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<String> deleted = new ConcurrentLinkedQueue<>();
        int reads;
        try (LiteMem mem = stores.open(file)) {
            Collection c = mem.collection("v", CollectionSpec.vectors(8, Metric.COSINE));
            ExecutorService pool = Executors.newFixedThreadPool(8);
            CountDownLatch start = new CountDownLatch(1);
            long deadline = System.nanoTime() + RUN_FOR.toNanos();
            List<Future<Integer>> futures = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    Random random = new Random(thread);
                    start.await();
                    int ops = 0;
                    for (int i = 0; i < MIN_ROUNDS || System.nanoTime() < deadline; i++) {
                        String id = "t" + thread + "-" + i;
                        switch (i % 4) {
                            case 0, 1 -> {
                                c.upsert(Record.builder().id(id).vector(Stores.randomVector(random, 8))
                                        .metadata(Map.of("thread", thread)).build());
                                acknowledged.add(id);
                            }
                            case 2 -> {
                                List<Record> batch = new ArrayList<>();
                                for (int j = 0; j < 5; j++) {
                                    batch.add(Record.builder().id(id + "-" + j).vector(Stores.randomVector(random, 8)).build());
                                }
                                c.upsertAll(batch);
                                batch.forEach(r -> acknowledged.add(r.id()));
                            }
                            default -> {
                                String previous = "t" + thread + "-" + (i - 3);
                                assertTrue(c.get(previous).isPresent(), "a thread reads its own acknowledged write");
                                if (i % 8 == 3 && c.delete(previous)) {
                                    deleted.add(previous);
                                }
                                assertEquals(5, c.search(Stores.randomVector(random, 8), 5).size());
                                c.count(Filter.eq("thread", thread));
                            }
                        }
                        ops++;
                    }
                    return ops;
                }));
            }
            start.countDown();
            reads = 0;
            for (Future<Integer> f : futures) {
                reads += f.get(RUN_FOR.toSeconds() + 60, TimeUnit.SECONDS);
            }
            pool.shutdown();
        }
        assertTrue(reads >= 8 * MIN_ROUNDS, "the threads did work: " + reads);
        try (LiteMem mem = stores.open(file)) {
            Collection c = mem.collection("v");
            for (String id : acknowledged) {
                assertEquals(!deleted.contains(id), c.get(id).isPresent(), id);
            }
            assertEquals(acknowledged.size() - deleted.size(), c.count());
            assertEquals("ok", Stores.integrityCheck(mem));
        }
    }
}
