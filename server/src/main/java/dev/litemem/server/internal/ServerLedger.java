package dev.litemem.server.internal;

import dev.litemem.LiteMem;
import dev.litemem.ledger.LedgerDatabase;
import dev.litemem.ledger.ShipLoop;
import dev.litemem.ledger.TenantShipping;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's shipper ({@code --ledger URL}): passes over every tenant with bounded concurrency on a thread of its
 * own ("litemem-ledger"; the pass is a Runnable, ready to move onto a shared maintenance executor), each tenant through
 * a lease of the tenant cache, one tenant's failure never stopping the others (a failing tenant is tried again after
 * a backoff of 1 s, doubling up to 60 s). A tenant that is not open and whose files have not changed since a pass
 * left nothing pending is skipped. Lag per tenant in /metrics.
 */
public final class ServerLedger implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ServerLedger.class);
    private final Api api;
    private final TenantShipping shipping;
    private final ShipLoop loop;
    private final Thread thread;
    private final Map<String, Lag> lags = new ConcurrentHashMap<>();
    /** Per tenant: the files' sizes and times when a pass last left it with nothing pending. */
    private final Map<String, String> quiet = new ConcurrentHashMap<>();
    /** Per failing tenant: its consecutive failures and when to try it again (backoff 1 s doubling to 60 s). */
    private final Map<String, long[]> failing = new ConcurrentHashMap<>();
    private final Counter shipped;
    private final Counter failures;

    private static final class Lag {
        volatile long events;
        volatile double seconds;
    }

    public ServerLedger(Api api, String url, int concurrency, Duration poll) {
        this.api = api;
        LedgerDatabase db = LedgerDatabase.of(url);
        db.check(); // a wrong URL or a refused schema stops the start, with the reason
        this.shipping = new TenantShipping(db, concurrency, dev.litemem.ledger.Shipper.DEFAULT_BATCH);
        MeterRegistry registry = api.metrics.registry;
        this.shipped = Counter.builder("litemem_ledger_events_shipped").description("events shipped to the ledger")
                .register(registry);
        this.failures = Counter.builder("litemem_ledger_tenant_failures")
                .description("tenant passes that failed (the other tenants went on)").register(registry);
        this.loop = new ShipLoop(shipping, new CachedTenants(), poll, this::record);
        this.thread = new Thread(loop, "litemem-ledger");
        this.thread.setDaemon(true);
        this.thread.start();
        LOG.info("Shipping every tenant's outbox to {} ({} at once)", db.url().display(), concurrency);
    }

    private void record(List<TenantShipping.Result> results) {
        for (TenantShipping.Result r : results) {
            if (r.error() != null) {
                failures.increment();
                quiet.remove(r.tenant());
                long[] f = failing.computeIfAbsent(r.tenant(), t -> new long[2]);
                f[0]++;
                long backoff = Math.min(60_000, 1_000L << Math.min(6, f[0] - 1));
                f[1] = System.nanoTime() + backoff * 1_000_000;
                continue;
            }
            failing.remove(r.tenant());
            shipped.increment(r.shipped());
            Lag lag = lags.computeIfAbsent(r.tenant(), t -> {
                Lag l = new Lag();
                Gauge.builder("litemem_ledger_events_behind", l, x -> x.events).tag("tenant", t)
                        .description("outbox changes not yet in the ledger when the last pass reached the tenant")
                        .register(api.metrics.registry);
                Gauge.builder("litemem_ledger_seconds_behind", l, x -> x.seconds).tag("tenant", t)
                        .description("age of the oldest of them").register(api.metrics.registry);
                return l;
            });
            lag.events = Math.max(0, r.eventsBehind());
            lag.seconds = r.secondsBehind();
        }
    }

    /** The tenants of the data folder, each through a lease of the server's cache. */
    private final class CachedTenants implements TenantShipping.Tenants {
        @Override
        public List<String> names() {
            List<String> changed = new ArrayList<>();
            long now = System.nanoTime();
            for (String name : api.keys.list(null, Integer.MAX_VALUE - 1)) {
                long[] f = failing.get(name);
                if (f != null && now - f[1] < 0) {
                    continue; // failed recently: tried again after its backoff, so it does not flood the log
                }
                // An open tenant is always looked at (its writes may not show in the files' times yet); a closed one
                // only when its files changed since it was last drained.
                String stamp = api.cache.isOpen(name) ? null : stamp(name);
                if (stamp == null || !stamp.equals(quiet.get(name))) {
                    changed.add(name);
                } else {
                    LOG.debug("Ledger: tenant '{}' unchanged since it was last drained ({}), skipped", name, stamp);
                }
            }
            return changed;
        }

        @Override
        public <T> T withStore(String tenant, Function<LiteMem, T> work) {
            String before = stamp(tenant);
            try (TenantCache.Lease lease = api.cache.acquire(tenant)) {
                T result = work.apply(lease.mem());
                long pending = lease.mem().ledger().status(lease.mem().ledger().shippedHint()).pending();
                LOG.debug("Ledger: tenant '{}' pass done, {} pending, stamp before {}", tenant, pending, before);
                if (pending == 0) {
                    // Nothing left: skip the tenant until its files change (the stamp from before the pass, so a
                    // write made during it is seen next time).
                    if (before != null) {
                        quiet.put(tenant, before);
                    }
                } else {
                    quiet.remove(tenant);
                }
                return result;
            }
        }

        private String stamp(String tenant) {
            Path db = api.keys.dbFile(tenant);
            Path wal = db.resolveSibling(db.getFileName() + "-wal");
            try {
                StringBuilder s = new StringBuilder();
                s.append(Files.size(db)).append('/').append(Files.getLastModifiedTime(db).toInstant());
                if (Files.exists(wal)) {
                    s.append('/').append(Files.size(wal)).append('/').append(Files.getLastModifiedTime(wal).toInstant());
                }
                return s.toString();
            } catch (IOException e) {
                return null;
            }
        }
    }

    @Override
    public void close() {
        loop.stop();
        try {
            thread.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        shipping.close();
    }
}
