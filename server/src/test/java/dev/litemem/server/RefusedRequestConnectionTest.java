package dev.litemem.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.litemem.testing.TempStores;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A request Jetty refuses while parsing its head is answered on another thread; once that answer is sent, Jetty runs the
 * connection's read loop ({@code HttpConnection.onFillable}) again, possibly while the first run is still inside it.
 * Two runs at once both released the connection's pooled request buffer, and another connection then read into the
 * same bytes: FuzzTest's good writer once got 400 invalid-json (line 1, column 1) for a valid body. This test holds the
 * first run at that moment (through the thread pool Jetty hands the answer to) and looks at what the second run does:
 * it must wait for the first to leave, never run beside it.
 */
class RefusedRequestConnectionTest {
    @RegisterExtension
    final TempStores stores = new TempStores();

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aRefusedRequestsConnectionNeverReadsOnTwoThreadsAtOnce() throws Exception {
        HoldingPool pool = new HoldingPool();
        try (TestServer s = new TestServer(stores.dir(), b -> b.warmUp(Duration.ZERO).jettyThreadPool(pool))) {
            String key = s.createTenant("alpha");
            pool.armed = true;
            String answer;
            try (Socket bad = new Socket("127.0.0.1", s.server.port())) {
                bad.setSoTimeout(30_000);
                OutputStream out = bad.getOutputStream();
                out.write("PUT /v1/tenants HTTP/1.1\r\nHost: x\r\nBad Header Line\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                answer = readToEnd(bad.getInputStream());
            }
            assertTrue(answer.startsWith("HTTP/1.1 400 "), answer);
            assertTrue(pool.decided.await(30, TimeUnit.SECONDS), "Jetty never held the refused request's read loop");
            assertNotNull(pool.secondRun.get(), "Jetty no longer runs the read loop again after a refused request's"
                    + " answer: SerializedHttpConnections may no longer be needed");
            assertEquals("waited for the first", pool.secondRun.get(),
                    "the refused request's connection ran its read loop on two threads at once");
            // And the server serves on: a valid write on another connection goes through.
            assertEquals(200, s.call("PUT", TestServer.records("alpha", "notes"), key,
                    "{\"records\": [{\"id\": \"a1\", \"text\": \"after the refusal\"}]}").status());
        }
    }

    private static String readToEnd(InputStream in) throws java.io.IOException {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        for (int n; (n = in.read(buf)) != -1; ) {
            got.write(buf, 0, n);
        }
        return got.toString(StandardCharsets.US_ASCII);
    }

    /**
     * Jetty's pool, except once armed: the refused request's answer, handed over from inside the connection's read
     * loop, runs on a thread of its own while that read loop is held; the read loop Jetty then dispatches again for
     * the connection runs on a thread of its own too, and is watched until it has either run through (beside the
     * held one) or is parked waiting for it. Then the held one goes on.
     */
    static final class HoldingPool extends QueuedThreadPool {
        volatile boolean armed;
        final CountDownLatch decided = new CountDownLatch(1);
        final AtomicReference<String> secondRun = new AtomicReference<>();

        HoldingPool() {
            super(50, 4);
        }

        @Override
        public boolean tryExecute(Runnable task) {
            if (!armed || !inReadLoop(Thread.currentThread().getStackTrace())) {
                return super.tryExecute(task);
            }
            armed = false;
            new Thread(task, "refused-request-answer").start();
            try {
                // Bounded: if Jetty never dispatches the read loop again, the test says so.
                decided.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            decided.countDown();
            return true;
        }

        @Override
        public void execute(Runnable job) {
            if (decided.getCount() == 0 || armed || !(job instanceof org.eclipse.jetty.io.Connection)) {
                super.execute(job);
                return;
            }
            Thread second = new Thread(job, "second-read-loop");
            second.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() < deadline) {
                if (second.getState() == Thread.State.TERMINATED) {
                    secondRun.set("ran beside the first");
                    break;
                }
                if (second.getState() == Thread.State.WAITING && inReadLoop(second.getStackTrace())) {
                    secondRun.set("waited for the first");
                    break;
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            }
            decided.countDown();
        }

        private static boolean inReadLoop(StackTraceElement[] stack) {
            for (StackTraceElement frame : stack) {
                if (frame.getClassName().contains("HttpConnection") && frame.getMethodName().equals("onFillable")) {
                    return true;
                }
            }
            return false;
        }
    }
}
