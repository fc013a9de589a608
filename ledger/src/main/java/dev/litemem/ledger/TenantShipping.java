package dev.litemem.ledger;

import dev.litemem.LiteMem;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ships many tenants with bounded concurrency: at most {@code concurrency} tenants at once, each worker with its own
 * {@link Shipper} (one PostgreSQL connection). One tenant's failure is logged and reported in the pass's result and
 * never stops the others. Passes are run by the caller (the CLI's loop, the server's periodic task): a plain method,
 * so that the work can move onto any executor.
 */
public final class TenantShipping implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TenantShipping.class);

    /** Where the tenants are and how to reach a tenant's open store. */
    public interface Tenants {
        /** The tenants to ship, by name. */
        List<String> names();

        /** Runs {@code work} on the tenant's store (opened for it, or the one already open), and returns its result. */
        <T> T withStore(String tenant, Function<LiteMem, T> work);
    }

    /**
     * What one pass did for one tenant.
     *
     * @param shipped       events sent in this pass
     * @param eventsBehind  outbox changes not yet in the ledger when the pass reached the tenant (-1 if unknown)
     * @param secondsBehind the age of the oldest of them then (0 when none)
     * @param error         why the tenant failed, or null
     */
    public record Result(String tenant, long shipped, long eventsBehind, double secondsBehind, String error) {
    }

    private final ExecutorService workers;
    private final BlockingQueue<Shipper> shippers;

    public TenantShipping(LedgerDatabase database, int concurrency, int batchSize) {
        this(database, concurrency, batchSize, null);
    }

    /** @param listener told of every committed batch (from the worker threads), or null */
    public TenantShipping(LedgerDatabase database, int concurrency, int batchSize, Shipper.BatchListener listener) {
        if (concurrency < 1 || concurrency > 256) {
            throw new LedgerException("the shipping concurrency must be between 1 and 256, was " + concurrency);
        }
        this.shippers = new ArrayBlockingQueue<>(concurrency);
        for (int i = 0; i < concurrency; i++) {
            shippers.add(new Shipper(database, batchSize, listener));
        }
        int[] n = {0};
        this.workers = Executors.newFixedThreadPool(concurrency, r -> {
            Thread t = new Thread(r, "litemem-ledger-" + (++n[0]));
            t.setDaemon(true);
            return t;
        });
    }

    /** Ships every tenant once (what is in their outboxes now); returns each tenant's result, in name order given. */
    public List<Result> shipAll(Tenants tenants) {
        return runAll(tenants, (shipper, tenant) -> {
            long shipped = tenants.withStore(tenant, mem -> shipper.ship(tenant, mem));
            dev.litemem.OutboxStatus found = shipper.lastFound();
            return new Result(tenant, shipped, found == null ? -1 : found.pending(),
                    found == null ? 0 : found.secondsBehind(java.time.Instant.now()), null);
        }, (tenant, error) -> new Result(tenant, 0, -1, 0, error));
    }

    /** Every tenant's lag; a tenant that cannot be read has its error instead. */
    public List<TenantLag> lag(Tenants tenants) {
        return runAll(tenants, (shipper, tenant) -> tenants.withStore(tenant, mem -> shipper.lag(tenant, mem)),
                (tenant, error) -> new TenantLag(tenant, null, -1, -1, -1, error));
    }

    private interface Work<T> {
        T run(Shipper shipper, String tenant);
    }

    private <T> List<T> runAll(Tenants tenants, Work<T> work, java.util.function.BiFunction<String, String, T> failed) {
        Map<String, Future<T>> futures = new LinkedHashMap<>();
        for (String tenant : tenants.names()) {
            futures.put(tenant, workers.submit(() -> {
                Shipper shipper = shippers.take();
                try {
                    return work.run(shipper, tenant);
                } catch (RuntimeException e) {
                    LOG.warn("Ledger: tenant '{}' failed, the others go on: {}", tenant, e.getMessage());
                    return failed.apply(tenant, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
                } finally {
                    shippers.add(shipper);
                }
            }));
        }
        List<T> results = new ArrayList<>();
        for (Map.Entry<String, Future<T>> f : futures.entrySet()) {
            try {
                results.add(f.getValue().get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LedgerException("interrupted while shipping", e);
            } catch (ExecutionException e) {
                results.add(failed.apply(f.getKey(), String.valueOf(e.getCause())));
            }
        }
        return results;
    }

    @Override
    public void close() {
        workers.shutdownNow();
        for (Shipper s : shippers) {
            s.close();
        }
    }
}
