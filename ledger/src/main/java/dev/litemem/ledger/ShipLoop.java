package dev.litemem.ledger;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Ships passes over the tenants until stopped: after a pass that sent nothing (or failed), it waits the poll interval
 * (or until {@link #wake()}); after a pass that sent something it goes again at once. A {@link Runnable}, so that a
 * caller can run it on a thread of its own or hand single passes ({@link #passOnce()}) to a shared executor.
 */
public final class ShipLoop implements Runnable {
    private final TenantShipping shipping;
    private final TenantShipping.Tenants tenants;
    private final Duration poll;
    private final Consumer<List<TenantShipping.Result>> onPass;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition woken = lock.newCondition();
    private volatile boolean stopping;
    private boolean signalled;

    /** @param onPass told of each pass's results (for output and metrics), or null */
    public ShipLoop(TenantShipping shipping, TenantShipping.Tenants tenants, Duration poll,
                    Consumer<List<TenantShipping.Result>> onPass) {
        this.shipping = shipping;
        this.tenants = tenants;
        this.poll = poll;
        this.onPass = onPass;
    }

    /** One pass over every tenant; returns how many events it sent. */
    public long passOnce() {
        List<TenantShipping.Result> results = shipping.shipAll(tenants);
        if (onPass != null) {
            onPass.accept(results);
        }
        return results.stream().mapToLong(TenantShipping.Result::shipped).sum();
    }

    @Override
    public void run() {
        while (!stopping) {
            long sent;
            try {
                sent = passOnce();
            } catch (LedgerException e) {
                sent = 0; // listing the tenants failed: logged by the caller's onPass or here, retried after the poll
                org.slf4j.LoggerFactory.getLogger(ShipLoop.class).warn("Ledger pass failed: {}", e.getMessage());
            }
            if (sent == 0) {
                lock.lock();
                try {
                    if (!signalled && !stopping) {
                        woken.await(poll.toNanos(), TimeUnit.NANOSECONDS);
                    }
                    signalled = false;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                } finally {
                    lock.unlock();
                }
            }
        }
    }

    /** Starts the next pass now (a write was made, or a stop was asked). */
    public void wake() {
        lock.lock();
        try {
            signalled = true;
            woken.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Makes {@link #run()} return after the pass it is in. */
    public void stop() {
        stopping = true;
        wake();
    }
}
