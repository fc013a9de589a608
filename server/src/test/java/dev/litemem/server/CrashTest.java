package dev.litemem.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.extension.RegisterExtension;
import dev.litemem.testing.TempStores;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * SIGKILL of the server process in the middle of writes from several clients to several tenants: after a restart,
 * every write the server acknowledged is there.
 */
class CrashTest {
    static final String ADMIN = "crash-test-admin-key-0123456789";
    @RegisterExtension
    final TempStores stores = new TempStores();

    /** A server in a child JVM; returns it with the URL it printed. */
    private record Child(Process process, String url) {
    }

    private Child startChild(int maxOpen) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "-Xmx256m", ChildServerMain.class.getName(),
                stores.dir().toString(), Integer.toString(maxOpen)));
        ProcessBuilder pb = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().put("LITEMEM_ADMIN_KEY", ADMIN);
        Process p = pb.start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        for (String line; (line = out.readLine()) != null; ) {
            if (line.startsWith("listening on ")) {
                return new Child(p, line.substring("listening on ".length()));
            }
        }
        throw new AssertionError("the child server exited before it listened: " + p.waitFor());
    }

    @Test
    void noAcknowledgedWriteIsLostWhenTheServerIsKilled() throws Exception {
        Child child = startChild(2);
        Client c = new Client(child.url());
        List<String> keys = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            keys.add(c.createTenant("t" + t));
        }
        Set<String> acked = ConcurrentHashMap.newKeySet();
        AtomicInteger attempted = new AtomicInteger();
        java.util.concurrent.Semaphore ackSignal = new java.util.concurrent.Semaphore(0);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<?>> writers = new ArrayList<>();
        for (int w = 0; w < 4; w++) {
            int writer = w;
            writers.add(pool.submit(() -> {
                for (int i = 0; i < 100_000; i++) {
                    int t = (writer + i) % 4;
                    String id = "w" + writer + "-" + i;
                    attempted.incrementAndGet();
                    try {
                        int status = c.put("t" + t, keys.get(t), id);
                        if (status == 200) {
                            acked.add(t + "/" + id);
                            ackSignal.release();
                        }
                    } catch (IOException e) {
                        return; // the server died under this request: not acknowledged
                    }
                }
            }));
        }
        assertTrue(ackSignal.tryAcquire(100, 120, TimeUnit.SECONDS), "the server acknowledged too few writes");
        assertTrue(child.process().isAlive(), "the server died by itself");
        child.process().destroyForcibly();
        assertTrue(child.process().waitFor(30, TimeUnit.SECONDS));
        for (Future<?> f : writers) {
            f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        Set<String> ackedAtKill = Set.copyOf(acked);
        assertTrue(attempted.get() > ackedAtKill.size(), "the kill came while writes were in flight");

        Child again = startChild(2);
        try {
            Client c2 = new Client(again.url());
            int found = 0;
            for (String a : ackedAtKill) {
                String[] parts = a.split("/");
                int t = Integer.parseInt(parts[0]);
                assertEquals(200, c2.get("t" + t, keys.get(t), parts[1]), "acknowledged write " + a + " is missing");
                found++;
            }
            assertEquals(ackedAtKill.size(), found);
        } finally {
            again.process().destroyForcibly();
            again.process().waitFor(30, TimeUnit.SECONDS);
        }
        assertTrue(Files.exists(stores.path("tenants/t0.db")));
    }

    /** A bare HTTP client that throws IOException when the server dies. */
    private static final class Client {
        private final java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        private final String url;

        Client(String url) {
            this.url = url;
        }

        String createTenant(String name) throws Exception {
            var r = http.send(request("/v1/tenants", ADMIN).POST(body("{\"name\":\"" + name + "\"}")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(201, r.statusCode(), r.body());
            return TestServer.JSON.readTree(r.body()).get("apiKey").asText();
        }

        int put(String tenant, String key, String id) throws IOException {
            try {
                return http.send(request(TestServer.records(tenant, "notes"), key).PUT(body(
                                "{\"records\": [{\"id\": \"" + id + "\", \"text\": \"note " + id + "\"}]}")).build(),
                        java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
        }

        int get(String tenant, String key, String id) throws Exception {
            return http.send(request(TestServer.records(tenant, "notes") + "/" + id, key).GET().build(),
                    java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode();
        }

        private java.net.http.HttpRequest.Builder request(String path, String key) {
            return java.net.http.HttpRequest.newBuilder(java.net.URI.create(url + path))
                    .timeout(java.time.Duration.ofSeconds(30)).header("Authorization", "Bearer " + key)
                    .header("Content-Type", "application/json");
        }

        private static java.net.http.HttpRequest.BodyPublisher body(String s) {
            return java.net.http.HttpRequest.BodyPublishers.ofString(s);
        }
    }
}
