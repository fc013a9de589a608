package dev.litemem.ledger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.litemem.Collection;
import dev.litemem.CollectionSpec;
import dev.litemem.LedgerEntry;
import dev.litemem.LedgerPolicy;
import dev.litemem.LiteMem;
import dev.litemem.LiteMemOptions;
import dev.litemem.Record;
import dev.litemem.Actor;
import dev.litemem.index.Metric;
import dev.litemem.ledger.testing.PostgresCluster;
import dev.litemem.testing.TempStores;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Exactly once under crashes: the shipper SIGKILLed at random moments while agents write, and PostgreSQL stopped the
 * way a crash stops it in the middle of a drain. Afterwards the ledger holds every outbox change of the file exactly
 * once, in order, with no gaps, and nothing that was rolled back.
 *
 * <p>The kill test runs as many kills as fit in {@code litemem.test.shipperKillSeconds} (default 60) up to
 * {@code litemem.test.shipperKills} (default 200), and at least 10; run all 200 with
 * {@code -Dlitemem.test.shipperKillSeconds=600}.
 */
class ShipperCrashTest {
    private static final int KILLS = Integer.getInteger("litemem.test.shipperKills", 200);
    private static final int SECONDS = Integer.getInteger("litemem.test.shipperKillSeconds", 60);
    private static final int MIN_KILLS = Math.min(KILLS, 10);

    @RegisterExtension
    static final PostgresCluster pg = new PostgresCluster();

    @RegisterExtension
    final TempStores stores = new TempStores();

    /** Agents writing while the shipper runs: a shipped collection, a scratch one, events, and rollbacks. */
    private static final class Agents implements AutoCloseable {
        private final Semaphore permits = new Semaphore(0);
        private final List<Thread> threads = new ArrayList<>();
        private final AtomicReference<Throwable> failure = new AtomicReference<>();
        private volatile boolean stopping;

        Agents(LiteMem mem, int count) {
            Collection shipped = mem.collection("orders", CollectionSpec.vectors(2, Metric.COSINE), LedgerPolicy.ALL);
            Collection scratch = mem.collection("scratch", CollectionSpec.vectors(2, Metric.COSINE), LedgerPolicy.NONE);
            for (int a = 0; a < count; a++) {
                int agent = a;
                Thread t = new Thread(() -> {
                    Random random = new Random(agent);
                    Collection mine = shipped.as(Actor.of("agent-" + agent));
                    int n = 0;
                    try {
                        while (true) {
                            permits.acquire();
                            if (stopping) {
                                return;
                            }
                            n++;
                            String id = "a" + agent + "-" + random.nextInt(50);
                            switch (random.nextInt(6)) {
                                case 0 -> mine.delete(id);
                                case 1 -> scratch.upsert(rec("s" + n, "scratch"));
                                case 2 -> mem.ledger().append("order.checked", "{\"agent\": " + agent + ", \"n\": " + n + "}");
                                case 3 -> {
                                    int k = n;
                                    try {
                                        mem.inTransaction(h -> {
                                            mine.upsert(rec("rolled-back-" + k, "never"));
                                            mem.ledger().append("never.happened", "{}");
                                            throw new IllegalStateException("rollback");
                                        });
                                    } catch (IllegalStateException expected) {
                                        // The point: neither change may reach the ledger.
                                    }
                                }
                                default -> mine.upsert(rec(id, "order " + n));
                            }
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                }, "agent-" + a);
                t.start();
                threads.add(t);
            }
        }

        void write(int changes) {
            permits.release(changes);
        }

        @Override
        public void close() throws InterruptedException {
            stopping = true;
            permits.release(10_000);
            for (Thread t : threads) {
                t.join();
            }
        }
    }

    private static Record rec(String id, String text) {
        return Record.builder().id(id).text(text).vector(new float[] {1, id.length()}).build();
    }

    private static Process startChild(String url, Path file, int batch) throws Exception {
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-XX:+UseSerialGC", "-Xmx128m",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-cp", System.getProperty("java.class.path"), ShipperChild.class.getName(), url, file.toString(), "acme",
                Integer.toString(batch));
        return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    }

    @Test
    @Timeout(value = 15, unit = TimeUnit.MINUTES)
    void theShipperKilledAtRandomMomentsWhileAgentsWriteLosesAndDuplicatesNothing() throws Exception {
        Path file = stores.path("acme.db");
        Random random = new Random(20261129);
        int kills = 0;
        int killedMidBatchStream = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(SECONDS);
        try (LiteMem mem = stores.open(file, LiteMemOptions.builder().useBundledEmbedder(false).build());
             Agents agents = new Agents(mem, 2)) {
            agents.write(200);
            // At least MIN_KILLS whatever the machine's speed, then as many as fit in the budget.
            while (kills < KILLS && (kills < MIN_KILLS || System.nanoTime() < deadline)) {
                Process child = startChild(pg.jdbcUrl(), file, 1 + random.nextInt(40));
                try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    assertEquals("started", out.readLine(), "the child shipper did not start");
                    agents.write(20 + random.nextInt(40));
                    Collection orders = mem.collection("orders");
                    // Kill right away, or after 1 to 4 committed batches: the kill lands wherever the child is then
                    // (reading the file, inside a PostgreSQL transaction, between commit and hint, connecting).
                    int batches = random.nextInt(5);
                    for (int b = 0; b < batches; b++) {
                        // At least one change the child must ship, whatever the agents' writes turned out to be.
                        orders.upsert(rec("sure-" + kills + "-" + b, "to ship"));
                        String line = out.readLine();
                        assertNotNull(line, "the child shipper exited by itself");
                        agents.write(random.nextInt(10));
                    }
                    if (batches > 0) {
                        killedMidBatchStream++;
                    }
                    child.destroyForcibly();
                    assertTrue(child.waitFor(30, TimeUnit.SECONDS));
                }
                kills++;
            }
            agents.close();
            assertEquals(null, agents.failure.get(), "an agent failed");
            // One last clean drain, then the ledger must equal the outbox.
            try (Shipper shipper = new Shipper(LedgerDatabase.of(pg.jdbcUrl()))) {
                shipper.ship("acme", mem);
            }
            assertLedgerEqualsOutbox(mem, "acme");
        }
        System.out.printf("ShipperCrashTest: %d SIGKILLs of the shipper (%d after 1-4 committed batches) in %d s budget%n",
                kills, killedMidBatchStream, SECONDS);
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void postgresStoppedImmediatelyMidDrainAndRestartedLosesAndDuplicatesNothing() throws Exception {
        try (LiteMem mem = stores.open(stores.path("drain.db"), LiteMemOptions.builder().useBundledEmbedder(false).build())) {
            Collection orders = mem.collection("orders", CollectionSpec.vectors(2, Metric.COSINE), LedgerPolicy.ALL);
            for (int batch = 0; batch < 20; batch++) {
                List<Record> records = new ArrayList<>();
                for (int i = 0; i < 1_000; i++) {
                    records.add(rec("o" + batch + "-" + i, "order"));
                }
                orders.upsertAll(records);
            }
            AtomicInteger committed = new AtomicInteger();
            CountDownLatch someIn = new CountDownLatch(3);
            Semaphore restarted = new Semaphore(0);
            AtomicInteger failures = new AtomicInteger();
            AtomicReference<Throwable> unexpected = new AtomicReference<>();
            LedgerDatabase db = LedgerDatabase.of(pg.jdbcUrl());
            Thread drainer = new Thread(() -> {
                try (Shipper shipper = new Shipper(db, 250, (t, i, p, n) -> {
                    committed.incrementAndGet();
                    someIn.countDown();
                })) {
                    while (true) {
                        try {
                            shipper.ship("drain", mem);
                            return;
                        } catch (LedgerException e) {
                            failures.incrementAndGet();
                            restarted.acquire();
                        }
                    }
                } catch (Throwable e) {
                    unexpected.set(e);
                }
            }, "drainer");
            drainer.start();
            assertTrue(someIn.await(60, TimeUnit.SECONDS), "no batch committed");
            pg.stopImmediately();
            pg.restart();
            restarted.release(100);
            drainer.join(120_000);
            assertEquals(null, unexpected.get());
            assertTrue(failures.get() >= 1 || committed.get() == 80, "the stop was not noticed");
            System.out.printf("ShipperCrashTest: PostgreSQL stopped -m immediate after %d committed batches;"
                    + " %d failed pass(es), then drained%n", someIn.getCount() == 0 ? 3 : 0, failures.get());
            assertLedgerEqualsOutbox(mem, "drain");
        }
    }

    /** The ledger of (tenant, incarnation) holds exactly the file's outbox: same seqs in order, same hashes. */
    private static void assertLedgerEqualsOutbox(LiteMem mem, String tenant) throws Exception {
        List<LedgerEntry> outbox = new ArrayList<>();
        for (long after = 0; ; ) {
            List<LedgerEntry> page = mem.ledger().outbox(after, 10_000);
            if (page.isEmpty()) {
                break;
            }
            outbox.addAll(page);
            after = page.get(page.size() - 1).seq();
        }
        String incarnation = mem.incarnation();
        try (Connection c = pg.connect()) {
            List<Long> seqs = LedgerRows.seqs(c, tenant, incarnation);
            assertEquals(outbox.size(), seqs.size(), "events in the ledger vs the outbox");
            assertEquals(outbox.stream().map(LedgerEntry::seq).toList(), seqs, "the same seqs, none twice, none missing");
            assertEquals(outbox.get(outbox.size() - 1).seq(), LedgerRows.cursor(c, tenant, incarnation));
            assertEquals(0, LedgerRows.count(c, "SELECT count(*) FROM litemem.events WHERE tenant = '" + tenant
                    + "' AND (record_id LIKE 'rolled-back-%' OR type = 'never.happened' OR collection = 'scratch')"));
            try (PreparedStatement s = c.prepareStatement("SELECT after_sha256 FROM litemem.events WHERE tenant = ?"
                    + " AND incarnation = ? ORDER BY seq")) {
                s.setString(1, tenant);
                s.setString(2, incarnation);
                try (ResultSet rs = s.executeQuery()) {
                    for (LedgerEntry e : outbox) {
                        assertTrue(rs.next());
                        assertArrayEquals(e.afterSha256(), rs.getBytes(1), "seq " + e.seq());
                    }
                }
            }
        }
        assertTrue(outbox.size() > 0);
    }
}
