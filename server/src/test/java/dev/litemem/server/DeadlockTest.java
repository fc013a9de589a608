package dev.litemem.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.litemem.Embedder;
import dev.litemem.Embeddings;
import dev.litemem.testing.TempStores;
import dev.litemem.testing.WordHashEmbedder;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Deleting a tenant while one request holds it and another, past its key check, is still receiving its body: the
 * interleaving that deadlocked the whole server (delete waited for A under the key lock; B held the cache lock waiting
 * for the key lock; A could not release). Driven step by step: A blocks inside the embedder on a latch, B's body is
 * sent in two halves over a raw socket, and each step waits until the server's threads are where the next needs them.
 */
class DeadlockTest {
    @RegisterExtension
    final TempStores stores = new TempStores();

    /** The test embedder, except that a text holding "hold-the-tenant" waits for {@link #release}. */
    static final class HoldingEmbedder implements Embedder {
        final WordHashEmbedder words = new WordHashEmbedder();
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        @Override
        public String modelId() {
            return words.modelId();
        }

        @Override
        public int dimension() {
            return words.dimension();
        }

        @Override
        public Embeddings embed(List<String> texts) {
            if (texts.stream().anyMatch(t -> t.contains("hold-the-tenant"))) {
                entered.countDown();
                try {
                    if (!release.await(120, TimeUnit.SECONDS)) {
                        throw new IllegalStateException("never released");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
            return words.embed(texts);
        }
    }

    @Test
    @Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void deletingATenantWhileRequestsHoldAndAwaitItNeverStallsTheServer() throws Exception {
        HoldingEmbedder embedder = new HoldingEmbedder();
        TestServer s = new TestServer(stores.dir(), b -> b.embedder(embedder));
        try {
            String key = s.createTenant("x");
            String other = s.createTenant("y");
            String put = TestServer.records("x", "notes");
            assertEquals(200, s.call("PUT", put, key, "{\"records\": [{\"id\": \"first\", \"text\": \"plain\"}]}").status());

            // A: holds tenant x, inside the embedder.
            CompletableFuture<TestServer.Response> a = CompletableFuture.supplyAsync(() -> s.call("PUT", put, key,
                    "{\"records\": [{\"id\": \"a\", \"text\": \"hold-the-tenant please\"}]}"));
            assertTrue(embedder.entered.await(60, TimeUnit.SECONDS), "A reached the embedder");

            // B: past its key check, its body half sent.
            byte[] body = "{\"records\": [{\"id\": \"b\", \"text\": \"a slow body\"}]}".getBytes(StandardCharsets.UTF_8);
            Socket b = new Socket("127.0.0.1", s.server.port());
            b.setSoTimeout(120_000);
            OutputStream out = b.getOutputStream();
            out.write(("PUT " + put + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + key
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(body, 0, 10);
            out.flush();
            Await.until("B reading its body", () -> Await.threadIn(null, "Bodies", "readBytes"));

            // The admin deletes x, and waits for A.
            CompletableFuture<TestServer.Response> delete = CompletableFuture.supplyAsync(() ->
                    s.call("DELETE", "/v1/tenants/x", TestServer.ADMIN, null));
            Await.until("the deletion waiting for A", () -> Await.threadIn(Thread.State.WAITING, "TenantCache", "delete", "detach"));

            // B's body completes: B goes for the tenant now.
            CompletableFuture<String> bStatus = CompletableFuture.supplyAsync(() -> {
                try {
                    return new BufferedReader(new InputStreamReader(b.getInputStream(), StandardCharsets.US_ASCII)).readLine();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            out.write(body, 10, body.length - 10);
            out.flush();
            Await.until("B answered, or B stuck behind the deletion", () -> bStatus.isDone()
                    || Await.anyThread(Thread.State.BLOCKED, f -> f.getClassName().endsWith("TenantKeys")));

            // A may finish now.
            embedder.release.countDown();
            assertEquals(204, delete.get(30, TimeUnit.SECONDS).status(), "the deletion completes");
            assertEquals(200, a.get(30, TimeUnit.SECONDS).status(), "A completes");
            assertTrue(bStatus.get(30, TimeUnit.SECONDS).startsWith("HTTP/1.1 404"), "B finds no tenant");
            b.close();
            assertEquals(200, s.call("GET", "/health", null, null).status());
            assertEquals(200, s.call("PUT", TestServer.records("y", "notes"), other,
                    "{\"records\": [{\"id\": \"n\", \"text\": \"other tenants go on\"}]}").status());
            assertEquals(404, s.call("GET", put + "/first", key, null).status());
        } finally {
            embedder.release.countDown();
            closeWithin(s, 60);
        }
    }

    /** Closes the server on another thread, failing (rather than hanging the build) if it does not stop in time. */
    static void closeWithin(TestServer s, int seconds) throws Exception {
        Thread closer = new Thread(s::close, "test-server-close");
        closer.setDaemon(true);
        closer.start();
        closer.join(TimeUnit.SECONDS.toMillis(seconds));
        assertTrue(!closer.isAlive(), "the server stopped within " + seconds + " s");
    }
}
