package dev.litemem.server.internal;

import dev.litemem.CollectionSpec;
import dev.litemem.Durability;
import dev.litemem.LiteMem;
import dev.litemem.LiteMemOptions;
import dev.litemem.Record;
import dev.litemem.index.Metric;
import io.javalin.Javalin;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the path of a cold tenant's first query before the server listens, so the first real requests after a restart
 * do not run interpreted code while the JIT compiles it (docs/SERVER.md, "Cold tenants"): a scratch server on a
 * scratch data folder in the system's temporary folder (a few tenants of 200 vectors, fewer open at once than there
 * are, so every query opens a tenant: check, open, search, close) on a loopback port, then stopped and its folder
 * deleted. It touches nothing of the real data folder and loads no embedding model.
 *
 * <p>How long: until the JIT has caught up, at most the time given. First {@link #BUSY_CLIENTS} client threads at
 * once for {@link #BUSY_MILLIS} (more requests than search permits: the queueing paths run too), then one, which
 * leaves the compiler threads a core: compiled code is installed only for methods still in use, so a warm-up that
 * keeps every core busy and then stops leaves the compile queue behind it, and the first real requests pay for it.
 * Caught up means the compilers spent under {@link #SETTLED_PERCENT}% of {@link #WINDOW_MILLIS} ms windows, twice
 * in a row ({@link java.lang.management.CompilationMXBean}; a JVM without it runs until the time given).
 */
public final class WarmUp {
    private static final Logger LOG = LoggerFactory.getLogger(WarmUp.class);
    private static final int TENANTS = 6;
    private static final int OPEN_AT_ONCE = 2;
    private static final int RECORDS = 200;
    private static final int DIMENSION = 384;
    static final int BUSY_CLIENTS = 8;
    static final long BUSY_MILLIS = 1_000;
    static final long WINDOW_MILLIS = 250;
    static final int SETTLED_PERCENT = 5;
    static final int REQUESTS_PER_CONNECTION = 16;
    private static final String ADMIN_KEY = "litemem-warm-up-admin-key";

    /** What a warm-up did: first queries answered, failed ones, its wall time, and whether the JIT caught up. */
    public record Result(int queries, int errors, long millis, boolean settled) {
    }

    private WarmUp() {
    }

    /**
     * Runs first queries until the JIT has caught up or {@code budget} has passed (setting the scratch server up and
     * stopping it add to it). Never throws: a warm-up that fails is logged and the server starts as it would without one.
     */
    public static Result run(Duration budget) {
        long started = System.nanoTime();
        Path dir = null;
        try {
            dir = Files.createTempDirectory("litemem-warm-up-");
            Result r = serve(dir, budget, started);
            LOG.info("Warmed up in {} ms: {} first queries of scratch tenants ({} failed), {}; turn off with"
                    + " ServerConfig.warmUp(Duration.ZERO) or -Dlitemem.server.warmUpMillis=0", r.millis(), r.queries(),
                    r.errors(), r.settled() ? "the JIT caught up" : "stopped at the time limit with the JIT still compiling");
            return r;
        } catch (IOException | RuntimeException e) {
            LOG.warn("The warm-up failed, the server starts without it: {}", e.toString());
            return new Result(0, 1, millisSince(started), false);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(0, 1, millisSince(started), false);
        } finally {
            if (dir != null) {
                delete(dir);
            }
        }
    }

    private static Result serve(Path dir, Duration budget, long started) throws IOException, InterruptedException {
        Path data = dir.resolve("data");
        Durability durability = Durability.NORMAL; // scratch files: no fsync worth waiting for
        DataFolder folder = DataFolder.open(data, Api.creationOptions(durability));
        Api api = new Api(new Api.Limits(1 << 20, 10, 10, 1000, 10, 1000, 1), folder, ADMIN_KEY, null, 1,
                Math.max(1, Runtime.getRuntime().availableProcessors()), OPEN_AT_ONCE, 1L << 30, 1, durability, false);
        try {
            List<String> keys = writeTenants(data, api.keys);
            Javalin app = Javalin.create(c -> {
                c.startup.showJavalinBanner = false;
                c.startup.showOldJavalinVersionWarning = false;
                c.jetty.host = "127.0.0.1";
                c.jetty.port = 0;
                api.configure(c);
                c.jetty.modifyServer(api::configureJetty);
            });
            app.start();
            try {
                api.markReady();
                // The budget is for the queries: setting up (classes loaded, Jetty started) comes on top of it.
                return ask(app.port(), api.keys, keys, budget, started);
            } finally {
                app.stop();
            }
        } finally {
            api.close();
        }
    }

    /** One store of 200 random vectors, copied as every scratch tenant (with a key file each, as the server writes). */
    private static List<String> writeTenants(Path data, TenantKeys keys) throws IOException {
        Path template = data.resolve("warm-up-template.db");
        Random random = new Random(11);
        try (LiteMem mem = LiteMem.open(template, LiteMemOptions.builder().useBundledEmbedder(false)
                .backgroundIndexing(false).durability(Durability.NORMAL).build())) {
            List<Record> records = new ArrayList<>();
            for (int i = 0; i < RECORDS; i++) {
                records.add(Record.builder().id("r" + i).text("note " + i).metadata(java.util.Map.of("n", i))
                        .vector(vector(random)).build());
            }
            mem.collection("notes", CollectionSpec.vectors(DIMENSION, Metric.COSINE)).upsertAll(records);
        }
        List<String> tenantKeys = new ArrayList<>();
        for (int t = 0; t < TENANTS; t++) {
            String name = "warm-up-" + t;
            Files.copy(template, keys.dbFile(name), StandardCopyOption.REPLACE_EXISTING); // in the owner-only tenants folder
            tenantKeys.add(keys.commitNewKey(name));
        }
        Files.delete(template);
        return tenantKeys;
    }

    /**
     * The first query of tenant after tenant (each opened anew: more tenants than may be open), from
     * {@link #BUSY_CLIENTS} threads, then one, until the JIT has caught up or the budget has passed.
     */
    private static Result ask(int port, TenantKeys tenantKeys, List<String> keys, Duration budget, long started)
            throws InterruptedException {
        long begin = System.nanoTime();
        long deadline = begin + budget.toNanos();
        AtomicInteger next = new AtomicInteger();
        AtomicInteger queries = new AtomicInteger();
        AtomicInteger errors = new AtomicInteger();
        // Client i asks while i < allowed; 0 stops them all.
        AtomicInteger allowed = new AtomicInteger(BUSY_CLIENTS);
        List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < BUSY_CLIENTS; c++) {
            int client = c;
            Random random = new Random(c);
            Thread thread = new Thread(() -> {
                try (LoopbackClient http = new LoopbackClient(port, 10_000)) {
                    for (int sent = 0; client < allowed.get() && errors.get() < 10; sent++) {
                        if (sent % REQUESTS_PER_CONNECTION == 0) {
                            // A new connection now and then: the first request of a connection takes branches of
                            // the HTTP parser that later ones skip, and real clients' first requests come on new
                            // connections. Compiled without them, that code would be thrown away on those requests.
                            http.disconnect();
                        }
                        int t = Math.floorMod(next.getAndIncrement(), keys.size());
                        String tenant = "warm-up-" + t;
                        tenantKeys.forgetCached(tenant); // a cold tenant's first query reads its key file
                        try {
                            int status = http.post("/v1/tenants/" + tenant + "/collections/notes/search", keys.get(t),
                                    searchBody(random).getBytes(StandardCharsets.UTF_8)).status();
                            (status == 200 ? queries : errors).incrementAndGet();
                        } catch (IOException | RuntimeException e) {
                            errors.incrementAndGet();
                            http.disconnect();
                        }
                    }
                }
            }, "litemem-warm-up-" + c);
            thread.setDaemon(true);
            thread.start();
            clients.add(thread);
        }
        boolean settled = false;
        try {
            java.lang.management.CompilationMXBean jit = java.lang.management.ManagementFactory.getCompilationMXBean();
            boolean measurable = jit != null && jit.isCompilationTimeMonitoringSupported();
            long compiled = measurable ? jit.getTotalCompilationTime() : 0;
            int quietWindows = 0;
            while (System.nanoTime() < deadline && errors.get() < 10) {
                Thread.sleep(Math.min(WINDOW_MILLIS, Math.max(1, (deadline - System.nanoTime()) / 1_000_000)));
                long busy = (System.nanoTime() - begin) / 1_000_000;
                if (busy >= BUSY_MILLIS) {
                    allowed.set(1);
                }
                if (measurable) {
                    long now = jit.getTotalCompilationTime();
                    // Only windows after the busy phase count: one client is what the compilers get a core beside.
                    quietWindows = busy >= BUSY_MILLIS + WINDOW_MILLIS && (now - compiled) * 100 < SETTLED_PERCENT * WINDOW_MILLIS
                            ? quietWindows + 1 : 0;
                    LOG.debug("Warm-up at {} ms: {} queries, the JIT compiled for {} ms of the last window", busy,
                            queries.get(), now - compiled);
                    compiled = now;
                    if (quietWindows >= 2) {
                        settled = true;
                        break;
                    }
                }
            }
        } finally {
            allowed.set(0);
            for (Thread client : clients) {
                client.join();
            }
        }
        return new Result(queries.get(), errors.get(), millisSince(started), settled);
    }

    private static String searchBody(Random random) {
        StringBuilder b = new StringBuilder("{\"k\": 10, \"vector\": [");
        float[] v = vector(random);
        for (int i = 0; i < v.length; i++) {
            b.append(i == 0 ? "" : ",").append(v[i]);
        }
        return b.append("]}").toString();
    }

    private static float[] vector(Random random) {
        float[] v = new float[DIMENSION];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return v;
    }

    private static void delete(Path dir) {
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            LOG.warn("The warm-up's scratch folder {} could not be deleted: {}", dir, e.toString());
        }
    }

    private static long millisSince(long started) {
        return (System.nanoTime() - started) / 1_000_000;
    }
}
