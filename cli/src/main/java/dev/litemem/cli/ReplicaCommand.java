package dev.litemem.cli;

import dev.litemem.Durability;
import dev.litemem.LiteMemException;
import dev.litemem.LiteMemOptions;
import dev.litemem.client.Replica;
import dev.litemem.client.ReplicaStatus;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "replica", mixinStandardHelpOptions = true,
        description = {"Makes or updates a local replica of a tenant on a LiteMem server (docs/REPLICAS.md): the first",
                "run loads the tenant's snapshot into --db, later runs catch up from its position. With --follow it",
                "keeps following until stopped (Ctrl-C). The other read commands (query, list, get, stats) work on",
                "the replica file; writes to it are refused."})
final class ReplicaCommand implements Callable<Integer> {
    @Option(names = "--from", required = true, paramLabel = "URL", description = "The server, for example http://10.0.0.5:8080.")
    String from;

    @Option(names = "--tenant", required = true, paramLabel = "NAME", description = "The tenant to replicate.")
    String tenant;

    @Option(names = "--key-file", required = true, paramLabel = "FILE", description = "A file holding the tenant's key.")
    Path keyFile;

    @Option(names = "--db", required = true, paramLabel = "FILE", description = "The local replica file (made if absent).")
    Path db;

    @Option(names = "--follow", description = "Keep following the tenant until stopped.")
    boolean follow;

    @Option(names = "--batch", defaultValue = "1000", paramLabel = "N",
            description = "Change-log entries asked for per request (default: ${DEFAULT-VALUE}).")
    int batch;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        String key;
        try {
            key = Files.readString(keyFile, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new LiteMemException("cannot read the key file " + keyFile + ": " + e.getMessage());
        }
        if (key.isEmpty()) {
            throw new LiteMemException("the key file " + keyFile + " is empty: put the tenant's key in it");
        }
        URI server;
        try {
            server = URI.create(from);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--from is not a URL: " + e.getMessage());
        }
        if (server.getScheme() == null || !server.getScheme().matches("https?") || server.getHost() == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--from must be http://HOST:PORT or https://HOST:PORT");
        }
        PrintWriter out = spec.commandLine().getOut();
        LiteMemOptions options = LiteMemOptions.builder().durability(Durability.NORMAL).build();
        try (Replica replica = Replica.builder(db, server, tenant, key).options(options).batchLimit(batch)
                .follow(follow).open()) {
            ReplicaStatus status = follow ? replica.status() : replica.sync();
            out.printf("replica of %s at %s: %s, position %d of %d (incarnation %s)%n", tenant, from, db,
                    status.position(), status.primaryLatest(), status.incarnation());
            out.flush();
            if (!follow) {
                return Main.EXIT_OK;
            }
            CountDownLatch stopped = new CountDownLatch(1);
            CountDownLatch done = new CountDownLatch(1);
            Thread hook = new Thread(() -> {
                stopped.countDown();
                try {
                    done.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "litemem-replica-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                stopped.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                replica.close(); // checkpoints the local index before the JVM exits
                done.countDown();
            }
            return Main.EXIT_OK;
        }
    }
}
