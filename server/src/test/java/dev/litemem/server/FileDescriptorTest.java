package dev.litemem.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * Under a low file-descriptor limit the server bounds its open tenants by what the limit allows (and says so in its
 * log) and closes idle tenants instead of failing: it failed at 133 open tenants under a limit of 1,024 before.
 */
@EnabledOnOs(OS.LINUX)
class FileDescriptorTest {
    static final String ADMIN = TenantLifecycleTest.ADMIN;
    static final int LIMIT = 320;
    @TempDir
    Path dir;

    @Test
    void theOpenTenantBoundFollowsTheDescriptorLimitAndNothingFails() throws Exception {
        try (ChildServer child = ChildServer.start(dir, 256, ADMIN, "ulimit -n " + LIMIT)) {
            String line = child.lines.stream().filter(l -> l.contains("Open tenants: at most")).findFirst()
                    .orElseThrow(() -> new AssertionError("the bound is logged at start: " + child.lines));
            Matcher m = Pattern.compile("at most (\\d+) \\(configured 256; file descriptor limit (\\d+)").matcher(line);
            assertTrue(m.find(), line);
            System.out.println("child server: " + line);
            int bound = Integer.parseInt(m.group(1));
            assertEquals(LIMIT, Integer.parseInt(m.group(2)));
            assertTrue(bound >= 1 && bound < 256, line);
            child.drainOutput();

            int tenants = Math.max(60, 3 * bound);
            List<String> keys = new ArrayList<>();
            for (int t = 0; t < tenants; t++) {
                keys.add(TenantLifecycleTest.createTenant(child.url, "t" + t));
                HttpResponse<String> put = TenantLifecycleTest.send(child.url, "PUT", TestServer.records("t" + t, "notes"),
                        keys.get(t), "{\"records\": [{\"id\": \"n\", \"text\": \"note of tenant " + t + "\"}]}");
                assertEquals(200, put.statusCode(), "tenant " + t + ": " + put.body());
                assertTrue(openDescriptors(child) <= LIMIT);
            }
            for (int t = 0; t < tenants; t++) {
                HttpResponse<String> search = TenantLifecycleTest.send(child.url, "POST",
                        "/v1/tenants/t" + t + "/collections/notes/search", keys.get(t), "{\"text\": \"note\", \"k\": 1}");
                assertEquals(200, search.statusCode(), "tenant " + t + ": " + search.body());
            }
            HttpResponse<String> health = TenantLifecycleTest.send(child.url, "GET", "/health", null, null);
            int open = TestServer.JSON.readTree(health.body()).get("openTenants").asInt();
            assertTrue(open <= bound, open + " open, bound " + bound);
        }
    }

    @Test
    void whenClientConnectionsEatTheReserveIdleTenantsAreClosedInsteadOfFailing() throws Exception {
        try (ChildServer child = ChildServer.start(dir, 256, ADMIN, "ulimit -n " + LIMIT)) {
            child.drainOutput();
            List<String> keys = new ArrayList<>();
            for (int t = 0; t < 12; t++) {
                keys.add(TenantLifecycleTest.createTenant(child.url, "t" + t));
                assertEquals(200, write(child, t, keys.get(t)).statusCode());
            }
            // Idle client connections take most of what the budget kept for connections.
            List<java.net.Socket> idle = new ArrayList<>();
            try {
                java.net.URI uri = java.net.URI.create(child.url);
                for (long before; (before = openDescriptors(child)) < LIMIT - 40; ) {
                    idle.add(new java.net.Socket(uri.getHost(), uri.getPort()));
                    long was = before;
                    Await.until("the server accepted connection " + idle.size(), () -> openDescriptors(child) > was);
                }
                for (int t = 12; t < 24; t++) {
                    keys.add(TenantLifecycleTest.createTenant(child.url, "t" + t));
                    assertEquals(200, write(child, t, keys.get(t)).statusCode(), "tenant " + t);
                    assertTrue(openDescriptors(child) <= LIMIT);
                }
                for (int t = 0; t < 24; t++) {
                    HttpResponse<String> r = TenantLifecycleTest.send(child.url, "POST",
                            "/v1/tenants/t" + t + "/collections/notes/search", keys.get(t), "{\"text\": \"note\", \"k\": 1}");
                    assertEquals(200, r.statusCode(), "tenant " + t + " beside " + idle.size() + " idle connections: " + r.body());
                }
                Await.until("the log says idle tenants were closed", () -> child.lines.stream()
                        .anyMatch(l -> l.contains("idle tenant(s):") && l.contains("file descriptors in use")));
            } finally {
                for (java.net.Socket socket : idle) {
                    socket.close();
                }
            }
        }
    }

    private static HttpResponse<String> write(ChildServer child, int t, String key) throws Exception {
        return TenantLifecycleTest.send(child.url, "PUT", TestServer.records("t" + t, "notes"), key,
                "{\"records\": [{\"id\": \"n\", \"text\": \"note of tenant " + t + "\"}]}");
    }

    private static long openDescriptors(ChildServer child) {
        // The JVM runs as the shell's exec'd process, so the pid is the JVM's.
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(child.process.pid()), "fd"))) {
            return fds.count();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
