package dev.litemem.server;

import dev.litemem.Durability;
import dev.litemem.LiteMemOptions;
import dev.litemem.Record;
import dev.litemem.client.Bookmark;
import dev.litemem.client.HttpMemoryClient;
import dev.litemem.client.Query;
import dev.litemem.client.Replica;
import dev.litemem.client.ReplicaStatus;
import dev.litemem.testing.TempStores;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Figures for docs/REPLICAS.md and the closing note, opt-in (about a minute; prints, asserts nothing about speed):
 * <pre>
 * mvn -B -o -pl server -am test -Dtest=ReplicaBenchTest -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dlitemem.bench.replica=true [-Dlitemem.bench.records=5000 -Dlitemem.bench.rate=100 -Dlitemem.bench.seconds=20]
 * </pre>
 * A real server on loopback (FULL durability) with one tenant of N records with 384-d random vectors (an HNSW graph
 * on both sides above 2,000), a following replica (NORMAL durability). Local read vs the same read over HTTP (get by
 * id, vector search k=10), the two sides alternated call by call; then the replication lag (write acknowledged to
 * applied on the replica) under a steady write stream; then bytes of feed answers per row change.
 */
class ReplicaBenchTest {
    static final int DIM = 384;

    @RegisterExtension
    final TempStores stores = new TempStores();

    @Test
    void figures() throws Exception {
        Assumptions.assumeTrue(Boolean.getBoolean("litemem.bench.replica"),
                "opt-in: -Dlitemem.bench.replica=true (figures for the closing note)");
        int records = Integer.getInteger("litemem.bench.records", 5000);
        int rate = Integer.getInteger("litemem.bench.rate", 100);
        int seconds = Integer.getInteger("litemem.bench.seconds", 20);
        Random random = new Random(1);
        try (TestServer s = new TestServer(stores.path("data"))) {
            String key = s.createTenant("bench");
            TestServer.Response made = s.call("PUT", "/v1/tenants/bench/collections/vectors", key,
                    "{\"dimension\": " + DIM + ", \"metric\": \"cosine\"}");
            if (made.status() >= 300) {
                throw new AssertionError(made.body());
            }
            HttpMemoryClient http = new HttpMemoryClient(URI.create(s.server.baseUrl() + "/v1/tenants/bench"), key,
                    Duration.ofSeconds(60));
            for (int from = 0; from < records; from += 500) {
                List<Record> batch = new ArrayList<>();
                for (int i = from; i < Math.min(records, from + 500); i++) {
                    batch.add(Record.builder().id("r" + i).text("record number " + i).metadata(Map.of("i", i))
                            .vector(vector(random)).build());
                }
                http.put("vectors", batch);
            }
            LiteMemOptions local = LiteMemOptions.builder().useBundledEmbedder(false).durability(Durability.NORMAL).build();
            try (Replica replica = Replica.builder(stores.path("replica.db"), URI.create(s.server.baseUrl()), "bench", key)
                    .options(local).readYourWrites(null).open()) {
                replica.sync();
                int warm = 300;
                int n = 2000;
                long[][] get = new long[2][n];
                long[][] search = new long[2][n / 4];
                for (int i = -warm; i < n; i++) {
                    String id = "r" + random.nextInt(records);
                    long a = System.nanoTime();
                    replica.get("vectors", id);
                    long b = System.nanoTime();
                    http.get("vectors", id);
                    long c = System.nanoTime();
                    if (i >= 0) {
                        get[0][i] = b - a;
                        get[1][i] = c - b;
                    }
                }
                for (int i = -warm / 4; i < n / 4; i++) {
                    Query q = Query.vector(vector(random)).k(10).mode("semantic");
                    long a = System.nanoTime();
                    replica.search("vectors", q);
                    long b = System.nanoTime();
                    http.search("vectors", q);
                    long c = System.nanoTime();
                    if (i >= 0) {
                        search[0][i] = b - a;
                        search[1][i] = c - b;
                    }
                }
                System.out.printf("get by id (%d calls each):   replica p50 %s p99 %s | HTTP p50 %s p99 %s%n", n,
                        ms(get[0], 50), ms(get[0], 99), ms(get[1], 50), ms(get[1], 99));
                System.out.printf("vector search k=10 (%d each): replica p50 %s p99 %s | HTTP p50 %s p99 %s%n", n / 4,
                        ms(search[0], 50), ms(search[0], 99), ms(search[1], 50), ms(search[1], 99));

                ReplicaStatus before = replica.status();
                List<Long> lags = java.util.Collections.synchronizedList(new ArrayList<>());
                List<Long> visible = java.util.Collections.synchronizedList(new ArrayList<>());
                ScheduledExecutorService writer = Executors.newSingleThreadScheduledExecutor();
                int[] next = {records};
                writer.scheduleAtFixedRate(() -> {
                    int i = next[0]++;
                    long start = System.nanoTime();
                    replica.put("vectors", Record.builder().id("w" + (i % 2000)).text("written " + i)
                            .metadata(Map.of("i", i)).vector(vector(new Random(i))).build());
                    long acked = System.nanoTime();
                    Bookmark b = Replica.lastBookmark();
                    replica.await(b, Duration.ofSeconds(30));
                    long applied = System.nanoTime();
                    lags.add(applied - acked);
                    visible.add(applied - start);
                }, 0, 1_000_000 / rate, TimeUnit.MICROSECONDS);
                writer.awaitTermination(seconds, TimeUnit.SECONDS);
                writer.shutdown();
                writer.awaitTermination(60, TimeUnit.SECONDS);
                ReplicaStatus after = replica.status();
                long[] lag = lags.stream().mapToLong(Long::longValue).toArray();
                long[] vis = visible.stream().mapToLong(Long::longValue).toArray();
                System.out.printf("replication lag at %d writes/s for %d s (%d writes): ack->applied p50 %s p99 %s;"
                        + " send->visible p50 %s p99 %s%n", rate, seconds, lag.length, ms(lag, 50), ms(lag, 99),
                        ms(vis, 50), ms(vis, 99));
                long bytes = after.bytesReceived() - before.bytesReceived();
                long changes = after.changesReceived() - before.changesReceived();
                System.out.printf("feed bytes per row change (%d-d vector, short text): %d bytes over %d changes = %.0f"
                        + " B/change%n", DIM, bytes, changes, (double) bytes / Math.max(1, changes));
            }
        }
    }

    static float[] vector(Random random) {
        float[] v = new float[DIM];
        for (int i = 0; i < DIM; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return v;
    }

    static String ms(long[] nanos, int percentile) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        int index = Math.min(sorted.length - 1, (int) Math.ceil(percentile / 100.0 * sorted.length) - 1);
        return String.format("%.3f ms", sorted[Math.max(0, index)] / 1e6);
    }
}
