package dev.litemem.server;

import dev.litemem.Embedder;
import dev.litemem.Embedders;
import dev.litemem.server.internal.AdminKey;
import dev.litemem.server.internal.Api;
import dev.litemem.server.internal.DataDirLock;
import dev.litemem.server.internal.DataFolder;
import dev.litemem.server.internal.ServerLedger;
import dev.litemem.server.internal.WarmUp;
import io.javalin.Javalin;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The LiteMem memory server: remote agents read and write their memory over HTTP, each tenant in its own SQLite file
 * under the data folder's {@code tenants/} folder. See docs/SERVER.md.
 *
 * <pre>{@code
 * MemoryServer server = MemoryServer.start(ServerConfig.builder(Path.of("tenants")).port(8080).build());
 * // ... serve; then
 * server.close();
 * }</pre>
 */
public final class MemoryServer implements AutoCloseable {
    private final DataDirLock lock;
    private final Api api;
    private final Javalin app;
    private final AdminKey.Resolved adminKey;
    private final String host;
    private final ServerLedger ledger;

    private MemoryServer(DataDirLock lock, Api api, Javalin app, AdminKey.Resolved adminKey, String host,
                         ServerLedger ledger) {
        this.ledger = ledger;
        this.lock = lock;
        this.api = api;
        this.app = app;
        this.adminKey = adminKey;
        this.host = host;
    }

    /**
     * Locks the data folder, resolves the admin key and starts listening.
     *
     * @throws ServerException of type {@code data-folder-in-use} if another server serves the folder
     */
    public static MemoryServer start(ServerConfig config) {
        DataDirLock lock = DataDirLock.acquire(config.dataDir);
        Api api = null;
        ServerLedger ledger = null;
        try {
            DataFolder folder = DataFolder.open(config.dataDir, Api.creationOptions(config.durability));
            AdminKey.Resolved adminKey = AdminKey.resolve(folder, config.adminKey);
            Embedder embedder = config.embedder != null ? config.embedder
                    : Embedders.available().isEmpty() ? null : Embedders.bundled();
            api = new Api(new Api.Limits(config.maxBodyBytes, config.maxBatch, config.maxK, config.maxTextChars,
                    config.maxListLimit, config.maxDocumentChars, config.maxDocumentPages), folder, adminKey.key(),
                    embedder, config.maxConcurrentEmbeds, config.maxConcurrentSearches,
                    config.maxOpenTenants, config.maxOpenTenantBytes, config.readerConnectionsPerTenant, config.durability);
            api.replicaHold(config.replicaHold);
            api.idempotencyKeyTtl(config.idempotencyKeyTtl);
            Api configured = api;
            Javalin app = Javalin.create(c -> {
                c.startup.showJavalinBanner = false;
                c.startup.showOldJavalinVersionWarning = false;
                c.jetty.host = config.host;
                c.jetty.port = config.port;
                if (config.jettyThreadPool != null) {
                    c.jetty.threadPool = config.jettyThreadPool;
                }
                configured.configure(c);
                c.jetty.modifyServer(configured::configureJetty);
            });
            if (!config.warmUp.isZero()) {
                WarmUp.run(config.warmUp); // before listening: the first requests find the code compiled
            }
            ledger = config.ledgerUrl == null ? null
                    : new ServerLedger(api, config.ledgerUrl, config.ledgerConcurrency, config.ledgerPoll);
            app.start();
            api.markReady();
            return new MemoryServer(lock, api, app, adminKey, config.host, ledger);
        } catch (RuntimeException e) {
            if (ledger != null) {
                ledger.close();
            }
            if (api != null) {
                api.close();
            }
            lock.close();
            throw e;
        }
    }

    /** The port it listens on (the one picked when the configuration said 0). */
    public int port() {
        return app.port();
    }

    /** For example {@code http://127.0.0.1:8080}. */
    public String baseUrl() {
        String h = host.contains(":") ? "[" + host + "]" : host;
        return "http://" + h + ":" + port();
    }

    /** The admin key file in the data folder, when the key came from there rather than from the environment. */
    public Optional<Path> adminKeyFile() {
        return adminKey.file();
    }

    /** Whether this start generated a new admin key (and wrote it to {@link #adminKeyFile()}). */
    public boolean adminKeyGenerated() {
        return adminKey.generated();
    }

    /**
     * How many tenant files it keeps open at most: {@link ServerConfig#maxOpenTenants()}, or fewer when the process's
     * file-descriptor limit allows fewer (see docs/SERVER.md).
     */
    public int maxOpenTenants() {
        return api.maxOpenTenants();
    }

    /** The routes it serves, as method and path template (the same as in /openapi.json). */
    public List<String> routes() {
        return api.routes().stream().map(r -> r.method() + " " + r.path()).toList();
    }

    /** Stops taking requests, finishes those in flight, closes every tenant file and releases the data folder. */
    @Override
    public synchronized void close() {
        try {
            if (ledger != null) {
                ledger.close();
            }
            app.stop();
        } finally {
            try {
                api.close();
            } finally {
                lock.close();
            }
        }
    }

    /**
     * Runs a server until the process is stopped: {@code --data DIR [--port 8080] [--host 127.0.0.1]
     * [--max-open-tenants N]}. Prints one line {@code listening on URL} when ready.
     */
    public static void main(String[] args) {
        ServerConfig.Builder b = null;
        String host = null;
        Integer port = null;
        Integer maxOpen = null;
        Integer searches = null;
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--data" -> b = ServerConfig.builder(Path.of(require(value, "--data")));
                case "--host" -> host = require(value, "--host");
                case "--port" -> port = Integer.parseInt(require(value, "--port"));
                case "--max-open-tenants" -> maxOpen = Integer.parseInt(require(value, "--max-open-tenants"));
                case "--max-concurrent-searches" -> searches = Integer.parseInt(require(value, "--max-concurrent-searches"));
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + ": use --data DIR [--port N] [--host ADDRESS] [--max-open-tenants N] [--max-concurrent-searches N]");
            }
            i++;
        }
        if (b == null) {
            throw new IllegalArgumentException("give the data folder: --data DIR");
        }
        if (host != null) {
            b.host(host);
        }
        if (port != null) {
            b.port(port);
        }
        if (maxOpen != null) {
            b.maxOpenTenants(maxOpen);
        }
        if (searches != null) {
            b.maxConcurrentSearches(searches);
        }
        run(b.build());
    }

    /**
     * Starts the server, prints where it listens and where the admin key is, and stops it when the JVM shuts down
     * (SIGTERM, Ctrl-C). Returns the running server.
     */
    public static MemoryServer run(ServerConfig config) {
        MemoryServer server = start(config);
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "litemem-server-shutdown"));
        server.adminKeyFile().ifPresent(f -> System.out.println((server.adminKeyGenerated() ? "admin key written to "
                : "admin key read from ") + f.toAbsolutePath() + " (readable by its owner only)"));
        if (!isLoopback(config.host)) {
            System.out.println("warning: listening on " + config.host + ", beyond this machine: put TLS in front"
                    + " (see docs/SERVER.md)");
        }
        System.out.println("listening on " + server.baseUrl());
        System.out.flush();
        return server;
    }

    private static boolean isLoopback(String host) {
        return host.equals("localhost") || host.startsWith("127.") || host.equals("::1") || host.equals("[::1]");
    }

    private static String require(String value, String option) {
        if (value == null) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return value;
    }
}
