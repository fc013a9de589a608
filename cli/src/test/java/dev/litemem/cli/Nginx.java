package dev.litemem.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real nginx (Debian's /usr/sbin/nginx; .ci/run installs it) for the tests, started as the ledger's tests start
 * PostgreSQL: its own prefix and configuration in a temp folder, a free loopback port, in the foreground
 * ({@code daemon off}) as a child of the test JVM, stopped after. Under root its workers run as root
 * ({@code user root}): the default user could not use the temp folder.
 */
final class Nginx implements AutoCloseable {
    static final Path BINARY = Path.of(System.getProperty("litemem.test.nginx", "/usr/sbin/nginx"));
    final Path prefix;
    final Path config;
    final int port;
    private final Process process;
    private final Path log;

    private Nginx(Path prefix, int port, Process process, Path log) {
        this.prefix = prefix;
        this.config = prefix.resolve("nginx.conf");
        this.port = port;
        this.process = process;
        this.log = log;
    }

    static void requireInstalled() {
        if (!Files.isExecutable(BINARY)) {
            throw new AssertionError("nginx is not installed at " + BINARY + ": install Debian's package (apt-get install"
                    + " nginx; .ci/run does it) or point -Dlitemem.test.nginx at the binary");
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** The configuration nginx-config generated, with {@code extraServers} (whole server blocks) added to its http block. */
    static String adapt(String generated, String extraServers) {
        return generated.replaceFirst("(?m)^http \\{\n", "http {\n" + extraServers.replace("\\", "\\\\").replace("$", "\\$"));
    }

    /** Starts nginx on {@code configText} (see {@link #adapt}), waiting until {@code port} answers. */
    static Nginx start(Path prefix, String configText, int port) throws IOException, InterruptedException {
        requireInstalled();
        Files.createDirectories(prefix.resolve("logs"));
        Files.writeString(prefix.resolve("nginx.conf"), configText);
        Path log = prefix.resolve("nginx.out");
        List<String> cmd = new ArrayList<>(List.of(BINARY.toString(), "-p", prefix.toString(), "-c",
                prefix.resolve("nginx.conf").toString(), "-e", prefix.resolve("logs/error.log").toString(), "-g", globals(prefix)));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Nginx n = new Nginx(prefix, port, p, log);
        Runtime.getRuntime().addShutdownHook(new Thread(p::destroyForcibly, "nginx-stop"));
        n.awaitAnswer();
        return n;
    }

    private static String globals(Path prefix) {
        String g = "daemon off; pid " + prefix.resolve("nginx.pid") + ";";
        return "root".equals(System.getProperty("user.name")) ? g + " user root;" : g;
    }

    /** The shell command that reloads this nginx (SIGHUP to its master: it rereads nginx.conf). */
    String reloadCommand() {
        return "kill -HUP " + process.pid();
    }

    /** Checks a configuration with {@code nginx -t}; returns nginx's output when it refuses it, null when it is fine. */
    static String test(Path prefix, String configText) throws IOException, InterruptedException {
        requireInstalled();
        Files.createDirectories(prefix.resolve("logs"));
        Path conf = prefix.resolve("test.conf");
        Files.writeString(conf, configText);
        Process p = new ProcessBuilder(BINARY.toString(), "-t", "-p", prefix.toString(), "-c", conf.toString(), "-e",
                prefix.resolve("logs/error.log").toString(), "-g", globals(prefix)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(30, TimeUnit.SECONDS);
        return p.exitValue() == 0 ? null : out;
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    private void awaitAnswer() throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            if (!process.isAlive()) {
                throw new AssertionError("nginx exited at start: " + output());
            }
            try {
                http.send(HttpRequest.newBuilder(URI.create(url() + "/health")).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.discarding());
                return;
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("nginx does not answer on port " + port + ": " + output());
                }
                process.waitFor(50, TimeUnit.MILLISECONDS);
            }
        }
    }

    String output() throws IOException {
        String out = Files.exists(log) ? Files.readString(log) : "";
        Path err = prefix.resolve("logs/error.log");
        return out + (Files.exists(err) ? Files.readString(err) : "");
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy(); // SIGTERM: fast shutdown
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
