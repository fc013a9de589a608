package dev.litemem.server;

import dev.litemem.Durability;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code litemem serve}: the launcher runs this program for its serve command (the CLI does not depend on the server). */
@Command(name = "litemem serve", mixinStandardHelpOptions = true,
        description = {"Serves agent memory over HTTP: one SQLite file per tenant in the data folder.",
                "The admin key comes from LITEMEM_ADMIN_KEY, or is generated into DATA/admin.key. See docs/SERVER.md."})
public final class ServeCommand implements Callable<Integer> {
    static final int EXIT_OK = 0;
    static final int EXIT_FAILURE = 1;

    public static void main(String[] args) {
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        System.exit(new CommandLine(new ServeCommand()).execute(args));
    }

    @Option(names = "--data", required = true, paramLabel = "DIR",
            description = "The data folder: the server's own files, and each tenant's in its tenants/ folder.")
    Path data;

    @Option(names = "--port", defaultValue = "8080", description = "The port (default ${DEFAULT-VALUE}; 0 picks a free one).")
    int port;

    @Option(names = "--host", defaultValue = "127.0.0.1",
            description = "The address to bind (default ${DEFAULT-VALUE}); anything else exposes the server beyond this machine.")
    String host;

    @Option(names = "--max-open-tenants", defaultValue = "256", description = "Tenant files kept open (default ${DEFAULT-VALUE}).")
    int maxOpenTenants;

    @Option(names = "--max-concurrent-searches", paramLabel = "N", description = "Searches and recalls run at once;"
            + " the others wait their turn (default: the number of cores).")
    Integer maxConcurrentSearches;

    @Option(names = "--durability", defaultValue = "FULL",
            description = "FULL (default: survives power loss) or NORMAL (survives a server crash; fewer fsyncs).")
    Durability durability;

    @Option(names = "--ledger", paramLabel = "URL", description = "Ship every tenant's outbox to this central PostgreSQL"
            + " ledger: jdbc:postgresql://HOST:PORT/DB?user=NAME or postgresql://USER:PASSWORD@HOST/DB (docs/LEDGER.md).")
    String ledger;

    @Option(names = "--ledger-concurrency", defaultValue = "4", paramLabel = "N",
            description = "Tenants shipped at once (default ${DEFAULT-VALUE}).")
    int ledgerConcurrency;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        ServerConfig.Builder builder = ServerConfig.builder(data).host(host).port(port).maxOpenTenants(maxOpenTenants)
                .durability(durability).ledger(ledger).ledgerConcurrency(ledgerConcurrency);
        if (maxConcurrentSearches != null) {
            builder.maxConcurrentSearches(maxConcurrentSearches);
        }
        ServerConfig config = builder.build();
        try {
            MemoryServer.run(config);
        } catch (ServerException | dev.litemem.ledger.LedgerException e) {
            spec.commandLine().getErr().println("litemem: " + e.getMessage());
            return EXIT_FAILURE;
        }
        // Serves until the process is stopped; the shutdown hook closes the server and its tenant files.
        new CountDownLatch(1).await();
        return EXIT_OK;
    }
}
