package dev.litemem.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.litemem.LiteMem;
import dev.litemem.LiteMemOptions;
import dev.litemem.ledger.testing.PostgresCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opt-in throughput figure (docs/LEDGER.md): TENANTS tenant files of EVENTS outbox events each drained into PostgreSQL,
 * then the lag while 8 writers keep writing. Run:
 *
 * <pre>
 * mvn -B -pl ledger -am test -Dtest=LedgerThroughputTest -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dlitemem.bench.ledger=true -Dlitemem.test.pgFsync=on [-Dlitemem.bench.tenants=1000 -Dlitemem.bench.events=1000]
 * </pre>
 */
class LedgerThroughputTest {
    private static final int TENANTS = Integer.getInteger("litemem.bench.tenants", 1000);
    private static final int EVENTS = Integer.getInteger("litemem.bench.events", 1000);
    private static final int CONCURRENCY = Integer.getInteger("litemem.bench.concurrency", 4);

    @RegisterExtension
    static final PostgresCluster pg = new PostgresCluster();

    @TempDir
    Path dir;

    @Test
    void drainThousandsOfTenantsThenLagUnderWriters() throws Exception {
        Assumptions.assumeTrue(Boolean.getBoolean("litemem.bench.ledger"),
                "opt-in: -Dlitemem.bench.ledger=true (minutes; figures for the closing note)");
        Path tenants = Files.createDirectories(dir.resolve("tenants"));
        LiteMemOptions options = LiteMemOptions.builder().useBundledEmbedder(false).backgroundIndexing(false)
                .readerConnections(1).durability(dev.litemem.Durability.NORMAL).build();
        long prepared = System.nanoTime();
        String payload = "{\"invoice\": \"inv-000000\", \"amount\": 1234.5, \"currency\": \"EUR\", \"approved_by\": \"alice\"}";
        for (int t = 0; t < TENANTS; t++) {
            try (LiteMem mem = LiteMem.open(tenants.resolve(String.format("t%05d.db", t)), options)) {
                mem.inTransaction(h -> {
                    for (int e = 0; e < EVENTS; e++) {
                        mem.ledger().append("invoice.approved", payload);
                    }
                    return null;
                });
            }
        }
        System.out.printf("LedgerThroughput: prepared %d tenants x %d events in %.1f s%n", TENANTS, EVENTS,
                (System.nanoTime() - prepared) / 1e9);

        LedgerDatabase db = LedgerDatabase.of(pg.jdbcUrl());
        TenantFiles files = TenantFiles.dataFolder(dir);
        long sent;
        long started = System.nanoTime();
        try (TenantShipping shipping = new TenantShipping(db, CONCURRENCY, Shipper.DEFAULT_BATCH)) {
            sent = shipping.shipAll(files).stream().mapToLong(TenantShipping.Result::shipped).sum();
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        assertEquals((long) TENANTS * EVENTS, sent);
        try (Connection c = pg.connect()) {
            assertEquals((long) TENANTS * EVENTS, LedgerRows.count(c, "SELECT count(*) FROM litemem.events"));
        }
        System.out.printf("LedgerThroughput: drained %,d events of %d tenants in %.1f s: %,.0f events/s"
                        + " (concurrency %d, batch %d, fsync %s)%n", sent, TENANTS, seconds, sent / seconds, CONCURRENCY,
                Shipper.DEFAULT_BATCH, System.getProperty("litemem.test.pgFsync", "off"));

        // Lag while 8 writers keep writing (each an agent appending events to random tenants, one per transaction).
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong written = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> writers = new ArrayList<>();
        int hot = Math.min(TENANTS, 100);
        List<LiteMem> open = new ArrayList<>();
        for (int t = 0; t < hot; t++) {
            open.add(LiteMem.open(tenants.resolve(String.format("t%05d.db", t)), options));
        }
        for (int w = 0; w < 8; w++) {
            int seed = w;
            Thread thread = new Thread(() -> {
                Random random = new Random(seed);
                try {
                    while (!stop.get()) {
                        open.get(random.nextInt(hot)).ledger().append("order.placed", payload);
                        written.incrementAndGet();
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }, "writer-" + w);
            thread.start();
            writers.add(thread);
        }
        List<Double> lagSeconds = new ArrayList<>();
        List<Long> lagEvents = new ArrayList<>();
        long shippedUnderLoad = 0;
        long loadStarted = System.nanoTime();
        try (TenantShipping shipping = new TenantShipping(db, CONCURRENCY, Shipper.DEFAULT_BATCH)) {
            TenantShipping.Tenants hotFiles = new HotTenants(files, hot);
            while (System.nanoTime() - loadStarted < Duration.ofSeconds(30).toNanos()) {
                List<TenantShipping.Result> pass = shipping.shipAll(hotFiles);
                double worstSeconds = 0;
                long behind = 0;
                for (TenantShipping.Result r : pass) {
                    shippedUnderLoad += r.shipped();
                    behind += Math.max(0, r.eventsBehind());
                    worstSeconds = Math.max(worstSeconds, r.secondsBehind());
                }
                lagSeconds.add(worstSeconds);
                lagEvents.add(behind);
            }
        } finally {
            stop.set(true);
            for (Thread t : writers) {
                t.join();
            }
            for (LiteMem m : open) {
                m.close();
            }
        }
        double loadSeconds = (System.nanoTime() - loadStarted) / 1e9;
        lagSeconds.sort(null);
        lagEvents.sort(null);
        System.out.printf("LedgerThroughput: 8 writers wrote %,d events in %.0f s (%,.0f/s) over %d tenants; shipped %,d;"
                        + " per pass: events behind median %d, max %d; oldest pending median %.2f s, max %.2f s (%d passes)%n",
                written.get(), loadSeconds, written.get() / loadSeconds, hot, shippedUnderLoad,
                lagEvents.get(lagEvents.size() / 2), lagEvents.get(lagEvents.size() - 1),
                lagSeconds.get(lagSeconds.size() / 2), lagSeconds.get(lagSeconds.size() - 1), lagSeconds.size());
        assertEquals(null, failure.get());
    }

    /** The first {@code n} tenants of a folder: where the writers write. */
    private static final class HotTenants extends TenantFilesView {
        HotTenants(TenantFiles all, int n) {
            super(all, all.names().subList(0, n));
        }
    }
}
