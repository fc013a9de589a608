package dev.litemem.server;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/** Waits for a condition another thread makes true (never a fixed sleep), and looks at where the server's threads are. */
final class Await {
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    private Await() {
    }

    static void until(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("gave up waiting for " + what + " after " + DEADLINE.toSeconds() + " s");
            }
            LockSupport.parkNanos(Duration.ofMillis(2).toNanos());
        }
    }

    /** Whether some live thread is in {@code state} with a frame of a class ending in {@code className} in one of the methods. */
    static boolean threadIn(Thread.State state, String className, String... methods) {
        return anyThread(state, frame -> frame.getClassName().endsWith(className)
                && java.util.Arrays.asList(methods).contains(frame.getMethodName()));
    }

    static boolean anyThread(Thread.State state, Predicate<StackTraceElement> frameMatches) {
        for (Map.Entry<Thread, StackTraceElement[]> t : Thread.getAllStackTraces().entrySet()) {
            if (state != null && t.getKey().getState() != state) {
                continue;
            }
            for (StackTraceElement frame : t.getValue()) {
                if (frameMatches.test(frame)) {
                    return true;
                }
            }
        }
        return false;
    }
}
