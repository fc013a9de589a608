package dev.litemem.ledger.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real PostgreSQL server for tests: one cluster per test run (initdb into a temporary folder, a free loopback port,
 * started on first use and stopped when the run ends), and one fresh database per test class. Register it on a static
 * field:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final PostgresCluster pg = new PostgresCluster();
 * ... LedgerDatabase.of(pg.jdbcUrl()) ...
 * }</pre>
 *
 * The server binaries are looked up in {@code $LITEMEM_PG_BIN}, then {@code /usr/lib/postgresql/<newest>/bin}, then
 * the PATH. Without them the test FAILS with a message saying how to install them (CI must not skip silently). initdb
 * and postgres refuse to run as root: as root they run as the {@code postgres} user ({@code runuser -u postgres --}),
 * and the folder is handed to that user.
 */
public final class PostgresCluster implements BeforeAllCallback {
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private String database;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        Server server = context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                .getOrComputeIfAbsent(Server.class, k -> Server.start(), Server.class);
        database = "t" + DATABASES.incrementAndGet() + "_"
                + context.getRequiredTestClass().getSimpleName().toLowerCase(Locale.ROOT);
        try (Connection c = DriverManager.getConnection(server.url("postgres"));
             Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + database);
            s.execute("CREATE DATABASE " + database);
        }
        current = server;
    }

    private static volatile Server current;

    /** The JDBC URL of this test class's own database. */
    public String jdbcUrl() {
        return current.url(database);
    }

    /** A libpq-style URI of the same database ({@code postgresql://user@host:port/db}). */
    public String uri() {
        return "postgresql://" + Server.USER + "@127.0.0.1:" + current.port + "/" + database;
    }

    /** A new connection to this class's database. */
    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl());
    }

    /** Stops the server the way a crash does ({@code pg_ctl stop -m immediate}: no shutdown checkpoint). */
    public void stopImmediately() {
        current.pgCtl("stop", "-m", "immediate");
    }

    /** Starts the server again on the same port after {@link #stopImmediately()} (it recovers from its WAL). */
    public void restart() {
        current.startServer();
    }

    /** The running cluster; closed by JUnit when the whole run ends. */
    static final class Server implements ExtensionContext.Store.CloseableResource {
        static final String USER = "litemem";
        /** off (the default: tests are about logic, and the OS keeps what a killed server wrote); on for benchmarks. */
        static final String FSYNC = System.getProperty("litemem.test.pgFsync", "off");
        private final Path dir;
        private final Path data;
        private final Path bin;
        private final boolean root;
        private final int port;

        private Server(Path dir, Path bin, boolean root, int port) {
            this.dir = dir;
            this.data = dir.resolve("data");
            this.bin = bin;
            this.root = root;
            this.port = port;
        }

        static Server start() {
            Path bin = findBinaries();
            boolean root = "root".equals(System.getProperty("user.name"));
            try {
                Path dir = Files.createTempDirectory("litemem-pg-");
                if (root) {
                    UserPrincipal postgres = dir.getFileSystem().getUserPrincipalLookupService()
                            .lookupPrincipalByName("postgres");
                    Files.setOwner(dir, postgres);
                }
                Server s = new Server(dir, bin, root, freePort());
                // A test JVM that is stopped early (SIGTERM, a fork timeout) still stops its cluster.
                Runtime.getRuntime().addShutdownHook(new Thread(s::closeQuietly, "litemem-pg-stop"));
                s.run(60, bin.resolve("initdb").toString(), "-D", s.data.toString(), "-U", USER, "-A", "trust",
                        "-E", "UTF8", "--no-sync", "--locale=C");
                s.startServer();
                return s;
            } catch (IOException e) {
                throw new IllegalStateException("cannot prepare a PostgreSQL cluster for the tests: " + e.getMessage(), e);
            }
        }

        String url(String database) {
            return "jdbc:postgresql://127.0.0.1:" + port + "/" + database + "?user=" + USER;
        }

        void startServer() {
            pgCtl("start", "-w", "-t", "60", "-l", dir.resolve("server.log").toString(), "-o",
                    "-p " + port + " -c listen_addresses=127.0.0.1 -c unix_socket_directories=" + dir
                            + " -c fsync=" + FSYNC + " -c full_page_writes=" + FSYNC
                            + " -c max_connections=200 -c shared_buffers=128MB");
        }

        void pgCtl(String... args) {
            List<String> command = new ArrayList<>(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString()));
            command.addAll(List.of(args));
            run(90, command.toArray(new String[0]));
        }

        private void run(int timeoutSeconds, String... args) {
            List<String> command = new ArrayList<>();
            if (root) {
                command.addAll(List.of("runuser", "-u", "postgres", "--"));
            }
            command.addAll(List.of(args));
            try {
                Path log = Files.createTempFile("litemem-pg-cmd-", ".log");
                Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
                boolean finished = p.waitFor(timeoutSeconds, TimeUnit.SECONDS);
                String output = Files.readString(log);
                Files.deleteIfExists(log);
                if (!finished) {
                    p.destroyForcibly();
                    throw new IllegalStateException(String.join(" ", command) + " did not finish in " + timeoutSeconds
                            + " s: " + output);
                }
                if (p.exitValue() != 0) {
                    String serverLog = Files.exists(dir.resolve("server.log")) ? Files.readString(dir.resolve("server.log")) : "";
                    throw new IllegalStateException(String.join(" ", command) + " failed (exit " + p.exitValue() + "): "
                            + output + "\n" + serverLog);
                }
            } catch (IOException e) {
                throw new IllegalStateException("cannot run " + command.get(0) + ": " + e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while running " + String.join(" ", command), e);
            }
        }

        private void closeQuietly() {
            try {
                close();
            } catch (IOException | RuntimeException e) {
                // Stopping at JVM exit: best effort.
            }
        }

        @Override
        public synchronized void close() throws IOException {
            if (!Files.exists(dir)) {
                return;
            }
            try {
                pgCtl("stop", "-m", "fast", "-w");
            } finally {
                try (Stream<Path> files = Files.walk(dir)) {
                    for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(p);
                    }
                }
            }
        }

        private static int freePort() throws IOException {
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                return s.getLocalPort();
            }
        }

        private static Path findBinaries() {
            List<Path> candidates = new ArrayList<>();
            String env = System.getenv("LITEMEM_PG_BIN");
            if (env != null && !env.isBlank()) {
                candidates.add(Path.of(env));
            }
            Path debian = Path.of("/usr/lib/postgresql");
            if (Files.isDirectory(debian)) {
                try (Stream<Path> versions = Files.list(debian)) {
                    versions.map(v -> v.resolve("bin"))
                            .sorted(Comparator.comparing((Path v) -> versionOf(v.getParent())).reversed())
                            .forEach(candidates::add);
                } catch (IOException e) {
                    // Not readable: fall through to the PATH.
                }
            }
            String path = System.getenv("PATH");
            if (path != null) {
                for (String p : path.split(java.io.File.pathSeparator)) {
                    candidates.add(Path.of(p));
                }
            }
            for (Path c : candidates) {
                if (Files.isExecutable(c.resolve("initdb")) && Files.isExecutable(c.resolve("pg_ctl"))) {
                    return c;
                }
            }
            throw new IllegalStateException("The ledger tests need a real PostgreSQL server (15 or newer), and its"
                    + " binaries (initdb, pg_ctl) were not found in $LITEMEM_PG_BIN, /usr/lib/postgresql/*/bin or the"
                    + " PATH. Install them: Debian/Ubuntu 'sudo apt-get install postgresql' (CI's .ci/run does it),"
                    + " Fedora 'sudo dnf install postgresql-server', macOS 'brew install postgresql@15'; or point"
                    + " LITEMEM_PG_BIN at the folder holding initdb and pg_ctl.");
        }

        private static int versionOf(Path dir) {
            try {
                return Integer.parseInt(dir.getFileName().toString().replaceAll("\\D.*", ""));
            } catch (NumberFormatException e) {
                return 0;
            }
        }
    }
}
