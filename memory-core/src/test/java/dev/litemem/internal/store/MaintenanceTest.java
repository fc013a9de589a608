package dev.litemem.internal.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

class MaintenanceTest {

    static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("gave up waiting for " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }

    @Test
    void manyStoresShareABoundedPoolThatHoldsNoThreadWhenIdle() throws Exception {
        Maintenance pool = new Maintenance(2, Duration.ofMillis(100));
        AtomicInteger ran = new AtomicInteger();
        AtomicInteger concurrent = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        for (int store = 0; store < 200; store++) {
            pool.forStore("store-" + store).schedule(() -> {
                most.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
                LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(200));
                concurrent.decrementAndGet();
                ran.incrementAndGet();
            }, Duration.ZERO);
        }
        await("200 tasks", () -> ran.get() == 200);
        assertTrue(most.get() <= 2, most.get() + " tasks ran at once on a pool of 2");
        assertTrue(pool.liveThreads() <= 2);
        await("the idle pool to let its threads go", () -> pool.liveThreads() == 0);
    }

    @Test
    void closeCancelsWhatIsPendingAndWaitsForWhatRuns() throws Exception {
        Maintenance pool = new Maintenance(1, Duration.ofMillis(100));
        Maintenance.Tasks tasks = pool.forStore("a");
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger finished = new AtomicInteger();
        AtomicInteger later = new AtomicInteger();
        tasks.schedule(() -> {
            started.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            finished.incrementAndGet();
        }, Duration.ZERO);
        tasks.schedule(later::incrementAndGet, Duration.ofMillis(50));
        tasks.scheduleEvery(later::incrementAndGet, Duration.ofMillis(20));
        started.await();
        Thread closer = new Thread(tasks::close);
        closer.start();
        await("close to wait for the running task", () -> closer.getState() == Thread.State.WAITING);
        assertEquals(0, finished.get());
        release.countDown();
        closer.join(60_000);
        assertEquals(1, finished.get(), "close returned only after the running task finished");
        // The pool has one thread: the delayed tasks could not have run before close cancelled them.
        assertEquals(0, later.get());
        assertNull(tasks.schedule(later::incrementAndGet, Duration.ZERO), "a closed store schedules nothing");
        Maintenance.Tasks other = pool.forStore("b");
        CountDownLatch ranAfter = new CountDownLatch(1);
        other.schedule(ranAfter::countDown, Duration.ZERO);
        assertTrue(ranAfter.await(60, TimeUnit.SECONDS), "other stores' tasks go on");
        assertEquals(0, later.get());
    }

    @Test
    void aFailingPeriodicTaskIsLoggedAndRunsAgain() {
        Maintenance pool = new Maintenance(1, Duration.ofMillis(100));
        Maintenance.Tasks tasks = pool.forStore("failing");
        AtomicInteger runs = new AtomicInteger();
        tasks.scheduleEvery(() -> {
            runs.incrementAndGet();
            throw new IllegalStateException("expected by the test");
        }, Duration.ofMillis(5));
        await("three runs", () -> runs.get() >= 3);
        tasks.close();
        int after = runs.get();
        // The one thread runs another store's tasks in turn; the closed store's periodic task is not among them.
        AtomicInteger other = new AtomicInteger();
        Maintenance.Tasks next = pool.forStore("next");
        next.scheduleEvery(other::incrementAndGet, Duration.ofMillis(5));
        await("another store's task to run five times", () -> other.get() >= 5);
        next.close();
        assertEquals(after, runs.get(), "nothing runs after close");
    }
}
