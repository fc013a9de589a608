package dev.litemem.cli;

import dev.litemem.ledger.LedgerDatabase;
import dev.litemem.ledger.LedgerException;
import dev.litemem.ledger.ShipLoop;
import dev.litemem.ledger.Shipper;
import dev.litemem.ledger.TenantFiles;
import dev.litemem.ledger.TenantLag;
import dev.litemem.ledger.TenantShipping;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code litemem ledger ship|status}: the central PostgreSQL ledger (docs/LEDGER.md). */
@Command(name = "ledger", mixinStandardHelpOptions = true,
        description = "Ships tenant files' outboxes into the central PostgreSQL ledger, or shows how far it is behind.",
        subcommands = {LedgerCommand.Ship.class, LedgerCommand.Status.class})
final class LedgerCommand {

    /** Which files, and where the ledger is. */
    static final class Target {
        @ArgGroup(exclusive = true, multiplicity = "1")
        Source source;

        @Option(names = "--postgres", required = true, paramLabel = "URL", description = "The ledger database:"
                + " jdbc:postgresql://HOST:PORT/DB?user=NAME or postgresql://USER:PASSWORD@HOST:PORT/DB.")
        String postgres;

        @Option(names = "--tenant", paramLabel = "NAME", description = "The tenant name of --db (default: the file name"
                + " without .db).")
        String tenant;

        @Option(names = "--concurrency", defaultValue = "4", paramLabel = "N",
                description = "Tenants shipped at once (default ${DEFAULT-VALUE}); each holds one PostgreSQL connection.")
        int concurrency;

        TenantFiles files() {
            if (source.db != null) {
                return TenantFiles.file(source.db, tenant);
            }
            if (tenant != null) {
                throw new LedgerException("--tenant names the tenant of --db; with --data every tenant is shipped");
            }
            return TenantFiles.dataFolder(source.data);
        }
    }

    static final class Source {
        @Option(names = "--db", paramLabel = "FILE", description = "One LiteMem file.")
        Path db;

        @Option(names = "--data", paramLabel = "DIR", description = "A memory server's data folder: all its tenants.")
        Path data;
    }

    @Command(name = "ship", mixinStandardHelpOptions = true, description = "Ships what the outboxes hold, exactly once"
            + " and in order per tenant; runs until stopped (Ctrl-C), or one pass with --once.")
    static final class Ship implements Callable<Integer> {
        @Mixin
        Target target;

        @Option(names = "--once", description = "Ship what is pending now, then exit (1 if a tenant failed).")
        boolean once;

        @Option(names = "--batch", defaultValue = "" + Shipper.DEFAULT_BATCH, paramLabel = "N",
                description = "Events per PostgreSQL transaction (default ${DEFAULT-VALUE}).")
        int batch;

        @Option(names = "--poll-ms", defaultValue = "1000", paramLabel = "MS",
                description = "Wait between passes that found nothing to ship (default ${DEFAULT-VALUE}).")
        long pollMillis;

        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws InterruptedException {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            TenantFiles files = target.files();
            LedgerDatabase db = LedgerDatabase.of(target.postgres);
            db.check(); // a wrong URL or a refused schema: say so at once, not once per tenant
            int[] failed = {0};
            try (TenantShipping shipping = new TenantShipping(db, target.concurrency, batch)) {
                ShipLoop loop = new ShipLoop(shipping, files, Duration.ofMillis(pollMillis), results -> {
                    long sent = 0;
                    failed[0] = 0;
                    for (TenantShipping.Result r : results) {
                        sent += r.shipped();
                        if (r.error() != null) {
                            failed[0]++;
                            err.println("litemem: tenant " + r.tenant() + ": " + r.error());
                        }
                    }
                    if (sent > 0 || once) {
                        out.printf("shipped %d events from %d tenants%s%n", sent, results.size(),
                                failed[0] == 0 ? "" : "; " + failed[0] + " failed");
                    }
                    out.flush();
                    err.flush();
                });
                if (once) {
                    loop.passOnce();
                    return failed[0] == 0 ? Main.EXIT_OK : Main.EXIT_FAILURE;
                }
                CountDownLatch stopped = new CountDownLatch(1);
                Thread hook = new Thread(() -> {
                    loop.stop();
                    try {
                        stopped.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }, "litemem-ledger-stop");
                Runtime.getRuntime().addShutdownHook(hook);
                try {
                    loop.run();
                } finally {
                    stopped.countDown();
                }
                return Main.EXIT_OK;
            }
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Per tenant: the ledger cursor, events behind and seconds behind.")
    static final class Status implements Callable<Integer> {
        @Mixin
        Target target;

        @Option(names = "--json", description = "One JSON object per tenant.")
        boolean json;

        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            LedgerDatabase db = LedgerDatabase.of(target.postgres);
            db.check();
            List<TenantLag> lags;
            try (TenantShipping shipping = new TenantShipping(db, target.concurrency, Shipper.DEFAULT_BATCH)) {
                lags = shipping.lag(target.files());
            }
            boolean failed = false;
            if (!json) {
                out.printf("%-24s %-32s %12s %14s %14s%n", "tenant", "incarnation", "position", "events_behind",
                        "seconds_behind");
            }
            for (TenantLag lag : lags) {
                failed |= lag.error() != null;
                if (json) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("tenant", lag.tenant());
                    m.put("incarnation", lag.incarnation());
                    m.put("position", lag.position());
                    m.put("events_behind", lag.eventsBehind());
                    m.put("seconds_behind", lag.secondsBehind());
                    m.put("error", lag.error());
                    Output.jsonLine(out, m);
                } else if (lag.error() != null) {
                    out.printf("%-24s error: %s%n", lag.tenant(), lag.error());
                } else {
                    out.printf("%-24s %-32s %12d %14d %14.1f%n", lag.tenant(), lag.incarnation(), lag.position(),
                            lag.eventsBehind(), lag.secondsBehind());
                }
            }
            return failed ? Main.EXIT_FAILURE : Main.EXIT_OK;
        }
    }
}
