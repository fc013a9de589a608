package dev.litemem.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.litemem.testing.TempStores;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
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
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Under a low file-descriptor limit the server bounds its open tenants by what the limit allows (and says so in its
 * log) and closes idle tenants instead of failing: it failed at 133 open tenants under a limit of 1,024 before.
 */
@EnabledOnOs(OS.LINUX)
class FileDescriptorTest {
    static final String ADMIN = TenantLifecycleTest.ADMIN;
    static final int LIMIT = 320;
    @RegisterExtension
    final TempStores stores = new TempStores();

    @Test
    void theOpenTenantBoundFollowsTheDescriptorLimitAndNothingFails() throws Exception {
        try (ChildServer child = ChildServer.start(stores.dir(), 256, ADMIN, "ulimit -n " + LIMIT)) {
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
        try (ChildServer child = ChildServer.start(stores.dir(), 256, ADMIN, "ulimit -n " + LIMIT)) {
            child.drainOutput();
            List<String> keys = new ArrayList<>();
            for (int t = 0; t < 12; t++) {
                keys.add(TenantLifecycleTest.createTenant(child.url, "t" + t));
                assertEquals(200, write(child, t, keys.get(t)).statusCode());
            }
            // Idle client connections take most of what the budget kept for connections. Each is known to be accepted
            // because the server answered on it (the descriptor count alone is no signal: the test's earlier HTTP
            // clients close their keep-alive connections whenever this JVM collects them).
            List<Socket> idle = new ArrayList<>();
            try {
                URI uri = URI.create(child.url);
                while (openDescriptors(child) < LIMIT - 40) {
                    idle.add(acceptedIdleConnection(uri));
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
                for (Socket socket : idle) {
                    socket.close();
                }
            }
        }
    }

    /** A connection the server has accepted and answered once, left open and idle (HTTP/1.1 keep-alive). */
    private static Socket acceptedIdleConnection(URI uri) throws IOException {
        Socket socket = new Socket(uri.getHost(), uri.getPort());
        socket.setSoTimeout(60_000);
        OutputStream out = socket.getOutputStream();
        out.write(("GET /health HTTP/1.1\r\nHost: " + uri.getHost() + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = socket.getInputStream();
        StringBuilder status = new StringBuilder();
        for (int b; (b = in.read()) != '\n'; ) {
            if (b < 0) {
                throw new IOException("the server closed a new connection before it answered");
            }
            status.append((char) b);
        }
        assertTrue(status.toString().startsWith("HTTP/1.1 200"), status.toString());
        return socket;
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
